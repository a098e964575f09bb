"""Open311 GeoReport v2: partner keys, service definitions, and what a partner sent beyond a complaint.

Invariants:
- An ``ApiKey`` stores only the SHA-256 of its secret (keys are 256-bit random, so no salt is needed)
  and an 8-character prefix to recognise it; the secret is shown once, when it is created.
- A revoked key stays (complaints and updates refer to it) and never authenticates again.
- ``Open311Request`` links a complaint to the key that filed it; the complaint itself is written only
  by ``grievance.services.intake.complaint_submit``. ``email`` is personal data: never published.
- ``PartnerUpdate`` records what a partner reported about its own request; it never changes the
  complaint (statuses change only through the complaint workflow).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel


class ApiKey(TimeStampedModel):
    name = models.CharField(
        _("接入系统名称"), max_length=64, unique=True, help_text=_("写入诉求的“接入系统”字段")
    )
    prefix = models.CharField(_("密钥前缀"), max_length=8, db_index=True, editable=False)
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True, editable=False)
    contact = models.CharField(_("对接联系人"), max_length=128, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(
        _("每分钟提交上限"), null=True, blank=True, help_text=_("留空则使用系统默认值")
    )
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Open311 密钥")
        verbose_name_plural = _("Open311 密钥")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AttributeType(models.TextChoices):
    STRING = "string", _("短文本")
    NUMBER = "number", _("数字")
    DATETIME = "datetime", _("日期时间")
    TEXT = "text", _("长文本")
    SINGLE = "singlevaluelist", _("单选")
    MULTI = "multivaluelist", _("多选")


class ServiceDefinition(TimeStampedModel):
    """Extra questions a partner asks when filing a request for one leaf matter (``metadata`` true)."""

    matter = models.OneToOneField(
        "grievance.Matter",
        verbose_name=_("事项"),
        on_delete=models.CASCADE,
        related_name="open311_definition",
        limit_choices_to={"level": 3},
    )

    class Meta:
        verbose_name = _("服务定义")
        verbose_name_plural = _("服务定义")
        ordering = ["matter__code"]

    def __str__(self) -> str:
        return str(self.matter)


class ServiceAttribute(models.Model):
    definition = models.ForeignKey(
        ServiceDefinition, verbose_name=_("服务定义"), on_delete=models.CASCADE, related_name="attributes"
    )
    code = models.SlugField(_("属性编码"), max_length=64)
    variable = models.BooleanField(_("需要填写"), default=True, help_text=_("不勾选：仅向用户展示说明"))
    datatype = models.CharField(_("类型"), max_length=16, choices=AttributeType.choices)
    required = models.BooleanField(_("必填"), default=False)
    datatype_description = models.CharField(_("类型说明"), max_length=255, blank=True)
    order = models.PositiveIntegerField(_("顺序"), default=1)
    description = models.CharField(_("说明"), max_length=255)
    values = models.JSONField(
        _("选项"),
        default=list,
        blank=True,
        help_text=_('单选/多选的选项，如 [{"key": "mobile", "name": "流动"}]'),
    )

    class Meta:
        verbose_name = _("服务属性")
        verbose_name_plural = _("服务属性")
        ordering = ["definition", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "code"], name="open311_attribute_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code


class Open311Request(TimeStampedModel):
    """The Open311 side of a complaint filed by a partner."""

    complaint = models.OneToOneField(
        "grievance.Complaint",
        verbose_name=_("诉求"),
        on_delete=models.PROTECT,
        related_name="open311_request",
    )
    api_key = models.ForeignKey(
        ApiKey, verbose_name=_("密钥"), on_delete=models.PROTECT, related_name="requests"
    )
    description = models.TextField(_("对方提交的描述"), max_length=4000, blank=True)
    attributes = models.JSONField(_("服务属性"), default=dict, blank=True)
    media_url = models.URLField(_("媒体链接"), max_length=1000, blank=True)
    address_id = models.CharField(_("地址编码"), max_length=32, blank=True)
    email = models.EmailField(_("联系邮箱"), blank=True)
    device_id = models.CharField(_("设备标识"), max_length=128, blank=True)
    account_id = models.CharField(_("对方账户"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("Open311 请求")
        verbose_name_plural = _("Open311 请求")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.api_key.name} → {self.complaint_id}"


class PartnerUpdate(TimeStampedModel):
    """An update a partner posted (mySociety ``servicerequestupdates`` extension)."""

    request = models.ForeignKey(
        Open311Request,
        verbose_name=_("Open311 请求"),
        on_delete=models.PROTECT,
        related_name="partner_updates",
    )
    api_key = models.ForeignKey(ApiKey, verbose_name=_("密钥"), on_delete=models.PROTECT, related_name="+")
    partner_update_id = models.CharField(_("对方更新编号"), max_length=64, blank=True)
    status = models.CharField(_("对方报告的状态"), max_length=32)
    description = models.TextField(_("内容"), max_length=4000)
    media_url = models.URLField(_("媒体链接"), max_length=1000, blank=True)
    reported_at = models.DateTimeField(_("对方更新时间"))
    author_name = models.CharField(_("提交人"), max_length=128, blank=True)
    email = models.EmailField(_("提交人邮箱"), blank=True)

    class Meta:
        verbose_name = _("合作方更新")
        verbose_name_plural = _("合作方更新")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["api_key", "partner_update_id"],
                condition=~models.Q(partner_update_id=""),
                name="open311_partner_update_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} #{self.pk}"
