"""Workflow actions requested from outside (API, pages): client parameters in, one transition out.

``complaint_action`` is the only door from an interface to ``complaint_transition``. It drops every
client-supplied key that starts with "_" (derived values the guards trust; ``transition_params.prepare``
drops them again) and fills in what an action needs from the database when the client left it out:

- ``photos`` for ``resolve_on_spot``: the image attachments the actor uploaded to this complaint (the
  photo of the spot after handling, DOMAIN.md §3 "当场整治"); ``prepare`` turns it into ``_has_photo``.

The web pages' forms carry files with their action: ``complaint_action_with_photos`` and
``complaint_report_with_photos`` upload and act in one transaction.
"""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role
from common.exceptions import ApplicationError, NotFoundError
from grievance.models import Attachment, Complaint
from grievance.services.attachments import attachment_add
from grievance.services.intake import complaint_submit
from grievance.services.transitions import complaint_transition


def _defaults(*, complaint_id: int, action: str, actor, params: dict) -> dict:
    defaults = {}
    user_id = getattr(actor, "pk", None)
    if (
        action == "resolve_on_spot"
        and user_id
        and params.get("photos") in (None, "", [])
        and not params.get("photo")
    ):
        own_images = Attachment.objects.filter(
            complaint_id=complaint_id, uploaded_by_id=user_id, content_type__startswith="image/"
        )
        photos = list(own_images.order_by("id").values_list("id", flat=True))
        if photos:
            defaults["photos"] = photos
    return defaults


def complaint_action(
    *, complaint_id: int, action, actor, params: dict | None = None, now: datetime | None = None
) -> Complaint:
    """Apply ``action`` with the client's ``params`` (400/403/404/409 from the transition service)."""
    if not isinstance(action, str) or not action.strip():
        raise ApplicationError(_("缺少操作名称"), errors={"action": [_("必填")]})
    if params is not None and not isinstance(params, dict):
        raise ApplicationError(_("参数有误"), errors={"non_field_errors": [_("应为 JSON 对象")]})
    action = action.strip()
    clean = {
        key: value
        for key, value in (params or {}).items()
        if not str(key).startswith("_") and key != "action"
    }
    clean.update(_defaults(complaint_id=complaint_id, action=action, actor=actor, params=clean))
    return complaint_transition(complaint_id=complaint_id, action=action, actor=actor, params=clean, now=now)


def _photos_list(photos) -> list:
    return [photo for photo in (photos or []) if photo]


@transaction.atomic
def complaint_action_with_photos(
    *, complaint_id: int, action, actor, params: dict | None = None, photos=(), now: datetime | None = None
) -> Complaint:
    """Upload ``photos`` (``attachment_add``: checked by content) and apply ``action``, all or nothing.

    The pages' result, on-the-spot and verification forms carry their photos with the action: a
    refused action must not leave its photos behind, and a refused photo must not let the action
    through. For ``resolve_on_spot`` the uploaded photos are the ones the action names."""
    complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is None:
        raise NotFoundError(_("诉求不存在"))
    uploaded = [
        attachment_add(complaint=complaint, file=photo, actor=actor).pk for photo in _photos_list(photos)
    ]
    params = dict(params or {})
    if uploaded and action == "resolve_on_spot" and not params.get("photos"):
        params["photos"] = uploaded
    return complaint_action(complaint_id=complaint.pk, action=action, actor=actor, params=params, now=now)


@transaction.atomic
def complaint_report_with_photos(
    *, actor, data: dict, photos=(), resolve_result: str = "", now: datetime | None = None
) -> Complaint:
    """A grid worker's report (上报): intake, its photos, and — when ``resolve_result`` is given — the
    on-the-spot resolution (当场处置), in one transaction.

    Photos and the resolution need the worker's role on the complaint, i.e. a location inside one of
    their grid cells: anywhere else the report is refused with a ``location`` error, nothing stored."""
    photos = _photos_list(photos)
    complaint = complaint_submit(actor=actor, data=data, now=now)
    if resolve_result and not photos:
        raise ApplicationError(_("当场处置须上传处置后照片"), errors={"photos": [_("请上传现场照片")]})
    if (photos or resolve_result) and not (
        complaint.grid_id and actor.grid_cells.filter(pk=complaint.grid_id).exists()
    ):
        raise ApplicationError(
            _("上报位置不在您负责的网格内"), errors={"location": [_("请在本人网格内定位，或不附照片上报")]}
        )
    for photo in photos:
        attachment_add(complaint=complaint, file=photo, actor=actor)
    if resolve_result:
        complaint = complaint_action(
            complaint_id=complaint.pk,
            action="resolve_on_spot",
            actor=actor,
            params={"result": resolve_result},
            now=now,
        )
    return complaint


@transaction.atomic
def complaint_submit_with_photos(*, actor, data: dict, photos) -> Complaint:
    """Intake and the photos in one transaction: a refused photo leaves no complaint behind.

    A signed-in citizen uploads as themselves; anyone else's photos are stored by the platform itself
    (actor None: it receives its own form), since they hold no role on the complaint yet."""
    complaint = complaint_submit(actor=actor, data=data)
    uploader = actor if getattr(actor, "role", None) == Role.CITIZEN else None
    for photo in _photos_list(photos):
        attachment_add(complaint=complaint, file=photo, actor=uploader)
    return complaint
