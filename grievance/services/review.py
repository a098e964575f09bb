"""Follow-up review after a result (ARCHITECTURE.md §6): verification, then the return visit.

This module only routes work to people (notifications plus the queues of
``grievance.selectors.review``); the decisions themselves are the workflow's ``verify`` and
``return_visit`` actions.

- After ``submit_result``: a location-bound complaint (one with a grid cell that has workers) is
  verified on site by the grid's workers; any other by the command centre.
- After a passed ``verify``: the return visit (回访) is queued for the centre's operators.

Both are idempotent: their notifications are keyed by the triggering event.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from grievance.models.complaints import Complaint, ComplaintEvent, Status
from grievance.selectors.notifications import centre_users, grid_worker_users
from grievance.services.notifications import notification_create

VERIFIER_GRID = "grid_worker"
VERIFIER_CENTRE = "centre"


def _trigger_event(complaint: Complaint, event_id: int | None, action: str) -> ComplaintEvent | None:
    events = ComplaintEvent.objects.filter(complaint=complaint, action=action)
    if event_id is not None:
        return events.filter(pk=event_id).first()
    return events.order_by("-at", "-pk").first()


@transaction.atomic
def complaint_schedule_review(*, complaint_id: int, event_id: int | None = None) -> str | None:
    """Ask for verification of a handled complaint. Returns who verifies (``"grid_worker"`` or
    ``"centre"``), or None when the complaint is no longer waiting for verification."""
    complaint = Complaint.objects.select_related("grid", "lead_unit").filter(pk=complaint_id).first()
    if complaint is None or complaint.status != Status.HANDLED:
        return None
    event = _trigger_event(complaint, event_id, "submit_result")
    workers = grid_worker_users(grid_id=complaint.grid_id)
    verifier = VERIFIER_GRID if workers else VERIFIER_CENTRE
    notification_create(
        recipients=workers or centre_users(),
        complaint=complaint,
        event=event,
        template="verify_task" if workers else "verify_task_centre",
        context={"unit": complaint.lead_unit, "verifier": verifier, "grid": complaint.grid},
    )
    return verifier


@transaction.atomic
def complaint_schedule_return_visit(*, complaint_id: int, event_id: int | None = None) -> bool:
    """Queue the return visit of a verified complaint for the centre (operators and dispatchers).
    False when the complaint is no longer waiting for one."""
    complaint = Complaint.objects.select_related("lead_unit").filter(pk=complaint_id).first()
    if complaint is None or complaint.status != Status.REVIEWING:
        return False
    notification_create(
        recipients=centre_users(include_operators=True),
        complaint=complaint,
        event=_trigger_event(complaint, event_id, "verify"),
        template="return_visit_due",
        context={"unit": complaint.lead_unit, "hint": _("请电话、短信或网上回访，记录是否解决及满意度")},
    )
    return True
