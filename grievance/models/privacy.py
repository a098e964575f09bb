"""Who looked: every read of a full (unmasked) phone or ID number leaves a row here.

Invariants:
- Rows are written only by ``grievance.services.privacy.personal_data_read_record`` and are, like the
  complaint event log, append-only: PostgreSQL rejects UPDATE and DELETE on the table (migration
  ``event_log_append_only``).
- ``subject`` names what was read (``grievance.complaint``, ``mediation.party``, ...), ``subject_id``
  which row; ``fields`` which personal fields were shown in full; ``via`` the interface (``api``,
  ``web``, ``export``, ``admin``). ``complaint`` is set when the subject belongs to a complaint, so a
  complaint's page can answer "who saw this citizen's number".
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonalDataRead(models.Model):
    at = models.DateTimeField(_("时间"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("查看人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.CharField(_("对象类型"), max_length=64)
    subject_id = models.CharField(_("对象编号"), max_length=64)
    complaint = models.ForeignKey(
        "grievance.Complaint",
        verbose_name=_("诉求"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    fields = models.JSONField(_("查看字段"), default=list)
    via = models.CharField(_("途径"), max_length=16)
    path = models.CharField(_("请求地址"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["subject", "subject_id", "at"]),
            models.Index(fields=["user", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.subject}:{self.subject_id}"
