"""The complaint page of every staff role (``/work/complaints/<id>/``): timeline, contact (masked
unless ``complaint_contact_visible``), attachments, and the actions the user may take as forms.

Every action posts to one address and goes through ``complaint_action`` (or, with photos,
``complaint_action_with_photos``): the transition service is the only place a status changes. A
complaint the user may not see answers 404, like one that does not exist.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from common.validators import mask_name, mask_phone
from grievance.api.serializers import ACTION_LABELS
from grievance.models.complaints import Status
from grievance.selectors.attachments import attachment_list
from grievance.selectors.complaints import (
    complaint_allowed_actions_for,
    complaint_contact_visible,
    complaint_get_for_actor,
    complaint_reads_all,
)
from grievance.selectors.workbench import COMPLAINTS, complaint_light, dispatch_hints, dispatch_units
from grievance.services.actions import complaint_action, complaint_action_with_photos
from grievance.services.attachments import attachment_add
from grievance.services.deadlines import SUPERVISION_LABELS
from grievance.services.privacy import complaint_contact_read_record
from grievance.web.staff.common import action_item, error_message, safe_next, staff_view
from grievance.web.staff.forms import DISPOSITION_CHOICES, PHOTO_ACTIONS, SATISFACTION_CHOICES, action_params
from grievance.workflow import CLOCKED

# Actions with their own page or shown elsewhere on the page rather than as a generic form.
ORDER = (
    "sign",
    "submit_result",
    "co_reply",
    "request_extension",
    "return",
    "escalate",
    "resolve_on_spot",
    "verify",
    "return_visit",
    "dispatch",
    "answer",
    "merge",
    "dispose",
    "approve_extension",
    "reject_extension",
    "reopen",
    "close",
    "supervise",
    "psych_refer",
    "withdraw",
)


def _status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


def _events(complaint) -> list:
    events = list(complaint.events.all())
    for event in events:
        event.label = ACTION_LABELS.get(event.action, event.action)
        event.from_label = _status_label(event.from_status)
        event.to_label = _status_label(event.to_status)
    return events


# Actions another page performs: the mediation organisation registers its case and converts the
# complaint (``mediation.services``); this page only says so.
ELSEWHERE = frozenset({"to_mediation"})


def _sorted_actions(actions: list[str]) -> list[dict]:
    shown = [a for a in actions if a not in ELSEWHERE]
    ordered = sorted(shown, key=lambda a: ORDER.index(a) if a in ORDER else len(ORDER))
    return [action_item(a) for a in ordered]


def complaint_context(request: HttpRequest, complaint) -> dict:
    """What the complaint page and the return-visit script print about one complaint."""
    user = request.user
    now = timezone.now()
    visible = complaint_contact_visible(user=user, complaint=complaint)
    if visible:  # who looked (issue 11): the full contact is about to be shown
        complaint_contact_read_record(user=user, complaint=complaint, via="web", path=request.path)
    actions = complaint_allowed_actions_for(user=user, complaint=complaint)
    assignments = getattr(complaint, "active_assignments", [])
    context = {
        "complaint": complaint,
        "now": now,
        "light": complaint_light(complaint, now),
        "clock_running": complaint.status in CLOCKED,
        "contact_visible": visible,
        "contact_name": complaint.contact_name if visible else mask_name(complaint.contact_name),
        "contact_phone": complaint.contact_phone
        if visible
        else (mask_phone(complaint.contact_phone) if complaint.contact_phone else ""),
        "actions": _sorted_actions(actions),
        "action_names": set(actions),
        "mediation_possible": "to_mediation" in actions,
        "assignments": assignments,
        "events": _events(complaint),
        "attachments": list(attachment_list(complaint=complaint)),
        "supervision_label": SUPERVISION_LABELS.get(complaint.supervision_level, ""),
        "dispositions": DISPOSITION_CHOICES,
        "satisfactions": SATISFACTION_CHOICES,
        "reads_all": complaint_reads_all(user),
        "here": reverse("staff:complaint", args=[complaint.pk]),
    }
    if "dispatch" in actions or "merge" in actions:
        context["hints"] = dispatch_hints(user=user, complaint=complaint)
        context["units"] = dispatch_units(user=user)
    return context


@staff_view(COMPLAINTS)
@require_GET
def complaint_detail(request: HttpRequest, complaint_id: int) -> HttpResponse:
    complaint = complaint_get_for_actor(user=request.user, complaint_id=complaint_id)
    return render(request, "staff/complaint_detail.html", complaint_context(request, complaint))


@staff_view(COMPLAINTS)
@require_GET
def return_visit_script(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """The call script of a return visit: what to read to the citizen, the answers to record."""
    complaint = complaint_get_for_actor(user=request.user, complaint_id=complaint_id)
    context = complaint_context(request, complaint)
    if "return_visit" not in context["action_names"]:
        messages.error(request, _("该诉求当前不能回访"))
        return redirect("staff:complaint", complaint_id=complaint.pk)
    return render(request, "staff/return_visit.html", context)


@staff_view(COMPLAINTS)
@require_POST
def complaint_act(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """Apply the posted action through the services; back to ``next`` (or the complaint) with a message."""
    complaint = complaint_get_for_actor(user=request.user, complaint_id=complaint_id)
    action = request.POST.get("action", "")
    params = action_params(action, request.POST)
    photos = request.FILES.getlist("photos") if action in PHOTO_ACTIONS else []
    here = reverse("staff:complaint", args=[complaint.pk])
    try:
        if photos:
            complaint_action_with_photos(
                complaint_id=complaint.pk, action=action, actor=request.user, params=params, photos=photos
            )
        else:
            complaint_action(complaint_id=complaint.pk, action=action, actor=request.user, params=params)
    except (NotFoundError, PermissionDeniedError):
        raise  # a form the page never offered to this user: 404 / 403
    except ApplicationError as exc:
        messages.error(request, error_message(exc))
        return redirect(safe_next(request, here))
    label = ACTION_LABELS.get(action, action)
    messages.success(
        request, _("已完成「%(action)s」：%(code)s") % {"action": label, "code": complaint.tracking_code}
    )
    target = safe_next(request, here)
    if target == here:
        try:  # after a return or an escalation the unit may no longer see it
            complaint_get_for_actor(user=request.user, complaint_id=complaint.pk)
        except NotFoundError:
            target = reverse("staff:home")
    return redirect(target)


@staff_view(COMPLAINTS)
@require_POST
def complaint_upload(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """Add photos or documents to a complaint (``attachment_add`` checks each file by its content)."""
    complaint = complaint_get_for_actor(user=request.user, complaint_id=complaint_id)
    files = request.FILES.getlist("photos")
    if not files:
        messages.error(request, _("请选择要上传的文件"))
    for file in files:
        try:
            attachment_add(complaint=complaint, file=file, actor=request.user)
        except NotFoundError:
            raise
        except ApplicationError as exc:
            messages.error(request, f"{file.name}：{error_message(exc)}")
            break
    else:
        if files:
            messages.success(request, _("已上传 %(n)d 个文件") % {"n": len(files)})
    return redirect("staff:complaint", complaint_id=complaint.pk)
