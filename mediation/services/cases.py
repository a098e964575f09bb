"""Registering a case (申请登记): a party's written or oral application, the committee's own initiative,
or a referral — recorded by a mediator of the organisation. Conversion from a complaint is in
``mediation.services.complaint_link``; both store the case through ``case_create``.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError, PermissionDeniedError
from mediation.models import (
    CaseEvent,
    CaseSource,
    CaseStatus,
    DisputeType,
    MediationCase,
    MediationOrganisation,
)
from mediation.selectors.access import mediator_memberships
from mediation.services import parsing
from mediation.services.deadlines import case_deadline_set
from mediation.services.numbers import case_number_next
from mediation.services.parties import parties_clean, parties_store

# An application recorded late (e.g. an oral one written up afterwards) may be dated this far back.
APPLIED_AT_MAX_DAYS = 30


def organisation_for_code(code, *, field: str = "organisation") -> MediationOrganisation:
    if isinstance(code, MediationOrganisation):
        return code
    organisation = MediationOrganisation.objects.filter(code=str(code or "").strip(), is_active=True).first()
    if organisation is None:
        parsing.bad(field, _("调解组织不存在或已停用"))
    return organisation


def case_fields_clean(data: dict, *, now: datetime, sources=None) -> dict:
    """The case's own fields from client data (400 naming every wrong field)."""
    errors: dict[str, list[str]] = {}
    clean: dict = {}

    def run(field, parse):
        try:
            clean[field] = parse()
        except ApplicationError as exc:
            errors.update(exc.errors)

    run("dispute_type", lambda: parsing.choice(data.get("dispute_type"), "dispute_type", DisputeType))
    run("source", lambda: parsing.choice(data.get("source"), "source", CaseSource))
    run("summary", lambda: parsing.text(data.get("summary"), "summary", required=True))
    run("claims", lambda: parsing.text(data.get("claims"), "claims"))
    run("amount", lambda: parsing.amount(data.get("amount"), "amount"))
    run("wage_arrears", lambda: parsing.boolean(data.get("wage_arrears"), "wage_arrears", default=False))
    run(
        "source_reference",
        lambda: parsing.text(data.get("source_reference"), "source_reference", max_length=128),
    )
    run(
        "oral_application_record",
        lambda: parsing.text(data.get("oral_application_record"), "oral_application_record"),
    )
    run("applied_at", lambda: parsing.moment(data.get("applied_at"), "applied_at", required=False) or now)
    if errors:
        raise ApplicationError(_("案件信息有误"), errors=errors)
    if sources is not None and clean["source"] not in sources:
        errors["source"] = [_("该途径不能在此登记")]
    if clean["source"] == CaseSource.APPLICATION_ORAL and not clean["oral_application_record"]:
        errors["oral_application_record"] = [_("口头申请应当场记录申请人基本情况、申请事项和理由")]
    if clean["wage_arrears"] and clean["dispute_type"] != DisputeType.LABOUR:
        errors["wage_arrears"] = [_("只有劳动争议涉及拖欠劳动报酬")]
    if clean["applied_at"] > now + timedelta(minutes=5):
        errors["applied_at"] = [_("申请时间不能晚于现在")]
    elif clean["applied_at"] < now - timedelta(days=APPLIED_AT_MAX_DAYS):
        errors["applied_at"] = [_("申请时间不能早于%(n)d天前") % {"n": APPLIED_AT_MAX_DAYS}]
    if errors:
        raise ApplicationError(_("案件信息有误"), errors=errors)
    return clean


def application_clean(data: dict, *, parties, now: datetime, sources=None) -> tuple[dict, list[dict]]:
    """The case fields and the parties, validated together: one 400 names every wrong field."""
    errors: dict[str, list[str]] = {}
    fields = None
    try:
        fields = case_fields_clean(data, now=now, sources=sources)
    except ApplicationError as exc:
        errors.update(exc.errors)
    dispute_type = fields["dispute_type"] if fields else str(data.get("dispute_type") or "")
    try:
        cleaned = parties_clean(parties, dispute_type=dispute_type)
    except ApplicationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ApplicationError(_("申请信息有误"), errors=errors)
    return fields, cleaned


def case_create(
    *,
    organisation: MediationOrganisation,
    fields: dict,
    parties: list[dict],
    actor,
    complaint=None,
    now: datetime,
) -> MediationCase:
    """Store a validated case in ``applied`` with its number, time limit, parties and first event.
    Runs in the caller's transaction."""
    year = timezone.localtime(fields["applied_at"]).year
    sequence, number = case_number_next(year=year, kind=organisation.kind)
    case = MediationCase(
        number=number,
        year=year,
        sequence=sequence,
        organisation=organisation,
        complaint=complaint,
        created_by=actor if getattr(actor, "pk", None) else None,
        **fields,
    )
    case_deadline_set(case=case)
    case.save()
    parties_store(case=case, parties=parties)
    CaseEvent.objects.create(
        case=case,
        at=now,
        actor=case.created_by,
        action="apply",
        from_status="",
        to_status=CaseStatus.APPLIED,
        note=_("登记调解申请：%(source)s") % {"source": case.get_source_display()},
        payload={
            "number": number,
            "organisation": organisation.code,
            "source": case.source,
            "due_at": case.due_at.isoformat(),
            **({"complaint": complaint.tracking_code} if complaint is not None else {}),
        },
    )
    return case


@transaction.atomic
def mediation_case_apply(*, actor, data: dict, now: datetime | None = None) -> MediationCase:
    """Register an application (or initiative, or referral) at ``data["organisation"]``.

    ``actor`` must be a mediator of that organisation (None = the system, e.g. demo data). ``data``:
    organisation (code), dispute_type, source (not ``complaint``), summary, claims, amount,
    wage_arrears, source_reference, oral_application_record (required for an oral application),
    applied_at (default now; at most 30 days back), parties (≥ 1 applicant and ≥ 1 respondent).
    """
    if not isinstance(data, dict):
        raise ApplicationError(_("参数有误"), errors={"non_field_errors": [_("应为 JSON 对象")]})
    now = now or timezone.now()
    organisation = organisation_for_code(data.get("organisation"))
    if actor is not None and organisation.pk not in {m.organisation_id for m in mediator_memberships(actor)}:
        raise PermissionDeniedError(_("只有本调解组织的调解员可以登记案件"))
    direct_sources = [s for s in CaseSource.values if s != CaseSource.COMPLAINT]
    fields, parties = application_clean(data, parties=data.get("parties"), now=now, sources=direct_sources)
    return case_create(organisation=organisation, fields=fields, parties=parties, actor=actor, now=now)
