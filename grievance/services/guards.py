"""Guards of the workflow table: each returns None when the transition may go ahead, or a readable
reason (Chinese) why not. They read the complaint and parameters; they never write."""

from datetime import datetime

from django.utils.translation import gettext as _

from grids.models import Unit, UnitKind
from grids.selectors.calendar import work_calendar_get
from grids.worktime import deadline_add
from grievance.models.complaints import OPEN_STATUSES, Complaint

TERRITORIAL_KINDS = (UnitKind.GRID_TEAM, UnitKind.COMMUNITY, UnitKind.STREET)


def unit_can_lead(c: Complaint, params: dict, now: datetime) -> str | None:
    unit = params.get("_unit")
    if unit is None or not unit.is_active:
        return _("承办单位不存在或已停用")
    if unit.kind == UnitKind.CENTRE:
        return _("指挥中心不能作为承办单位")
    return None


def co_units_valid(c: Complaint, params: dict, now: datetime) -> str | None:
    lead = params.get("_unit")
    for unit in params.get("_co_units", []):
        if not unit.is_active:
            return _("协办单位 %(code)s 已停用") % {"code": unit.code}
        if lead is not None and unit.pk == lead.pk:
            return _("主办单位不能同时为协办单位")
    return None


def within_return_window(c: Complaint, params: dict, now: datetime) -> str | None:
    """退单 only within the rule's window (working days from dispatch; DOMAIN.md: 2 working days)."""
    if c.dispatched_at is None:
        return None
    window = c.matter_rule.return_window_days if c.matter_rule else 2
    limit = deadline_add(c.dispatched_at, window, "working_day", work_calendar_get(unit=c.lead_unit))
    if now > limit.at:
        return _("已超过退单时限（派单后%(days)s个工作日），请申请延期或按期办理") % {"days": window}
    return None


def no_pending_extension(c: Complaint, params: dict, now: datetime) -> str | None:
    return _("已有待审批的延期申请") if c.pending_extension_days else None


def has_pending_extension(c: Complaint, params: dict, now: datetime) -> str | None:
    return None if c.pending_extension_days else _("没有待审批的延期申请")


def extension_within_cap(c: Complaint, params: dict, now: datetime) -> str | None:
    days = params.get("days")
    if not isinstance(days, int) or days <= 0:
        return _("延期天数应为正整数")
    cap = c.matter_rule.extension_cap_days if c.matter_rule else 10
    if c.extension_days_total + days > cap:
        return _("延期累计不得超过%(cap)s个工作日（已延期%(used)s个）") % {
            "cap": cap,
            "used": c.extension_days_total,
        }
    return None


def not_overdue_for_extension(c: Complaint, params: dict, now: datetime) -> str | None:
    if c.handle_deadline and now > c.handle_deadline:
        return _("延期须在办理期限届满前申请")
    return None


def is_consultation(c: Complaint, params: dict, now: datetime) -> str | None:
    return None if c.kind == "consult" else _("只有咨询类诉求可以直接答复")


def merge_target_valid(c: Complaint, params: dict, now: datetime) -> str | None:
    target = params.get("_into")
    if target is None:
        return _("目标诉求不存在")
    if target.pk == c.pk:
        return _("不能并入自身")
    if target.status not in OPEN_STATUSES:
        return _("只能并入办理中的诉求")
    return None


def territorial_lead(c: Complaint, params: dict, now: datetime) -> str | None:
    if c.lead_unit is None or c.lead_unit.kind not in TERRITORIAL_KINDS:
        return _("只有网格、社区、街道承办的诉求可以逐级上报")
    return None


def has_photo(c: Complaint, params: dict, now: datetime) -> str | None:
    return None if params.get("_has_photo") else _("当场处置须上传处置后照片")


def not_already_referred(c: Complaint, params: dict, now: datetime) -> str | None:
    return _("已转介心理服务") if c.psych_referral else None


def mediation_case_registered(c: Complaint, params: dict, now: datetime) -> str | None:
    """Only a registered mediation case (its signed ticket, see transition_params) moves a complaint to
    mediation: a complaint must never wait in ``mediating`` without a case that will report back."""
    if params.get("_case_number"):
        return None
    return _("请先由调解组织登记调解案件（在“转人民调解”页面办理）")


GUARDS = {
    name: fn
    for name, fn in globals().items()
    if callable(fn) and not name.startswith("_") and fn.__module__ == __name__
}

__all__ = ["GUARDS", "TERRITORIAL_KINDS", "Unit"]
