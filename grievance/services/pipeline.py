"""What follows a committed complaint event: notifications, review scheduling, the next deadline check.

``complaint_event_process`` runs in the ``complaint_event_committed`` task. It is idempotent: the
notifications are keyed by (event, recipient, channel), review scheduling notifies through the same
keys, and a duplicated deadline task finds nothing due.

Who hears of what (ARCHITECTURE.md §6, DOMAIN.md §2):
dispatch → lead and co units' handlers; return / extension request / failed return visit → centre;
extension decision, co-handler reply, failed verification, reopen, warning, rung 2, sign-off reminder
→ the lead unit's handlers; rung 3 → its leaders; rung 4 → leaders and centre; rung 5 → centre and
supervisors; closure (close, satisfied return visit, on-the-spot) → the complainant, supporters and
merged complainants (SMS when there is a phone); answer, merge, disposal → the complainant;
psychological referral → the psychological service centre; an unhappy citizen rating → centre.
"""

from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from grievance.models.attachments import ComplaintSupport
from grievance.models.complaints import ComplaintEvent, Status
from grievance.models.notifications import EventProcessed, NotificationChannel
from grievance.routing_model.services import routing_example_from_event
from grievance.selectors.notifications import (
    CitizenContact,
    centre_users,
    complaint_citizen_contacts,
    complaint_own_contact,
    supervisor_users,
    unit_handler_users,
    unit_leader_users,
    unit_member_users,
    units_by_code,
)
from grievance.services.deadlines import SIGN_OVERDUE_ACTION, SUPERVISION_LABELS
from grievance.services.notifications import Recipient, notification_create
from grievance.services.review import complaint_schedule_return_visit, complaint_schedule_review
from grievance.services.rollups import complaint_rollup_refresh
from grievance.services.supervision import complaint_deadline_task_schedule
from grievance.workflow import CLOCKED

OUTCOME_TEMPLATE = "outcome"
# (recipients, template) pairs an event produces.
Plan = list[tuple[list, str]]


def citizen_recipients(contacts: list[CitizenContact]) -> list[Recipient]:
    """In-app for complainants with an account, SMS for every one with a phone."""
    result = []
    for contact in contacts:
        channels = []
        if contact.user is not None:
            channels.append(NotificationChannel.IN_APP)
        if contact.phone:
            channels.append(NotificationChannel.SMS)
        result.append(Recipient(user=contact.user, phone=contact.phone, channels=tuple(channels)))
    return result


def _lead_handlers(event: ComplaintEvent) -> list:
    return unit_handler_users(units=[event.complaint.lead_unit])


def _own_citizen(event: ComplaintEvent) -> list[Recipient]:
    contact = complaint_own_contact(complaint=event.complaint)
    return citizen_recipients([contact] if contact else [])


def _outcome(event: ComplaintEvent) -> Plan:
    return [(citizen_recipients(complaint_citizen_contacts(complaint=event.complaint)), OUTCOME_TEMPLATE)]


def _supports_mark_informed(event: ComplaintEvent) -> None:
    """Supporters of the complaint and of its merged duplicates are told the outcome now."""
    complaint = event.complaint
    ComplaintSupport.objects.filter(
        Q(complaint=complaint) | Q(complaint__merged_into=complaint), informed_at__isnull=True
    ).update(informed_at=event.at)


def _dispatch(event: ComplaintEvent) -> Plan:
    codes = [event.payload.get("unit"), *(event.payload.get("co_units") or [])]
    return [(unit_handler_users(units=units_by_code(codes=codes)), "dispatch")]


def _verify(event: ComplaintEvent) -> Plan:
    if event.payload.get("passed"):
        return []  # the return visit is queued by review scheduling
    return [(_lead_handlers(event), "verify_failed")]


def _return_visit(event: ComplaintEvent) -> Plan:
    if event.to_status == Status.CLOSED:
        return _outcome(event)
    return [(centre_users(), "visit_unsatisfied")]


def _escalate(event: ComplaintEvent) -> Plan:
    if event.payload.get("to_unit"):
        return [(unit_handler_users(units=units_by_code(codes=[event.payload["to_unit"]])), "escalate")]
    return [(centre_users(), "escalate_centre")]


