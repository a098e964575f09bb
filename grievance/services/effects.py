"""What each workflow action does to the complaint's fields, inside the transition's transaction.

Effects set fields and write related rows (assignments, permissions); they never set ``status`` (the
transition service does, from the table) and never talk to the outside world (side effects are queued
on commit by the transition service). Each returns extra payload for the event.
"""

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from grids.models import Unit, UnitKind
from grids.selectors.calendar import work_calendar_get
from grids.worktime import deadline_add
from grievance.models.complaints import Assignment, AssignmentRole, Complaint, ComplaintEvent
from grievance.services.deadlines import SUPERVISION_LABELS, complaint_clock_start, complaint_deadline_extend
from grievance.services.permissions import complaint_grant_unit, complaint_revoke_unit

# Reopened this many times → escalated to the top rung (提级办理).
REOPEN_ESCALATION = 2


def _deactivate_assignments(
    c: Complaint, *, roles=(AssignmentRole.LEAD, AssignmentRole.CO, AssignmentRole.COPY)
):
    for a in c.assignments.filter(active=True, role__in=roles).select_related("unit"):
        a.active = False
        a.save(update_fields=["active", "updated_at"])
        complaint_revoke_unit(complaint=c, unit=a.unit, role=a.role)


def _assign(c: Complaint, unit: Unit, role: str, due_at: datetime | None = None) -> None:
    Assignment.objects.create(complaint=c, unit=unit, role=role, due_at=due_at)
    complaint_grant_unit(complaint=c, unit=unit, role=role)


def _district_unit() -> Unit | None:
    return Unit.objects.filter(kind=UnitKind.DISTRICT, is_active=True).order_by("code").first()


def queue(c: Complaint, p: dict, now: datetime) -> dict:
    """Routing was unsure: the complaint waits in the centre's queue; nothing else changes."""
    return {}


def dispatch(c: Complaint, p: dict, now: datetime) -> dict:
    _deactivate_assignments(c)
    lead: Unit = p["_unit"]
    _assign(c, lead, AssignmentRole.LEAD)
    for unit in p["_co_units"]:
        _assign(c, unit, AssignmentRole.CO)
    copied = None
    if lead.kind in (UnitKind.STREET, UnitKind.STREET_OFFICE) and (district := _district_unit()):
        _assign(c, district, AssignmentRole.COPY)  # street-level dispatches are copied to the district
        copied = district.code
    c.lead_unit = lead
    c.dispatched_at = now
    c.signed_at = None
    complaint_clock_start(complaint=c, now=now)
    return {"unit": lead.code, "co_units": [u.code for u in p["_co_units"]], "copied_to": copied}


def sign(c: Complaint, p: dict, now: datetime) -> dict:
    c.signed_at = now
    return {}


def return_(c: Complaint, p: dict, now: datetime) -> dict:
    unit = c.lead_unit.code if c.lead_unit else None
    _deactivate_assignments(c)
    c.return_count += 1
    c.lead_unit = None
    c.sign_deadline = c.handle_deadline = None
    c.pending_extension_days = 0
    return {"unit": unit}


def request_extension(c: Complaint, p: dict, now: datetime) -> dict:
    c.pending_extension_days = p["days"]
    return {"days": p["days"]}


def approve_extension(c: Complaint, p: dict, now: datetime) -> dict:
    days = c.pending_extension_days
    old = c.handle_deadline
    complaint_deadline_extend(complaint=c, days=days)
    c.extension_days_total += days
    c.pending_extension_days = 0
    return {
        "days": days,
        "old_deadline": old.isoformat() if old else None,
        "new_deadline": c.handle_deadline.isoformat(),
    }


def reject_extension(c: Complaint, p: dict, now: datetime) -> dict:
    days, c.pending_extension_days = c.pending_extension_days, 0
    return {"days": days}


def co_reply(c: Complaint, p: dict, now: datetime) -> dict:
    units = p["_actor_units"]
    updated = c.assignments.filter(active=True, role=AssignmentRole.CO, unit__in=units).update(
        reply=p["reply"], replied_at=now, updated_at=now
    )
    return {"units": [u.code for u in units], "updated": updated}


def submit_result(c: Complaint, p: dict, now: datetime) -> dict:
    c.result = p["result"]
    c.handled_at = now
    return {}


def verify(c: Complaint, p: dict, now: datetime) -> dict:
    if not p["passed"]:
        c.handled_at = None
    return {"passed": p["passed"]}


def return_visit(c: Complaint, p: dict, now: datetime) -> dict:
    c.resolved = p["resolved"]
    c.satisfaction = p["satisfaction"]
    if p["_visit_ok"]:
        c.closed_at = now
    return {"resolved": p["resolved"], "satisfaction": p["satisfaction"]}


def reopen(c: Complaint, p: dict, now: datetime) -> dict:
    c.reopen_count += 1
    c.handled_at = c.closed_at = None
    c.resolved = None
    c.satisfaction = ""
    complaint_clock_start(complaint=c, now=now)  # a new limit for the rework
    c.signed_at = now  # the unit already holds it: no new sign-off
    if c.reopen_count >= REOPEN_ESCALATION:
        c.supervision_level = 5
        return {"reopen_count": c.reopen_count, "escalated": SUPERVISION_LABELS[5]}
    return {"reopen_count": c.reopen_count}


