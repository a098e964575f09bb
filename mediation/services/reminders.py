"""Reminders to mediators (in-app, on the workbench) and parties (SMS).

One row per (occasion, recipient, channel): ``Reminder.key`` is unique and rows are inserted with
ON CONFLICT DO NOTHING, so a replayed sweep reminds no one twice. SMS go through the logging gateway
(the number is logged masked); a deployment with an SMS gateway replaces ``sms_deliver``.
"""

import hashlib
import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from common.validators import mask_phone
from mediation.models import CaseMediator, MediationCase, Party, Reminder, ReminderChannel

logger = logging.getLogger(__name__)


def sms_deliver(*, phone: str, text: str) -> None:
    """The logging SMS gateway (no personal data in logs: the number is masked)."""
    logger.info("mediation sms to %s: %s", mask_phone(phone), text)


def case_mediator_users(*, case: MediationCase) -> list:
    links = CaseMediator.objects.filter(case=case, active=True).select_related("mediator__user")
    return list(dict.fromkeys(link.mediator.user for link in links))


def case_party_phones(*, case: MediationCase) -> list[str]:
    """Phones of the parties who act themselves (groups through their representatives)."""
    phones = (
        Party.objects.filter(case=case)
        .exclude(kind="group")
        .exclude(phone="")
        .values_list("phone", flat=True)
    )
    return list(dict.fromkeys(phones))


def reminders_create(
    *,
    case: MediationCase,
    kind: str,
    occasion: str,
    text: str,
    users=(),
    phones=(),
    now: datetime | None = None,
) -> int:
    """Store the reminders of one ``occasion`` (e.g. ``session:12``) and deliver the SMS after commit;
    returns how many rows are new."""
    now = now or timezone.now()
    rows = []
    for user in users:
        key = f"{case.pk}:{occasion}:u{user.pk}:in_app"
        rows.append(
            Reminder(
                case=case,
                kind=kind,
                channel=ReminderChannel.IN_APP,
                recipient=user,
                text=text[:500],
                key=key,
                created_at=now,
                sent_at=now,
            )
        )
    for phone in phones:
        digest = hashlib.sha256(phone.encode()).hexdigest()[:24]
        rows.append(
            Reminder(
                case=case,
                kind=kind,
                channel=ReminderChannel.SMS,
                phone=phone,
                text=text[:500],
                key=f"{case.pk}:{occasion}:p{digest}:sms"[:128],
                created_at=now,
            )
        )
    if not rows:
        return 0
    keys = [row.key for row in rows]
    existing = set(Reminder.objects.filter(key__in=keys).values_list("key", flat=True))
    new = [row for row in rows if row.key not in existing]
    Reminder.objects.bulk_create(new, ignore_conflicts=True)
    sms_keys = [row.key for row in new if row.channel == ReminderChannel.SMS]
    if sms_keys:
        transaction.on_commit(lambda: reminders_sms_send(keys=sms_keys))
    return len(new)


def reminders_sms_send(*, keys: list[str], now: datetime | None = None) -> int:
    """Deliver pending SMS reminders (each once: the row is locked and marked sent)."""
    sent = 0
    for key in keys:
        with transaction.atomic():
            row = Reminder.objects.select_for_update().filter(key=key, sent_at__isnull=True).first()
            if row is None:
                continue
            sms_deliver(phone=row.phone, text=row.text)
            row.sent_at = now or timezone.now()
            row.save(update_fields=["sent_at"])
            sent += 1
    return sent


@transaction.atomic
def reminder_mark_read(*, reminder_id: int, user, now: datetime | None = None) -> bool:
    """Mark the user's own in-app reminder read; False when it is not theirs."""
    updated = Reminder.objects.filter(pk=reminder_id, recipient=user, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
    return bool(updated)
