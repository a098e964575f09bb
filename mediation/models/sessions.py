"""Mediation sessions (调解会) with their records, and reminders to mediators and parties."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已安排")
    HELD = "held", _("已召开")
    CANCELLED = "cancelled", _("已取消")


class Session(TimeStampedModel):
    """One session: scheduled (time, place), then recorded (attendees, minutes). Every session held is
    recorded (人民调解法: 调解过程应当制作笔录)."""

    case = models.ForeignKey("mediation.MediationCase", on_delete=models.CASCADE, related_name="sessions")
    sequence = models.PositiveSmallIntegerField(_("次序"))
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=255)
    status = models.CharField(
        _("状态"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    attendees = models.ManyToManyField(
        "mediation.Party", verbose_name=_("到场当事人"), blank=True, related_name="+"
    )
    mediators = models.ManyToManyField(
        "mediation.Mediator", verbose_name=_("到场调解员"), blank=True, related_name="+"
    )
    other_attendees = models.CharField(_("其他参加人员"), max_length=255, blank=True)
    minutes = models.TextField(_("调解笔录"), blank=True)
    held_at = models.DateTimeField(_("记录时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("调解会")
        verbose_name_plural = _("调解会")
        ordering = ["starts_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "sequence"], name="unique_session_sequence")]

    def __str__(self) -> str:
        return f"{self.case} #{self.sequence}"


class ReminderKind(models.TextChoices):
    SESSION = "session", _("调解会提醒")
    DEADLINE_WARNING = "deadline_warning", _("调解期限临近")
    DEADLINE_PASSED = "deadline_passed", _("调解期限届满")
    CONFIRMATION_WINDOW = "confirmation_window", _("司法确认申请期限临近")
    PERFORMANCE_DUE = "performance_due", _("协议履行期限届满")


class ReminderChannel(models.TextChoices):
    IN_APP = "in_app", _("站内提醒")
    SMS = "sms", _("短信")


class Reminder(models.Model):
    """One reminder per (occasion, recipient, channel); ``key`` is unique so a replayed sweep adds none."""

    case = models.ForeignKey("mediation.MediationCase", on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("类型"), max_length=24, choices=ReminderKind.choices)
    channel = models.CharField(_("渠道"), max_length=8, choices=ReminderChannel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mediation_reminders",
    )
    phone = models.CharField(_("短信号码"), max_length=32, blank=True)
    text = models.CharField(_("内容"), max_length=500)
    key = models.CharField(_("幂等键"), max_length=128, unique=True)
    created_at = models.DateTimeField(_("创建时间"), db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("调解提醒")
        verbose_name_plural = _("调解提醒")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text[:40]
