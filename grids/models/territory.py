"""The territory: district → street → community (``Division``) → grid cell (``GridCell``).

Boundaries are GeoJSON geometries stored as JSON (lng/lat order, as GeoJSON says); geometry work
uses shapely in services, and point lookup uses an in-memory spatial index (grids.geo).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel
from common.validators import validate_grid_code


class DivisionLevel(models.TextChoices):
    DISTRICT = "district", _("区")
    STREET = "street", _("街道")
    COMMUNITY = "community", _("社区")


class Division(TimeStampedModel):
    """An administrative division. ``code`` is the 12-digit statistical division code where known."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=16, choices=DivisionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code_status = models.CharField(
        _("代码来源"),
        max_length=32,
        default="verified",
        help_text=_("verified / inferred_unverified / generated"),
    )
    households = models.PositiveIntegerField(_("户数"), default=0)
    population = models.PositiveIntegerField(_("人口"), default=0)
    boundary = models.JSONField(_("边界（GeoJSON）"), null=True, blank=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class GridKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合网格")
    EXCLUSIVE = "exclusive", _("专属网格")


class GridCell(TimeStampedModel):
    """A unit grid: 15-digit code = 6 district + 3 street + 3 community + 3 sequence (DOMAIN.md §3)."""

    code = models.CharField(_("网格编码"), max_length=15, unique=True, validators=[validate_grid_code])
    name = models.CharField(_("网格名称"), max_length=64)
    community = models.ForeignKey(
        Division,
        verbose_name=_("所属社区"),
        on_delete=models.PROTECT,
        related_name="grid_cells",
        limit_choices_to={"level": DivisionLevel.COMMUNITY},
    )
    kind = models.CharField(
        _("网格类型"), max_length=16, choices=GridKind.choices, default=GridKind.COMPREHENSIVE
    )
    exclusive_for = models.CharField(
        _("专属对象"), max_length=64, blank=True, help_text=_("医院、学校、企业、园区等")
    )
    households = models.PositiveIntegerField(_("户数"), default=0)
    population = models.PositiveIntegerField(_("人口"), default=0)
    boundary = models.JSONField(_("边界（GeoJSON）"))
    # Bounding box, denormalised for cheap SQL pre-filters; kept in step by grids.services.
    min_lng = models.FloatField(_("最小经度"), default=0, editable=False)
    min_lat = models.FloatField(_("最小纬度"), default=0, editable=False)
    max_lng = models.FloatField(_("最大经度"), default=0, editable=False)
    max_lat = models.FloatField(_("最大纬度"), default=0, editable=False)
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("网格员"), blank=True, related_name="grid_cells"
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"
