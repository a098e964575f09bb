"""The hotline operator's intake (``/work/operator/``): built for a call in progress.

Keyboard first (autofocus on the number, Enter moves on, Alt+key jumps, Ctrl+Enter submits); the
caller's history appears as the number is typed; routing suggestions fill the matter with one click;
consultations are answered on the spot from the knowledge base of past answers (``answer`` at intake,
which the intake service allows operators and dispatchers). Submitting shows the tracking code to
read to the caller.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from common.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from grievance.api.serializers import scrub_personal
from grievance.selectors.complaints import complaint_get_for_actor
from grievance.selectors.matters import matter_list
from grievance.selectors.workbench import OPERATOR, caller_history, knowledge_search
from grievance.services.intake import complaint_submit
from grievance.services.routing import routing_suggest
from grievance.web.staff.common import staff_view
from grievance.web.staff.forms import OperatorIntakeForm, form_errors_from

MATTER_OPTIONS = 30


@staff_view(OPERATOR)
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    operator = request.user.role == Role.OPERATOR
    form = OperatorIntakeForm(request.POST or None, operator=operator)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = complaint_submit(actor=request.user, data=form.service_data())
        except (NotFoundError, PermissionDeniedError):
            raise
        except ApplicationError as exc:
            form_errors_from(form, exc)
        else:
            return redirect("staff:operator-submitted", complaint_id=complaint.pk)
    history = caller_history(user=request.user, phone=form["contact_phone"].value() or "")
    return render(
        request,
        "staff/operator/intake.html",
        {"form": form, "history": history, "phone": form["contact_phone"].value() or ""},
        status=400 if form.errors else 200,
    )


@staff_view(OPERATOR)
@require_GET
def submitted(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """The tracking code, large, to read to the caller (and what happened: answered or queued)."""
    complaint = complaint_get_for_actor(user=request.user, complaint_id=complaint_id)
    return render(request, "staff/operator/submitted.html", {"complaint": complaint})


@staff_view(OPERATOR)
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    """The caller's previous complaints (htmx, as the number is typed)."""
    phone = request.GET.get("contact_phone", "")
    rows = caller_history(user=request.user, phone=phone)
    return render(request, "staff/operator/partials/history.html", {"history": rows, "phone": phone})


@staff_view(OPERATOR)
@require_GET
def knowledge(request: HttpRequest) -> HttpResponse:
    """Past answers matching the search box; personal data in them is masked before reuse."""
    query = request.GET.get("q", "")
    rows = knowledge_search(user=request.user, query=query)
    for row in rows:
        row.reply_shown = scrub_personal(row.reply, name=row.contact_name, phone=row.contact_phone)
        row.title_shown = scrub_personal(row.title, name=row.contact_name, phone=row.contact_phone)
    template = "partials/knowledge.html" if request.headers.get("HX-Request") else "knowledge_page.html"
    return render(request, f"staff/operator/{template}", {"rows": rows, "q": query})


@staff_view(OPERATOR)
@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """Routing suggestions for the title and description typed so far (one click fills the matter)."""
    title = request.GET.get("title", "")
    description = request.GET.get("description", "")
    suggestions = (
        routing_suggest(title=title, description=description) if (title + description).strip() else []
    )
    return render(request, "staff/operator/partials/suggestions.html", {"suggestions": suggestions[:5]})


@staff_view(OPERATOR)
@require_GET
def matters(request: HttpRequest) -> HttpResponse:
    """Leaf matters whose names or keywords match (options of the matter picker)."""
    query = (request.GET.get("q") or request.GET.get("matter") or "").strip()
    rows = list(matter_list(q=query, level=3)[:MATTER_OPTIONS]) if query else []
    return render(request, "staff/operator/partials/matter_options.html", {"matters": rows})
