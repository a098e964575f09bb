"""Credit records: licences and penalties with the "双公示" fields, and every other credit fact.

Publication (DOMAIN.md §5): the rule version in force on the decision date fixes the window, stored on
the record when it is made (``publication_min_until`` / ``publication_max_until``), so a later rule
change never moves an existing window. Whether a record is public is computed on read
(``is_public(at)``): nothing has to run for a publication to end at its maximum.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel
from credit.models.choices import RecordKind, Severity, WithdrawalReason


class CreditRecord(TimeStampedModel):
    subject = models.ForeignKey(
        "credit.CreditSubject", verbose_name=_("主体"), on_delete=models.PROTECT, related_name="records"
    )
    kind = models.CharField(_("信息类别"), max_length=32, choices=RecordKind.choices, db_index=True)
    severity = models.CharField(_("失信程度"), max_length=16, choices=Severity.choices, db_index=True)
    title = models.CharField(_("事项名称"), max_length=200)
    department = models.ForeignKey(
        "grids.Unit",
        verbose_name=_("来源部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_records",
    )
    department_name = models.CharField(_("来源部门名称"), max_length=128)
    # --- "双公示" fields (行政许可、行政处罚信用信息数据项) --------------------------------------
    decision_number = models.CharField(_("决定文书号"), max_length=128, blank=True, db_index=True)
    decision_date = models.DateField(_("决定日期"), db_index=True)
    category = models.CharField(_("许可类别/处罚类别"), max_length=64, blank=True)
    legal_basis = models.TextField(_("依据"), blank=True)
    facts = models.TextField(_("违法事实/事项说明"), blank=True)
    content = models.TextField(_("处罚内容/许可内容"), blank=True)
    fine_amount = models.DecimalField(
        _("罚款金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    confiscated_amount = models.DecimalField(
        _("没收违法所得、非法财物金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    certificate_name = models.CharField(_("证照名称"), max_length=128, blank=True)
    certificate_number = models.CharField(_("证照编号"), max_length=64, blank=True)
    valid_from = models.DateField(_("有效期自"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    # --- internal ---------------------------------------------------------------------------------
    internal_note = models.TextField(_("内部备注"), blank=True, help_text=_("仅来源部门和信用管理员可见"))
    data = models.JSONField(_("其他事实"), default=dict, blank=True)
    source = models.CharField(_("数据来源"), max_length=32, default="manual", db_index=True)
    source_ref = models.CharField(_("来源编号"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # --- publication ------------------------------------------------------------------------------
    rule_version = models.CharField(_("规则版本"), max_length=32)
    publishable = models.BooleanField(_("依规公示"), default=False)
    publication_required = models.BooleanField(_("须在7个工作日内公示"), default=False)
    publication_min_until = models.DateField(_("最短公示期至"))
    publication_max_until = models.DateField(_("最长公示期至"))
    publication_due_at = models.DateTimeField(_("公示期限"), null=True, blank=True)
    publication_due_estimated = models.BooleanField(_("公示期限为估算"), default=False)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True, db_index=True)
    revoked_on = models.DateField(_("撤销/变更日期"), null=True, blank=True)
    revocation_reason = models.TextField(_("撤销/变更原因"), blank=True)
    withdrawal_due_at = models.DateTimeField(_("撤下期限"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤下公示时间"), null=True, blank=True)
    withdrawal_reason = models.CharField(
        _("撤下原因"), max_length=16, choices=WithdrawalReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        ordering = ["-decision_date", "-id"]
        indexes = [
            models.Index(fields=["subject", "kind"], name="credit_record_subject_kind"),
            models.Index(fields=["publication_max_until"], name="credit_record_max_until"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="credit_record_unique_source_ref",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.title}"

    def is_public(self, at: datetime | None = None) -> bool:
        """Shown to the public at ``at``: published, within its maximum window and not withdrawn.

        Must agree with ``credit.selectors.records.record_public_q``.
        """
        at = at or timezone.now()
        return (
            self.publishable
            and self.published_at is not None
            and self.published_at <= at
            and timezone.localdate(at) < self.publication_max_until
            and (self.withdrawn_at is None or at < self.withdrawn_at)
        )

    def publication_overdue(self, at: datetime | None = None) -> bool:
        """A "双公示" record not published within 7 working days of its decision (or published late)."""
        if not self.publication_required or self.publication_due_at is None:
            return False
        if self.published_at is not None:
            return self.published_at > self.publication_due_at
        return (at or timezone.now()) > self.publication_due_at

    def withdrawal_late(self, at: datetime | None = None) -> bool:
        """A revoked decision still public, or taken down, after its 3-working-day deadline."""
        if self.withdrawal_due_at is None:
            return False
        if self.withdrawn_at is not None:
            return self.withdrawn_at > self.withdrawal_due_at
        return (at or timezone.now()) > self.withdrawal_due_at
