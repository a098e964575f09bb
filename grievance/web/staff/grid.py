"""The grid worker's pages (``/work/grid/``), phone-sized first.

My grids (list, and the district map when ``static/js/districtmap.js`` is there), report a hazard with
photos and the device's location (navigator.geolocation fills lat/lng; otherwise a map click or the
grid's centre), resolve on the spot (photo → ``resolve_on_spot``), escalate, and verify the results
handled in my grids. Reports go through ``complaint_report_with_photos`` (intake + photos + optional
on-the-spot resolution in one transaction).
"""

import json

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from grievance.models.complaints import Status
from grievance.selectors.workbench import (
    DEFAULT_SORT,
    GRID,
    grid_cells_with_centre,
    grid_open_list,
    grid_verification_list,
)
from grievance.services.actions import complaint_report_with_photos
from grievance.web.staff.common import list_page, rows_decorate, staff_view
from grievance.web.staff.forms import HazardReportForm, form_errors_from

TASKS_SHOWN = 20


def map_available() -> bool:
    """Whether the shared map component is installed (the page shows a list only without it)."""
    return bool(finders.find("js/districtmap.js"))


def _page_context(request: HttpRequest, form: HazardReportForm) -> dict:
    cells = grid_cells_with_centre(user=request.user)
    verify = Paginator(grid_verification_list(user=request.user), TASKS_SHOWN).get_page(1)
    return {
        "cells": cells,
        "form": form,
        "verify_rows": rows_decorate(verify.object_list),
        "verify_count": verify.paginator.count,
        "map_available": map_available(),
        "markers": "[]",
        "default_centre": (cells[0].centre_lat, cells[0].centre_lng) if cells else None,
        "now": timezone.now(),
    }


@staff_view(GRID)
@require_GET
def grid_home(request: HttpRequest) -> HttpResponse:
    result = list_page(
        request,
        lambda filters, sort: grid_open_list(user=request.user, filters=filters, sort=sort),
        export_title=_("网格待处置"),
        export_name="grid-open",
        default_sort=DEFAULT_SORT[GRID],
        per_page=10,
        hide_status=True,
    )
    if isinstance(result, HttpResponse):
        return result
    context = _page_context(request, HazardReportForm())
    context.update({"list": result, "next": request.get_full_path(), "now": result.now})
    context["markers"] = json.dumps(
        [
            {
                "lat": c.lat,
                "lng": c.lng,
                "label": c.title,
                "color": "#b3261e",
                "href": reverse("staff:complaint", args=[c.pk]),
            }
            for c in result.rows
            if c.lat is not None and c.lng is not None
        ],
        ensure_ascii=False,
    )
    return render(request, "staff/grid/home.html", context)


@staff_view(GRID)
@require_http_methods(["GET", "POST"])
def grid_report(request: HttpRequest) -> HttpResponse:
    """Report a hazard (and, ticked, resolve it on the spot) — the phone's main form."""
    form = HazardReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = complaint_report_with_photos(
                actor=request.user,
                data=form.service_data(),
                photos=form.cleaned_data.get("photos") or [],
                resolve_result=form.resolve_result(),
            )
        except (NotFoundError, PermissionDeniedError):
            raise
        except ApplicationError as exc:
            form_errors_from(form, exc)
        else:
            if complaint.status == Status.CLOSED:
                messages.success(request, _("已当场处置并结案：%(code)s") % {"code": complaint.tracking_code})
            else:
                messages.success(request, _("已上报：%(code)s") % {"code": complaint.tracking_code})
            return redirect("staff:grid")
    return render(
        request, "staff/grid/report.html", _page_context(request, form), status=400 if form.errors else 200
    )
