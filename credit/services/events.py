"""The credit audit trail: every service writes its event in the same transaction as its change."""

from django.utils import timezone

from credit.models import CreditEvent


def credit_event_write(
    *,
    action: str,
    actor=None,
    subject=None,
    record=None,
    repair=None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict | None = None,
    at=None,
) -> CreditEvent:
    """Append one event; ``actor`` None means the system (a rule or another app's service)."""
    if subject is None and record is not None:
        subject = record.subject
    return CreditEvent.objects.create(
        at=at or timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        subject=subject,
        record=record,
        repair=repair,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
    )
