"""The command centre's dashboard pages (mounted at ``/dashboard/``): thin views over the dashboard
selectors and services; every figure comes from the same functions as the API.

The big-screen page polls its parts with htmx: the live figures every few seconds, the charts and
rankings less often, the map on demand (drill-down district → street → community → grid → the
complaints). Access: dispatchers, supervisors, administrators; unit leaders see their unit's figures
(no district map, rankings, warnings or reports); everyone else gets 403.
"""

import json
from datetime import timedelta
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from common.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from grids.models import Division, DivisionLevel, Unit
from grievance.models.rollups import WarningKind, WarningStatus
from grievance.selectors.dashboard import (
    dashboard_actor_unit,
    dashboard_scope,
    dashboard_user_is_centre,
    live_for_scope,
)
from grievance.selectors.dashboard_charts import (
    MAP_METRICS,
    dashboard_area_complaints,
    dashboard_handling_times,
    dashboard_map,
    dashboard_mix,
    dashboard_rankings,
    dashboard_top_matters,
    dashboard_trend,
)
from grievance.selectors.dashboard_records import report_get, report_list, warning_list
from grievance.selectors.dashboard_tables import CENTRE_TABLES, TABLES, dashboard_table
from grievance.services.reports import report_request, xlsx_build
from grievance.services.warnings import WARNING_ACTOR_ROLES, warning_assign, warning_close

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEVEL_BELOW = {"street": "community", "community": "grid"}
METRIC_LABELS = {
    "density": gettext_lazy("密度（件/平方公里）"),
    "received": gettext_lazy("受理量"),
    "overdue": gettext_lazy("超期件"),
    "satisfaction_rate": gettext_lazy("满意率"),
}


