"""Early warnings and monthly reports as the dashboard lists them."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError, NotFoundError
from grievance.models.rollups import EarlyWarning, Report, WarningKind, WarningStatus


def warning_list(*, status: str = "", kind: str = "") -> QuerySet[EarlyWarning]:
    """Warnings newest first; ``status`` "active" = not closed (the default view), or one status."""
    warnings = EarlyWarning.objects.select_related("assigned_unit", "street", "community", "grid", "matter")
    if status == "active":
        warnings = warnings.exclude(status=WarningStatus.CLOSED)
    elif status:
        if status not in WarningStatus.values:
            raise ApplicationError(_("参数有误"), errors={"status": [_("未知取值：%s") % status]})
        warnings = warnings.filter(status=status)
    if kind:
        if kind not in WarningKind.values:
            raise ApplicationError(_("参数有误"), errors={"kind": [_("未知取值：%s") % kind]})
        warnings = warnings.filter(kind=kind)
    return warnings.order_by("-updated_at", "-id")


def warning_get(*, warning_id) -> EarlyWarning:
    warning = warning_list().filter(pk=_id(warning_id)).first()
    if warning is None:
        raise NotFoundError(_("预警不存在"))
    return warning


def report_list() -> QuerySet[Report]:
    return Report.objects.select_related("requested_by").order_by("-month", "-id")


def report_get(*, report_id) -> Report:
    report = report_list().filter(pk=_id(report_id)).first()
    if report is None:
        raise NotFoundError(_("报告不存在"))
    return report


def _id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
