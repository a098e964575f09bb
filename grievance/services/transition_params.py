"""Parameter parsing for workflow actions: turns API/form values into objects and checks their shape.

Raises ``ApplicationError`` (400, field errors) for malformed parameters; the business rules that
depend on state are guards (services.guards) and answer 409.
"""

from django.core import signing
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError
from grids.models import Unit, UnitKind
from grievance.models.attachments import Attachment
from grievance.models.complaints import Complaint, Disposition, Satisfaction
from grievance.workflow import DISPOSITION_TARGETS


def _error(field: str, message: str):
    raise ApplicationError(_("参数有误"), errors={field: [message]})


def _unit(code, field: str) -> Unit:
    if isinstance(code, Unit):
        return code
    unit = Unit.objects.filter(code=str(code or "")).first()
    if unit is None:
        _error(field, _("单位编码不存在：%(code)s") % {"code": code})
    return unit


def _bool(value, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "1", "yes", "false", "0", "no"}:
        return value.lower() in {"true", "1", "yes"}
    _error(field, _("应为 true 或 false"))


def _photos_attached(complaint: Complaint, value) -> bool:
    """Whether ``value`` names image attachment(s) of this complaint (uploaded before the action)."""
    if value in (None, "", []):
        return False
    raw = value if isinstance(value, (list, tuple)) else str(value).replace("，", ",").split(",")
    try:
        ids = {int(x) for x in raw if str(x).strip()}
    except (TypeError, ValueError):
        _error("photos", _("应为附件编号列表"))
    images = Attachment.objects.filter(complaint=complaint, content_type__startswith="image/")
    found = images.filter(pk__in=ids).count()
    if not ids or found != len(ids):
        _error("photos", _("附件不存在、不属于该诉求或不是图片"))
    return True


MEDIATION_TICKET_SALT = "grievance.to_mediation"
MEDIATION_TICKET_MAX_AGE = 600  # seconds: the ticket is used in the transaction that registers the case
# Outcome of a mediation case → where the complaint goes: closed, or back to handling ("back").
MEDIATION_OUTCOMES = {"agreement": "closed", "withdrawn": "closed", "failed": "back", "refused": "back"}


def mediation_ticket(*, complaint_id: int, case_number: str) -> str:
    """A signed ticket that a mediation case was registered for the complaint; ``to_mediation`` needs it,
    so a complaint never waits in ``mediating`` without a case (the API cannot forge one)."""
    return signing.dumps({"complaint": complaint_id, "case": case_number}, salt=MEDIATION_TICKET_SALT)


def _mediation_case_number(complaint: Complaint, ticket) -> str | None:
    try:
        data = signing.loads(str(ticket or ""), salt=MEDIATION_TICKET_SALT, max_age=MEDIATION_TICKET_MAX_AGE)
    except signing.BadSignature:  # also expired
        return None
    return data.get("case") if data.get("complaint") == complaint.pk else None


def prepare(action: str, complaint: Complaint, params: dict) -> dict:
    """Return a copy of ``params`` with derived ``_``-prefixed values the guards and effects use.

    ``_``-prefixed keys are internal (derived here or set by the transition service): any the caller
    sent are dropped first, so API input can never forge them (e.g. ``_has_photo``, ``_into``).
    """
    p = {key: value for key, value in params.items() if not str(key).startswith("_")}
    if action == "dispatch":
        p["_unit"] = _unit(p.get("unit"), "unit")
        co = p.get("co_units") or []
        if isinstance(co, str):
            co = [x for x in co.replace("，", ",").split(",") if x.strip()]
        if not isinstance(co, list):
            _error("co_units", _("应为单位编码列表"))
        p["_co_units"] = [_unit(code, "co_units") for code in dict.fromkeys(co)]
    elif action == "request_extension":
        try:
            p["days"] = int(p.get("days"))
        except (TypeError, ValueError):
            _error("days", _("延期天数应为正整数"))
        if p["days"] <= 0 or p["days"] > 60:
            _error("days", _("延期天数应在1到60个工作日之间"))
    elif action == "verify":
        p["passed"] = _bool(p.get("passed"), "passed")
    elif action == "return_visit":
        p["resolved"] = _bool(p.get("resolved"), "resolved")
        if p.get("satisfaction") not in Satisfaction.values:
            _error("satisfaction", _("满意度应为 satisfied / basically_satisfied / unsatisfied"))
        p["_visit_ok"] = p["resolved"] and p["satisfaction"] != Satisfaction.UNSATISFIED
    elif action == "merge":
        try:
            into_id = int(p.get("into"))
        except (TypeError, ValueError):
            _error("into", _("应为诉求编号"))
        p["_into"] = Complaint.objects.select_for_update().filter(pk=into_id).first()
    elif action == "dispose":
        if p.get("disposition") not in DISPOSITION_TARGETS:
            _error("disposition", _("处置方式应为：%(choices)s") % {"choices": ", ".join(Disposition.values)})
    elif action == "escalate":
        lead = complaint.lead_unit
        parent = lead.parent if lead is not None else None
        if lead is not None and lead.kind in (UnitKind.GRID_TEAM, UnitKind.COMMUNITY) and parent is not None:
            p["_escalate_to"], p["_parent"] = "unit", parent
        else:
            p["_escalate_to"], p["_parent"] = "centre", None
    elif action == "resolve_on_spot":
        p["_has_photo"] = _photos_attached(complaint, p.get("photos", p.get("photo")))
    elif action == "to_mediation":
        p["_case_number"] = _mediation_case_number(complaint, p.get("mediation_ticket"))
    elif action == "mediation_result":
        if p.get("outcome") not in MEDIATION_OUTCOMES:
            _error("outcome", _("调解结果应为：%(choices)s") % {"choices": ", ".join(MEDIATION_OUTCOMES)})
        where = MEDIATION_OUTCOMES[p["outcome"]]
        if where == "back":
            where = "in_progress" if complaint.lead_unit_id else "pending_dispatch"
        p["_mediation_to"] = where
    elif action == "supervise" and p.get("level") not in (None, ""):
        try:
            p["level"] = int(p["level"])
        except (TypeError, ValueError):
            _error("level", _("督办级别应为1到5的整数"))
        if not 1 <= p["level"] <= 5:
            _error("level", _("督办级别应为1到5的整数"))
    return p
