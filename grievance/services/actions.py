"""Workflow actions requested from outside (API, pages): client parameters in, one transition out.

``complaint_action`` is the only door from an interface to ``complaint_transition``. It drops every
client-supplied key that starts with "_" (derived values the guards trust; ``transition_params.prepare``
drops them again) and fills in what an action needs from the database when the client left it out:

- ``photos`` for ``resolve_on_spot``: the image attachments the actor uploaded to this complaint (the
  photo of the spot after handling, DOMAIN.md §3 "当场整治"); ``prepare`` turns it into ``_has_photo``.
"""

from datetime import datetime

from django.utils.translation import gettext as _

from common.exceptions import ApplicationError
from grievance.models import Attachment, Complaint
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
