"""Dashboard storage: per-complaint facts, rollup tables, early warnings and monthly reports.

Invariants (kept by ``grievance.services.rollups``; ``manage.py stats_rebuild`` restores them):
- ``ComplaintFact`` holds, for every complaint, exactly what the dashboard counts of it (the flags of
  ``grievance.selectors.stats``' definitions, evaluated on the complaint's current state). It is the
  memory of the complaint's contribution: a refresh subtracts the old fact's rows and adds the new.
- ``DailyRollup`` rows are sums of facts: for each grain (a set of dimensions, ``ROLLUP_GRAINS``), one
  row per (received day, dimension values). Unit grains count a complaint once per unit that was ever
  its lead (``ComplaintUnitFact``); the other grains count it once.
- ``DueRollup`` rows are sums over facts that have a handling clock (the on-time rate's "due"
  population), by (deadline day, finished day).
- Dimensions are plain integer ids / codes with 0 / "" for "none" (so unique keys need no NULL
  handling and rows need no joins); ``NOT_FINISHED_DAY`` stands for "not finished".
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel

NOT_FINISHED_DAY = date(9999, 12, 31)


class RollupGrain(models.IntegerChoices):
    STREET = 1, _("街道")
    COMMUNITY = 2, _("社区")
    GRID = 3, _("网格")
    MATTER = 4, _("事项大类")
    CHANNEL = 5, _("类型与渠道")
    UNIT = 6, _("承办单位")
    UNIT_MATTER = 7, _("单位与事项")
    UNIT_CHANNEL = 8, _("单位类型与渠道")


# The dimensions each grain keeps (every other dimension column holds 0 / "").
ROLLUP_GRAINS: dict[int, tuple[str, ...]] = {
    RollupGrain.STREET: ("street",),
    RollupGrain.COMMUNITY: ("street", "community"),
    RollupGrain.GRID: ("street", "community", "grid"),
    RollupGrain.MATTER: ("street", "matter"),
    RollupGrain.CHANNEL: ("street", "kind", "channel"),
    RollupGrain.UNIT: ("unit", "street"),
    RollupGrain.UNIT_MATTER: ("unit", "matter"),
    RollupGrain.UNIT_CHANNEL: ("unit", "kind", "channel"),
}


# A grain's monthly twin: the same sums per calendar month (``day`` = the month's first day), so a long
# window reads whole months from these rows and only its partial months from the daily ones.
MONTHLY = 100


class DueGrain(models.IntegerChoices):
    STREET = 1, _("街道")
    UNIT = 2, _("承办单位")
    DISTRICT = 3, _("全区")


# The district grain keeps no dimension: the unfiltered overview sums the fewest rows.
DUE_GRAINS: dict[int, tuple[str, ...]] = {
    DueGrain.STREET: ("street",),
    DueGrain.UNIT: ("unit", "street"),
    DueGrain.DISTRICT: (),
}

# Counted measures of a complaint in its received day (flags of the fact; "received" is always 1).
MEASURES = (
    "received",
    "dispatched",
    "in_progress",
    "handled",
    "closed",
    "responded",
    "rated_resolved",
    "resolved",
    "rated_satisfaction",
    "satisfied",
    "basically_satisfied",
    "returned",
    "handled_once",
    "reworked",
    "finished",
)
# Handling time (received → result or closure) buckets, upper bounds in hours; the last is open.
HANDLING_BUCKET_HOURS = (24, 72, 168, 360, 720)
HANDLING_BUCKETS = tuple(f"ht_{i}" for i in range(len(HANDLING_BUCKET_HOURS) + 1))


class ComplaintFact(models.Model):
    """What the dashboard counts of one complaint (see the module docstring)."""

    complaint = models.OneToOneField(
        "grievance.Complaint", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    received_day = models.DateField(_("受理日期"))
    received_month = models.DateField(_("受理月份"), null=True)  # set by every refresh and rebuild
    street_id = models.IntegerField(_("街道"), default=0)
    community_id = models.IntegerField(_("社区"), default=0)
    grid_id = models.IntegerField(_("网格"), default=0)
    matter_id = models.IntegerField(_("事项大类"), default=0)
    kind = models.CharField(_("诉求类型"), max_length=16, blank=True)
    channel = models.CharField(_("渠道"), max_length=16, blank=True)
    status = models.CharField(_("状态"), max_length=20)
    dispatched = models.BooleanField(default=False)
    in_progress = models.BooleanField(default=False)
    handled = models.BooleanField(default=False)
    closed = models.BooleanField(default=False)
    responded = models.BooleanField(default=False)
    rated_resolved = models.BooleanField(default=False)
    resolved = models.BooleanField(default=False)
    rated_satisfaction = models.BooleanField(default=False)
    satisfied = models.BooleanField(default=False)
    basically_satisfied = models.BooleanField(default=False)
    returned = models.BooleanField(default=False)
    handled_once = models.BooleanField(default=False)
    reworked = models.BooleanField(default=False)
    finished = models.BooleanField(default=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    handling_minutes = models.IntegerField(null=True, blank=True)
    handling_bucket = models.SmallIntegerField(default=-1)
    clocked = models.BooleanField(default=False)
    handle_deadline = models.DateTimeField(null=True, blank=True)
    due_eligible = models.BooleanField(default=False)
    deadline_day = models.DateField(null=True, blank=True)
    finished_day = models.DateField(default=NOT_FINISHED_DAY)
    on_time = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("诉求统计事实")
        verbose_name_plural = _("诉求统计事实")
        indexes = [
            models.Index(fields=["received_day"], name="fact_received_day"),
            # The two "now"-dependent figures read only these small sets.
            # (with the columns they read, so PostgreSQL answers from the index alone).
            models.Index(
                fields=["handle_deadline", "received_day", "street_id", "community_id", "grid_id"],
                name="fact_clocked_deadline",
                condition=models.Q(clocked=True),
            ),
            models.Index(
                fields=["handle_deadline", "finished_day", "on_time", "street_id"],
                name="fact_due_deadline",
                condition=models.Q(due_eligible=True),
            ),
        ]

    def __str__(self) -> str:
        return f"fact {self.complaint_id}"


class ComplaintUnitFact(models.Model):
    """A unit that was ever lead of the complaint, and whether that unit returned it."""

    fact = models.ForeignKey(ComplaintFact, on_delete=models.CASCADE, related_name="units")
    unit_id = models.IntegerField(_("单位"))
    returned = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("诉求单位统计事实")
        verbose_name_plural = _("诉求单位统计事实")
        constraints = [models.UniqueConstraint(fields=["fact", "unit_id"], name="unique_complaint_unit_fact")]
        indexes = [models.Index(fields=["unit_id"], name="unitfact_unit")]

    def __str__(self) -> str:
        return f"unit fact {self.fact_id}/{self.unit_id}"


class DailyRollup(models.Model):
    """Sums of facts per grain, received day and dimension values (see the module docstring)."""

    grain = models.PositiveSmallIntegerField(_("粒度"), help_text=_("RollupGrain；+100 为按月汇总"))
    day = models.DateField(_("受理日期（按月汇总为当月1日）"))
    street_id = models.IntegerField(default=0)
    community_id = models.IntegerField(default=0)
    grid_id = models.IntegerField(default=0)
    unit_id = models.IntegerField(default=0)
    matter_id = models.IntegerField(default=0)
    kind = models.CharField(max_length=16, blank=True, default="")
    channel = models.CharField(max_length=16, blank=True, default="")
    received = models.IntegerField(default=0)
    dispatched = models.IntegerField(default=0)
    in_progress = models.IntegerField(default=0)
    handled = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    responded = models.IntegerField(default=0)
    rated_resolved = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    rated_satisfaction = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    basically_satisfied = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    handled_once = models.IntegerField(default=0)
    reworked = models.IntegerField(default=0)
    finished = models.IntegerField(default=0)
    handling_minutes = models.BigIntegerField(default=0)
    ht_0 = models.IntegerField(default=0)
    ht_1 = models.IntegerField(default=0)
    ht_2 = models.IntegerField(default=0)
    ht_3 = models.IntegerField(default=0)
    ht_4 = models.IntegerField(default=0)
    ht_5 = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("日汇总")
        verbose_name_plural = _("日汇总")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "grain",
                    "day",
                    "street_id",
                    "community_id",
                    "grid_id",
                    "unit_id",
                    "matter_id",
                    "kind",
                    "channel",
                ],
                name="unique_daily_rollup_key",
            )
        ]
        indexes = [models.Index(fields=["grain", "unit_id", "day"], name="rollup_grain_unit_day")]

    def __str__(self) -> str:
        return f"rollup {self.grain} {self.day}"


class DueRollup(models.Model):
    """Complaints with a handling clock per (deadline day, finished day): the on-time rate's population."""

    grain = models.PositiveSmallIntegerField(_("粒度"), choices=DueGrain.choices)
    deadline_day = models.DateField(_("办理期限日"))
    finished_day = models.DateField(_("办结日"))
    street_id = models.IntegerField(default=0)
    unit_id = models.IntegerField(default=0)
    due = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("按期汇总")
        verbose_name_plural = _("按期汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "deadline_day", "finished_day", "street_id", "unit_id"],
                name="unique_due_rollup_key",
            )
        ]
        indexes = [models.Index(fields=["grain", "finished_day"], name="due_grain_finished")]

    def __str__(self) -> str:
        return f"due {self.grain} {self.deadline_day}/{self.finished_day}"


