"""Notifications (通知): one row per (event, recipient, channel), delivered by a backend.

Invariants:
- ``idempotency_key`` is unique: a replayed task finds the existing row instead of sending again.
- A row leaves ``pending`` exactly once (to ``sent`` or ``failed``), under a row lock in
  ``grievance.services.notifications.notification_send``.
- In-app rows are delivered by existing: they are stored as ``sent``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationChannel(models.TextChoices):
    IN_APP = "in_app", _("站内消息")
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        help_text=_("无账号的诉求人（热线来电）只有手机号"),
    )
    address = models.CharField(_("发送地址"), max_length=254, blank=True, help_text=_("手机号或电子邮箱"))
    complaint = models.ForeignKey(
        "grievance.Complaint",
        verbose_name=_("诉求"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    event = models.ForeignKey(
        "grievance.ComplaintEvent",
        verbose_name=_("诉求事件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    kind = models.CharField(_("通知类型"), max_length=32, db_index=True)
    channel = models.CharField(_("渠道"), max_length=8, choices=NotificationChannel.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    status = models.CharField(
        _("状态"), max_length=8, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    idempotency_key = models.CharField(_("幂等键"), max_length=128, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "channel", "read_at"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.title}"


class EventProcessed(models.Model):
    """Marks a complaint event whose follow-up work (notifications, review, next check) has run.

    The event log itself stays append-only; this side table lets the outbox sweeper find events whose
    task was lost (a worker killed while holding it) and run them again.
    """

    event = models.OneToOneField(
        "grievance.ComplaintEvent", primary_key=True, on_delete=models.CASCADE, related_name="processed"
    )
    processed_at = models.DateTimeField(_("处理时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已处理事件")
        verbose_name_plural = _("已处理事件")

    def __str__(self) -> str:
        return f"{self.event_id} @ {self.processed_at}"