def close(c: Complaint, p: dict, now: datetime) -> dict:
    c.closed_at = now
    return {}


def answer(c: Complaint, p: dict, now: datetime) -> dict:
    c.answer = p["answer"]
    c.closed_at = now
    return {}


def merge(c: Complaint, p: dict, now: datetime) -> dict:
    target: Complaint = p["_into"]
    c.merged_into = target
    c.closed_at = now
    _deactivate_assignments(c)
    target.support_count += 1 + c.support_count
    target.save(update_fields=["support_count", "updated_at"])
    ComplaintEvent.objects.create(
        complaint=target,
        at=now,
        actor=p.get("_actor"),
        action="merged_in",
        from_status=target.status,
        to_status=target.status,
        note=f"并入诉求 {c.tracking_code}",
        payload={"merged": c.pk},
    )
    return {"into": target.pk, "into_tracking_code": target.tracking_code}


def dispose(c: Complaint, p: dict, now: datetime) -> dict:
    c.disposition = p["disposition"]
    c.closed_at = now
    return {"disposition": p["disposition"]}


def escalate(c: Complaint, p: dict, now: datetime) -> dict:
    old = c.lead_unit.code if c.lead_unit else None
    _deactivate_assignments(c)
    parent: Unit | None = p["_parent"]
    if parent is not None:
        _assign(c, parent, AssignmentRole.LEAD)
        c.lead_unit = parent
        c.dispatched_at = now
        c.signed_at = None
        complaint_clock_start(complaint=c, now=now)
    else:
        c.lead_unit = None
        c.sign_deadline = c.handle_deadline = None
    return {"from_unit": old, "to_unit": parent.code if parent else None}


def resolve_on_spot(c: Complaint, p: dict, now: datetime) -> dict:
    c.result = p["result"]
    c.handled_at = c.closed_at = now
    c.resolved = True
    return {"on_spot": True}


def withdraw(c: Complaint, p: dict, now: datetime) -> dict:
    c.disposition = "withdrawn"
    c.closed_at = now
    _deactivate_assignments(c)
    return {}


def warn(c: Complaint, p: dict, now: datetime) -> dict:
    c.warned_at = now
    c.supervision_level = max(c.supervision_level, 1)
    return {"level": c.supervision_level, "label": SUPERVISION_LABELS[1]}


def supervise(c: Complaint, p: dict, now: datetime) -> dict:
    level = int(p.get("level") or c.supervision_level + 1)
    c.supervision_level = max(c.supervision_level, min(level, 5))
    return {"level": c.supervision_level, "label": SUPERVISION_LABELS[c.supervision_level]}


def psych_refer(c: Complaint, p: dict, now: datetime) -> dict:
    c.psych_referral = True
    centre = Unit.objects.filter(kind=UnitKind.PSYCH_CENTRE, is_active=True).order_by("code").first()
    due = None
    if centre is not None and not c.assignments.filter(unit=centre, active=True).exists():
        # An urgent clock for the centre's first contact, in natural hours (crises do not wait for Monday).
        hours = settings.GRIEVANCE.get("PSYCH_REFERRAL_HOURS", 2)
        due = deadline_add(now, hours, "natural_hour", work_calendar_get(unit=centre)).at
        _assign(c, centre, AssignmentRole.CO, due_at=due)
    return {"unit": centre.code if centre else None, "due_at": due.isoformat() if due else None}


def to_mediation(c: Complaint, p: dict, now: datetime) -> dict:
    """The complaint waits for the mediation case: no clock runs, a pending extension request lapses;
    the units keep their assignments (the complaint may come back to them)."""
    c.suspended_at = now
    c.pending_extension_days = 0
    return {"case_number": p["_case_number"]}


def mediation_result(c: Complaint, p: dict, now: datetime) -> dict:
    """The case ended: closed with the outcome, or back to handling with a fresh clock."""
    c.suspended_at = None
    where = p["_mediation_to"]
    if where == "closed":
        c.closed_at = now
        c.result = p.get("note") or c.result
        # Resolved when an agreement was reached, unless the case says it was not performed.
        c.resolved = p["outcome"] == "agreement" and p.get("resolved") is not False
    elif where == "in_progress":
        complaint_clock_start(complaint=c, now=now)  # mediation failed: a new limit for handling
        c.signed_at = now  # the lead unit still holds it: no new sign-off
    else:
        _deactivate_assignments(c)
        c.lead_unit = None
        c.sign_deadline = c.handle_deadline = None
    return {"outcome": p["outcome"], "case_number": p.get("case_number"), "to": where}


EFFECTS = {
    name: fn for name, fn in globals().items() if callable(fn) and getattr(fn, "__module__", "") == __name__
}
EFFECTS["return"] = EFFECTS.pop("return_")
for _private in ("_deactivate_assignments", "_assign", "_district_unit"):
    EFFECTS.pop(_private, None)

__all__ = ["EFFECTS", "timezone"]
