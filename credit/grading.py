"""Pluggable credit grading: a scheme turns a subject's facts into a grade and says what moved the score.

Pure: schemes see plain ``Fact`` values, never the database. The scheme in use is the setting
``CREDIT_GRADING_SCHEME``: a key of ``SCHEMES`` or the dotted path of a class with the same interface
(``code``, ``grades`` and ``grade(facts=, at=, black_listed=)``).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from credit.models.choices import RecordKind, Severity, WithdrawalReason
from credit.rules import months_add

DEFAULT_SCHEME = "points-a-d"
UNRATED = ""


@dataclass(frozen=True)
class Fact:
    """One credit record as the grading and list rules see it."""

    record_id: int
    kind: str
    severity: str
    title: str
    decision_date: date
    max_until: date
    withdrawal_reason: str = ""
    data: Mapping = field(default_factory=dict)

    @property
    def revoked(self) -> bool:
        return self.withdrawal_reason == WithdrawalReason.REVOKED

    @property
    def repaired(self) -> bool:
        return self.withdrawal_reason == WithdrawalReason.REPAIRED


@dataclass(frozen=True)
class Adjustment:
    rule: str
    label: str
    points: int
    record: int | None = None


@dataclass(frozen=True)
class GradeResult:
    scheme: str
    grade: str
    score: int
    adjustments: tuple[Adjustment, ...]

    def explanation(self) -> list[dict]:
        return [
            {"rule": a.rule, "label": a.label, "points": a.points, "record": a.record}
            for a in self.adjustments
        ]


SEVERITY_POINTS = MappingProxyType({Severity.MINOR: -3, Severity.GENERAL: -10, Severity.SERIOUS: -30})
KIND_POINTS = MappingProxyType(
    {
        (RecordKind.DISHONEST_DEBTOR, Severity.SERIOUS): -40,
        (RecordKind.COMMENDATION, Severity.INFO): 5,
        (RecordKind.INSPECTION, Severity.INFO): 1,
        (RecordKind.COMMITMENT, Severity.INFO): 2,
        (RecordKind.COMPLAINT_UPHELD, Severity.MINOR): -2,
        (RecordKind.COMPLAINT_UPHELD, Severity.GENERAL): -5,
    }
)
TAX_GRADE_POINTS = MappingProxyType({"A": 5, "B": 0, "M": 0, "C": -5, "D": -20})


@dataclass(frozen=True)
class PointsScheme:
    """Start from ``base``; each fact within ``horizon_months`` adds its points; thresholds give the grade.

    Revoked decisions do not count; repaired records count zero (kept, and shown, internally). A subject
    with no fact in the horizon is unrated (``UNRATED``, ""); one on a black list gets the lowest grade
    whatever its score.
    """

    code: str
    name: str
    thresholds: tuple[tuple[str, int], ...]
    lowest: str
    base: int = 100
    horizon_months: int = 36
    floor: int = 0
    ceiling: int = 120

    @property
    def grades(self) -> tuple[str, ...]:
        return (*(grade for grade, _ in self.thresholds), self.lowest)

    def points_for(self, fact: Fact) -> int:
        if fact.kind == RecordKind.TAX_GRADE:
            return TAX_GRADE_POINTS.get(str(fact.data.get("grade", "")).upper(), 0)
        if (fact.kind, fact.severity) in KIND_POINTS:
            return KIND_POINTS[(fact.kind, fact.severity)]
        return SEVERITY_POINTS.get(fact.severity, 0)

    def grade(self, *, facts: Iterable[Fact], at: date, black_listed: bool = False) -> GradeResult:
        adjustments = []
        considered = 0
        for fact in sorted(facts, key=lambda f: (f.decision_date, f.record_id)):
            if fact.revoked or months_add(fact.decision_date, self.horizon_months) <= at:
                continue
            considered += 1
            points = self.points_for(fact)
            if fact.repaired and points < 0:
                label = _("%(title)s（已信用修复，不再扣分）") % {"title": fact.title}
                adjustments.append(Adjustment(f"{fact.kind}.repaired", label, 0, fact.record_id))
            elif points:
                adjustments.append(
                    Adjustment(f"{fact.kind}.{fact.severity}", fact.title, points, fact.record_id)
                )
        score = self.base + sum(a.points for a in adjustments)
        score = max(self.floor, min(self.ceiling, score))
        grade = next((g for g, minimum in self.thresholds if score >= minimum), self.lowest)
        if not considered:
            grade = UNRATED
        if black_listed:
            adjustments.append(Adjustment("black_list", _("列入严重失信主体名单，评为最低等级"), 0))
            grade = self.lowest
        return GradeResult(self.code, grade, score, tuple(adjustments))


SCHEMES = MappingProxyType(
    {
        "points-a-d": PointsScheme(
            "points-a-d", "A–D 四级（扣分制）", thresholds=(("A", 95), ("B", 80), ("C", 60)), lowest="D"
        ),
        "points-a-e": PointsScheme(
            "points-a-e",
            "A–E 五级（扣分制）",
            thresholds=(("A", 100), ("B", 90), ("C", 75), ("D", 60)),
            lowest="E",
        ),
    }
)


def grading_scheme_get(code: str | None = None):
    """The named scheme, else the configured one; a dotted path is imported and instantiated."""
    code = code or getattr(settings, "CREDIT_GRADING_SCHEME", DEFAULT_SCHEME)
    if code in SCHEMES:
        return SCHEMES[code]
    if "." in code:
        return import_string(code)()
    raise KeyError(code)
