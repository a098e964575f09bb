"""Credit subjects: legal persons (by unified social credit code) and natural persons (by ID number).

A natural person's ID number is never stored in full: ``code`` holds the masked number for display and
``lookup_key`` a keyed hash of the full number, so the ledger can find a person by the number without
keeping it (credit.identity).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel
from credit.models.choices import SubjectKind


class CreditSubject(TimeStampedModel):
    """Invariant: ``lookup_key`` is the USCC of a legal person, the keyed hash of a natural person's ID."""

    kind = models.CharField(_("主体类型"), max_length=16, choices=SubjectKind.choices, db_index=True)
    lookup_key = models.CharField(_("查询键"), max_length=64, unique=True, editable=False)
    code = models.CharField(
        _("代码"), max_length=18, db_index=True, help_text=_("统一社会信用代码；自然人为脱敏身份证号")
    )
    name = models.CharField(_("名称"), max_length=200, db_index=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=64, blank=True)
    region_code = models.CharField(_("行政区划代码"), max_length=6, blank=True, db_index=True)
    industry = models.CharField(_("行业"), max_length=64, blank=True, db_index=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    grid = models.ForeignKey(
        "grids.GridCell",
        verbose_name=_("所在网格"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="credit_subjects",
    )
    code_overridden = models.BooleanField(
        _("代码校验豁免"), default=False, help_text=_("代码未通过校验，经信用管理员核实后登记")
    )
    grade = models.CharField(_("信用等级"), max_length=2, blank=True, db_index=True)
    score = models.IntegerField(_("信用分"), null=True, blank=True)
    graded_at = models.DateTimeField(_("评级时间"), null=True, blank=True)
    accounts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("主体账号"),
        blank=True,
        related_name="credit_subjects",
        help_text=_("代表该主体办理信用修复等事项的用户"),
    )

    class Meta:
        verbose_name = _("信用主体")
        verbose_name_plural = _("信用主体")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class SubjectCodeOverride(TimeStampedModel):
    """The audit of a code registered although it fails validation: who, when (``created_at``), why."""

    subject = models.ForeignKey(
        CreditSubject, verbose_name=_("主体"), on_delete=models.CASCADE, related_name="code_overrides"
    )
    code = models.CharField(_("代码"), max_length=18)
    errors = models.JSONField(_("未通过的校验"), default=list)
    reason = models.TextField(_("核实说明"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("核实人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("代码校验豁免记录")
        verbose_name_plural = _("代码校验豁免记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.code} · {self.actor}"


class CreditGrade(TimeStampedModel):
    """One grading of a subject; the newest row is the subject's current grade (also on the subject)."""

    subject = models.ForeignKey(
        CreditSubject, verbose_name=_("主体"), on_delete=models.CASCADE, related_name="grades"
    )
    scheme = models.CharField(_("评分方案"), max_length=64)
    grade = models.CharField(_("等级"), max_length=2)
    score = models.IntegerField(_("分数"))
    explanation = models.JSONField(
        _("评分说明"), default=list, help_text=_("[{rule, label, points, record}]：影响分数的每一项")
    )

    class Meta:
        verbose_name = _("信用评级")
        verbose_name_plural = _("信用评级")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject_id} · {self.grade}（{self.score}）"
