from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles of ARCHITECTURE.md §8. A user's unit memberships (grids.UnitMembership) say *where*."""

    CITIZEN = "citizen", _("市民")
    OPERATOR = "operator", _("热线话务员")
    DISPATCHER = "dispatcher", _("指挥中心派单员")
    HANDLER = "handler", _("承办单位经办人")
    LEADER = "leader", _("承办单位负责人")
    GRID_WORKER = "grid_worker", _("网格员")
    COMMUNITY_STAFF = "community_staff", _("社区/街道工作人员")
    MEDIATOR = "mediator", _("调解员")
    CREDIT_OFFICER = "credit_officer", _("信用管理员")
    SUPERVISOR = "supervisor", _("督查（只读全部）")
    ADMIN = "admin", _("系统管理员")


STAFF_ROLES = frozenset(Role) - {Role.CITIZEN}


class User(AbstractUser):
    """Custom user from day one. ``role`` is the primary role; unit memberships add where it applies."""

    role = models.CharField(
        _("角色"), max_length=32, choices=Role.choices, default=Role.CITIZEN, db_index=True
    )
    phone = models.CharField(_("手机号"), max_length=32, blank=True)
    display_name = models.CharField(_("显示名称"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_citizen(self) -> bool:
        return self.role == Role.CITIZEN
