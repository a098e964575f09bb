"""Red and black lists, their entries, and the catalogue of joint rewards and punishments."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel
from credit.models.choices import ListKind, MeasureKind


class CreditList(TimeStampedModel):
    """A list; ``rule`` names its entry and exit rule in credit.list_rules (``manual``: officers only)."""

    code = models.CharField(_("名单编码"), max_length=32, unique=True)
    name = models.CharField(_("名单名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=8, choices=ListKind.choices, db_index=True)
    rule = models.CharField(_("认定规则"), max_length=32, default="manual")
    legal_basis = models.TextField(_("认定依据"), blank=True)
    department_name = models.CharField(_("认定部门"), max_length=128, blank=True)
    is_public = models.BooleanField(_("向社会公开"), default=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("信用名单")
        verbose_name_plural = _("信用名单")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name


class CreditListEntry(TimeStampedModel):
    """A subject's stay on a list; ``exited_at`` closes it. At most one open entry per list and subject."""

    credit_list = models.ForeignKey(
        CreditList, verbose_name=_("名单"), on_delete=models.PROTECT, related_name="entries"
    )
    subject = models.ForeignKey(
        "credit.CreditSubject", verbose_name=_("主体"), on_delete=models.PROTECT, related_name="list_entries"
    )
    manual = models.BooleanField(_("人工认定"), default=False)
    entered_at = models.DateTimeField(_("列入时间"))
    entry_reason = models.TextField(_("列入原因"))
    basis_record = models.ForeignKey(
        "credit.CreditRecord",
        verbose_name=_("依据记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("列入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    exited_at = models.DateTimeField(_("移出时间"), null=True, blank=True)
    exit_reason = models.TextField(_("移出原因"), blank=True)
    exited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("移出人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("名单记录")
        verbose_name_plural = _("名单记录")
        ordering = ["-entered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_list", "subject"],
                condition=models.Q(exited_at__isnull=True),
                name="credit_list_one_open_entry",
            )
        ]

    def __str__(self) -> str:
        return f"{self.credit_list} · {self.subject}"


class JointMeasure(TimeStampedModel):
    """One joint reward or punishment: which list triggers it, what it is, its basis, who applies it."""

    code = models.CharField(_("措施编码"), max_length=32, unique=True)
    name = models.CharField(_("措施"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=MeasureKind.choices, db_index=True)
    credit_list = models.ForeignKey(
        CreditList, verbose_name=_("适用名单"), on_delete=models.PROTECT, related_name="measures"
    )
    application_class = models.CharField(_("应用类别"), max_length=64, help_text=_("如行政审批、政府采购"))
    legal_basis = models.TextField(_("依据"))
    department = models.ForeignKey(
        "grids.Unit",
        verbose_name=_("实施部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_measures",
    )
    department_name = models.CharField(_("实施部门名称"), max_length=128)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("联合奖惩措施")
        verbose_name_plural = _("联合奖惩措施")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
