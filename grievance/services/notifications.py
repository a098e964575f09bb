"""Writes of notifications: create (in the caller's transaction), send (once), mark read.

Invariants:
- One row per (event, recipient, channel): ``idempotency_key`` is unique and rows are inserted with
  ON CONFLICT DO NOTHING, so a replayed task creates nothing and queues no second send (a send queued
  twice by a race is harmless: see the next point).
- A row is sent at most once: ``notification_send`` holds its row lock while the backend delivers,
  and only a ``pending`` row is delivered.
- Sending happens after commit (``transaction.on_commit``): a rolled-back event notifies no one.
"""

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.exceptions import NotFoundError
from common.queue import enqueue
from grievance.models.complaints import Complaint, ComplaintEvent
from grievance.models.notifications import Notification, NotificationChannel, NotificationStatus
from grievance.notification_backends import (
    NotificationPermanentError,
    NotificationTransientError,
    backend_for,
)

logger = logging.getLogger(__name__)

TEMPLATE_DIR = "grievance/notifications"
DEFAULT_MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Recipient:
    """An addressee with explicit channels. A bare ``User`` passed to ``notification_create`` gets
    in-app, plus e-mail for the kinds in ``GRIEVANCE["EMAIL_NOTIFICATION_KINDS"]`` when it has one."""

    user: User | None = None
    phone: str = ""
    email: str = ""
    channels: tuple[str, ...] = field(default=(NotificationChannel.IN_APP,))


def notification_render(*, template: str, context: dict) -> tuple[str, str]:
    """``(title, body)`` from ``templates/grievance/notifications/<template>.txt``: the first
    non-empty line is the title, the rest the body."""
    text = render_to_string(f"{TEMPLATE_DIR}/{template}.txt", context).strip()
    title, _sep, body = text.partition("\n")
    return title.strip()[:200], "\n".join(line.rstrip() for line in body.strip().splitlines())


def _channels_for(recipient: Recipient | User, template: str) -> list[tuple[str, User | None, str]]:
    """(channel, user, address) triples the recipient is reached on."""
    if isinstance(recipient, User):
        wanted = [NotificationChannel.IN_APP]
        if recipient.email and template in settings.GRIEVANCE.get("EMAIL_NOTIFICATION_KINDS", ()):
            wanted.append(NotificationChannel.EMAIL)
        recipient = Recipient(user=recipient, channels=tuple(wanted))
    user = recipient.user
    result = []
    for channel in recipient.channels:
        if channel == NotificationChannel.IN_APP:
            if user is not None:
                result.append((channel, user, ""))
        elif channel == NotificationChannel.SMS:
            phone = recipient.phone or (user.phone if user else "")
            if phone:
                result.append((channel, user, phone))
        elif channel == NotificationChannel.EMAIL:
            email = recipient.email or (user.email if user else "")
            if email:
                result.append((channel, user, email))
    return result


def notification_key(*, scope: str, user: User | None, address: str, channel: str) -> str:
    """The idempotency key: ``<scope>:<recipient>:<channel>``; a phone-only recipient is hashed, so
    the key never shows the number."""
    who = f"u{user.pk}" if user is not None else "a" + hashlib.sha256(address.encode()).hexdigest()[:24]
    return f"{scope}:{who}:{channel}"[:128]


