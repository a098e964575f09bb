"""Public tracking by code (查询码): what anyone holding the code may read, without personal data.

The same ``NotFoundError`` answers an unknown code and a malformed one, so the answer never tells
whether a code exists unless it is exactly right.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from common.exceptions import NotFoundError
from grids.models import Unit
from grievance.models import Complaint, ComplaintEvent
from grievance.models.complaints import TRACKING_ALPHABET, TRACKING_LENGTH


def tracking_code_normalize(code) -> str | None:
    """Upper-case, without spaces or dashes (codes are read out over the phone); None if malformed."""
    text = "".join(str(code or "").split()).replace("-", "").upper()
    if len(text) != TRACKING_LENGTH or any(ch not in TRACKING_ALPHABET for ch in text):
        return None
    return text


def complaint_get_by_tracking_code(*, code) -> Complaint:
    """The complaint with ``code``, its public events in ``public_events`` (with units) and the names of
    the units those events name in ``unit_names`` (code → name)."""
    normalized = tracking_code_normalize(code)
    complaint = None
    if normalized is not None:
        events = ComplaintEvent.objects.filter(public=True).select_related("actor_unit").order_by("at", "id")
        complaint = (
            Complaint.objects.select_related("lead_unit")
            .prefetch_related(Prefetch("events", queryset=events, to_attr="public_events"))
            .filter(tracking_code=normalized)
            .first()
        )
    if complaint is None:
        raise NotFoundError(_("查询码不存在"))
    codes = {e.payload.get("unit") for e in complaint.public_events if isinstance(e.payload.get("unit"), str)}
    codes |= {
        e.payload.get("to_unit") for e in complaint.public_events if isinstance(e.payload.get("to_unit"), str)
    }
    complaint.unit_names = (
        dict(Unit.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    )
    return complaint
