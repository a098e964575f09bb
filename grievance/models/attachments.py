"""Files attached to complaints, and citizens who support (附议) an existing complaint.

Invariants:
- An ``Attachment`` file is stored under a random name (``attachments/YYYY/MM/<32 hex>.<ext>``); the
  extension and ``content_type`` come from the file's magic bytes, never from the client. The name the
  uploader gave is kept in ``original_name`` only for the download's Content-Disposition.
- ``ComplaintSupport`` rows are written only by ``grievance.services.support.complaint_support_add``,
  together with ``Complaint.support_count`` and a "support" event; they say whom to inform of the outcome.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel


def attachment_upload_to(instance: "Attachment", filename: str) -> str:
    """A random stored name; ``filename`` is the extension the service chose (e.g. ``.png``)."""
    now = timezone.localtime()
    extension = filename if filename.startswith(".") else ""
    return f"attachments/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{extension}"


class Attachment(TimeStampedModel):
    complaint = models.ForeignKey(
        "grievance.Complaint", verbose_name=_("诉求"), on_delete=models.PROTECT, related_name="attachments"
    )
    event = models.ForeignKey(
        "grievance.ComplaintEvent",
        verbose_name=_("所属事件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    file = models.FileField(_("文件"), upload_to=attachment_upload_to, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("诉求附件")
        verbose_name_plural = _("诉求附件")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["complaint", "content_type"])]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ComplaintSupport(TimeStampedModel):
    """A citizen who reported the same thing and joined an existing complaint instead (附议)."""

    complaint = models.ForeignKey(
        "grievance.Complaint", verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="supports"
    )
    supporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("附议市民"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaint_supports",
    )
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    informed_at = models.DateTimeField(_("已告知结果时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("附议")
        verbose_name_plural = _("附议")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["complaint", "contact_phone"])]

    def __str__(self) -> str:
        return f"{self.complaint_id} +1"
