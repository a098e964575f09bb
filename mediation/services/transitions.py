"""The one service that applies the case workflow — and the only place a case's status changes.

``mediation_case_transition`` locks the case row, checks the actor's roles (403) and the state (409)
against ``mediation.workflow`` (deny by default), parses the parameters (400), runs the guards (409),
applies the action's effect, writes the status and one ``CaseEvent`` in the same transaction. When a
case that came from a complaint ends, the outcome goes back to the complaint in the same transaction
(``complaint_link``); rendering the agreement's PDF is queued on commit.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from common.queue import enqueue
from mediation.models import ENDED_STATUSES, CaseEvent, CaseStatus, MediationCase
from mediation.selectors.access import case_actor_roles
from mediation.services import effects, effects_agreement, guards
from mediation.services.complaint_link import complaint_outcome_report
from mediation.services.params import prepare
from mediation.workflow import ACTIONS, TABLE, transition_for

EFFECTS = {**effects.EFFECTS, **effects_agreement.EFFECTS}
NOTE_KEYS = ("note", "reason", "minutes")


def _status_label(status: str) -> str:
    return str(CaseStatus(status).label) if status in CaseStatus.values else status


def mediation_case_transition(
    *,
    case_id: int,
    action: str,
    actor=None,
    params: dict | None = None,
    now: datetime | None = None,
) -> MediationCase:
    """Apply ``action`` to the case as ``actor`` (None = the system). Raises ApplicationError subclasses:
    400 unknown action or bad parameters, 403 the actor may not, 404 no such case, 409 the state."""
    if action not in ACTIONS:
        raise ApplicationError(_("未知的操作"), errors={"action": [_("可用操作：%s") % ", ".join(ACTIONS)]})
    if params is not None and not isinstance(params, dict):
        raise ApplicationError(_("参数有误"), errors={"non_field_errors": [_("应为 JSON 对象")]})
    with transaction.atomic():
        case = (
            MediationCase.objects.select_for_update(of=("self",))
            .select_related("organisation", "organisation__unit")
            .filter(pk=case_id)
            .first()
        )
        if case is None:
            raise NotFoundError(_("调解案件不存在"))
        now = now or timezone.now()
        roles = case_actor_roles(case=case, user=actor)
        if not any(roles.intersection(t.roles) for t in TABLE[action].values()):
            raise PermissionDeniedError(_("您无权对该调解案件执行此操作"))
        entry = transition_for(action, case.status)
        if entry is None:
            raise ConflictError(
                _("案件当前状态为「%(status)s」，不能执行「%(action)s」")
                % {"status": _status_label(case.status), "action": action}
            )
        if not roles.intersection(entry.roles):
            raise PermissionDeniedError(_("您无权对该调解案件执行此操作"))
        params = dict(params or {})
        missing = [key for key in entry.required if params.get(key) in (None, "", [])]
        if missing:
            raise ApplicationError(_("缺少必填参数"), errors={key: [_("必填")] for key in missing})
        params = prepare(action, case, params)
        params["_actor"] = actor
        for guard_name in entry.guards:
            reason = guards.GUARDS[guard_name](case, params, now)
            if reason:
                raise ConflictError(reason)

        from_status = case.status
        to_status = entry.target_for(from_status)
        payload = EFFECTS[action](case, params, now) or {}
        case.status = to_status
        case.save()
        note = next((str(params[k]) for k in NOTE_KEYS if params.get(k)), "")
        CaseEvent.objects.create(
            case=case,
            at=now,
            actor=actor if getattr(actor, "pk", None) else None,
            action=action,
            from_status=from_status,
            to_status=to_status,
            note=note[:2000],
            payload={k: v for k, v in payload.items() if v is not None},
        )
        if case.complaint_id and to_status != from_status and to_status in ENDED_STATUSES:
            complaint_outcome_report(case=case, now=now)
        if action == "agree":
            agreement_id = case.agreement.pk
            transaction.on_commit(lambda: _queue_pdf(agreement_id))
    return case


def _queue_pdf(agreement_id: int) -> None:
    from mediation.tasks import agreement_pdf_render

    enqueue(agreement_pdf_render, agreement_id)
