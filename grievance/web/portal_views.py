"""The citizen portal (no login needed): start page, the complaint form with its live hints, the
confirmation with the tracking code, tracking by code with the rating form, and "my complaints".

Thin views: parse (``portal_forms``) → one service or selector → render. The same services and
selectors as the API do the work (``complaint_submit``, ``attachment_add``, ``complaint_duplicates``,
``routing_suggest``, ``complaint_support_add``, ``complaint_rate``, ``complaint_get_by_tracking_code``,
``complaint_list_for_actor``); what anyone holding a tracking code sees goes through the API's own
``TrackingSerializer``, so the page can never show more personal data than the API. Anonymous writes
are throttled like the API's (DRF ``AnonRateThrottle``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.throttling import AnonRateThrottle

from accounts.models import Role
from common.exceptions import ApplicationError, NotFoundError
from grievance.api.serializers import TrackingSerializer, scrub_personal
from grievance.selectors.complaints import complaint_list_for_actor
from grievance.selectors.matters import matter_get, matter_list, matter_path
from grievance.selectors.tracking import complaint_get_by_tracking_code, tracking_code_normalize
from grievance.services.actions import complaint_submit_with_photos
from grievance.services.attachments import attachment_max_bytes
from grievance.services.duplicates import complaint_duplicates
from grievance.services.routing import routing_suggest
from grievance.services.support import complaint_rate, complaint_support_add
from grievance.web.portal_forms import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    PHOTO_TYPES,
    PORTAL_MAX_PHOTOS,
    TITLE_MAX,
    ComplaintSubmitForm,
    RateForm,
    SuggestForm,
    SupportForm,
    TrackForm,
)

MATTER_RESULTS = 12
SUGGESTIONS_SHOWN = 3
SIMILAR_SHOWN = 5
MY_PAGE_SIZE = 20
OK_STATUSES = ("closed", "answered")
DONE_STATUSES = ("handled", "reviewing")
ENDED_STATUSES = ("transferred", "referred", "duplicate", "invalid", "withdrawn")


def _throttled(request) -> bool:
    """True when an anonymous caller has used up the API's anonymous rate (signed-in users pass)."""
    return not AnonRateThrottle().allow_request(request, None)


def _too_many(request, template="portal/partials/message.html"):
    context = {"level": "error", "text": _("操作过于频繁，请稍后再试。")}
    return render(request, template, context, status=429)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _user_or_none(request):
    return request.user if request.user.is_authenticated else None


def status_badge(status: str) -> str:
    """CSS class of a status badge: closed or answered (green), result under review (amber), ended
    without handling (grey), on its way (blue)."""
    if status in OK_STATUSES:
        return "badge-ok"
    if status in ENDED_STATUSES:
        return "badge-muted"
    return "badge-warn" if status in DONE_STATUSES else "badge"


# --- start page -----------------------------------------------------------------------------------


@require_GET
def home(request):
    return render(request, "portal/home.html", {"track_form": TrackForm()})


# --- the complaint form ---------------------------------------------------------------------------


def _initial_contact(request) -> dict:
    user = _user_or_none(request)
    if user is None or user.role != Role.CITIZEN:
        return {}
    return {"contact_name": user.display_name or user.get_full_name(), "contact_phone": user.phone}


def _chosen_matter(code: str):
    matter = matter_get(code=code) if code else None
    return {"code": matter.code, "path": matter_path(matter)} if matter and matter.level == 3 else None


def _submit_context(form, **extra) -> dict:
    code = form["matter"].value() or ""
    return {
        "form": form,
        "chosen_matter": _chosen_matter(code.strip()),
        "max_photos": PORTAL_MAX_PHOTOS,
        "photo_max_bytes": attachment_max_bytes(),
        "photo_types": PHOTO_TYPES,
        "title_max": TITLE_MAX,
        "description_max": DESCRIPTION_MAX,
        **extra,
    }


@require_http_methods(["GET", "POST"])
def submit(request):
    if request.method == "GET":
        form = ComplaintSubmitForm(initial=_initial_contact(request))
        return render(request, "portal/submit.html", _submit_context(form))
    if _throttled(request):
        return _too_many(request, "portal/throttled.html")
    form = ComplaintSubmitForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            complaint = complaint_submit_with_photos(
                actor=request.user, data=form.complaint_data(), photos=form.cleaned_data["photos"]
            )
        except ApplicationError as error:
            form.apply_errors(error)
        else:
            return redirect("portal:submitted", code=complaint.tracking_code)
    photos_sent = any(f.size for f in request.FILES.getlist("photos"))
    return render(request, "portal/submit.html", _submit_context(form, photos_sent=photos_sent), status=400)


@require_GET
def matter_search(request):
    """The category picker's results: leaves whose names, parents or keywords contain every word."""
    query = (request.GET.get("q") or "").strip()[:100]
    matters = list(matter_list(q=query, level=3)[:MATTER_RESULTS]) if query else []
    results = [{"code": m.code, "path": matter_path(m)} for m in matters]
    return render(request, "portal/partials/matter_results.html", {"query": query, "results": results})


@require_POST
def suggest(request):
    """ "您要反映的可能是：…" from the title and description typed so far (the routing service)."""
    form = SuggestForm(request.POST)
    suggestions = []
    if form.is_valid() and (form.cleaned_data["title"].strip() or form.cleaned_data["description"].strip()):
        lat, lng = form.point()
        found = routing_suggest(
            title=form.cleaned_data["title"], description=form.cleaned_data["description"], lat=lat, lng=lng
        )
        suggestions = [s for s in found if s.score > 0][:SUGGESTIONS_SHOWN]
    return render(request, "portal/partials/suggestions.html", {"suggestions": suggestions})


