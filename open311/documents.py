"""GeoReport v2 documents: plain dicts and lists in the spec's field order, ready for XML or JSON.

Conversion rules: codes and ids are strings; booleans are booleans; lat/long are numbers; times are
ISO 8601 with the offset; a missing value is None (JSON null, an empty XML element). Nothing personal
leaves here: no contact name, phone or e-mail, and free text is scrubbed of phone numbers, ID numbers,
e-mail addresses and the complainant's own name.
"""

import re

from django.utils.translation import gettext as _

from grievance.api.serializers import ACTION_LABELS, scrub_personal
from grievance.models import OPEN_STATUSES, Complaint, ComplaintEvent, Disposition, Matter, Status
from open311.conf import open311_setting
from open311.models import Open311Request, PartnerUpdate, ServiceDefinition
from open311.selectors.requests import service_request_notes
from open311.timefmt import open311_datetime_format

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FORMATS = ["text/xml", "application/json"]
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_KEYWORD_SPLIT_RE = re.compile(r"[,，、;；\s]+")
# Events whose note is public wording (results, answers, closing and reopening reasons).
WORDED_ACTIONS = ("submit_result", "resolve_on_spot", "answer", "close", "dispose", "merge", "reopen")

# Complaint status after an event → mySociety's extended update status.
EXTENDED_STATUSES = {
    Status.SUBMITTED: "open",
    Status.PENDING_DISPATCH: "open",
    Status.DISPATCHED: "action_scheduled",
    Status.IN_PROGRESS: "in_progress",
    Status.HANDLED: "in_progress",
    Status.REVIEWING: "fixed",
    Status.CLOSED: "closed",
    Status.ANSWERED: "closed",
    Status.TRANSFERRED: "internal_referral",
    Status.REFERRED: "not_councils_responsibility",
    Status.DUPLICATE: "duplicate",
    Status.INVALID: "no_further_action",
    Status.WITHDRAWN: "closed",
    Status.MEDIATING: "investigating",
}


def public_text(complaint: Complaint, text: str) -> str:
    scrubbed = scrub_personal(text or "", name=complaint.contact_name, phone=complaint.contact_phone)
    return _EMAIL_RE.sub("***@***", scrubbed)


def open311_status(status: str) -> str:
    return "open" if status in OPEN_STATUSES else "closed"


def _open311_request(complaint: Complaint) -> Open311Request | None:
    try:
        return complaint.open311_request
    except Open311Request.DoesNotExist:
        return None


# --- discovery and services ---------------------------------------------------------------------


def discovery_document(*, endpoint_url: str, key_service_url: str) -> dict:
    changeset = open311_setting("CHANGESET")
    return {
        "changeset": changeset,
        "contact": open311_setting("CONTACT"),
        "key_service": key_service_url,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": endpoint_url,
                "changeset": changeset,
                "type": open311_setting("ENVIRONMENT"),
                "formats": list(FORMATS),
            }
        ],
    }


def _keywords(matter: Matter) -> str | None:
    words = [w for w in _KEYWORD_SPLIT_RE.split(matter.keywords or "") if w]
    return ",".join(dict.fromkeys(words)) or None


def service_document(matter: Matter) -> dict:
    middle = matter.parent
    top = middle.parent if middle is not None else None
    path = " / ".join(m.name for m in (top, middle, matter) if m is not None)
    return {
        "service_code": matter.code,
        "service_name": matter.name,
        "description": path,
        "metadata": bool(getattr(matter, "has_definition", False)),
        "type": "realtime",
        "keywords": _keywords(matter),
        "group": top.name if top is not None else None,
    }


def definition_document(matter: Matter, definition: ServiceDefinition | None) -> dict:
    attributes = list(definition.attributes.all()) if definition is not None else []
    return {
        "service_code": matter.code,
        "attributes": [
            {
                "variable": a.variable,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": a.datatype_description or None,
                "order": a.order,
                "description": a.description,
                "values": [{"key": str(v["key"]), "name": str(v["name"])} for v in a.values or []],
            }
            for a in attributes
        ],
    }


