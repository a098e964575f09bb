"""The one service that changes a complaint's status (ARCHITECTURE.md §4).

``complaint_transition`` locks the row, looks the action up in ``grievance.workflow`` (deny by
default), checks the actor's role and the guards, applies the action's effect, writes the status and
one ``ComplaintEvent`` in the same transaction, and queues side effects (notifications, follow-up
tasks, statistics) with ``transaction.on_commit``.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from common.queue import enqueue
from grievance.models.complaints import Complaint, ComplaintEvent, Status
from grievance.selectors.access import complaint_actor_roles, complaint_actor_units
from grievance.services import effects, guards
from grievance.services.deadlines import complaint_next_check_at
from grievance.services.transition_params import prepare
from grievance.workflow import ACTIONS, TABLE, transition_for

NOTE_KEYS = ("note", "reason", "result", "answer", "reply")


def _status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


def complaint_transition(
    *,
    complaint_id: int,
    action: str,
    actor=None,
    params: dict | None = None,
    now: datetime | None = None,
) -> Complaint:
    """Apply ``action`` to the complaint as ``actor`` (None = the system). Raises ApplicationError
    subclasses: 400 unknown action/bad params, 403 actor may not, 404 no such complaint, 409 state."""
    if action not in ACTIONS:
        raise ApplicationError(_("未知的操作"), errors={"action": [_("可用操作：%s") % ", ".join(ACTIONS)]})
    with transaction.atomic():
        complaint = (
            Complaint.objects.select_for_update(of=("self",))
            .select_related("matter_rule", "lead_unit", "lead_unit__parent")
            .filter(pk=complaint_id)
            .first()
        )
        if complaint is None:
            raise NotFoundError(_("诉求不存在"))
        now = now or timezone.now()
        roles = complaint_actor_roles(complaint=complaint, user=actor)
        if not any(roles.intersection(t.roles) for t in TABLE[action].values()):
            raise PermissionDeniedError(_("您无权对该诉求执行此操作"))
        transition = transition_for(action, complaint.status)
        if transition is None:
            raise ConflictError(
                _("诉求当前状态为「%(status)s」，不能执行「%(action)s」")
                % {"status": _status_label(complaint.status), "action": action}
            )
        if not roles.intersection(transition.roles):
            raise PermissionDeniedError(_("您无权对该诉求执行此操作"))
        params = dict(params or {})
        missing = [key for key in transition.required if params.get(key) in (None, "", [])]
        if missing:
            raise ApplicationError(_("缺少必填参数"), errors={key: [_("必填")] for key in missing})
        params = prepare(action, complaint, params)
        params["_actor"] = actor
        params["_actor_units"] = complaint_actor_units(complaint=complaint, user=actor)
        for guard_name in transition.guards:
            reason = guards.GUARDS[guard_name](complaint, params, now)
            if reason:
                raise ConflictError(reason)

        from_status = complaint.status
        to_status = transition.target_for(params, from_status)
        payload = effects.EFFECTS[action](complaint, params, now)
        complaint.status = to_status
        complaint.next_check_at = complaint_next_check_at(complaint=complaint)
        complaint.save()
        note = next((str(params[k]) for k in NOTE_KEYS if params.get(k)), "")
        event = ComplaintEvent.objects.create(
            complaint=complaint,
            at=now,
            actor=actor,
            actor_unit=params["_actor_units"][0] if params["_actor_units"] else None,
            action=action,
            from_status=from_status,
            to_status=to_status,
            note=note,
            payload={k: v for k, v in (payload or {}).items() if v is not None},
            public=action not in {"psych_refer", "co_reply"},
        )
        transaction.on_commit(lambda: _after_commit(event.pk, transition.notifies))
    return complaint


def _after_commit(event_id: int, notifies: bool) -> None:
    from grievance.tasks import complaint_event_committed

    enqueue(complaint_event_committed, event_id, notifies)
