"""Publication rules as data (DOMAIN.md §5): rule versions, their windows per severity, and record kinds.

A rule version applies to decisions made on or after its ``effective_from`` until the next version;
adding a version is adding a row here, never an ``if``. Windows run from the decision date:
``min_months`` is the shortest publication (repair may be applied for after it), ``max_months`` the
longest — publication ends by itself there. ``published=False`` means the information is recorded
but never shown to the public (e.g. minor violations under the 2026 measures).

The figures of the older version are those of the national repair rules in force before the 2026
measures as configured for this district; check them against the text before relying on them.
"""

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from credit.models.choices import RecordKind, Severity

PUBLICATION_WORKING_DAYS = 7  # "双公示": published within 7 working days of the decision
WITHDRAWAL_WORKING_DAYS = 3  # a revoked or changed decision is taken down within 3 working days


@dataclass(frozen=True)
class Window:
    published: bool
    min_months: int
    max_months: int
    repairable: bool


@dataclass(frozen=True)
class RuleVersion:
    code: str
    name: str
    effective_from: date
    basis: str
    windows: Mapping[str, Window]


@dataclass(frozen=True)
class KindRule:
    """How a kind of record behaves: may it be public at all, is it "双公示", may it be repaired."""

    public: bool
    double_publicity: bool
    repairable: bool
    default_severity: str
    severities: tuple[str, ...]


@dataclass(frozen=True)
class PublicationWindow:
    rule_version: str
    published: bool
    repairable: bool
    min_until: date
    max_until: date


_INFO = Window(published=True, min_months=0, max_months=36, repairable=False)
_NOT_PUBLISHED = Window(published=False, min_months=0, max_months=0, repairable=False)

RULE_VERSIONS: tuple[RuleVersion, ...] = (
    RuleVersion(
        code="pre-2026",
        name="2026年4月1日前作出的决定适用的公示和修复规则",
        effective_from=date(2000, 1, 1),
        basis="此前施行的失信行为纠正后的信用信息修复规定",
        windows=MappingProxyType(
            {
                Severity.INFO: _INFO,
                Severity.MINOR: _NOT_PUBLISHED,
                Severity.GENERAL: Window(published=True, min_months=3, max_months=12, repairable=True),
                Severity.SERIOUS: Window(published=True, min_months=6, max_months=36, repairable=True),
            }
        ),
    ),
    RuleVersion(
        code="2026",
        name="2026年信用信息公示和信用修复措施",
        effective_from=date(2026, 4, 1),
        basis="2026年起施行的信用修复管理措施",
        windows=MappingProxyType(
            {
                Severity.INFO: _INFO,
                Severity.MINOR: _NOT_PUBLISHED,
                Severity.GENERAL: Window(published=True, min_months=3, max_months=12, repairable=True),
                Severity.SERIOUS: Window(published=True, min_months=12, max_months=36, repairable=True),
            }
        ),
    ),
)

_NEGATIVE = (Severity.MINOR, Severity.GENERAL, Severity.SERIOUS)
KIND_RULES: Mapping[str, KindRule] = MappingProxyType(
    {
        RecordKind.LICENCE: KindRule(True, True, False, Severity.INFO, (Severity.INFO,)),
        RecordKind.PENALTY: KindRule(True, True, True, Severity.GENERAL, _NEGATIVE),
        RecordKind.COMMENDATION: KindRule(True, False, False, Severity.INFO, (Severity.INFO,)),
        RecordKind.INSPECTION: KindRule(True, False, True, Severity.INFO, (Severity.INFO, *_NEGATIVE)),
        RecordKind.COMMITMENT: KindRule(True, False, True, Severity.INFO, (Severity.INFO, *_NEGATIVE)),
        RecordKind.DISHONEST_DEBTOR: KindRule(True, False, False, Severity.SERIOUS, (Severity.SERIOUS,)),
        RecordKind.TAX_GRADE: KindRule(False, False, False, Severity.INFO, (Severity.INFO, *_NEGATIVE)),
        RecordKind.MEDIATION_UNPERFORMED: KindRule(False, False, False, Severity.GENERAL, _NEGATIVE),
        RecordKind.COMPLAINT_UPHELD: KindRule(False, False, False, Severity.MINOR, _NEGATIVE),
        RecordKind.OTHER: KindRule(False, False, False, Severity.INFO, (Severity.INFO, *_NEGATIVE)),
    }
)


def rule_version_for(decision_date: date) -> RuleVersion:
    """The version in force on ``decision_date``; ValueError before the first one."""
    applicable = [v for v in RULE_VERSIONS if v.effective_from <= decision_date]
    if not applicable:
        raise ValueError(f"no publication rule version in force on {decision_date}")
    return max(applicable, key=lambda v: v.effective_from)


def rule_version_get(code: str) -> RuleVersion:
    for version in RULE_VERSIONS:
        if version.code == code:
            return version
    raise KeyError(code)


def months_add(day: date, months: int) -> date:
    """``day`` plus whole calendar months; the 31st becomes the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def publication_window(*, kind: str, severity: str, decision_date: date) -> PublicationWindow:
    """The window of a record, from the version in force on its decision date and its kind's rule.

    ``max_until`` is exclusive: the record is public on days before it. A kind that is never public
    keeps the version's dates (they bound how long the fact counts) with ``published=False``.
    """
    version = rule_version_for(decision_date)
    window = version.windows[severity]
    kind_rule = KIND_RULES[kind]
    return PublicationWindow(
        rule_version=version.code,
        published=window.published and kind_rule.public,
        repairable=window.repairable and kind_rule.repairable,
        min_until=months_add(decision_date, window.min_months),
        max_until=months_add(decision_date, window.max_months),
    )
