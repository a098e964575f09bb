"""Credit repair (信用修复) applications and the credit audit trail."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel
from credit.models.choices import RepairStatus


class RepairApplication(TimeStampedModel):
    """A subject's application to take one record off public view; moved only by credit.workflow."""

    record = models.ForeignKey(
        "credit.CreditRecord", verbose_name=_("信用记录"), on_delete=models.PROTECT, related_name="repairs"
    )
    status = models.CharField(_("状态"), max_length=16, choices=RepairStatus.choices, db_index=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applicant_name = models.CharField(_("申请人"), max_length=128, blank=True)
    duties_fulfilled = models.BooleanField(_("已履行法定义务"), default=False)
    duties_evidence = models.TextField(_("履行义务的说明和材料"), blank=True)
    commitment_text = models.TextField(_("信用承诺书"), blank=True)
    conditions = models.JSONField(
        _("条件核验"), default=list, help_text=_("申请时逐项核验的结果：[{code, label, met}]")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("信用修复申请")
        verbose_name_plural = _("信用修复申请")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.record} · {self.get_status_display()}"


class CreditEvent(models.Model):
    """Append-only audit trail of every credit write (who, when, what, from which state to which)."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=48, db_index=True)
    subject = models.ForeignKey(
        "credit.CreditSubject",
        verbose_name=_("主体"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    record = models.ForeignKey(
        "credit.CreditRecord",
        verbose_name=_("记录"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    repair = models.ForeignKey(
        RepairApplication,
        verbose_name=_("修复申请"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("信用操作记录")
        verbose_name_plural = _("信用操作记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
