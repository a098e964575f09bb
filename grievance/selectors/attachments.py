"""Reads of complaint attachments. Visibility is the complaint's: callers first get the complaint
through ``complaint_get_for_actor`` (404 when the user may not see it)."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from common.exceptions import NotFoundError
from grievance.models import Attachment, Complaint


def attachment_list(*, complaint: Complaint) -> QuerySet[Attachment]:
    return Attachment.objects.filter(complaint=complaint).order_by("id")


def attachment_get(*, complaint: Complaint, attachment_id) -> Attachment:
    """The attachment ``attachment_id`` of ``complaint``, or NotFoundError (also for another complaint's)."""
    try:
        pk = int(attachment_id)
    except (TypeError, ValueError):
        pk = 0
    attachment = Attachment.objects.filter(complaint=complaint, pk=pk).first() if pk > 0 else None
    if attachment is None:
        raise NotFoundError(_("附件不存在"))
    return attachment
