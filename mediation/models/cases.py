"""Mediation cases (调解案件), their parties, mediators, extensions and the append-only event log.

Invariants:
- ``MediationCase.status`` changes only in ``mediation.services.transitions.mediation_case_transition``.
- ``CaseEvent`` rows are never updated or deleted.
- Parties' personal data (names of persons, ID numbers, phones, addresses) leave the case only masked:
  ``mediation.selectors.parties`` decides who is inside the case.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel


class DisputeType(models.TextChoices):
    LABOUR = "labour", _("劳动争议")
    NEIGHBOUR = "neighbour", _("邻里纠纷")
    PROPERTY_MANAGEMENT = "property_management", _("物业纠纷")
    FAMILY = "family", _("婚姻家庭纠纷")
    CONSUMER = "consumer", _("消费纠纷")
    TRAFFIC = "traffic", _("交通事故纠纷")
    LAND_HOUSING = "land_housing", _("土地房屋纠纷")
    CONTRACT = "contract", _("合同纠纷")
    DAMAGE = "damage", _("损害赔偿纠纷")
    OTHER = "other", _("其他纠纷")


class CaseSource(models.TextChoices):
    APPLICATION_WRITTEN = "application_written", _("当事人书面申请")
    APPLICATION_ORAL = "application_oral", _("当事人口头申请")
    INITIATIVE = "initiative", _("调解组织主动调解")
    POLICE = "police", _("公安机关移送")
    COURT = "court", _("人民法院委派委托")
    ARBITRATION = "arbitration", _("仲裁委员会移送")
    GOVERNMENT = "government", _("政府部门移送")
    COMPLAINT = "complaint", _("诉求转调解")


class CaseStatus(models.TextChoices):
    APPLIED = "applied", _("已申请")
    ACCEPTED = "accepted", _("已受理")
    REFUSED = "refused", _("不予受理")
    MEDIATING = "mediating", _("调解中")
    AGREED = "agreed", _("达成协议")
    FAILED = "failed", _("调解终止")
    WITHDRAWN = "withdrawn", _("已撤回")
    CLOSED = "closed", _("已结案")


# The time limit runs in these statuses; the case is "open" for the workbench.
RUNNING_STATUSES = (CaseStatus.APPLIED, CaseStatus.ACCEPTED, CaseStatus.MEDIATING)
ENDED_STATUSES = (CaseStatus.REFUSED, CaseStatus.FAILED, CaseStatus.WITHDRAWN, CaseStatus.CLOSED)


class MediationCase(TimeStampedModel):
    number = models.CharField(_("案号"), max_length=64, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    organisation = models.ForeignKey(
        "mediation.MediationOrganisation",
        verbose_name=_("调解组织"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    dispute_type = models.CharField(_("纠纷类型"), max_length=24, choices=DisputeType.choices, db_index=True)
    source = models.CharField(_("案件来源"), max_length=24, choices=CaseSource.choices, db_index=True)
    source_reference = models.CharField(_("来源文书/编号"), max_length=128, blank=True)
    complaint = models.ForeignKey(
        "grievance.Complaint",
        verbose_name=_("来源诉求"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.TextField(_("纠纷简要情况"), max_length=4000)
    claims = models.TextField(_("申请事项"), max_length=4000, blank=True)
    amount = models.DecimalField(_("争议金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    wage_arrears = models.BooleanField(_("涉及拖欠劳动报酬"), default=False)
    oral_application_record = models.TextField(_("口头申请笔录"), blank=True)

    status = models.CharField(
        _("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.APPLIED, db_index=True
    )
    applied_at = models.DateTimeField(_("申请时间"), db_index=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始调解时间"), null=True, blank=True)
    rights_notified_at = models.DateTimeField(_("权利义务告知时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("调解结束时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    end_reason = models.TextField(_("不予受理/终止/撤回理由"), blank=True)
    refused_by_party = models.ForeignKey(
        "mediation.Party",
        verbose_name=_("拒绝调解的当事人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    legal_channels_told = models.TextField(_("已告知的法律途径"), blank=True)

    limit_amount = models.PositiveSmallIntegerField(_("调解期限"))
    limit_unit = models.CharField(_("期限单位"), max_length=16)
    due_at = models.DateTimeField(_("调解期限届满"), db_index=True)
    deadline_estimated = models.BooleanField(_("期限为估算"), default=False)
    extension_days_total = models.PositiveIntegerField(_("累计延长（日）"), default=0)
    warned_at = models.DateTimeField(_("临期提醒时间"), null=True, blank=True)
    overdue_noted_at = models.DateTimeField(_("期满记录时间"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("调解案件")
        verbose_name_plural = _("调解案件")
        ordering = ["-applied_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["status", "due_at"]),
        ]

    def __str__(self) -> str:
        return self.number


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    RESPONDENT = "respondent", _("被申请人")
    THIRD_PARTY = "third_party", _("第三人")


class PartyKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ENTERPRISE = "enterprise", _("法人或其他组织")
    GROUP = "group", _("劳动者群体（十人以上）")


class Sex(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Party(TimeStampedModel):
    """A party of the case. A ``group`` (≥ 10 workers) acts through elected ``representatives``
    (persons whose ``representative_of`` is the group)."""

    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("当事人地位"), max_length=16, choices=PartyRole.choices)
    kind = models.CharField(_("类型"), max_length=16, choices=PartyKind.choices, default=PartyKind.PERSON)
    name = models.CharField(_("姓名/名称"), max_length=128)
    sex = models.CharField(_("性别"), max_length=8, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=16, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    occupation = models.CharField(_("职业"), max_length=64, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    address = models.CharField(_("住所/地址"), max_length=255, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=64, blank=True)
    group_size = models.PositiveIntegerField(_("劳动者人数"), null=True, blank=True)
    representative_of = models.ForeignKey(
        "self",
        verbose_name=_("代表的劳动者群体"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="representatives",
    )
    refused_at = models.DateTimeField(_("明确拒绝调解时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} #{self.pk}"


class AssignmentHow(models.TextChoices):
    CHOSEN = "chosen", _("当事人选定")
    APPOINTED = "appointed", _("调解组织指定")


class CaseMediator(TimeStampedModel):
    """A mediator on a case. Recusal (回避) deactivates the row; the history stays."""

    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="case_mediators")
    mediator = models.ForeignKey(
        "mediation.Mediator", verbose_name=_("调解员"), on_delete=models.PROTECT, related_name="assignments"
    )
    how = models.CharField(_("产生方式"), max_length=16, choices=AssignmentHow.choices)
    lead = models.BooleanField(_("主持调解"), default=False)
    active = models.BooleanField(_("在案"), default=True)
    recused_at = models.DateTimeField(_("回避时间"), null=True, blank=True)
    recusal_reason = models.TextField(_("回避理由"), blank=True)

    class Meta:
        verbose_name = _("承办调解员")
        verbose_name_plural = _("承办调解员")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "mediator"],
                condition=models.Q(active=True),
                name="unique_active_case_mediator",
            )
        ]
        indexes = [models.Index(fields=["mediator", "active"])]

    def __str__(self) -> str:
        return f"{self.case} · {self.mediator}"


class Extension(models.Model):
    """An extension of the time limit, agreed by the applicant and respondent sides (recorded)."""

    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("延长天数"))
    reason = models.TextField(_("理由"))
    consenting_parties = models.ManyToManyField(Party, verbose_name=_("同意的当事人"), related_name="+")
    consent_record = models.TextField(_("同意方式记录"), help_text=_("如：双方当事人在延期确认书上签字"))
    old_due_at = models.DateTimeField(_("原期限"))
    new_due_at = models.DateTimeField(_("新期限"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("期限延长")
        verbose_name_plural = _("期限延长")
        ordering = ["case", "at"]

    def __str__(self) -> str:
        return f"{self.case} +{self.days}"


class CaseEvent(models.Model):
    """One row per change of a case. Append-only: never updated, never deleted."""

    case = models.ForeignKey(MediationCase, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(_("动作"), max_length=32, db_index=True)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True)
    note = models.TextField(_("说明"), blank=True)
    payload = models.JSONField(_("数据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("案件事件")
        verbose_name_plural = _("案件事件")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
