"""Shared parts of the staff pages: the access decorator, list plumbing (filter bar, sorting, Django
pagination, Excel export of the same queryset), row decoration for templates, the staff home, the
general complaint list and the notifications (bell, list, mark read).

Views stay thin: parse → one selector or service → render. Access is decided by the selectors
(``workbench_require``, ``complaint_get_for_actor`` …); their 403/404 become Django's answers here.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role
from common.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from common.validators import mask_name, mask_phone
from grievance.api.serializers import ACTION_LABELS
from grievance.selectors.notifications import notification_list_for_user
from grievance.selectors.workbench import (
    COMPLAINTS,
    DEFAULT_SORT,
    DISPATCH,
    GRID,
    INBOX,
    OPERATOR,
    complaint_light,
    staff_complaint_list,
    workbench_require,
    workbenches_for,
)
from grievance.services.notifications import notification_mark_read
from grievance.web.staff.exports import complaints_xlsx
from grievance.web.staff.forms import ListFilterForm

PER_PAGE = 25
BELL_ITEMS = 8


def staff_view(workbench: str = COMPLAINTS):
    """Login required, then the workbench check (a selector); service 403/404 become Django's."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            try:
                workbench_require(user=request.user, workbench=workbench)
                return view(request, *args, **kwargs)
            except NotFoundError as exc:
                raise Http404(exc.message) from exc
            except PermissionDeniedError as exc:
                raise PermissionDenied(exc.message) from exc

        return login_required(wrapped)

    return decorator


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The posted/queried ``next`` when it points inside this site, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def error_message(error: ApplicationError) -> str:
    """The service's message with its field errors, for a page message."""
    details = [f"{m}" for messages_ in (error.errors or {}).values() for m in messages_]
    return "；".join([error.message, *details]) if details else error.message


def action_item(action: str) -> dict:
    """An action as the action-form template takes it: its name and (translated) label."""
    return {"name": action, "label": _(ACTION_LABELS.get(action, action))}


def rows_decorate(rows, now=None) -> list:
    """Give list rows what the templates print: the deadline light and the masked contact (lists
    always mask, like the API), the co-handling units."""
    now = now or timezone.now()
    rows = list(rows)
    for row in rows:
        row.light = complaint_light(row, now)
        row.contact_name_shown = mask_name(row.contact_name)
        row.contact_phone_shown = mask_phone(row.contact_phone) if row.contact_phone else ""
        assignments = getattr(row, "active_assignments", [])
        row.co_unit_names = [a.unit.name for a in assignments if a.role == "co"]
    return rows


@dataclass
class ListPage:
    form: ListFilterForm
    page: Page
    rows: list
    sort: str | None
    now: datetime


def list_page(
    request: HttpRequest,
    queryset_for,
    *,
    export_title: str,
    export_name: str,
    default_sort: str,
    per_page: int = PER_PAGE,
    hide_status: bool = False,
) -> ListPage | HttpResponse:
    """Filter bar + sorted queryset (``queryset_for(filters, sort)``) + page, or the Excel download
    of the same queryset when ``?export=xlsx``. Bad filter values show a message and an empty page.
    ``default_sort`` is the list's own order (the selector's), shown selected in the bar."""
    data = request.GET.copy()
    data.setdefault("sort", default_sort)
    form = ListFilterForm(data, hide_status=hide_status)
    if not form.is_valid():
        messages.error(request, _("筛选条件有误，已忽略"))
    sort = form.sort_value()
    try:
        queryset = queryset_for(form.filters(), sort)
        if request.GET.get("export") == "xlsx":
            return complaints_xlsx(
                complaints=queryset.iterator(chunk_size=500), title=export_title, filename=export_name
            )
        page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    except (NotFoundError, PermissionDeniedError):
        raise
    except ApplicationError as exc:
        messages.error(request, error_message(exc))
        page = Paginator([], per_page).get_page(1)
    now = timezone.now()
    return ListPage(form=form, page=page, rows=rows_decorate(page.object_list, now), sort=sort, now=now)


# --- pages -------------------------------------------------------------------------------------------------

HOME_ORDER = (
    (DISPATCH, "staff:dispatch"),
    (OPERATOR, "staff:operator"),
    (INBOX, "staff:inbox"),
    (GRID, "staff:grid"),
    (COMPLAINTS, "staff:complaints"),
)


@login_required
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    """``/work/``: the user's own workbench (operators first to the call form, dispatchers to the console)."""
    benches = workbenches_for(request.user)
    if request.user.role == Role.OPERATOR:
        return redirect("staff:operator")
    for bench, url in HOME_ORDER:
        if bench in benches:
            return redirect(url)
    raise PermissionDenied(_("您无权使用工作台"))


@staff_view(COMPLAINTS)
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    """Every complaint the staff member may see: search, filter, sort, page, export."""
    result = list_page(
        request,
        lambda filters, sort: staff_complaint_list(user=request.user, filters=filters, sort=sort),
        export_title=_("诉求列表"),
        export_name="complaints",
        default_sort=DEFAULT_SORT[COMPLAINTS],
    )
    if isinstance(result, HttpResponse):
        return result
    return render(request, "staff/complaint_list.html", {"list": result, "now": result.now})


# --- notifications -----------------------------------------------------------------------------------------


def _bell_context(request: HttpRequest) -> dict:
    unread = notification_list_for_user(user=request.user, unread=True)
    return {
        "unread_count": unread.count(),
        "items": list(notification_list_for_user(user=request.user)[:BELL_ITEMS]),
    }


@login_required
@require_GET
def notifications_bell(request: HttpRequest) -> HttpResponse:
    """The bell's count and its drop-down (loaded by htmx into the header)."""
    return render(request, "staff/partials/bell.html", _bell_context(request))


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    unread = {"1": True, "0": False}.get(request.GET.get("unread", ""))
    page = Paginator(notification_list_for_user(user=request.user, unread=unread), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "staff/notifications.html", {"page": page, "unread": request.GET.get("unread", "")}
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read; htmx gets the refreshed bell, a plain post goes on (to the complaint)."""
    try:
        notification = notification_mark_read(notification_id=notification_id, user=request.user)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    if request.headers.get("HX-Request"):
        return render(request, "staff/partials/bell.html", _bell_context(request))
    fallback = "staff:notifications"
    if notification.complaint_id and COMPLAINTS in workbenches_for(request.user):
        return redirect("staff:complaint", complaint_id=notification.complaint_id)
    return redirect(safe_next(request, "") or fallback)
