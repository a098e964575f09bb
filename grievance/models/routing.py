"""The learned text router: model versions and the dispatchers' choices it learns from.

Invariants:
- At most one ``RoutingModel`` is active (a partial unique constraint); a new version becomes active
  only when its stored evaluation is not worse than the active one's
  (``grievance.routing_model.services.routing_model_train``).
- The artefact file lives under ``settings.VAR_DIR / "models"``, never in the repository; the row
  stores its path relative to that folder.
- One ``RoutingExample`` per complaint event (``event`` is unique): replaying the event task records
  nothing twice.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoutingModel(models.Model):
    version = models.PositiveIntegerField(_("版本"), unique=True)
    created_at = models.DateTimeField(_("训练时间"), auto_now_add=True, db_index=True)
    trained_on = models.JSONField(
        _("训练数据量"), default=dict, blank=True, help_text=_("标注、弱标注、派单确认、退单等条数")
    )
    evaluation = models.JSONField(
        _("评估结果"), default=dict, blank=True, help_text=_("交叉验证的准确率、宏F1、前三准确率及各类指标")
    )
    is_active = models.BooleanField(_("在用"), default=False)
    promoted_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    artefact_path = models.CharField(_("模型文件"), max_length=255, help_text=_("相对于 VAR_DIR/models/"))
    train_seconds = models.FloatField(_("训练耗时（秒）"), default=0)
    note = models.CharField(_("说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("分拨模型")
        verbose_name_plural = _("分拨模型")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="one_active_routing_model"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version}{' *' if self.is_active else ''}"


class RoutingExampleKind(models.TextChoices):
    CONFIRMED = "confirmed", _("确认派单")
    CORRECTED = "corrected", _("改派")
    RETURNED = "returned", _("退单")


class RoutingExample(models.Model):
    """What a dispatcher decided for a complaint's text: a confirmed or corrected dispatch (positive
    evidence for ``matter``) or a return by the unit (negative evidence for ``matter`` at ``unit``)."""

    complaint = models.ForeignKey(
        "grievance.Complaint", verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="+"
    )
    event = models.OneToOneField(
        "grievance.ComplaintEvent",
        verbose_name=_("事件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=RoutingExampleKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("诉求内容"))
    matter = models.ForeignKey(
        "grievance.Matter",
        verbose_name=_("事项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        "grids.Unit",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("分拨训练样本")
        verbose_name_plural = _("分拨训练样本")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title[:20]}"

    @property
    def positive(self) -> bool:
        return self.kind != RoutingExampleKind.RETURNED
