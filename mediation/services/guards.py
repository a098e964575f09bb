"""Guards of the case workflow: each returns None when the action may go ahead, or a readable reason
(Chinese) why not (409). They read the case and the parsed parameters; they never write."""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from mediation.conf import mediation_setting
from mediation.models import (
    RUNNING_STATUSES,
    AgreementForm,
    CaseMediator,
    ConfirmationStatus,
    MediationCase,
    Party,
    PartyKind,
    PartyRole,
    PerformanceStatus,
    SessionStatus,
)
from mediation.selectors.access import organisation_ancestors
from mediation.selectors.mediators import mediator_caseload, mediator_limit


def _agreement(case: MediationCase):
    return getattr(case, "agreement", None)  # the reverse one-to-one raises AttributeError when missing


def _principal_parties(case: MediationCase) -> list[Party]:
    return list(case.parties.filter(representative_of__isnull=True).prefetch_related("representatives"))


def mediator_assignable(case: MediationCase, p: dict, now: datetime) -> str | None:
    mediator = p["_mediator"]
    allowed = {case.organisation_id, *organisation_ancestors(case.organisation)}
    if mediator.organisation_id not in allowed:
        return _("该调解员不属于本案调解组织或其上级指导组织")
    if CaseMediator.objects.filter(case=case, mediator__user=mediator.user, active=True).exists():
        return _("该调解员已在本案中")
    if CaseMediator.objects.filter(case=case, mediator=mediator, recused_at__isnull=False).exists():
        return _("该调解员已在本案回避，不能再次承办")
    today = timezone.localdate(now)
    if not mediator.available or (mediator.unavailable_until and mediator.unavailable_until >= today):
        return _("该调解员暂不接案")
    if mediator_caseload(mediator=mediator) >= mediator_limit(mediator=mediator):
        return _("该调解员在办案件已满（%(n)d件）") % {"n": mediator_limit(mediator=mediator)}
    return None


def mediator_on_case(case: MediationCase, p: dict, now: datetime) -> str | None:
    return None if p.get("_case_mediator") is not None else _("该调解员不在本案中")


def session_in_future(case: MediationCase, p: dict, now: datetime) -> str | None:
    return None if p["starts_at"] > now - timedelta(minutes=5) else _("调解会时间应晚于现在")


def session_recordable(case: MediationCase, p: dict, now: datetime) -> str | None:
    session = p.get("_session")
    if session is not None and session.status != SessionStatus.SCHEDULED:
        return _("该调解会已记录或已取消")
    return None


def both_sides_consent(case: MediationCase, p: dict, now: datetime) -> str | None:
    """Every applicant and respondent (a group through any of its representatives) has consented."""
    consented = {party.pk for party in p["_consents"]}
    missing = []
    for party in _principal_parties(case):
        if party.role not in (PartyRole.APPLICANT, PartyRole.RESPONDENT):
            continue
        representatives = {rep.pk for rep in party.representatives.all()}
        if party.pk not in consented and not representatives & consented:
            missing.append(party.get_role_display())
    if missing:
        return _("延长调解期限须经双方当事人同意，尚缺：%(who)s") % {"who": "、".join(dict.fromkeys(missing))}
    return None


def agreement_complete(case: MediationCase, p: dict, now: datetime) -> str | None:
    agreement = _agreement(case)
    if agreement is None:
        return _("请先拟定调解协议")
    if not (
        agreement.facts
        and agreement.terms
        and agreement.performance_method
        and agreement.performance_deadline
    ):
        return _("调解协议应载明纠纷事实、协议内容、履行方式和期限")
    if agreement.form == AgreementForm.ORAL:
        return None if agreement.oral_record else _("口头协议应记录协议内容")
    signed = {
        key: p.get(key) or getattr(agreement, key) for key in ("signed_by_parties", "signed_by_mediator")
    }
    if not all(signed.values()):
        return _("书面调解协议须经各方当事人和调解员签名")
    if not (p.get("sealed") or agreement.sealed):
        return _("书面调解协议须加盖调解组织印章")
    return None


def parties_identified(case: MediationCase, p: dict, now: datetime) -> str | None:
    parties = _principal_parties(case)
    roles = {party.role for party in parties}
    if not {PartyRole.APPLICANT, PartyRole.RESPONDENT} <= roles:
        return _("应至少有一名申请人和一名被申请人")
    for party in parties:
        if party.kind == PartyKind.PERSON and not party.id_number:
            return _("达成协议前应核实每位自然人当事人的身份证号")
        if party.kind == PartyKind.ENTERPRISE and not party.credit_code:
            return _("达成协议前应核实单位当事人的统一社会信用代码")
        if party.kind == PartyKind.GROUP and not party.representatives.exists():
            return _("劳动者群体应推举代表")
    return None


def confirmation_step_valid(case: MediationCase, p: dict, now: datetime) -> str | None:
    agreement = _agreement(case)
    step, current = p["confirmation"], agreement.confirmation_status if agreement else None
    if agreement is None or agreement.form != AgreementForm.WRITTEN:
        return _("只有书面调解协议可以申请司法确认")
    if step == ConfirmationStatus.APPLIED:
        if current != ConfirmationStatus.NONE:
            return _("已申请过司法确认")
        applied_at = p.get("at") or now
        if agreement.confirmation_deadline and applied_at > agreement.confirmation_deadline:
            return _("已超过协议生效后30日的司法确认申请期限")
        return None
    if current != ConfirmationStatus.APPLIED:
        return _("尚未申请司法确认，不能记录法院裁定")
    return None


def performance_recorded(case: MediationCase, p: dict, now: datetime) -> str | None:
    agreement = _agreement(case)
    if agreement is None or agreement.performance_status == PerformanceStatus.PENDING:
        return _("结案前应记录协议履行情况")
    return None


def warning_due(case: MediationCase, p: dict, now: datetime) -> str | None:
    days = int(mediation_setting("WARNING_DAYS"))
    if case.warned_at is not None:
        return _("已提醒")
    if not case.due_at - timedelta(days=days) <= now < case.due_at:
        return _("尚未到提醒时间")
    return None


def overdue_unnoted(case: MediationCase, p: dict, now: datetime) -> str | None:
    if case.overdue_noted_at is not None:
        return _("已记录期满")
    return None if case.status in RUNNING_STATUSES and now >= case.due_at else _("调解期限尚未届满")


def confirmation_reminder_due(case: MediationCase, p: dict, now: datetime) -> str | None:
    agreement = _agreement(case)
    if (
        agreement is None
        or agreement.form != AgreementForm.WRITTEN
        or agreement.confirmation_status != ConfirmationStatus.NONE
        or agreement.confirmation_reminded_at is not None
        or agreement.confirmation_deadline is None
    ):
        return _("无需提醒")
    days = int(mediation_setting("CONFIRMATION_REMINDER_DAYS"))
    deadline = agreement.confirmation_deadline
    return None if deadline - timedelta(days=days) <= now <= deadline else _("尚未到提醒时间")


def performance_reminder_due(case: MediationCase, p: dict, now: datetime) -> str | None:
    agreement = _agreement(case)
    if (
        agreement is None
        or agreement.performance_status != PerformanceStatus.PENDING
        or agreement.performance_reminded_at is not None
    ):
        return _("无需提醒")
    return None if timezone.localdate(now) > agreement.performance_deadline else _("履行期限尚未届满")


GUARDS = {
    name: fn
    for name, fn in globals().items()
    if callable(fn) and not name.startswith("_") and getattr(fn, "__module__", "") == __name__
}