class FilterForm(forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("开始日期"), required=False, widget=forms.DateInput({"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("结束日期"), required=False, widget=forms.DateInput({"type": "date"})
    )
    street = forms.ChoiceField(label=gettext_lazy("街道"), required=False)
    unit = forms.ChoiceField(label=gettext_lazy("承办单位"), required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        streets = Division.objects.filter(level=DivisionLevel.STREET).values_list("code", "name")
        self.fields["street"].choices = [("", _("全区")), *streets]
        self.fields["unit"].choices = [("", _("全部单位")), *((u.code, u.name) for u in (units or []))]


def dashboard_view(*, centre_only: bool = False):
    """Login required; the selectors' 403/404 become Django's. The view gets the parsed ``scope`` and
    the page context (filter form, query string, whether the user is the centre)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            try:
                scope, context = _scope_for(request, centre_only=centre_only)
                return view(request, scope, context, *args, **kwargs)
            except NotFoundError as exc:
                raise Http404(exc.message) from exc
            except PermissionDeniedError as exc:
                raise PermissionDenied(exc.message) from exc

        return login_required(wrapped)

    return decorator


def _scope_for(request: HttpRequest, *, centre_only: bool):
    centre = dashboard_user_is_centre(request.user)
    units = Unit.objects.filter(is_active=True).order_by("code") if centre else []
    form = FilterForm(request.GET or None, units=units)
    data = form.cleaned_data if form.is_valid() else {}
    unit = dashboard_actor_unit(user=request.user, unit=data.get("unit") or None, centre_only=centre_only)
    today = timezone.localdate()
    start = data.get("date_from") or today.replace(day=1)
    end = data.get("date_to") or today
    if end < start:
        start, end = end, start
    scope = dashboard_scope(date_from=start, date_to=end, street=data.get("street") or None, unit=unit)
    query = request.GET.copy()
    for key in ("level", "parent", "metric", "code", "period", "partial"):
        query.pop(key, None)
    return scope, {
        "form": form,
        "query": query.urlencode(),
        "is_centre": centre,
        "unit_code": unit or "",
        "unit_name": Unit.objects.filter(code=unit).values_list("name", flat=True).first() if unit else "",
        "date_from": start,
        "date_to": end,
    }


def _charts(scope, period: str) -> dict:
    return {
        "period": period,
        "trend": dashboard_trend(scope=scope, period=period),
        "matters": dashboard_top_matters(scope=scope, limit=10),
        "channels": dashboard_mix(scope=scope, by="channel"),
        "kinds": dashboard_mix(scope=scope, by="kind"),
        "handling": dashboard_handling_times(scope=scope),
    }


def _period(request: HttpRequest) -> str:
    period = request.GET.get("period", "day")
    return period if period in ("day", "week", "month") else "day"


@require_GET
@dashboard_view()
def dashboard_home(request, scope, context):
    context |= {"live": live_for_scope(scope)}
    context |= _charts(scope, _period(request))
    if context["is_centre"]:
        context |= _map_context(request, scope)
        context |= {
            "streets": dashboard_rankings(scope=scope, by="street"),
            "units": dashboard_rankings(scope=scope, by="unit")[:15],
            "warnings": warning_list(status="active")[:8],
        }
    return render(request, "dashboard/home.html", context)


@require_GET
@dashboard_view()
def panel_live(request, scope, context):
    context["live"] = live_for_scope(scope)
    return render(request, "dashboard/partials/live.html", context)


@require_GET
@dashboard_view()
def panel_charts(request, scope, context):
    return render(request, "dashboard/partials/charts.html", context | _charts(scope, _period(request)))


@require_GET
@dashboard_view(centre_only=True)
def panel_rankings(request, scope, context):
    context |= {
        "streets": dashboard_rankings(scope=scope, by="street"),
        "units": dashboard_rankings(scope=scope, by="unit")[:15],
        "warnings": warning_list(status="active")[:8],
    }
    return render(request, "dashboard/partials/rankings.html", context)


def _map_context(request: HttpRequest, scope) -> dict:
    level = request.GET.get("level", "street")
    level = level if level in ("street", "community", "grid") else "street"
    parent = request.GET.get("parent", "") if level != "street" else ""
    metric = request.GET.get("metric", "density")
    metric = metric if metric in MAP_METRICS else "density"
    rows = dashboard_map(scope=scope, level=level, parent=parent)
    trail = _trail(level, parent)
    values = {r["code"]: round(r[metric], 4) for r in rows if r[metric] is not None}
    return {
        "map_level": level,
        "map_parent": parent,
        "map_metric": metric,
        "map_metric_label": METRIC_LABELS[metric],
        "map_metrics": [(m, METRIC_LABELS[m]) for m in MAP_METRICS],
        "map_rows": sorted(rows, key=lambda r: -(r[metric] or 0)),
        "map_values_json": json.dumps(values),
        "map_below": LEVEL_BELOW.get(level, ""),
        "map_trail": trail,
    }


def _trail(level: str, parent: str) -> list[dict]:
    """Breadcrumbs: district → street → community, each with the map state that shows it."""
    trail = [{"name": _("全区"), "level": "street", "parent": ""}]
    division = Division.objects.filter(code=parent).select_related("parent").first() if parent else None
    if division is not None and division.level == DivisionLevel.COMMUNITY and division.parent:
        trail.append({"name": division.parent.name, "level": "community", "parent": division.parent.code})
    if division is not None:
        trail.append({"name": division.name, "level": level, "parent": division.code})
    return trail


@require_GET
@dashboard_view(centre_only=True)
def panel_map(request, scope, context):
    return render(request, "dashboard/partials/map.html", context | _map_context(request, scope))


@require_GET
@dashboard_view(centre_only=True)
def panel_area(request, scope, context):
    level = request.GET.get("level", "grid")
    try:
        area = dashboard_area_complaints(scope=scope, level=level, code=request.GET.get("code", ""))
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    return render(request, "dashboard/partials/area.html", context | {"area": area, "area_level": level})


@require_GET
@dashboard_view()
def export_table(request, scope, context, table: str):
    if table not in TABLES:
        raise Http404(_("没有这张表"))
    if table in CENTRE_TABLES and not context["is_centre"]:
        raise PermissionDenied(_("只有指挥中心、督查和管理员可以导出"))
    title, headers, rows = dashboard_table(name=table, scope=scope)
    response = HttpResponse(xlsx_build(title=title, headers=headers, rows=rows), content_type=XLSX)
    name = f"dashboard-{table}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@dashboard_view(centre_only=True)
def warnings_page(request, scope, context):
    status = request.GET.get("status", "active")
    kind = request.GET.get("kind", "")
    try:
        warnings = list(warning_list(status=status, kind=kind)[:200])
    except ApplicationError:
        status, kind, warnings = "active", "", list(warning_list(status="active")[:200])
    context |= {
        "warnings": warnings,
        "status": status,
        "kind": kind,
        "kinds": WarningKind.choices,
        "statuses": [("active", _("未关闭")), *WarningStatus.choices],
        "assign_units": Unit.objects.filter(is_active=True).order_by("code"),
        "can_act": request.user.is_superuser or request.user.role in WARNING_ACTOR_ROLES,
    }
    return render(request, "dashboard/warnings.html", context)


def _post_back(request: HttpRequest, action, success: str):
    try:
        action()
        messages.success(request, success)
    except ApplicationError as exc:
        if isinstance(exc, PermissionDeniedError):
            raise PermissionDenied(exc.message) from exc
        details = "；".join(str(m) for ms in (exc.errors or {}).values() for m in ms)
        messages.error(request, f"{exc.message}{'：' + details if details else ''}")
    return redirect(f"{reverse('dashboard:warnings')}?{request.POST.get('back', '')}")


@require_POST
@login_required
def warning_assign_view(request, warning_id: int):
    return _post_back(
        request,
        lambda: warning_assign(
            warning_id=warning_id,
            actor=request.user,
            unit=request.POST.get("unit", ""),
            note=request.POST.get("note", ""),
        ),
        _("已交办"),
    )


@require_POST
@login_required
def warning_close_view(request, warning_id: int):
    return _post_back(
        request,
        lambda: warning_close(warning_id=warning_id, actor=request.user, note=request.POST.get("note", "")),
        _("预警已关闭"),
    )


@dashboard_view(centre_only=True)
def reports_page(request, scope, context):
    if request.method == "POST":
        try:
            report_request(month=request.POST.get("month", ""), actor=request.user)
            messages.success(request, _("报告已排队生成，稍候刷新本页"))
        except PermissionDeniedError as exc:
            raise PermissionDenied(exc.message) from exc
        except ApplicationError as exc:
            messages.error(
                request, "；".join([exc.message, *(str(m) for ms in exc.errors.values() for m in ms)])
            )
        return redirect("dashboard:reports")
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    context |= {"reports": report_list()[:60], "default_month": f"{last_month:%Y-%m}"}
    return render(request, "dashboard/reports.html", context)


@require_GET
@dashboard_view(centre_only=True)
def report_page(request, scope, context, report_id: int):
    report = report_get(report_id=report_id)
    if not report.html:
        raise Http404(_("报告尚未生成"))
    return HttpResponse(report.html.read(), content_type="text/html; charset=utf-8")


@require_GET
@dashboard_view(centre_only=True)
def report_pdf(request, scope, context, report_id: int):
    report = report_get(report_id=report_id)
    if not report.pdf:
        raise Http404(_("报告尚未生成"))
    return FileResponse(
        report.pdf.open("rb"), content_type="application/pdf", filename=f"report-{report.month:%Y-%m}.pdf"
    )
