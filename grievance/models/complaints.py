"""Complaints (诉求), their unit assignments, the append-only event log, attachments and notifications.

Invariants:
- ``Complaint.status`` changes only in ``grievance.services.transitions.complaint_transition`` (a test greps).
- ``ComplaintEvent`` rows are never updated or deleted (append-only log of every change).
- A complaint row exists, committed, before any task about it is queued (outbox rule).
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel

from .matters import ComplaintKind

# Unambiguous when read over the phone: no 0/O, 1/I/L.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 12  # 31^12 ≈ 7.9e17 codes: cannot be enumerated


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("已受理")
    PENDING_DISPATCH = "pending_dispatch", _("待派单")
    DISPATCHED = "dispatched", _("已派单")
    IN_PROGRESS = "in_progress", _("办理中")
    HANDLED = "handled", _("已办结待核查")
    REVIEWING = "reviewing", _("待回访")
    CLOSED = "closed", _("已结案")
    ANSWERED = "answered", _("已直接答复")
    TRANSFERRED = "transferred", _("已转应急部门")
    REFERRED = "referred", _("已告知法定途径")
    DUPLICATE = "duplicate", _("已并单")
    INVALID = "invalid", _("无效诉求")
    WITHDRAWN = "withdrawn", _("已撤回")
    MEDIATING = "mediating", _("调解中")


OPEN_STATUSES = frozenset(
    {
        Status.SUBMITTED,
        Status.PENDING_DISPATCH,
        Status.DISPATCHED,
        Status.IN_PROGRESS,
        Status.HANDLED,
        Status.REVIEWING,
        Status.MEDIATING,
    }
)
TERMINAL_STATUSES = frozenset(set(Status) - OPEN_STATUSES)


class Channel(models.TextChoices):
    WEB = "web", _("网站")
    HOTLINE = "hotline", _("12345热线")
    APP = "app", _("移动应用")
    WECHAT = "wechat", _("微信")
    GRID = "grid", _("网格员上报")
    INSPECTOR = "inspector", _("巡查员上报")
    SENSOR = "sensor", _("视频/感知设备")
    OPEN311 = "open311", _("Open311 接口")
    LEADER_BOARD = "leader_board", _("领导信箱")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Disposition(models.TextChoices):
    TRANSFERRED_110 = "transferred_110", _("转110")
    TRANSFERRED_119 = "transferred_119", _("转119")
    TRANSFERRED_120 = "transferred_120", _("转120")
    TRANSFERRED_122 = "transferred_122", _("转122")
    REFERRED = "referred", _("告知诉讼/仲裁/复议/信访等法定途径")
    INVALID = "invalid", _("无效诉求")
    ABUSIVE = "abusive", _("恶意/违法诉求")
    OUT_OF_SCOPE = "out_of_scope", _("不属于任何单位职责")
    PRIVACY = "privacy", _("涉密或隐私事项")
    REPEAT = "repeat", _("重复诉求无新情况")
    WITHDRAWN = "withdrawn", _("诉求人撤回")


class Complaint(TimeStampedModel):
    tracking_code = models.CharField(_("查询码"), max_length=16, unique=True, default=new_tracking_code)
    kind = models.CharField(_("诉求类型"), max_length=16, choices=ComplaintKind.choices)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices, default=Channel.WEB)
    client_name = models.CharField(_("接入系统"), max_length=64, blank=True)
    urgency = models.CharField(_("紧急程度"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("诉求内容"), max_length=4000)
    matter = models.ForeignKey(
        "grievance.Matter",
        verbose_name=_("事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    matter_rule = models.ForeignKey(
        "grievance.MatterRule", verbose_name=_("适用规则"), null=True, blank=True, on_delete=models.PROTECT
    )
    matter_suggested = models.BooleanField(_("事项由系统推荐"), default=False)

    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=255, blank=True)
    grid = models.ForeignKey(
        "grids.GridCell",
        verbose_name=_("网格"),
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
    street = models.ForeignKey(
        "grids.Division",
        verbose_name=_("街道"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True, db_index=True)
    anonymous = models.BooleanField(_("匿名"), default=False)
    enterprise_credit_code = models.CharField(_("涉及企业信用代码"), max_length=18, blank=True, db_index=True)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交市民"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField(_("受理时间"), db_index=True)

    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    disposition = models.CharField(_("处置方式"), max_length=24, choices=Disposition.choices, blank=True)
    lead_unit = models.ForeignKey(
        "grids.Unit",
        verbose_name=_("主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    handled_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    clock_started_at = models.DateTimeField(_("计时起点"), null=True, blank=True)
    sign_deadline = models.DateTimeField(_("签收期限"), null=True, blank=True)
    handle_deadline = models.DateTimeField(_("办理期限"), null=True, blank=True)
    deadline_estimated = models.BooleanField(_("期限为估算"), default=False)
    warned_at = models.DateTimeField(_("预警时间"), null=True, blank=True)
    supervision_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)
    next_check_at = models.DateTimeField(_("下次检查时间"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("挂起时间"), null=True, blank=True)
    extension_days_total = models.PositiveIntegerField(_("累计延期（工作日）"), default=0)
    pending_extension_days = models.PositiveIntegerField(_("待审批延期（工作日）"), default=0)
    return_count = models.PositiveIntegerField(_("退单次数"), default=0)
    reopen_count = models.PositiveIntegerField(_("重办次数"), default=0)
    result = models.TextField(_("办理结果"), blank=True)
    answer = models.TextField(_("直接答复"), blank=True)
    resolved = models.BooleanField(_("已解决"), null=True, blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=24, choices=Satisfaction.choices, blank=True)
    citizen_rated_at = models.DateTimeField(_("市民评价时间"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入诉求"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    support_count = models.PositiveIntegerField(_("附议人数"), default=0)
    psych_referral = models.BooleanField(_("心理服务转介"), default=False)

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["lead_unit", "status"]),
            models.Index(fields=["grid", "status"]),
            models.Index(fields=["street", "received_at"]),
            models.Index(
                fields=["next_check_at"],
                name="complaint_next_check_open",
                condition=models.Q(next_check_at__isnull=False),
            ),
        ]
        permissions = [
            ("handle_complaint", _("作为主办单位办理")),
            ("cohandle_complaint", _("作为协办单位办理")),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("主办")
    CO = "co", _("协办")
    COPY = "copy", _("抄送")


class Assignment(TimeStampedModel):
    """A unit's part in a complaint. Dispatch creates them; re-dispatch deactivates the old ones."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        "grids.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("角色"), max_length=8, choices=AssignmentRole.choices)
    active = models.BooleanField(_("有效"), default=True)
    reply = models.TextField(_("协办回复"), blank=True)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    due_at = models.DateTimeField(
        _("回复期限"), null=True, blank=True, help_text=_("协办单位的回复期限（如心理服务转介）")
    )

    class Meta:
        verbose_name = _("派单记录")
        verbose_name_plural = _("派单记录")
        indexes = [models.Index(fields=["unit", "active"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_role_display()}"


class ComplaintEvent(models.Model):
    """One row per change. Append-only: never updated, never deleted."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_unit = models.ForeignKey(
        "grids.Unit",
        verbose_name=_("操作单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("动作"), max_length=32, db_index=True)
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, blank=True)
    note = models.TextField(_("说明"), blank=True)
    payload = models.JSONField(_("数据"), default=dict, blank=True)
    public = models.BooleanField(_("市民可见"), default=True)

    class Meta:
        verbose_name = _("诉求事件")
        verbose_name_plural = _("诉求事件")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["complaint", "at"]), models.Index(fields=["action", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.from_status}→{self.to_status}"
