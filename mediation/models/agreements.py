"""Mediation agreements (调解协议), their performance, judicial confirmation and return visits."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel


class AgreementForm(models.TextChoices):
    WRITTEN = "written", _("书面协议")
    ORAL = "oral", _("口头协议")


class PerformanceStatus(models.TextChoices):
    PENDING = "pending", _("待履行")
    PERFORMED = "performed", _("已履行")
    PARTIAL = "partial", _("部分履行")
    NOT_PERFORMED = "not_performed", _("未履行")


class ConfirmationStatus(models.TextChoices):
    NONE = "none", _("未申请")
    APPLIED = "applied", _("已申请司法确认")
    CONFIRMED = "confirmed", _("裁定确认有效")
    REJECTED = "rejected", _("裁定驳回申请")


class Agreement(TimeStampedModel):
    """The agreement of a case. A written one takes effect when every party and the mediator have
    signed and the organisation has sealed it; an oral one is recorded (``oral_record``)."""

    case = models.OneToOneField("mediation.MediationCase", on_delete=models.CASCADE, related_name="agreement")
    form = models.CharField(
        _("协议形式"), max_length=8, choices=AgreementForm.choices, default=AgreementForm.WRITTEN
    )
    facts = models.TextField(_("纠纷主要事实、争议事项"))
    terms = models.TextField(_("达成协议的内容"))
    performance_method = models.TextField(_("履行方式"))
    performance_deadline = models.DateField(_("履行期限"))
    amount = models.DecimalField(_("协议金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    oral_record = models.TextField(_("口头协议记录"), blank=True)
    copies = models.PositiveSmallIntegerField(_("份数"), default=3)
    signed_by_parties = models.BooleanField(_("各方当事人已签名"), default=False)
    signed_by_mediator = models.BooleanField(_("调解员已签名"), default=False)
    sealed = models.BooleanField(_("已加盖调解组织印章"), default=False)
    effective_at = models.DateTimeField(_("生效时间"), null=True, blank=True)

    document = models.FileField(_("协议书PDF"), upload_to="mediation/agreements/%Y/", blank=True)
    document_sha256 = models.CharField(_("PDF对应内容摘要"), max_length=64, blank=True)
    document_generated_at = models.DateTimeField(_("PDF生成时间"), null=True, blank=True)

    performance_status = models.CharField(
        _("履行情况"), max_length=16, choices=PerformanceStatus.choices, default=PerformanceStatus.PENDING
    )
    performance_recorded_at = models.DateTimeField(_("履行情况记录时间"), null=True, blank=True)
    payment_order_flagged_at = models.DateTimeField(_("标记可申请支付令时间"), null=True, blank=True)
    credit_fact_recorded_at = models.DateTimeField(_("记入信用时间"), null=True, blank=True)
    performance_reminded_at = models.DateTimeField(_("履行期限提醒时间"), null=True, blank=True)

    confirmation_deadline = models.DateTimeField(_("司法确认申请截止"), null=True, blank=True)
    confirmation_status = models.CharField(
        _("司法确认"), max_length=16, choices=ConfirmationStatus.choices, default=ConfirmationStatus.NONE
    )
    confirmation_applied_at = models.DateTimeField(_("申请司法确认时间"), null=True, blank=True)
    court = models.CharField(_("受理法院"), max_length=128, blank=True)
    court_reference = models.CharField(_("法院文书号"), max_length=128, blank=True)
    confirmation_decided_at = models.DateTimeField(_("法院裁定时间"), null=True, blank=True)
    confirmation_note = models.TextField(_("司法确认说明"), blank=True)
    confirmation_reminded_at = models.DateTimeField(_("司法确认提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("调解协议")
        verbose_name_plural = _("调解协议")

    def __str__(self) -> str:
        return f"{self.case} {self.get_form_display()}"


class PerformanceRecord(models.Model):
    """A check of how the agreement is performed, with its proof (receipt, transfer slip, photo)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="performance_records")
    status = models.CharField(_("履行情况"), max_length=16, choices=PerformanceStatus.choices)
    party = models.ForeignKey(
        "mediation.Party",
        verbose_name=_("履行义务方"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    amount = models.DecimalField(
        _("已履行金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(_("说明"), blank=True)
    proof = models.FileField(_("履行凭证"), upload_to="mediation/proofs/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("履行记录")
        verbose_name_plural = _("履行记录")
        ordering = ["agreement", "at", "id"]

    def __str__(self) -> str:
        return f"{self.agreement} {self.status}"


class VisitMethod(models.TextChoices):
    PHONE = "phone", _("电话回访")
    HOME = "home", _("上门回访")
    OFFICE = "office", _("来访面谈")


class ReturnVisit(models.Model):
    case = models.ForeignKey("mediation.MediationCase", on_delete=models.CASCADE, related_name="visits")
    visited_at = models.DateTimeField(_("回访时间"))
    method = models.CharField(_("回访方式"), max_length=8, choices=VisitMethod.choices)
    party = models.ForeignKey(
        "mediation.Party",
        verbose_name=_("回访对象"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    performed = models.BooleanField(_("协议已履行"), null=True, blank=True)
    satisfied = models.BooleanField(_("当事人满意"), null=True, blank=True)
    note = models.TextField(_("回访情况"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回访人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("回访记录")
        verbose_name_plural = _("回访记录")
        ordering = ["case", "visited_at"]

    def __str__(self) -> str:
        return f"{self.case} {self.visited_at:%Y-%m-%d}"
