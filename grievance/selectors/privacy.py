"""Privacy reads: one citizen's data (for an export), and who looked at a subject's personal data.

``citizen_data_collect`` finds a citizen's complaints by account (``Complaint.citizen``) and/or by the
contact phone given at intake (hotline callers have no account), plus supports (附议) and the
notifications sent to them. Only public events are included: internal notes are the administration's
working record, not the citizen's data. Plain JSON-ready values throughout.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError
from grievance.models import Complaint, ComplaintSupport, Notification, PersonalDataRead

COMPLAINT_FIELDS = (
    "id",
    "tracking_code",
    "kind",
    "channel",
    "title",
    "description",
    "address",
    "lat",
    "lng",
    "contact_name",
    "contact_phone",
    "anonymous",
    "status",
    "received_at",
    "closed_at",
    "result",
    "answer",
    "resolved",
    "satisfaction",
)


def _value(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _phone_normalize(phone: str) -> str:
    phone = "".join((phone or "").split())
    return phone[3:] if phone.startswith("+86") else phone


def citizen_data_collect(*, citizen=None, phone: str = "") -> dict:
    """``{"account", "complaints": [...], "supports": [...], "notifications": [...]}`` for the citizen
    account ``citizen`` and/or the contact ``phone``; 400 when neither is given."""
    phone = _phone_normalize(phone)
    if citizen is None and not phone:
        raise ApplicationError(_("请指定市民账号或联系电话"), errors={"phone": [_("必填")]})
    mine = Q(pk__in=[])
    if citizen is not None:
        mine |= Q(citizen=citizen)
    if phone:
        mine |= Q(contact_phone=phone)
    complaints = []
    for complaint in Complaint.objects.filter(mine).order_by("received_at", "pk"):
        item = {name: _value(getattr(complaint, name)) for name in COMPLAINT_FIELDS}
        item["events"] = [
            {"at": _value(e.at), "action": e.action, "status": e.to_status}
            for e in complaint.events.filter(public=True).order_by("at", "id")
        ]
        item["attachments"] = [
            {"name": a.original_name, "content_type": a.content_type, "size": a.size}
            for a in complaint.attachments.order_by("id")
        ]
        complaints.append(item)

    supported = Q(pk__in=[])
    if citizen is not None:
        supported |= Q(supporter=citizen)
    if phone:
        supported |= Q(contact_phone=phone)
    supports = [
        {
            "complaint": s.complaint.tracking_code,
            "contact_name": s.contact_name,
            "contact_phone": s.contact_phone,
            "at": _value(s.created_at),
        }
        for s in ComplaintSupport.objects.filter(supported).select_related("complaint").order_by("pk")
    ]

    addressed = Q(pk__in=[])
    if citizen is not None:
        addressed |= Q(recipient=citizen)
    if phone:
        addressed |= Q(address=phone)
    notifications = [
        {"at": _value(n.created_at), "channel": n.channel, "title": n.title, "body": n.body}
        for n in Notification.objects.filter(addressed).order_by("pk")
    ]
    account = None
    if citizen is not None:
        account = {
            "username": citizen.username,
            "display_name": getattr(citizen, "display_name", ""),
            "phone": getattr(citizen, "phone", ""),
            "email": citizen.email,
            "date_joined": _value(citizen.date_joined),
        }
    return {
        "account": account,
        "complaints": complaints,
        "supports": supports,
        "notifications": notifications,
    }


def personal_data_reads_for(*, subject: str, subject_id) -> QuerySet[PersonalDataRead]:
    """Who was shown ``subject``'s personal data in full, newest first."""
    return PersonalDataRead.objects.filter(subject=subject, subject_id=str(subject_id)).select_related("user")
