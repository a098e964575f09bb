"""Parameter parsing for case actions: client values in, typed values and ``_``-prefixed objects out.

Malformed parameters raise ApplicationError (400, field errors); rules that depend on the case's state
are guards (409). ``_``-prefixed keys are internal: any the caller sent are dropped first, so they cannot
be forged through the API.
"""

from django.utils.translation import gettext as _

from mediation.conf import mediation_setting
from mediation.models import (
    AgreementForm,
    AssignmentHow,
    CaseMediator,
    ConfirmationStatus,
    MediationCase,
    Mediator,
    Party,
    PerformanceStatus,
    Session,
    SessionStatus,
    VisitMethod,
)
from mediation.services import parsing
from mediation.services.parties import party_clean, party_update_clean

CONFIRMATION_STEPS = (ConfirmationStatus.APPLIED, ConfirmationStatus.CONFIRMED, ConfirmationStatus.REJECTED)
PERFORMANCE_RESULTS = (
    PerformanceStatus.PERFORMED,
    PerformanceStatus.PARTIAL,
    PerformanceStatus.NOT_PERFORMED,
)
PROOF_MAX_BYTES = 10 * 1024 * 1024


def _party(case: MediationCase, value, field: str, *, required: bool = True) -> Party | None:
    if value in (None, ""):
        if required:
            parsing.bad(field, _("必填"))
        return None
    pk = parsing.integer(value, field)
    party = Party.objects.filter(case=case, pk=pk).first()
    if party is None:
        parsing.bad(field, _("不是本案当事人"))
    return party


def _session(case: MediationCase, value, field: str = "session") -> Session | None:
    if value in (None, ""):
        return None
    session = Session.objects.filter(case=case, pk=parsing.integer(value, field)).first()
    if session is None:
        parsing.bad(field, _("不是本案的调解会"))
    return session


def _mediator(value, field: str = "mediator") -> Mediator:
    mediator = (
        Mediator.objects.select_related("user", "organisation")
        .filter(pk=parsing.integer(value, field), is_active=True)
        .first()
    )
    if mediator is None:
        parsing.bad(field, _("调解员不存在或不在册"))
    return mediator


def _parties(case: MediationCase, value, field: str) -> list[Party]:
    ids = parsing.id_list(value, field)
    found = list(Party.objects.filter(case=case, pk__in=ids))
    if len(found) != len(ids):
        parsing.bad(field, _("含有非本案当事人"))
    return found


def _agreement_fields(p: dict) -> None:
    p["form"] = parsing.choice(p.get("form") or AgreementForm.WRITTEN, "form", AgreementForm)
    p["facts"] = parsing.text(p.get("facts"), "facts", required=True)
    p["terms"] = parsing.text(p.get("terms"), "terms", required=True)
    p["performance_method"] = parsing.text(p.get("performance_method"), "performance_method", required=True)
    p["performance_deadline"] = parsing.day(p.get("performance_deadline"), "performance_deadline")
    p["amount"] = parsing.amount(p.get("amount"), "amount")
    p["oral_record"] = parsing.text(p.get("oral_record"), "oral_record")
    p["copies"] = parsing.integer(p.get("copies") or 3, "copies", minimum=1, maximum=10)
    if p["form"] == AgreementForm.ORAL and not p["oral_record"]:
        parsing.bad("oral_record", _("口头协议应记录协议内容"))


def _proof(value):
    if value in (None, ""):
        return None
    if not hasattr(value, "read") or not getattr(value, "name", ""):
        parsing.bad("proof", _("应为上传的文件"))
    if getattr(value, "size", 0) > PROOF_MAX_BYTES:
        parsing.bad("proof", _("文件不能超过10MB"))
    return value