class RollupState(models.Model):
    """Named positions of the rollup machinery (e.g. the last event id the catch-up sweep has seen)."""

    name = models.CharField(max_length=32, primary_key=True)
    value = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("汇总进度")
        verbose_name_plural = _("汇总进度")

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class WarningKind(models.TextChoices):
    HOTSPOT = "hotspot", _("高频事项")
    SURGE = "surge", _("突增")
    REPEAT_COMPLAINANT = "repeat_complainant", _("重复来电人")
    WAGE_ARREARS = "wage_arrears", _("欠薪企业")


class WarningStatus(models.TextChoices):
    OPEN = "open", _("待处置")
    ASSIGNED = "assigned", _("已交办")
    CLOSED = "closed", _("已关闭")


class EarlyWarning(TimeStampedModel):
    """An early warning (主动治理) the centre assigns and closes. ``key`` names its subject (kind +
    place/matter, phone or enterprise); at most one warning per key is not closed."""

    kind = models.CharField(_("预警类型"), max_length=24, choices=WarningKind.choices)
    key = models.CharField(_("预警对象"), max_length=96)
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=12, choices=WarningStatus.choices, default=WarningStatus.OPEN
    )
    count = models.PositiveIntegerField(_("件数"), default=0)
    baseline = models.FloatField(_("基线（周均）"), null=True, blank=True)
    window_start = models.DateTimeField(_("统计起"))
    window_end = models.DateTimeField(_("统计止"))
    street = models.ForeignKey(
        "grids.Division",
        verbose_name=_("街道"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    community = models.ForeignKey(
        "grids.Division",
        verbose_name=_("社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    grid = models.ForeignKey(
        "grids.GridCell",
        verbose_name=_("网格"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    matter = models.ForeignKey(
        "grievance.Matter",
        verbose_name=_("事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact_phone = models.CharField(_("来电号码"), max_length=32, blank=True)
    enterprise_credit_code = models.CharField(_("企业信用代码"), max_length=18, blank=True)
    complaints = models.ManyToManyField("grievance.Complaint", verbose_name=_("相关诉求"), related_name="+")
    assigned_unit = models.ForeignKey(
        "grids.Unit",
        verbose_name=_("交办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("交办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    note = models.TextField(_("处置说明"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("关闭人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=~models.Q(status="closed"),
                name="unique_open_warning_per_key",
            )
        ]
        indexes = [models.Index(fields=["status", "kind"], name="warning_status_kind")]

    def __str__(self) -> str:
        return self.title


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    DONE = "done", _("已生成")
    FAILED = "failed", _("生成失败")


class Report(TimeStampedModel):
    """A monthly analysis report (每月一题): the data it was built from, its HTML page and its PDF."""

    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    status = models.CharField(
        _("状态"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    title = models.CharField(_("标题"), max_length=200, blank=True)
    data = models.JSONField(_("报告数据"), default=dict, blank=True)
    html = models.FileField(_("网页版"), upload_to="reports/%Y/%m/", blank=True)
    pdf = models.FileField(_("PDF 版"), upload_to="reports/%Y/%m/", blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("月度分析报告")
        verbose_name_plural = _("月度分析报告")
        ordering = ["-month", "-id"]

    def __str__(self) -> str:
        return self.title or f"{self.month:%Y-%m}"
