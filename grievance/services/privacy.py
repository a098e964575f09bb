"""Privacy writes: "who looked" records, a citizen's data export, anonymisation after retention.

Invariants:
- Every interface that shows a full phone or ID number calls ``personal_data_read_record`` (or
  ``complaint_contact_read_record``) in the same request; the rows are append-only (PostgreSQL trigger).
- ``complaint_anonymise`` keeps what statistics need (matter, territory, units, times, status,
  satisfaction) and removes who the citizen is: contact name and phone, the citizen link, supporters'
  contacts, notification addresses, attachments (files and rows); phone and ID numbers and the
  contact's name are masked in the texts and in the event log. The event log is append-only, so its
  redaction runs in the one sanctioned mode the trigger knows (``SET LOCAL grievance.redaction =
  'on'``, changing only ``note`` and ``payload``) and is itself recorded as an ``anonymise`` event.
  Idempotent: a complaint with an ``anonymise`` event is never touched again.
- Only final complaints closed more than ``GRIEVANCE["RETENTION_DAYS"]`` days ago are anonymised.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError, ConflictError
from common.privacy import personal_data_mask
from common.validators import mask_name
from grievance.models import (
    TERMINAL_STATUSES,
    Attachment,
    Complaint,
    ComplaintEvent,
    ComplaintSupport,
    Notification,
    PersonalDataRead,
)
from grievance.selectors.privacy import citizen_data_collect

DEFAULT_RETENTION_DAYS = 1095
ANONYMISE_ACTION = "anonymise"
COMPLAINT_SUBJECT = "grievance.complaint"
VIAS = frozenset({"api", "web", "export", "admin", "command"})
# Coordinates keep three decimals (about 100 m): enough for the grid statistics, not a doorstep.
COORDINATE_DECIMALS = 3


def _person(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def personal_data_read_record(
    *,
    user,
    subject: str,
    subject_id,
    fields: list[str],
    via: str,
    complaint_id: int | None = None,
    path: str = "",
) -> PersonalDataRead:
    """Record that ``user`` (None: the system or a command) was shown ``fields`` of ``subject`` in full."""
    if via not in VIAS:
        raise ApplicationError(_("参数有误"), errors={"via": [_("未知的途径")]})
    if not fields:
        raise ApplicationError(_("参数有误"), errors={"fields": [_("至少一个字段")]})
    return PersonalDataRead.objects.create(
        at=timezone.now(),
        user=_person(user),
        subject=subject[:64],
        subject_id=str(subject_id)[:64],
        complaint_id=complaint_id,
        fields=list(fields),
        via=via,
        path=(path or "")[:255],
    )


def complaint_contact_read_record(
    *, user, complaint: Complaint, via: str, path: str = ""
) -> PersonalDataRead | None:
    """The "who looked" call of pages and APIs that show a complaint's contact unmasked: records the
    read when there is a contact to see (nothing is recorded for an empty contact)."""
    fields = [name for name in ("contact_name", "contact_phone") if getattr(complaint, name, "")]
    if not fields:
        return None
    return personal_data_read_record(
        user=user,
        subject=COMPLAINT_SUBJECT,
        subject_id=complaint.pk,
        fields=fields,
        via=via,
        complaint_id=complaint.pk,
        path=path,
    )


@transaction.atomic
def citizen_data_export(*, requested_by, citizen=None, phone: str = "", via: str = "export") -> dict:
    """Everything the platform holds about one citizen (``citizen_data_collect``), recording the read
    of each complaint's contact as done by ``requested_by``."""
    data = citizen_data_collect(citizen=citizen, phone=phone)
    for item in data["complaints"]:
        fields = [name for name in ("contact_name", "contact_phone") if item.get(name)]
        if fields:
            personal_data_read_record(
                user=requested_by,
                subject=COMPLAINT_SUBJECT,
                subject_id=item["id"],
                fields=fields,
                via=via,
                complaint_id=item["id"],
            )
    return data


