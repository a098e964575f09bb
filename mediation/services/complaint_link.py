"""Complaints ↔ mediation (issue item 7).

``mediation_case_from_complaint``: a dispatcher or the complaint's lead unit turns a dispute into a
mediation case. In one transaction the case is registered (source ``complaint``) and the complaint is
moved to ``mediating`` through ``complaint_transition`` — which checks the actor's role (403) and the
complaint's state (409); either refusal leaves nothing behind.

``complaint_outcome_report``: when the case ends, the outcome goes back to the complaint as the system
(``mediation_result``): agreement reached and performance recorded, or the application withdrawn →
closed; refused or failed → back to handling. The event's note is public (the citizen's timeline):
case number and outcome only, no personal data.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError, ConflictError
from grievance.selectors.complaints import complaint_get_for_actor
from grievance.services.transition_params import mediation_ticket
from grievance.services.transitions import complaint_transition
from mediation.models import CaseSource, CaseStatus, MediationCase, PartyKind, PartyRole, PerformanceStatus
from mediation.services.cases import application_clean, case_create, organisation_for_code

logger = logging.getLogger(__name__)

OUTCOMES = {
    CaseStatus.CLOSED: "agreement",
    CaseStatus.WITHDRAWN: "withdrawn",
    CaseStatus.FAILED: "failed",
    CaseStatus.REFUSED: "refused",
}


def _parties_with_complainant(complaint, parties) -> list:
    """The complainant is the applicant unless the client named applicants itself."""
    parties = list(parties or [])
    if any(isinstance(p, dict) and p.get("role") == PartyRole.APPLICANT for p in parties):
        return parties
    if complaint.anonymous or not complaint.contact_name:
        return parties
    applicant = {
        "role": PartyRole.APPLICANT,
        "kind": PartyKind.PERSON,
        "name": complaint.contact_name,
        "phone": complaint.contact_phone,
        "address": complaint.address,
    }
    return [applicant, *parties]


@transaction.atomic
def mediation_case_from_complaint(
    *, complaint_id, actor, data: dict, now: datetime | None = None
) -> MediationCase:
    """Register a case from the complaint and move the complaint to ``mediating``.

    ``data``: organisation (code), dispute_type, summary (default: the complaint's description), claims,
    amount, wage_arrears, parties (the complainant is added as applicant unless anonymous or given;
    at least one respondent is needed), note.
    """
    if not isinstance(data, dict):
        raise ApplicationError(_("参数有误"), errors={"non_field_errors": [_("应为 JSON 对象")]})
    now = now or timezone.now()
    complaint = complaint_get_for_actor(user=actor, complaint_id=complaint_id)  # 404 when hidden
    organisation = organisation_for_code(data.get("organisation"))
    fields, parties = application_clean(
        {
            **data,
            "source": CaseSource.COMPLAINT,
            "source_reference": complaint.tracking_code,
            "summary": data.get("summary") or complaint.description,
            "applied_at": None,
        },
        parties=_parties_with_complainant(complaint, data.get("parties")),
        now=now,
    )
    case = case_create(
        organisation=organisation, fields=fields, parties=parties, actor=actor, complaint=complaint, now=now
    )
    note = _("已转人民调解：%(organisation)s，案号%(number)s") % {
        "organisation": organisation.name,
        "number": case.number,
    }
    if data.get("note"):
        note = f"{note}。{str(data['note']).strip()[:500]}"
    complaint_transition(
        complaint_id=complaint.pk,
        action="to_mediation",
        actor=actor,
        params={
            "mediation_ticket": mediation_ticket(complaint_id=complaint.pk, case_number=case.number),
            "note": note,
        },
        now=now,
    )
    return case


def _outcome_note(case: MediationCase, outcome: str) -> str:
    if outcome == "agreement":
        performance = case.agreement.get_performance_status_display()
        return _("调解达成协议（案号%(number)s），履行情况：%(performance)s") % {
            "number": case.number,
            "performance": performance,
        }
    if outcome == "withdrawn":
        return _("申请人撤回调解申请（案号%(number)s），诉求办结") % {"number": case.number}
    if outcome == "refused":
        return _("调解组织不予受理（案号%(number)s），诉求转回办理") % {"number": case.number}
    return _("调解终止（案号%(number)s），已告知当事人其他法定途径，诉求转回办理") % {"number": case.number}


def complaint_outcome_report(*, case: MediationCase, now: datetime) -> None:
    """Report the ended case to its complaint (in the caller's transaction)."""
    outcome = OUTCOMES[case.status]
    params = {"outcome": outcome, "case_number": case.number, "note": _outcome_note(case, outcome)}
    if outcome == "agreement":
        params["resolved"] = case.agreement.performance_status == PerformanceStatus.PERFORMED
    try:
        with transaction.atomic():  # a savepoint: a complaint that no longer waits must not undo the case
            complaint_transition(
                complaint_id=case.complaint_id, action="mediation_result", actor=None, params=params, now=now
            )
    except ConflictError as exc:
        logger.warning(
            "case %s ended but complaint %s does not wait for it: %s", case.pk, case.complaint_id, exc
        )
