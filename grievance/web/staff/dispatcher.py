"""The dispatcher's console (``/work/dispatch/``), one tab per queue of the command centre.

queue: complaints waiting for dispatch, each with routing suggestions and possible duplicates (one
click dispatches to a suggested unit, with optional co-handlers; merge into a duplicate; dispose);
returned: with the unit's reason, to re-dispatch; extensions: to approve or reject; verify: results
to check; visits: return visits to make (call script); supervision: overdue complaints by rung.
Every write is a form posted to the complaint's action address (``detail.complaint_act``).
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from grievance.selectors.complaints import complaint_get_for_actor
from grievance.selectors.workbench import (
    DEFAULT_SORT,
    DISPATCH,
    dispatch_hints,
    dispatch_tab_counts,
    dispatch_tab_list,
    dispatch_tabs_for,
    dispatch_units,
)
from grievance.services.deadlines import SUPERVISION_LABELS
from grievance.web.staff.common import action_item, list_page, safe_next, staff_view
from grievance.web.staff.forms import DISPOSITION_CHOICES, SATISFACTION_CHOICES

TAB_LABELS = {
    "queue": gettext_lazy("待派单"),
    "returned": gettext_lazy("退单待处理"),
    "extensions": gettext_lazy("延期审批"),
    "verify": gettext_lazy("待核查"),
    "visits": gettext_lazy("待回访"),
    "supervision": gettext_lazy("超期督办"),
}
# The queue tabs carry suggestions and duplicates per row (loaded by htmx as each row scrolls into
# view: scoring a text against the catalogue takes tens of milliseconds) and shorter pages.
HINT_TABS = ("queue", "returned")
HINT_PAGE = 10


@staff_view(DISPATCH)
@require_GET
def console(request: HttpRequest) -> HttpResponse:
    tabs = dispatch_tabs_for(request.user)
    tab = request.GET.get("tab") or tabs[0]
    if tab not in tabs:
        if tab in TAB_LABELS:
            raise PermissionDenied(_("您无权查看该队列"))
        return redirect("staff:dispatch")
    result = list_page(
        request,
        lambda filters, sort: dispatch_tab_list(user=request.user, tab=tab, filters=filters, sort=sort),
        export_title=str(TAB_LABELS[tab]),
        export_name=f"dispatch-{tab}",
        default_sort=DEFAULT_SORT[tab],
        per_page=HINT_PAGE if tab in HINT_TABS else 25,
        hide_status=tab != "supervision",
    )
    if isinstance(result, HttpResponse):
        return result
    units = dispatch_units(user=request.user) if tab in HINT_TABS else []
    for row in result.rows:
        row.supervision_label = (
            SUPERVISION_LABELS[row.supervision_level] if row.supervision_level >= 2 else _("已超期（待督办）")
        )
    counts = dispatch_tab_counts(user=request.user)
    return render(
        request,
        "staff/dispatch/console.html",
        {
            "list": result,
            "tab": tab,
            "tabs": [{"name": t, "label": TAB_LABELS[t], "count": counts.get(t, 0)} for t in tabs],
            "tab_label": TAB_LABELS[tab],
            "units": units,
            "dispositions": DISPOSITION_CHOICES,
            "satisfactions": SATISFACTION_CHOICES,
            "next": request.get_full_path(),
            "now": result.now,
            "dispatch_action": action_item("dispatch"),
            "answer_action": action_item("answer"),
            "dispose_action": action_item("dispose"),
        },
    )


@staff_view(DISPATCH)
@require_GET
def hints(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """Routing suggestions and possible duplicates of one queued complaint (a fragment for htmx)."""
    complaint = complaint_get_for_actor(user=request.user, complaint_id=complaint_id)
    context = {
        "c": complaint,
        "h": dispatch_hints(user=request.user, complaint=complaint),
        "next": safe_next(request, reverse("staff:dispatch")),
    }
    return render(request, "staff/dispatch/hints.html", context)
