"""Entry and exit rules of the automatic red and black lists, as a registry of pure predicates.

A list names its rule (``CreditList.rule``). A rule looks at the subject's facts at a date and answers
whether the subject belongs on the list, why, and on which record; leaving is the same question
answered "no" (the fact was repaired, revoked, or its publication period ended). ``manual`` lists
have no rule: only credit officers put subjects on and take them off.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from credit.grading import Fact
from credit.models.choices import RecordKind, Severity

NEGATIVE = (Severity.MINOR, Severity.GENERAL, Severity.SERIOUS)


@dataclass(frozen=True)
class ListDecision:
    member: bool
    reason: str
    basis_record: int | None = None


def in_effect(fact: Fact, at: date) -> bool:
    """Neither revoked nor repaired, and within its longest publication period."""
    return not fact.revoked and not fact.repaired and at < fact.max_until


def serious_dishonesty(facts: Iterable[Fact], at: date) -> ListDecision:
    """On the list while a serious-dishonesty record or a dishonest judgment-debtor record is in effect."""
    for fact in sorted(facts, key=lambda f: (f.decision_date, f.record_id), reverse=True):
        if not in_effect(fact, at):
            continue
        if fact.kind == RecordKind.DISHONEST_DEBTOR:
            return ListDecision(True, _("失信被执行人：%(title)s") % {"title": fact.title}, fact.record_id)
        if fact.severity == Severity.SERIOUS:
            return ListDecision(True, _("严重失信行为：%(title)s") % {"title": fact.title}, fact.record_id)
    return ListDecision(False, _("已无有效的严重失信记录（已修复、已撤销或公示期届满）"))


def tax_a_taxpayer(facts: Iterable[Fact], at: date) -> ListDecision:
    """On the list while the latest tax grade in effect is A and no negative record is in effect."""
    facts = list(facts)
    taxes = [f for f in facts if f.kind == RecordKind.TAX_GRADE and in_effect(f, at)]
    latest = max(taxes, key=lambda f: (f.decision_date, f.record_id), default=None)
    if latest is None or str(latest.data.get("grade", "")).upper() != "A":
        return ListDecision(False, _("最近一次纳税信用评价不是A级"))
    negative = [f for f in facts if f.severity in NEGATIVE and in_effect(f, at)]
    if negative:
        return ListDecision(False, _("存在有效的失信记录：%(title)s") % {"title": negative[0].title})
    return ListDecision(True, _("纳税信用A级：%(title)s") % {"title": latest.title}, latest.record_id)


LIST_RULES: dict[str, Callable[[Iterable[Fact], date], ListDecision] | None] = {
    "manual": None,
    "serious_dishonesty": serious_dishonesty,
    "tax_a_taxpayer": tax_a_taxpayer,
}