# --- requests ----------------------------------------------------------------------------------


def event_text(event: ComplaintEvent, complaint: Complaint) -> str:
    """The public wording of an event: its label, the unit it went to, or its scrubbed note."""
    label = str(ACTION_LABELS.get(event.action, event.action))
    if event.action in ("dispatch", "escalate"):
        unit = getattr(event, "unit_name", None)
        return f"{label}：{unit}" if unit else label
    if event.action not in WORDED_ACTIONS:
        return label
    note = public_text(complaint, event.note)
    disposition = event.payload.get("disposition")
    if not note and event.action == "dispose" and disposition in Disposition.values:
        note = str(Disposition(disposition).label)
    return f"{label}：{note}" if note else label


def status_notes(complaint: Complaint) -> str | None:
    notes = service_request_notes(complaint)
    return event_text(notes[0], complaint) if notes else None


def request_document(complaint: Complaint) -> dict:
    link = _open311_request(complaint)
    description = link.description if link is not None else complaint.description
    closed = complaint.status not in OPEN_STATUSES
    updated = complaint.closed_at if closed and complaint.closed_at else complaint.updated_at
    return {
        "service_request_id": str(complaint.pk),
        "status": open311_status(complaint.status),
        "status_notes": status_notes(complaint),
        "service_name": complaint.matter.name if complaint.matter_id else None,
        "service_code": complaint.matter.code if complaint.matter_id else "",
        "description": public_text(complaint, description)[:4000],
        "agency_responsible": complaint.lead_unit.name if complaint.lead_unit_id else None,
        "service_notice": None,
        "requested_datetime": open311_datetime_format(complaint.received_at),
        "updated_datetime": open311_datetime_format(updated),
        "expected_datetime": open311_datetime_format(complaint.handle_deadline),
        "address": public_text(complaint, complaint.address) or None,
        "address_id": (link.address_id if link is not None and link.address_id else None)
        or (complaint.grid.code if complaint.grid_id else None),
        "zipcode": None,
        "lat": complaint.lat,
        "long": complaint.lng,
        "media_url": (link.media_url or None) if link is not None else None,
    }


def service_notice(complaint: Complaint) -> str:
    return _("诉求已受理，查询码 %(code)s，可凭查询码在本平台查询办理进度。") % {
        "code": complaint.tracking_code
    }


def request_created_document(link: Open311Request) -> dict:
    complaint = link.complaint
    return {
        "service_request_id": str(complaint.pk),
        "token": complaint.tracking_code,
        "service_notice": service_notice(complaint),
        "account_id": link.account_id or None,
    }


def token_document(complaint: Complaint, token: str) -> dict:
    return {"service_request_id": str(complaint.pk), "token": token}


# --- updates (mySociety) -----------------------------------------------------------------------


def extended_status(event: ComplaintEvent) -> str:
    if event.action == "reopen":
        return "reopen"
    if event.to_status == Status.CLOSED and event.action in ("return_visit", "resolve_on_spot"):
        return "fixed"
    return EXTENDED_STATUSES.get(event.to_status, open311_status(event.to_status))


def update_document(event: ComplaintEvent) -> dict:
    complaint = event.complaint
    return {
        "update_id": str(event.pk),
        "service_request_id": str(complaint.pk),
        "status": extended_status(event),
        "external_status_code": event.to_status,
        "updated_datetime": open311_datetime_format(event.at),
        "description": event_text(event, complaint),
        "media_url": "",
    }


def update_created_document(update: PartnerUpdate) -> dict:
    return {"update_id": f"p{update.pk}"}


# --- errors ------------------------------------------------------------------------------------


def errors_document(*, status: int, message: str, errors: dict | None = None) -> list[dict]:
    """The message first, then one ``{"code", "description"}`` per field message ("field: text")."""
    return [{"code": status, "description": message}] + [
        {"code": status, "description": f"{field}: {text}"}
        for field, messages in (errors or {}).items()
        for text in (messages if isinstance(messages, list) else [messages])
    ]
