"""Case actions requested from outside (API, pages): client parameters in, one transition out.

``mediation_case_action`` is the only door from an interface to ``mediation_case_transition``. It drops
every client key that starts with "_" (internal values the guards trust) and the ``action`` key itself.
"""

from datetime import datetime

from django.utils.translation import gettext as _

from common.exceptions import ApplicationError
from mediation.models import MediationCase
from mediation.services.transitions import mediation_case_transition


def mediation_case_action(
    *,
    case_id: int,
    action,
    actor,
    params: dict | None = None,
    files: dict | None = None,
    now: datetime | None = None,
) -> MediationCase:
    """Apply ``action`` with the client's ``params`` (and uploaded ``files``, e.g. a performance proof)."""
    if not isinstance(action, str) or not action.strip():
        raise ApplicationError(_("缺少操作名称"), errors={"action": [_("必填")]})
    if params is not None and not isinstance(params, dict):
        raise ApplicationError(_("参数有误"), errors={"non_field_errors": [_("应为 JSON 对象")]})
    clean = {
        key: value
        for key, value in (params or {}).items()
        if not str(key).startswith("_") and key != "action"
    }
    for key, upload in (files or {}).items():
        if not str(key).startswith("_"):
            clean[key] = upload
    return mediation_case_transition(
        case_id=case_id, action=action.strip(), actor=actor, params=clean, now=now
    )
