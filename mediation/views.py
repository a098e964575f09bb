"""Mediation pages (mounted at ``/mediation/``): the mediator's workbench, case registration and the case
page with its action forms, the agreement document, conversion from a complaint, the organisations.

Thin views: parse (mediation.forms) → one service or selector → render. Refusals of the services are
shown on the page with the HTTP status they carry (400/403/409); a case the user may not see is a 404.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import STAFF_ROLES
from common.exceptions import ApplicationError, NotFoundError
from grievance.selectors.complaints import complaint_get_for_actor
from mediation.forms import (
    BOOLEAN_CHOICES,
    CHOICES,
    action_from_post,
    application_from_post,
    conversion_from_post,
)
from mediation.models import CaseStatus
from mediation.selectors.access import case_inside
from mediation.selectors.cases import case_get_for_actor, case_list_for_actor
from mediation.selectors.detail import case_detail_for_actor, case_list_item
from mediation.selectors.documents import agreement_document_context
from mediation.selectors.mediators import (
    mediator_list,
    mediators_with_availability,
    organisation_get,
    organisation_list,
    organisations_of_user,
)
from mediation.selectors.stats import mediation_stats
from mediation.selectors.workbench import my_cases, my_deadlines, my_sessions, reminders_for_user
from mediation.services.actions import mediation_case_action
from mediation.services.cases import mediation_case_apply
from mediation.services.complaint_link import mediation_case_from_complaint
from mediation.services.documents import agreement_pdf_request
from mediation.services.organisations import mediators_availability_set
from mediation.services.reminders import reminder_mark_read
from mediation.workflow import action_label


def _staff(request) -> None:
    if request.user.role not in STAFF_ROLES and not request.user.is_superuser:
        raise Http404


def _case_or_404(request, case_id):
    try:
        return case_get_for_actor(user=request.user, case_id=case_id)
    except NotFoundError as exc:
        raise Http404 from exc


@login_required
def workbench(request):
    _staff(request)
    today = timezone.localdate()
    start = today - timedelta(days=today.weekday())  # the calendar starts on this week's Monday
    context = {
        "cases": [case_list_item(case, now=timezone.now()) for case in my_cases(user=request.user)],
        "calendar": my_sessions(user=request.user, start=start),
        "today": today,
        "deadlines": my_deadlines(user=request.user),
        "reminders": reminders_for_user(user=request.user, limit=10),
        "organisations": organisations_of_user(request.user),
        "memberships": mediators_with_availability(mediator_list().filter(user=request.user)),
    }
    return render(request, "mediation/workbench.html", context)


@login_required
def case_list(request):
    _staff(request)
    error = None
    try:
        cases = case_list_for_actor(user=request.user, filters=request.GET)
        page = Paginator(cases, 30).get_page(request.GET.get("page"))
    except ApplicationError as exc:
        error, page = exc, Paginator([], 30).get_page(1)
    now = timezone.now()
    context = {
        "page": page,
        "items": [case_list_item(case, now=now) for case in page.object_list],
        "filters": request.GET,
        "error": error,
        "choices": CHOICES,
        "statuses": CaseStatus.choices,
    }
    return render(request, "mediation/case_list.html", context, status=error.status if error else 200)


@login_required
def case_new(request):
    _staff(request)
    organisations = organisations_of_user(request.user)
    context = {
        "organisations": organisations,
        "organisation_options": [(o.code, o.name) for o in organisations],
        "choices": CHOICES,
        "values": request.POST,
        "errors": {},
    }
    if request.method == "POST":
        try:
            case = mediation_case_apply(actor=request.user, data=application_from_post(request.POST))
        except ApplicationError as exc:
            context.update(error=exc, errors=exc.errors)
            return render(request, "mediation/case_form.html", context, status=exc.status)
        messages.success(request, _("已登记调解申请，案号%(number)s") % {"number": case.number})
        return redirect("mediation:case", case_id=case.pk)
    return render(request, "mediation/case_form.html", context)


def _detail_context(request, case, **extra) -> dict:
    detail = case_detail_for_actor(user=request.user, case=case)
    parties_flat = []
    for party in detail["parties"]:
        parties_flat.append(party)
        parties_flat.extend(party["representatives"])
    assignable = []
    if "assign_mediator" in detail["allowed_actions"]:
        assignable = [
            m
            for m in mediators_with_availability(mediator_list(available_only=True))
            if m.organisation_id == case.organisation_id or m.organisation_id == case.organisation.parent_id
        ]
    failed = extra.get("failed_action")
    panels = [
        {
            "action": action,
            "label": action_label(action),
            "template": f"mediation/actions/{action}.html",
            "open": action == failed,
            "errors": extra.get("action_errors") if action == failed else {},
            "values": extra.get("values") if action == failed else {},
        }
        for action in detail["allowed_actions"]
        if action != "cancel_session" or any(s["status"] == "scheduled" for s in detail["sessions"])
    ]
    return {
        "case": case,
        "detail": detail,
        "panels": panels,
        "allowed": set(detail["allowed_actions"]),
        "parties_flat": parties_flat,
        "assignable": assignable,
        "choices": CHOICES,
        "boolean_choices": BOOLEAN_CHOICES,
        "scheduled": [s for s in detail["sessions"] if s["status"] == "scheduled"],
        **extra,
    }


@login_required
def case_detail(request, case_id):
    case = _case_or_404(request, case_id)
    return render(request, "mediation/case_detail.html", _detail_context(request, case))


@login_required
@require_POST
def case_act(request, case_id):
    case = _case_or_404(request, case_id)
    action, params, files = action_from_post(request.POST, request.FILES)
    try:
        mediation_case_action(case_id=case.pk, action=action, actor=request.user, params=params, files=files)
    except ApplicationError as exc:
        case = _case_or_404(request, case_id)
        context = _detail_context(
            request,
            case,
            failed_action=action,
            action_error=exc,
            action_errors=exc.errors,
            values=request.POST,
        )
        return render(request, "mediation/case_detail.html", context, status=exc.status)
    messages.success(request, _("已办理：%(action)s") % {"action": action_label(action)})
    return redirect(f"{reverse('mediation:case', kwargs={'case_id': case.pk})}#{action}")


@login_required
def agreement_document(request, case_id):
    case = _case_or_404(request, case_id)
    if getattr(case, "agreement", None) is None:
        raise Http404
    inside = case_inside(case=case, user=request.user)
    context = agreement_document_context(case=case, inside=inside)
    context.update(
        toolbar=True,
        back_url=reverse("mediation:case", kwargs={"case_id": case.pk}),
        pdf_url=reverse("mediation:agreement-pdf", kwargs={"case_id": case.pk}) if inside else "",
    )
    return render(request, "mediation/agreement_document.html", context)


@login_required
def agreement_pdf(request, case_id):
    case = _case_or_404(request, case_id)
    agreement = getattr(case, "agreement", None)
    if agreement is None or not case_inside(case=case, user=request.user):
        raise Http404
    if agreement.document:
        return FileResponse(
            agreement.document.open("rb"),
            as_attachment=True,
            filename=f"agreement-{case.pk}.pdf",
            content_type="application/pdf",
        )
    try:
        agreement_pdf_request(agreement=agreement)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.info(request, _("协议书PDF正在生成，请稍后再下载"))
    return redirect("mediation:case", case_id=case.pk)


@login_required
def from_complaint(request, complaint_id):
    _staff(request)
    try:
        complaint = complaint_get_for_actor(user=request.user, complaint_id=complaint_id)
    except NotFoundError as exc:
        raise Http404 from exc
    context = {
        "complaint": complaint,
        "organisation_options": [(o.code, o.name) for o in organisation_list()],
        "choices": CHOICES,
        "values": request.POST,
        "errors": {},
    }
    if request.method == "POST":
        try:
            case = mediation_case_from_complaint(
                complaint_id=complaint.pk, actor=request.user, data=conversion_from_post(request.POST)
            )
        except ApplicationError as exc:
            context.update(error=exc, errors=exc.errors)
            return render(request, "mediation/from_complaint.html", context, status=exc.status)
        messages.success(request, _("已转人民调解，案号%(number)s") % {"number": case.number})
        return redirect("mediation:case", case_id=case.pk)
    return render(request, "mediation/from_complaint.html", context)


@login_required
def organisations(request):
    _staff(request)
    try:
        stats = mediation_stats(date_from=request.GET.get("from"), date_to=request.GET.get("to"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        stats = mediation_stats()
    by_code = {row["organisation"]: row for row in stats["by_organisation"]}
    rows = [{"organisation": o, "stats": by_code.get(o.code)} for o in organisation_list()]
    context = {
        "rows": rows,
        "stats": stats,
        "mediators": mediators_with_availability(mediator_list()),
        "filters": request.GET,
    }
    return render(request, "mediation/organisations.html", context)


@login_required
def organisation_detail(request, code):
    _staff(request)
    organisation = organisation_get(code=code)
    if organisation is None:
        raise Http404
    context = {
        "organisation": organisation,
        "stats": mediation_stats(organisation=organisation),
        "mediators": mediators_with_availability(mediator_list(organisation=organisation)),
    }
    return render(request, "mediation/organisation_detail.html", context)


@login_required
@require_POST
def availability(request):
    """The signed-in mediator pauses (until a date) or resumes taking cases, in all their organisations."""
    try:
        mediators_availability_set(
            user=request.user,
            available=request.POST.get("available") == "true",
            unavailable_until=request.POST.get("unavailable_until") or None,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已更新接案状态"))
    return redirect("mediation:workbench")


@login_required
@require_POST
def reminder_read(request, reminder_id):
    if not reminder_mark_read(reminder_id=reminder_id, user=request.user):
        raise Http404
    return redirect("mediation:workbench")
