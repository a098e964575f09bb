"""A handling unit's inbox (``/work/inbox/``).

sign: new dispatches to sign, with the sign-off clock counting down; progress: complaints being
handled, nearest deadline first, with red (overdue) / yellow (≥ 75% of the time used) / green lights;
co: co-handling requests to answer; unit (leaders): everything the leader's units hold, with the
overdue count. The workflow actions are forms on each row and on the complaint page.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from grievance.selectors.workbench import (
    DEFAULT_SORT,
    INBOX,
    inbox_tab_counts,
    inbox_tab_list,
    inbox_tabs_for,
    unit_overdue_count,
)
from grievance.web.staff.common import list_page, staff_view

TAB_LABELS = {
    "sign": gettext_lazy("待签收"),
    "progress": gettext_lazy("办理中"),
    "co": gettext_lazy("协办待回复"),
    "unit": gettext_lazy("本单位全部"),
}


@staff_view(INBOX)
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    tabs = inbox_tabs_for(request.user)
    tab = request.GET.get("tab") or tabs[0]
    if tab not in tabs:
        if tab in TAB_LABELS:
            raise PermissionDenied(_("您无权查看该队列"))
        return redirect("staff:inbox")
    result = list_page(
        request,
        lambda filters, sort: inbox_tab_list(user=request.user, tab=tab, filters=filters, sort=sort),
        export_title=str(TAB_LABELS[tab]),
        export_name=f"inbox-{tab}",
        default_sort=DEFAULT_SORT[tab],
        hide_status=tab != "unit",
    )
    if isinstance(result, HttpResponse):
        return result
    counts = inbox_tab_counts(user=request.user)
    return render(
        request,
        "staff/inbox.html",
        {
            "list": result,
            "tab": tab,
            "tabs": [{"name": t, "label": TAB_LABELS[t], "count": counts.get(t, 0)} for t in tabs],
            "tab_label": TAB_LABELS[tab],
            "overdue_count": unit_overdue_count(user=request.user) if tab == "unit" else None,
            "next": request.get_full_path(),
            "now": result.now,
        },
    )