@require_POST
def similar(request):
    """Open complaints about the same thing nearby, each with "这也是我要反映的" (support instead)."""
    form = SuggestForm(request.POST)
    items, located = [], False
    if form.is_valid():
        lat, lng = form.point()
        located = lat is not None
        code = form.cleaned_data["matter"].strip()
        found = complaint_duplicates(
            matter=matter_get(code=code) if code else None,
            lat=lat,
            lng=lng,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            limit=SIMILAR_SHOWN,
        )
        items = [
            {
                "id": c.pk,
                "title": scrub_personal(c.title, name=c.contact_name, phone=c.contact_phone),
                "status": c.get_status_display(),
                "received_at": c.received_at,
                "support_count": c.support_count,
                "distance_m": c.distance_m,
            }
            for c in found
        ]
    return render(request, "portal/partials/similar.html", {"items": items, "located": located})


@require_POST
def support(request, complaint_id: int):
    """ "这也是我要反映的": the citizen's support (附议) joins the open complaint instead of a new one."""
    template = "portal/partials/support_result.html" if _is_htmx(request) else "portal/support_result.html"
    if _throttled(request):
        return _too_many(request, template)
    form = SupportForm(request.POST)
    form.is_valid()  # both fields are optional text; the service checks them
    data = getattr(form, "cleaned_data", {})
    try:
        added = complaint_support_add(
            complaint_id=complaint_id,
            actor=request.user,
            contact_name=data.get("contact_name", ""),
            contact_phone=data.get("contact_phone", ""),
        )
    except ApplicationError as error:
        problems = [str(m) for ms in error.errors.values() for m in ms] or [error.message]
        return render(request, template, {"ok": False, "problems": problems}, status=error.status)
    context = {"ok": True, "support_count": added.complaint.support_count}
    return render(request, template, context, status=201 if not _is_htmx(request) else 200)


# --- after submitting: the code, tracking, rating -------------------------------------------------


@require_GET
def submitted(request, code: str):
    complaint = _by_code_or_none(code)
    if complaint is None:
        return _track_not_found(request, code)
    return render(
        request,
        "portal/submitted.html",
        {"code": complaint.tracking_code, "code_groups": _groups(complaint.tracking_code)},
    )


def _groups(code: str) -> list[str]:
    """The code in groups of four, as it is read out over the phone."""
    return [code[i : i + 4] for i in range(0, len(code), 4)]


def _by_code_or_none(code):
    try:
        return complaint_get_by_tracking_code(code=code)
    except NotFoundError:
        return None


def _track_not_found(request, code):
    form = TrackForm(initial={"code": code})
    context = {"form": form, "not_found": True}
    return render(request, "portal/track.html", context, status=404)


@require_GET
def track(request):
    """Enter a code; a well-formed one goes to its page (a wrong one gets the same answer as unknown)."""
    if "code" not in request.GET:
        return render(request, "portal/track.html", {"form": TrackForm()})
    form = TrackForm(request.GET)
    if form.is_valid():
        normalized = tracking_code_normalize(form.cleaned_data["code"])
        if normalized is not None:
            return redirect("portal:track_detail", code=normalized)
        return _track_not_found(request, form.cleaned_data["code"])
    return render(request, "portal/track.html", {"form": form}, status=400)


def _tracking_context(complaint, *, rate_form=None) -> dict:
    data = TrackingSerializer(complaint).data
    timeline = [
        {"at": event.at, "label": item["label"], "status_label": item["status_label"], "unit": item["unit"]}
        for event, item in zip(complaint.public_events, data["timeline"], strict=True)
    ]
    return {
        "complaint": complaint,
        "tracking": data,
        "code_groups": _groups(complaint.tracking_code),
        "badge": status_badge(complaint.status),
        "timeline": timeline[::-1],  # newest first: what happened last is what a citizen looks for
        "rate_form": rate_form or RateForm(),
        "comment_max": COMMENT_MAX,
    }


@require_GET
def track_detail(request, code: str):
    if _throttled(request):  # like the tracking API: codes cannot be tried in bulk
        return _too_many(request, "portal/throttled.html")
    complaint = _by_code_or_none(code)
    if complaint is None:
        return _track_not_found(request, code)
    if complaint.tracking_code != code:
        return redirect("portal:track_detail", code=complaint.tracking_code)
    return render(request, "portal/track_detail.html", _tracking_context(complaint))


@require_POST
def track_rate(request, code: str):
    complaint = _by_code_or_none(code)
    if complaint is None:
        return _track_not_found(request, code)
    if _throttled(request):
        return _too_many(request, "portal/throttled.html")
    form = RateForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            complaint_rate(complaint_id=complaint.pk, **form.rate_arguments())
        except ApplicationError as error:
            form.apply_errors(error)
            status = error.status
        else:
            messages.success(request, _("感谢您的评价！"))
            return redirect(f"{_track_url(complaint.tracking_code)}#rating")
    complaint = complaint_get_by_tracking_code(code=complaint.tracking_code)
    return render(
        request, "portal/track_detail.html", _tracking_context(complaint, rate_form=form), status=status
    )


def _track_url(code: str) -> str:
    return reverse("portal:track_detail", kwargs={"code": code})


# --- my complaints --------------------------------------------------------------------------------


@login_required
@require_GET
def my_complaints(request):
    """The complaints a signed-in citizen submitted (staff have their workbenches instead)."""
    if request.user.role != Role.CITIZEN:
        return render(request, "portal/my.html", {"staff": True})
    complaints = complaint_list_for_actor(user=request.user, filters={})
    page = Paginator(complaints, MY_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"complaint": c, "badge": status_badge(c.status)} for c in page.object_list]
    return render(request, "portal/my.html", {"page": page, "rows": rows})
