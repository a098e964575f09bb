"""Choices shared by the credit models, rules and services."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubjectKind(models.TextChoices):
    LEGAL = "legal", _("法人和非法人组织")
    NATURAL = "natural", _("自然人")


class RecordKind(models.TextChoices):
    LICENCE = "licence", _("行政许可")
    PENALTY = "penalty", _("行政处罚")
    COMMENDATION = "commendation", _("表彰奖励")
    INSPECTION = "inspection", _("抽查检查结果")
    COMMITMENT = "commitment", _("信用承诺履行")
    DISHONEST_DEBTOR = "dishonest_debtor", _("失信被执行人")
    TAX_GRADE = "tax_grade", _("纳税信用等级")
    MEDIATION_UNPERFORMED = "mediation_unperformed", _("调解协议未履行")
    COMPLAINT_UPHELD = "complaint_upheld", _("投诉查实")
    OTHER = "other", _("其他信用信息")


class Severity(models.TextChoices):
    INFO = "info", _("非失信信息")
    MINOR = "minor", _("轻微失信")
    GENERAL = "general", _("一般失信")
    SERIOUS = "serious", _("严重失信")


class WithdrawalReason(models.TextChoices):
    REVOKED = "revoked", _("决定被撤销或变更")
    REPAIRED = "repaired", _("信用修复")


class RepairStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已申请")
    REVIEWING = "reviewing", _("审核中")
    APPROVED = "approved", _("已修复")
    REJECTED = "rejected", _("不予修复")
    CANCELLED = "cancelled", _("已撤回")


class ListKind(models.TextChoices):
    RED = "red", _("红名单（守信激励）")
    BLACK = "black", _("黑名单（严重失信主体）")


class MeasureKind(models.TextChoices):
    REWARD = "reward", _("联合激励")
    PUNISHMENT = "punishment", _("联合惩戒")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("待抽取")
    DRAWN = "drawn", _("已抽取")
    COMPLETED = "completed", _("已完成")


class TaskStatus(models.TextChoices):
    PENDING = "pending", _("待检查")
    DONE = "done", _("已检查")


class InspectionOutcome(models.TextChoices):
    PASSED = "passed", _("未发现问题")
    CORRECTED = "corrected", _("发现问题已责令整改")
    VIOLATION = "violation", _("发现违法违规行为")
    NOT_FOUND = "not_found", _("通过登记的住所（经营场所）无法联系")
