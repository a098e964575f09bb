"""Mediation organisations (调解组织), their mediators (调解员) and the case-number sequences."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel


class OrganisationKind(models.TextChoices):
    HUB = "hub", _("区矛盾纠纷多元化解中心")
    STREET = "street", _("街道人民调解委员会")
    COMMUNITY = "community", _("社区人民调解委员会")
    LABOUR = "labour", _("劳动争议调解组织")
    INDUSTRY = "industry", _("行业性专业性人民调解委员会")
    ENTERPRISE = "enterprise", _("企业劳动争议调解委员会")


class MediationOrganisation(TimeStampedModel):
    """A body that mediates. ``parent`` is the body that guides it (community → street → district hub);
    members of an ancestor may read its cases (with personal data masked), never act on them."""

    code = models.CharField(_("组织编码"), max_length=32, unique=True)
    name = models.CharField(_("组织名称"), max_length=128)
    kind = models.CharField(_("组织类型"), max_length=16, choices=OrganisationKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级指导组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    unit = models.ForeignKey(
        "grids.Unit",
        verbose_name=_("依托单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("设立该调解组织的街道办、社区工作站或部门"),
    )
    address = models.CharField(_("地址"), max_length=255, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("调解组织")
        verbose_name_plural = _("调解组织")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class MediatorKind(models.TextChoices):
    FULL_TIME = "full_time", _("专职")
    PART_TIME = "part_time", _("兼职")


class Mediator(TimeStampedModel):
    """A person's membership of one organisation as a mediator. ``is_director`` (调委会主任) may appoint
    mediators and sees the parties' personal data of every case of the organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="mediator_memberships",
    )
    organisation = models.ForeignKey(
        MediationOrganisation, verbose_name=_("调解组织"), on_delete=models.PROTECT, related_name="mediators"
    )
    kind = models.CharField(
        _("专兼职"), max_length=16, choices=MediatorKind.choices, default=MediatorKind.PART_TIME
    )
    is_director = models.BooleanField(_("调委会主任"), default=False)
    expertise = models.JSONField(_("擅长纠纷类型"), default=list, blank=True)
    languages = models.CharField(
        _("语言"), max_length=128, blank=True, help_text=_("如：普通话、粤语、客家话")
    )
    available = models.BooleanField(_("可接案"), default=True)
    unavailable_until = models.DateField(_("暂停接案至"), null=True, blank=True)
    max_caseload = models.PositiveSmallIntegerField(_("最大在办案件数"), null=True, blank=True)
    is_active = models.BooleanField(_("在册"), default=True)

    class Meta:
        verbose_name = _("调解员")
        verbose_name_plural = _("调解员")
        ordering = ["organisation__code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="unique_mediator_per_organisation")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class CaseNumberSequence(models.Model):
    """The last case number given per (year, organisation kind); rows are locked while numbering."""

    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("组织类型"), max_length=16, choices=OrganisationKind.choices)
    last = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("案号序列")
        verbose_name_plural = _("案号序列")
        constraints = [models.UniqueConstraint(fields=["year", "kind"], name="unique_case_number_sequence")]

    def __str__(self) -> str:
        return f"{self.year} {self.kind} {self.last}"