def retention_days() -> int:
    return int(settings.GRIEVANCE.get("RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def _mask(text: str, names: list[str]) -> str:
    text = personal_data_mask(text or "")
    for name in names:
        if name and len(name) >= 2:
            text = text.replace(name, mask_name(name))
    return text


def _mask_payload(value, names: list[str]):
    if isinstance(value, str):
        return _mask(value, names)
    if isinstance(value, list):
        return [_mask_payload(item, names) for item in value]
    if isinstance(value, dict):
        return {key: _mask_payload(item, names) for key, item in value.items()}
    return value


def _redaction_mode(on: bool) -> None:
    """The trigger's sanctioned mode (PostgreSQL only; SQLite has no trigger). SET LOCAL would last to
    the end of the outermost transaction, so the caller switches it off again; on an error the
    rollback of the caller's atomic block (a savepoint at least) undoes the SET LOCAL itself."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL grievance.redaction = '{'on' if on else 'off'}'")


def _events_redact(complaint: Complaint, names: list[str]) -> int:
    """Mask the complaint's event notes and payload texts in the trigger's redaction mode."""
    changed = 0
    with transaction.atomic():
        _redaction_mode(True)
        for event in ComplaintEvent.objects.filter(complaint=complaint).order_by("id"):
            note, payload = _mask(event.note, names), _mask_payload(event.payload, names)
            if note != event.note or payload != event.payload:
                ComplaintEvent.objects.filter(pk=event.pk).update(note=note, payload=payload)
                changed += 1
        _redaction_mode(False)
    return changed


def _anonymised(qs):
    return qs.annotate(
        _anonymised=Exists(ComplaintEvent.objects.filter(complaint=OuterRef("pk"), action=ANONYMISE_ACTION))
    )


@transaction.atomic
def complaint_anonymise(*, complaint_id: int, now: datetime | None = None) -> bool:
    """Anonymise one final complaint (see the module docstring). Returns False when it already was;
    raises 409 for a complaint that is still open."""
    now = now or timezone.now()
    complaint = _anonymised(Complaint.objects.select_for_update(of=("self",))).get(pk=complaint_id)
    if complaint.status not in TERMINAL_STATUSES:
        raise ConflictError(_("诉求尚未办结，不能匿名化"))
    if complaint._anonymised:
        return False
    supports = list(ComplaintSupport.objects.filter(complaint=complaint))
    names = [complaint.contact_name, *(s.contact_name for s in supports)]
    names = sorted({n for n in names if n}, key=len, reverse=True)

    for field in ("title", "description", "result", "answer", "address"):
        setattr(complaint, field, _mask(getattr(complaint, field), names))
    complaint.contact_name = complaint.contact_phone = ""
    complaint.citizen = None
    if complaint.lat is not None and complaint.lng is not None:
        complaint.lat = round(complaint.lat, COORDINATE_DECIMALS)
        complaint.lng = round(complaint.lng, COORDINATE_DECIMALS)
    complaint.save(
        update_fields=[
            "title",
            "description",
            "result",
            "answer",
            "address",
            "contact_name",
            "contact_phone",
            "citizen",
            "lat",
            "lng",
            "updated_at",
        ]
    )
    ComplaintSupport.objects.filter(complaint=complaint).update(
        contact_name="", contact_phone="", supporter=None
    )
    for notification in Notification.objects.filter(complaint=complaint):
        Notification.objects.filter(pk=notification.pk).update(
            address="", title=_mask(notification.title, names), body=_mask(notification.body, names)
        )
    files = 0
    for attachment in Attachment.objects.filter(complaint=complaint):
        if attachment.file:  # the file goes only once the rows are gone for good
            storage, name = attachment.file.storage, attachment.file.name
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
        attachment.delete()  # photos show people and homes: files and rows go
        files += 1
    redacted = _events_redact(complaint, names)
    ComplaintEvent.objects.create(
        complaint=complaint,
        at=now,
        actor=None,
        action=ANONYMISE_ACTION,
        from_status=complaint.status,
        to_status=complaint.status,
        note=_("保存期满，个人信息已匿名化"),
        payload={"retention_days": retention_days(), "events_redacted": redacted, "files_deleted": files},
        public=False,
    )
    return True


def complaints_anonymise_expired(*, now: datetime | None = None, limit: int = 500) -> int:
    """Anonymise up to ``limit`` final complaints closed more than ``RETENTION_DAYS`` days before
    ``now`` (one transaction each). Returns how many were anonymised."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=retention_days())
    expired = Q(closed_at__lt=cutoff) | Q(closed_at__isnull=True, updated_at__lt=cutoff)
    ids = list(
        _anonymised(Complaint.objects.filter(expired, status__in=TERMINAL_STATUSES))
        .filter(_anonymised=False)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in ids if complaint_anonymise(complaint_id=pk, now=now))
