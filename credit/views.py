"""Server-rendered credit pages: the public lookup and publicity pages, and the staff pages.

Thin: each view calls selectors or one service and renders. The public sees only what is public now;
staff pages need an agency (credit officer, supervisor or a department member): others get 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError, NotFoundError
from credit.forms import PenaltyForm
from credit.models import RecordKind, RepairStatus
from credit.selectors.access import credit_actor
from credit.selectors.inspections import inspection_draws_public
from credit.selectors.records import record_list_for_actor, record_public_list, subject_records_for_actor
from credit.selectors.repair import repair_list_for_actor
from credit.selectors.subjects import (
    subject_current_grade,
    subject_display_name,
    subject_get_by_code,
    subject_get_for_actor,
    subject_lookup,
    subject_open_list_entries,
)
from credit.services.records import record_create
from grids.models import Unit
from grids.selectors.units import unit_list, units_of_user

PAGE_SIZE = 30
PUBLICITY_KINDS = {"licence": [RecordKind.LICENCE], "penalty": [RecordKind.PENALTY]}


def _agency_required(request):
    actor = credit_actor(request.user)
    if not actor.is_agency:
        raise PermissionDenied(_("仅限信用管理员和职能部门"))
    return actor


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def credit_lookup_view(request):
    q = (request.GET.get("q") or "").strip()
    subjects, error = None, ""
    if q:
        try:
            subjects = list(subject_lookup(q=q, user=request.user)[:50])
        except ApplicationError as exc:
            error = exc.message
    full = credit_actor(request.user).is_agency
    rows = [{"subject": s, "name": subject_display_name(subject=s, full=full)} for s in subjects or []]
    return render(
        request,
        "credit/lookup.html",
        {"q": q, "rows": rows, "searched": subjects is not None, "error": error},
    )


def credit_subject_view(request, subject_id):
    try:
        subject = subject_get_for_actor(user=request.user, subject_id=subject_id)
    except NotFoundError:
        raise Http404(_("信用主体不存在")) from None
    actor = credit_actor(request.user)
    now = timezone.now()
    records = list(subject_records_for_actor(user=request.user, subject=subject, at=now))
    context = {
        "subject": subject,
        "name": subject_display_name(subject=subject, full=actor.is_agency),
        "rows": [{"record": r, "public": r.is_public(now)} for r in records],
        "entries": subject_open_list_entries(subject=subject, public_only=not actor.is_agency),
        "grade": subject_current_grade(subject=subject) if actor.is_agency else None,
        "agency": actor.is_agency,
    }
    return render(request, "credit/subject.html", context)


def credit_publicity_view(request):
    kind = request.GET.get("kind") or ""
    kinds = PUBLICITY_KINDS.get(kind, [RecordKind.LICENCE, RecordKind.PENALTY])
    q = (request.GET.get("q") or "").strip()
    page = _page(request, record_public_list(kinds=kinds, q=q))
    return render(request, "credit/publicity.html", {"page": page, "kind": kind, "q": q})


def credit_inspections_view(request):
    page = _page(request, record_public_list(kinds=[RecordKind.INSPECTION]))
    draws = inspection_draws_public()[:10]
    return render(request, "credit/inspections.html", {"page": page, "draws": draws})


@login_required
def credit_staff_view(request):
    actor = _agency_required(request)
    overdue = record_list_for_actor(user=request.user, filters={"overdue": "true"})
    if not actor.reads_all:
        overdue = overdue.filter(department_id__in=actor.department_ids)
    repairs = repair_list_for_actor(user=request.user).filter(
        status__in=[RepairStatus.SUBMITTED, RepairStatus.REVIEWING]
    )
    return render(
        request, "credit/staff.html", {"overdue": overdue[:50], "repairs": repairs[:50], "actor": actor}
    )


def _departments_for(actor, user) -> list[Unit]:
    return list(unit_list()) if actor.is_officer else list(units_of_user(user))


@login_required
def credit_penalty_create_view(request):
    actor = _agency_required(request)
    departments = _departments_for(actor, request.user)
    form = PenaltyForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subject = subject_get_by_code(data["subject_code"])
        if subject is None:
            form.add_error("subject_code", _("该主体尚未登记，请先登记信用主体"))
        else:
            try:
                record = record_create(
                    subject=subject,
                    kind=RecordKind.PENALTY,
                    actor=request.user,
                    department=next(u for u in departments if str(u.pk) == data["department"]),
                    title=data["title"],
                    decision_date=data["decision_date"],
                    decision_number=data["decision_number"],
                    severity=data["severity"],
                    details={
                        "category": data["category"],
                        "facts": data["facts"],
                        "legal_basis": data["legal_basis"],
                        "content": data["content"],
                        "fine_amount": data["fine_amount"],
                    },
                    internal_note=data["internal_note"],
                )
            except ApplicationError as exc:
                for field, errors in (exc.errors or {"__all__": [exc.message]}).items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _("已录入行政处罚：%(n)s") % {"n": record.decision_number})
                return redirect(reverse("credit:subject", args=[subject.pk]))
    return render(request, "credit/penalty_form.html", {"form": form})


@login_required
def credit_map_view(request):
    _agency_required(request)
    return render(request, "credit/map.html", {"data_url": reverse("api-credit-map")})