def prepare(action: str, case: MediationCase, params: dict) -> dict:
    """A copy of ``params`` with values parsed and derived ``_`` objects added."""
    p = {key: value for key, value in params.items() if not str(key).startswith("_")}
    if action in ("refuse", "terminate", "withdraw", "party_refuses", "recuse_mediator", "extend"):
        p["reason"] = parsing.text(p.get("reason"), "reason", required=True)
    if action == "add_party":
        p["_party_data"] = party_clean(p.get("party"), index=0, dispute_type=case.dispute_type)
    elif action == "update_party":
        p["_party"] = _party(case, p.get("party"), "party")
        p["_party_data"] = party_update_clean(p["_party"], p.get("fields"), dispute_type=case.dispute_type)
    elif action == "assign_mediator":
        p["_mediator"] = _mediator(p.get("mediator"))
        p["how"] = parsing.choice(p.get("how"), "how", AssignmentHow)
        p["lead"] = parsing.boolean(p.get("lead"), "lead", default=False)
    elif action == "recuse_mediator":
        mediator = _mediator(p.get("mediator"))
        p["_case_mediator"] = CaseMediator.objects.filter(case=case, mediator=mediator, active=True).first()
        p["_party"] = _party(case, p.get("requested_by"), "requested_by", required=False)
    elif action == "schedule_session":
        p["starts_at"] = parsing.moment(p.get("starts_at"), "starts_at")
        p["ends_at"] = parsing.moment(p.get("ends_at"), "ends_at", required=False)
        p["place"] = parsing.text(p.get("place"), "place", required=True, max_length=255)
        if p["ends_at"] is not None and p["ends_at"] <= p["starts_at"]:
            parsing.bad("ends_at", _("结束时间应晚于开始时间"))
    elif action == "record_session":
        p["_session"] = _session(case, p.get("session"))
        p["minutes"] = parsing.text(p.get("minutes"), "minutes", required=True, max_length=20000)
        p["_attendees"] = _parties(case, p.get("attendees"), "attendees")
        p["other_attendees"] = parsing.text(p.get("other_attendees"), "other_attendees", max_length=255)
        p["place"] = parsing.text(p.get("place"), "place", max_length=255)
        p["ends_at"] = parsing.moment(p.get("ends_at"), "ends_at", required=False)
        if p["_session"] is None and not p["place"]:
            parsing.bad("place", _("未预先安排的调解会应填写地点"))
    elif action in ("cancel_session", "remind_session"):
        p["_session"] = _session(case, p.get("session"))
        if p["_session"] is None or p["_session"].status != SessionStatus.SCHEDULED:
            parsing.bad("session", _("应为本案已安排、尚未召开的调解会"))
    elif action == "extend":
        maximum = int(mediation_setting("EXTENSION_MAX_DAYS"))
        p["days"] = parsing.integer(p.get("days"), "days", minimum=1, maximum=maximum)
        p["_consents"] = _parties(case, p.get("consents"), "consents")
        p["consent_record"] = parsing.text(p.get("consent_record"), "consent_record", required=True)
    elif action == "draft_agreement":
        _agreement_fields(p)
    elif action == "agree":
        for key in ("signed_by_parties", "signed_by_mediator", "sealed"):
            p[key] = parsing.boolean(p.get(key), key, default=False)
    elif action == "terminate":
        p["legal_channels"] = parsing.text(p.get("legal_channels"), "legal_channels", required=True)
    elif action == "party_refuses":
        p["_party"] = _party(case, p.get("party"), "party")
    elif action == "record_performance":
        p["performance"] = parsing.choice(p.get("performance"), "performance", PerformanceStatus)
        if p["performance"] not in PERFORMANCE_RESULTS:
            parsing.bad("performance", _("应为已履行、部分履行或未履行"))
        p["_party"] = _party(case, p.get("party"), "party", required=False)
        p["amount"] = parsing.amount(p.get("amount"), "amount")
        p["note"] = parsing.text(p.get("note"), "note")
        p["proof"] = _proof(p.get("proof"))
    elif action == "record_confirmation":
        p["confirmation"] = parsing.choice(p.get("confirmation"), "confirmation", ConfirmationStatus)
        if p["confirmation"] not in CONFIRMATION_STEPS:
            parsing.bad("confirmation", _("应为 applied、confirmed 或 rejected"))
        p["court"] = parsing.text(p.get("court"), "court", max_length=128)
        p["court_reference"] = parsing.text(p.get("court_reference"), "court_reference", max_length=128)
        p["at"] = parsing.moment(p.get("at"), "at", required=False)
        p["note"] = parsing.text(p.get("note"), "note")
        if p["confirmation"] == ConfirmationStatus.APPLIED and not p["court"]:
            parsing.bad("court", _("请填写受理法院"))
    elif action == "return_visit":
        p["method"] = parsing.choice(p.get("method"), "method", VisitMethod)
        p["note"] = parsing.text(p.get("note"), "note", required=True)
        p["_party"] = _party(case, p.get("party"), "party", required=False)
        for key in ("performed", "satisfied"):
            p[key] = None if p.get(key) in (None, "") else parsing.boolean(p.get(key), key)
        p["visited_at"] = parsing.moment(p.get("visited_at"), "visited_at", required=False)
    return p
