"""Random inspections (双随机、一公开): items, inspectors, conflicts, plans, draws and tasks.

A plan is drawn once (``InspectionDraw`` is one-to-one with it): a draw that could be repeated until
it pleased someone would not be random. The draw keeps its seed and a snapshot of its inputs, so anyone
can reproduce it (credit.draw).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel
from credit.models.choices import InspectionOutcome, PlanStatus, TaskStatus


def default_grade_ratios() -> dict[str, float]:
    # Riskier grades are drawn more often (DOMAIN.md §5: tiers 100% / 20% / 8% / 4% / 1%).
    return {"A": 0.01, "B": 0.04, "C": 0.2, "D": 1.0, "-": 0.08}


class InspectionItem(TimeStampedModel):
    code = models.CharField(_("事项编码"), max_length=32, unique=True)
    name = models.CharField(_("抽查事项"), max_length=200)
    department = models.ForeignKey(
        "grids.Unit",
        verbose_name=_("实施部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    legal_basis = models.TextField(_("依据"), blank=True)
    method = models.CharField(_("检查方式"), max_length=64, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("抽查事项")
        verbose_name_plural = _("抽查事项清单")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Inspector(TimeStampedModel):
    """A law-enforcement officer in the inspector pool (执法检查人员名录库)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="credit_inspector",
    )
    name = models.CharField(_("姓名"), max_length=64)
    department = models.ForeignKey(
        "grids.Unit",
        verbose_name=_("所属部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    certificate_number = models.CharField(_("执法证号"), max_length=32, unique=True)
    is_active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("检查人员")
        verbose_name_plural = _("检查人员名录")
        ordering = ["certificate_number"]

    def __str__(self) -> str:
        return f"{self.name}（{self.certificate_number}）"


class InspectorConflict(TimeStampedModel):
    """An inspector who must not inspect a subject (relative, former employer, ...): 回避."""

    inspector = models.ForeignKey(
        Inspector, verbose_name=_("检查人员"), on_delete=models.CASCADE, related_name="conflicts"
    )
    subject = models.ForeignKey(
        "credit.CreditSubject", verbose_name=_("主体"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("回避原因"), max_length=200)

    class Meta:
        verbose_name = _("回避关系")
        verbose_name_plural = _("回避关系")
        constraints = [
            models.UniqueConstraint(fields=["inspector", "subject"], name="credit_conflict_unique")
        ]

    def __str__(self) -> str:
        return f"{self.inspector} ↮ {self.subject}"


class InspectionPlan(TimeStampedModel):
    """Items, the target pool (``target_filter`` over subjects), the inspector pool and the ratios."""

    code = models.CharField(_("计划编号"), max_length=32, unique=True)
    name = models.CharField(_("计划名称"), max_length=200)
    department = models.ForeignKey(
        "grids.Unit", verbose_name=_("实施部门"), on_delete=models.PROTECT, related_name="credit_plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    items = models.ManyToManyField(InspectionItem, verbose_name=_("抽查事项"), related_name="plans")
    target_filter = models.JSONField(
        _("检查对象名录筛选"),
        default=dict,
        blank=True,
        help_text=_('{"kind": "legal", "industry": [...], "region_code": [...], "grid_prefix": "..."}'),
    )
    grade_ratios = models.JSONField(_("各等级抽查比例"), default=default_grade_ratios)
    inspectors = models.ManyToManyField(Inspector, verbose_name=_("检查人员库"), related_name="plans")
    inspectors_per_target = models.PositiveSmallIntegerField(_("每户检查人员数"), default=2)
    status = models.CharField(
        _("状态"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("抽查计划")
        verbose_name_plural = _("抽查计划")
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return self.name


class InspectionDraw(TimeStampedModel):
    """The draw: seed, the inputs exactly as used, the log, and a digest of the result."""

    plan = models.OneToOneField(
        InspectionPlan, verbose_name=_("抽查计划"), on_delete=models.PROTECT, related_name="draw"
    )
    seed = models.BigIntegerField(_("随机种子"))
    inputs = models.JSONField(_("抽取输入快照"))
    log = models.JSONField(_("抽取日志"), default=list)
    digest = models.CharField(_("结果摘要（SHA-256）"), max_length=64)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("抽取人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("随机抽取")
        verbose_name_plural = _("随机抽取")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.plan} · {self.seed}"


class InspectionTask(TimeStampedModel):
    """One drawn target with its inspectors; its result becomes a published credit record."""

    draw = models.ForeignKey(
        InspectionDraw, verbose_name=_("抽取"), on_delete=models.CASCADE, related_name="tasks"
    )
    subject = models.ForeignKey(
        "credit.CreditSubject", verbose_name=_("检查对象"), on_delete=models.PROTECT, related_name="+"
    )
    grade_at_draw = models.CharField(_("抽取时等级"), max_length=2, blank=True)
    inspectors = models.ManyToManyField(Inspector, verbose_name=_("检查人员"), related_name="tasks")
    status = models.CharField(
        _("状态"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.PENDING, db_index=True
    )
    outcome = models.CharField(_("检查结果"), max_length=16, choices=InspectionOutcome.choices, blank=True)
    result_note = models.TextField(_("结果说明"), blank=True)
    inspected_on = models.DateField(_("检查日期"), null=True, blank=True)
    record = models.OneToOneField(
        "credit.CreditRecord",
        verbose_name=_("结果记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspection_task",
    )

    class Meta:
        verbose_name = _("检查任务")
        verbose_name_plural = _("检查任务")
        ordering = ["draw", "id"]
        constraints = [models.UniqueConstraint(fields=["draw", "subject"], name="credit_task_unique")]

    def __str__(self) -> str:
        return f"{self.draw} · {self.subject}"
