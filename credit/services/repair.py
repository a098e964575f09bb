"""Credit repair: the one service that applies the table of credit.workflow, with its audit trail."""

from collections.abc import Mapping
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from credit.models import CreditRecord, RepairApplication, WithdrawalReason
from credit.rules import KIND_RULES, rule_version_get
from credit.selectors.access import credit_actor
from credit.selectors.repair import repair_roles
from credit.services.events import credit_event_write
from credit.services.standing import subject_standing_refresh
from credit.workflow import (
    NEW,
    OPEN_STATUSES,
    REPAIR_TRANSITIONS,
    RepairFacts,
    RepairTransition,
    repair_conditions_check,
    repair_transition_find,
)


def record_repairable(record: CreditRecord) -> bool:
    """By the rule version stored on the record and its kind (not by today's rules)."""
    window = rule_version_get(record.rule_version).windows[record.severity]
    return window.repairable and KIND_RULES[record.kind].repairable


def _authorised(*, action: str, status: str, roles: frozenset[str]) -> RepairTransition:
    """The transition, or 400 (unknown action), 403 (no role for it anywhere), 409 (not from here)."""
    candidates = [t for t in REPAIR_TRANSITIONS if t.action == action]
    if not candidates:
        raise ApplicationError(_("未知操作"), errors={"action": [_("未知操作：%(a)s") % {"a": action}]})
    if not any(roles & set(t.roles) for t in candidates):
        raise PermissionDeniedError(_("无权执行该操作"))
    transition = repair_transition_find(status=status, action=action)
    if transition is None:
        raise ConflictError(_("当前状态不能执行该操作"))
    if not roles & set(transition.roles):
        raise PermissionDeniedError(_("无权执行该操作"))
    return transition


def _required_check(transition: RepairTransition, params: Mapping) -> None:
    missing = {name: [_("必填")] for name in transition.required if not str(params.get(name) or "").strip()}
    if missing:
        raise ApplicationError(_("缺少必要参数"), errors=missing)


@transaction.atomic
def repair_apply(
    *,
    record: CreditRecord,
    actor,
    duties_fulfilled: bool,
    duties_evidence: str,
    commitment_text: str,
    applicant_name: str = "",
    now: datetime | None = None,
) -> RepairApplication:
    """Apply for repair of ``record``; every condition of credit.workflow is checked (409 if unmet).

    ``errors["conditions"]`` lists the unmet conditions; the stored application keeps all of them.
    """
    now = now or timezone.now()
    record = CreditRecord.objects.select_for_update().select_related("subject").get(pk=record.pk)
    roles = repair_roles(actor=credit_actor(actor), record=record)
    transition = _authorised(action="apply", status=NEW, roles=roles)
    params = {"duties_evidence": duties_evidence, "commitment_text": commitment_text}
    _required_check(transition, params)
    facts = RepairFacts(
        today=timezone.localdate(now),
        repairable=record_repairable(record),
        min_until=record.publication_min_until,
        public_now=record.is_public(now),
        duties_fulfilled=bool(duties_fulfilled),
        commitment_text=commitment_text or "",
        open_application=record.repairs.filter(status__in=OPEN_STATUSES).exists(),
    )
    conditions = repair_conditions_check(facts)
    unmet = [c["label"] for c in conditions if not c["met"]]
    if unmet:
        raise ConflictError(_("不符合信用修复条件"), errors={"conditions": unmet})
    repair = RepairApplication.objects.create(
        record=record,
        status=transition.target,
        applicant=actor,
        applicant_name=(applicant_name or "").strip()[:128] or record.subject.name[:128],
        duties_fulfilled=True,
        duties_evidence=duties_evidence.strip(),
        commitment_text=commitment_text.strip(),
        conditions=conditions,
    )
    credit_event_write(
        action="repair_apply",
        actor=actor,
        record=record,
        repair=repair,
        at=now,
        from_status=NEW,
        to_status=repair.status,
        data={"conditions": conditions},
    )
    return repair


@transaction.atomic
def repair_transition(
    *,
    repair: RepairApplication,
    action: str,
    actor,
    params: Mapping | None = None,
    now: datetime | None = None,
) -> RepairApplication:
    """Move an application by the table: accept, approve (record off public view), reject, cancel."""
    now = now or timezone.now()
    params = params or {}
    repair = RepairApplication.objects.select_for_update().select_related("record__subject").get(pk=repair.pk)
    record = repair.record
    roles = repair_roles(actor=credit_actor(actor), record=record)
    transition = _authorised(action=str(action or ""), status=repair.status, roles=roles)
    _required_check(transition, params)
    note = str(params.get("note") or "").strip()
    before = repair.status
    repair.status = transition.target
    if transition.action in ("approve", "reject"):
        repair.decided_by, repair.decided_at, repair.decision_note = actor, now, note
    repair.save()
    credit_event_write(
        action=f"repair_{transition.action}",
        actor=actor,
        record=record,
        repair=repair,
        at=now,
        from_status=before,
        to_status=repair.status,
        note=note,
    )
    if transition.withdraws_record:
        _record_withdraw_repaired(record=record, repair=repair, actor=actor, now=now)
    return repair


def _record_withdraw_repaired(
    *, record: CreditRecord, repair: RepairApplication, actor, now: datetime
) -> None:
    """Off public view from now on; the record itself stays (internal view, grading history)."""
    record = CreditRecord.objects.select_for_update().get(pk=record.pk)
    if record.withdrawn_at is None:
        record.withdrawn_at = now
        record.withdrawal_reason = WithdrawalReason.REPAIRED
        record.save(update_fields=["withdrawn_at", "withdrawal_reason", "updated_at"])
        credit_event_write(
            action="record_withdraw",
            actor=actor,
            record=record,
            repair=repair,
            at=now,
            note=_("信用修复，停止公示"),
        )
    subject_standing_refresh(subject=record.subject, at=now)
