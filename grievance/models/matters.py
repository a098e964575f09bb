"""The responsibility list (职责清单): a 3-level matter tree, each leaf with a versioned handling rule."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel


class ComplaintKind(models.TextChoices):
    CONSULT = "consult", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")
    THANKS = "thanks", _("感谢")


class TimeUnit(models.TextChoices):
    NATURAL_HOUR = "natural_hour", _("自然小时")
    WORKING_HOUR = "working_hour", _("工作小时")
    WORKING_DAY = "working_day", _("工作日")
    NATURAL_DAY = "natural_day", _("自然日")


class HandlerRule(models.TextChoices):
    FIXED = "fixed", _("固定部门")
    STREET = "street", _("属地街道")
    COMMUNITY = "community", _("属地社区")


class UrgencyGrade(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    EMERGENCY = "emergency", _("特急")


class Matter(TimeStampedModel):
    """A node of the matter tree (level 1 top class, 2 middle, 3 leaf). Only leaves carry rules."""

    code = models.CharField(_("事项编码"), max_length=16, unique=True)
    name = models.CharField(_("事项名称"), max_length=64)
    level = models.PositiveSmallIntegerField(
        _("层级"), choices=[(1, _("大类")), (2, _("中类")), (3, _("小类"))]
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    keywords = models.CharField(_("关键词"), max_length=512, blank=True, help_text=_("以逗号或空格分隔"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("事项")
        verbose_name_plural = _("职责清单事项")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unique_matter_name_per_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class MatterRule(TimeStampedModel):
    """How a leaf matter is handled, from ``effective_from`` on. A change adds a new version; old
    versions stay so a complaint keeps the rule that was in force when it was received."""

    matter = models.ForeignKey(Matter, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="rules")
    version = models.PositiveIntegerField(_("版本"), default=1)
    effective_from = models.DateField(_("生效日期"))
    kinds = models.JSONField(_("适用诉求类型"), default=list, help_text=_('如 ["complaint", "report"]'))
    handler_rule = models.CharField(
        _("承办单位确定方式"), max_length=16, choices=HandlerRule.choices, default=HandlerRule.FIXED
    )
    handling_unit = models.ForeignKey(
        "grids.Unit",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_rules",
        help_text=_("固定部门时必填"),
    )
    supervising_unit = models.ForeignKey(
        "grids.Unit",
        verbose_name=_("主管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_rules",
    )
    co_units = models.ManyToManyField(
        "grids.Unit", verbose_name=_("协办单位"), blank=True, related_name="co_rules"
    )
    urgency_grade = models.CharField(
        _("紧急程度"), max_length=16, choices=UrgencyGrade.choices, default=UrgencyGrade.NORMAL
    )
    sign_limit_amount = models.DecimalField(_("签收时限"), max_digits=7, decimal_places=2, default=1)
    sign_limit_unit = models.CharField(
        _("签收时限单位"), max_length=16, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAY
    )
    handle_limit_amount = models.DecimalField(_("办理时限"), max_digits=7, decimal_places=2, default=15)
    handle_limit_unit = models.CharField(
        _("办理时限单位"), max_length=16, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAY
    )
    kind_limits = models.JSONField(
        _("按诉求类型的办理时限"),
        default=dict,
        blank=True,
        help_text=_('如 {"consult": [2, "working_day"]}；未列出的类型用默认办理时限'),
    )
    urgent_sign_limit_amount = models.DecimalField(
        _("紧急签收时限"), max_digits=7, decimal_places=2, default=0.5
    )
    urgent_sign_limit_unit = models.CharField(
        _("紧急签收时限单位"), max_length=16, choices=TimeUnit.choices, default=TimeUnit.NATURAL_HOUR
    )
    urgent_handle_limit_amount = models.DecimalField(
        _("紧急办理时限"), max_digits=7, decimal_places=2, default=24
    )
    urgent_handle_limit_unit = models.CharField(
        _("紧急办理时限单位"), max_length=16, choices=TimeUnit.choices, default=TimeUnit.NATURAL_HOUR
    )
    extension_cap_days = models.PositiveIntegerField(_("延期上限（工作日）"), default=10)
    return_window_days = models.PositiveIntegerField(_("退单时限（工作日）"), default=2)

    class Meta:
        verbose_name = _("事项规则")
        verbose_name_plural = _("事项规则")
        ordering = ["matter__code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["matter", "version"], name="unique_matter_rule_version"),
        ]
        indexes = [models.Index(fields=["matter", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.matter} v{self.version}"