def _supervise(event: ComplaintEvent) -> Plan:
    level = int(event.payload.get("level") or 0)
    lead = [event.complaint.lead_unit]
    if level <= 2:
        recipients = unit_handler_users(units=lead)
    elif level == 3:
        recipients = unit_leader_users(units=lead) or unit_handler_users(units=lead)
    elif level == 4:
        recipients = [*unit_leader_users(units=lead), *centre_users()]
    else:
        recipients = [*centre_users(), *supervisor_users()]
    return [(recipients, f"supervise_{min(max(level, 2), 5)}")]


def _psych_refer(event: ComplaintEvent) -> Plan:
    return [(unit_member_users(units=units_by_code(codes=[event.payload.get("unit")])), "psych_refer")]


RULES: dict[str, Callable[[ComplaintEvent], Plan]] = {
    "dispatch": _dispatch,
    # Mediation ended: the citizen hears the outcome when the complaint closes with it.
    "mediation_result": lambda e: _outcome(e) if e.to_status == Status.CLOSED else [],
    "return": lambda e: [(centre_users(), "return")],
    "request_extension": lambda e: [(centre_users(), "request_extension")],
    "approve_extension": lambda e: [(_lead_handlers(e), "extension_approved")],
    "reject_extension": lambda e: [(_lead_handlers(e), "extension_rejected")],
    "co_reply": lambda e: [(_lead_handlers(e), "co_reply")],
    "verify": _verify,
    "return_visit": _return_visit,
    "reopen": lambda e: [(_lead_handlers(e), "reopen")],
    "close": _outcome,
    "resolve_on_spot": _outcome,
    "answer": lambda e: [(_own_citizen(e), "answer")],
    "merge": lambda e: [(_own_citizen(e), "merged")],
    "dispose": lambda e: [(_own_citizen(e), "dispose")],
    "escalate": _escalate,
    "warn": lambda e: [(_lead_handlers(e), "warn")],
    "supervise": _supervise,
    SIGN_OVERDUE_ACTION: lambda e: [(_lead_handlers(e), "sign_overdue")],
    "psych_refer": _psych_refer,
    "rate": lambda e: [(centre_users(), "rating_unhappy")],
}


def _context(event: ComplaintEvent) -> dict:
    level = int(event.payload.get("level") or 0) if isinstance(event.payload, dict) else 0
    return {
        "unit": event.complaint.lead_unit,
        "level_label": SUPERVISION_LABELS.get(level, ""),
        "payload": event.payload,
    }


@transaction.atomic
def complaint_event_notify(*, event: ComplaintEvent) -> int:
    """Create the notifications of ``event`` (by its action's rule); returns how many rows exist for it."""
    rule = RULES.get(event.action)
    if rule is None:
        return 0
    count = 0
    for recipients, template in rule(event):
        if template == OUTCOME_TEMPLATE:
            _supports_mark_informed(event)
        if recipients:
            count += len(
                notification_create(
                    recipients=recipients,
                    complaint=event.complaint,
                    event=event,
                    template=template,
                    context=_context(event),
                )
            )
    return count


def complaint_event_process(*, event_id: int, notifies: bool = True) -> None:
    """Everything that follows the committed event ``event_id`` (see the module docstring)."""
    event = (
        ComplaintEvent.objects.select_related("complaint", "complaint__lead_unit", "complaint__citizen")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return
    if notifies:
        complaint_event_notify(event=event)
    if event.action == "submit_result":
        complaint_schedule_review(complaint_id=event.complaint_id, event_id=event.pk)
    elif event.action == "verify" and event.payload.get("passed"):
        complaint_schedule_return_visit(complaint_id=event.complaint_id, event_id=event.pk)
    if event.to_status in CLOCKED:
        complaint_deadline_task_schedule(complaint_id=event.complaint_id, now=timezone.now())
    complaint_rollup_refresh(complaint_id=event.complaint_id)  # dashboard rollups (state-based: idempotent)
    if event.action in ("dispatch", "return"):  # the dispatcher's choice as a routing example (idempotent)
        routing_example_from_event(event=event)
    # Last: a crash before this line leaves the event to the outbox sweeper (the steps above are idempotent).
    EventProcessed.objects.get_or_create(event_id=event.pk)
