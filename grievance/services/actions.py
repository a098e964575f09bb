"""Workflow actions requested from outside (API, pages): client parameters in, one transition out.

``complaint_action`` is the only door from an interface to ``complaint_transition``. It drops every
client-supplied key that starts with "_" (those are derived values the guards trust) and adds the
derived values an action needs from the database:

- ``_has_photo`` for ``resolve_on_spot``: the actor uploaded an image to this complaint (the photo of
  the spot after handling, DOMAIN.md §3 "当场整治").
"""

from datetime import datetime

from django.utils.translation import gettext as _

from common.exceptions import ApplicationError
from grievance.models import Attachment, Complaint
from grievance.services.transitions import complaint_transition


def _derived_params(*, complaint_id: int, action: str, actor) -> dict:
    derived = {}
    if action == "resolve_on_spot":
        user_id = getattr(actor, "pk", None)
        derived["_has_photo"] = bool(
            user_id
            and Attachment.objects.filter(
                complaint_id=complaint_id, uploaded_by_id=user_id, content_type__startswith="image/"
            ).exists()
        )
    return derived


def complaint_action(
    *, complaint_id: int, action, actor, params: dict | None = None, now: datetime | None = None
) -> Complaint:
    """Apply ``action`` with the client's ``params`` (400/403/404/409 from the transition service)."""
    if not isinstance(action, str) or not action.strip():
        raise ApplicationError(_("缺少操作名称"), errors={"action": [_("必填")]})
    if params is not None and not isinstance(params, dict):
        raise ApplicationError(_("参数有误"), errors={"non_field_errors": [_("应为 JSON 对象")]})
    clean = {
        key: value
        for key, value in (params or {}).items()
        if not str(key).startswith("_") and key != "action"
    }
    clean.update(_derived_params(complaint_id=complaint_id, action=action, actor=actor))
    return complaint_transition(
        complaint_id=complaint_id, action=action.strip(), actor=actor, params=clean, now=now
    )