@transaction.atomic
def notification_create(
    *,
    recipients: Iterable[Recipient | User],
    complaint: Complaint | None,
    event: ComplaintEvent | None,
    template: str,
    context: dict | None = None,
    now: datetime | None = None,
) -> list[Notification]:
    """Store one notification per (event, recipient, channel) in the caller's transaction and queue
    the sends on commit. In-app rows are delivered by being stored. Returns the rows (new or already
    there). Without an event the scope is ``<template>:<complaint>``, also replay-safe."""
    now = now or timezone.now()
    title, body = notification_render(
        template=template, context={"complaint": complaint, "event": event, **(context or {})}
    )
    scope = f"e{event.pk}" if event is not None else f"{template}:c{complaint.pk if complaint else 0}"
    rows: dict[str, Notification] = {}
    for recipient in recipients:
        for channel, user, address in _channels_for(recipient, template):
            key = notification_key(scope=scope, user=user, address=address, channel=channel)
            in_app = channel == NotificationChannel.IN_APP
            rows.setdefault(
                key,
                Notification(
                    recipient=user,
                    address=address,
                    complaint=complaint,
                    event=event,
                    kind=template,
                    channel=channel,
                    title=title,
                    body=body,
                    status=NotificationStatus.SENT if in_app else NotificationStatus.PENDING,
                    sent_at=now if in_app else None,
                    idempotency_key=key,
                ),
            )
    if not rows:
        return []
    existing = set(
        Notification.objects.filter(idempotency_key__in=list(rows)).values_list("idempotency_key", flat=True)
    )
    Notification.objects.bulk_create(
        [n for key, n in rows.items() if key not in existing], ignore_conflicts=True
    )
    stored = list(Notification.objects.filter(idempotency_key__in=list(rows)).order_by("pk"))
    # Only rows new to this call are queued (a replay queues nothing); a lost queueing is the sweeper's.
    pending = [
        n.pk for n in stored if n.status == NotificationStatus.PENDING and n.idempotency_key not in existing
    ]
    if pending:
        transaction.on_commit(lambda: notifications_enqueue(notification_ids=pending))
    return stored


def notifications_enqueue(*, notification_ids: Iterable[int]) -> int:
    """Queue ``notification_send`` for each id; returns how many were queued (broker errors are logged,
    the stuck sweeper re-queues pending rows later)."""
    from grievance.tasks import notification_send

    return sum(1 for pk in notification_ids if enqueue(notification_send, pk))


def max_attempts() -> int:
    return int(settings.GRIEVANCE.get("NOTIFICATION_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def notification_send(*, notification_id: int, now: datetime | None = None) -> str:
    """Deliver a pending notification through its channel's backend; returns the resulting status.

    Idempotent: anything but a pending row is left alone. A transient failure is recorded and raised
    again (``NotificationTransientError``) so the task retries with backoff, until
    ``NOTIFICATION_MAX_ATTEMPTS`` marks the row failed; a permanent failure marks it failed at once."""
    now = now or timezone.now()
    transient: NotificationTransientError | None = None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True).filter(pk=notification_id).first()
        )
        if notification is None or notification.status != NotificationStatus.PENDING:
            # Gone, already delivered or failed, or being delivered by another worker right now.
            return notification.status if notification else ""
        notification.attempts += 1
        try:
            backend_for(notification.channel).send(notification)
        except NotificationPermanentError as exc:
            notification.status = NotificationStatus.FAILED
            notification.last_error = str(exc)[:500]
        except NotificationTransientError as exc:
            notification.last_error = str(exc)[:500]
            if notification.attempts >= max_attempts():
                notification.status = NotificationStatus.FAILED
            else:
                transient = exc
        else:
            notification.status = NotificationStatus.SENT
            notification.sent_at = now
            notification.last_error = ""
        notification.save(update_fields=["status", "sent_at", "attempts", "last_error"])
    if notification.status == NotificationStatus.FAILED:
        logger.warning("notification %s failed: %s", notification.pk, notification.last_error)
    if transient is not None:
        raise transient
    return notification.status


@transaction.atomic
def notification_mark_read(*, notification_id: int, user: User, now: datetime | None = None) -> Notification:
    """Mark the user's own in-app notification read (the first reading time is kept). Someone else's
    notification answers as if it did not exist."""
    notification = (
        Notification.objects.select_for_update()
        .filter(pk=notification_id, recipient=user, channel=NotificationChannel.IN_APP)
        .first()
    )
    if notification is None:
        raise NotFoundError(_("通知不存在"))
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
