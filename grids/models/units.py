"""Organisation units (command centre, departments, street offices, communities, utilities) and members."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel


def default_working_hours() -> list[list[str]]:
    return [["08:30", "12:00"], ["14:00", "18:00"]]


class UnitKind(models.TextChoices):
    DISTRICT = "district", _("区级")
    CENTRE = "centre", _("指挥中心")
    DEPARTMENT = "department", _("区直部门")
    STREET = "street", _("街道办事处")
    STREET_OFFICE = "street_office", _("街道内设机构")
    COMMUNITY = "community", _("社区工作站")
    GRID_TEAM = "grid_team", _("网格工作队")
    UTILITY = "utility", _("公共服务企业")
    PSYCH_CENTRE = "psych_centre", _("社会心理服务中心")


class Unit(TimeStampedModel):
    """A handling or supervising unit. A community's parent is its street; a street's parent the district."""

    code = models.CharField(_("单位编码"), max_length=32, unique=True)
    name = models.CharField(_("单位名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=16, choices=UnitKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    division = models.ForeignKey(
        "grids.Division",
        verbose_name=_("对应区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        help_text=_("街道办、社区工作站对应的街道、社区"),
    )
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    working_hours = models.JSONField(_("工作时间"), default=default_working_hours)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("组织单位")
        verbose_name_plural = _("组织单位")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class UnitRole(models.TextChoices):
    HANDLER = "handler", _("经办人")
    LEADER = "leader", _("负责人")
    DISPATCHER = "dispatcher", _("派单员")
    MEMBER = "member", _("成员")


class UnitMembership(TimeStampedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("单位内角色"), max_length=16, choices=UnitRole.choices, default=UnitRole.HANDLER
    )

    class Meta:
        verbose_name = _("单位成员")
        verbose_name_plural = _("单位成员")
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="unique_unit_membership")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit}（{self.get_role_display()}）"
