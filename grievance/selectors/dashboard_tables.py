"""Every dashboard table as (title, headers, rows), for the Excel exports (``xlsx_build``)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.exceptions import ApplicationError
from grievance.models.rollups import EarlyWarning, WarningStatus
from grievance.selectors.dashboard import OVERVIEW_KEYS, Scope, overview_for_scope
from grievance.selectors.dashboard_charts import (
    dashboard_handling_times,
    dashboard_map,
    dashboard_mix,
    dashboard_rankings,
    dashboard_top_matters,
    dashboard_trend,
)

FIGURE_LABELS = {
    "received": gettext_lazy("受理"),
    "dispatched": gettext_lazy("派单"),
    "in_progress": gettext_lazy("办理中"),
    "handled": gettext_lazy("已办结待核查/回访"),
    "closed": gettext_lazy("已结案"),
    "overdue": gettext_lazy("超期"),
    "response_rate": gettext_lazy("响应率"),
    "resolution_rate": gettext_lazy("解决率"),
    "satisfaction_rate": gettext_lazy("满意率"),
    "on_time_rate": gettext_lazy("按期办结率"),
    "return_rate": gettext_lazy("退单率"),
    "rework_rate": gettext_lazy("返工率"),
    "score": gettext_lazy("综合得分"),
}
FIGURES = (*OVERVIEW_KEYS, "score")
# Centre-only tables (a unit leader's scope has no streets, map or warnings of the district).
CENTRE_TABLES = frozenset({"streets", "units", "map-street", "map-community", "map-grid", "warnings"})
TABLES = (
    "overview",
    "streets",
    "units",
    "trend-day",
    "trend-week",
    "trend-month",
    "matters",
    "channels",
    "kinds",
    "handling",
    "map-street",
    "map-community",
    "map-grid",
    "warnings",
)


def _labels(keys) -> list[str]:
    return [str(FIGURE_LABELS[k]) for k in keys]


def _ranking(scope: Scope, by: str) -> tuple[str, list, list]:
    rows = dashboard_rankings(scope=scope, by=by)
    headers = [_("名次"), _("编码"), _("名称"), *_labels(FIGURES)]
    title = _("街道排名") if by == "street" else _("单位排名")
    return title, headers, [[r["rank"], r["code"], r["name"], *(r[k] for k in FIGURES)] for r in rows]


def dashboard_table(*, name: str, scope: Scope) -> tuple[str, list[str], list[list]]:
    """The table ``name`` (one of ``TABLES``) for ``scope``; rates are fractions (0–1), None when
    the denominator is 0."""
    if name == "overview":
        figures = overview_for_scope(scope)
        return _("概览"), [_("指标"), _("数值")], [[str(FIGURE_LABELS[k]), figures[k]] for k in FIGURES]
    if name in ("streets", "units"):
        return _ranking(scope, name[:-1])
    if name.startswith("trend-"):
        rows = dashboard_trend(scope=scope, period=name[6:])
        keys = ("received", "dispatched", "closed", "finished", "overdue")
        rates = ("response_rate", "resolution_rate", "satisfaction_rate")
        headers = [_("时段起"), *_labels(keys[:3]), _("办结"), str(FIGURE_LABELS["overdue"]), *_labels(rates)]
        return (
            _("趋势"),
            headers,
            [[r["period"], *(r[k] for k in keys), *(r[k] for k in rates)] for r in rows],
        )
    if name == "matters":
        rows = dashboard_top_matters(scope=scope, limit=50)
        headers = [_("编码"), _("事项大类"), _("受理"), _("占比"), _("已结案"), _("满意率")]
        keys = ("code", "name", "received", "share", "closed", "satisfaction_rate")
        return _("事项排行"), headers, [[r[k] for k in keys] for r in rows]
    if name in ("channels", "kinds"):
        rows = dashboard_mix(scope=scope, by=name[:-1])
        title = _("渠道构成") if name == "channels" else _("诉求类型构成")
        return (
            title,
            [_("代码"), _("名称"), _("受理"), _("占比")],
            [[r["key"], r["label"], r["received"], r["share"]] for r in rows],
        )
    if name == "handling":
        data = dashboard_handling_times(scope=scope)
        rows = [[b["label"], b["count"], b["share"]] for b in data["buckets"]]
        rows.append([_("平均（小时）"), data["average_hours"], None])
        return _("办理时长分布"), [_("时长"), _("件数"), _("占比")], rows
    if name.startswith("map-"):
        rows = dashboard_map(scope=scope, level=name[4:])
        headers = [_("编码"), _("名称"), _("受理"), _("密度（件/平方公里）"), _("超期"), _("满意率")]
        keys = ("code", "name", "received", "density", "overdue", "satisfaction_rate")
        return _("区域分布"), headers, [[r[k] for k in keys] for r in rows]
    if name == "warnings":
        warnings = EarlyWarning.objects.exclude(status=WarningStatus.CLOSED).select_related("assigned_unit")
        headers = [_("类型"), _("标题"), _("件数"), _("状态"), _("交办单位"), _("发现时间")]
        rows = [
            [
                w.get_kind_display(),
                w.title,
                w.count,
                w.get_status_display(),
                w.assigned_unit.name if w.assigned_unit else "",
                w.created_at,
            ]
            for w in warnings
        ]
        return _("预警"), headers, rows
    raise ApplicationError(_("参数有误"), errors={"table": [_("应为：%s") % ", ".join(TABLES)]})
