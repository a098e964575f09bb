"""Pluggable grading: scores, thresholds, explanations, black list, horizon, unrated."""

from datetime import date

import pytest
from django.test import override_settings

from credit.grading import SCHEMES, Fact, grading_scheme_get
from credit.models import RecordKind, Severity, WithdrawalReason

TODAY = date(2026, 11, 25)
FAR = date(2030, 1, 1)


def fact(pk, kind, severity, decided=date(2026, 5, 1), **extra) -> Fact:
    return Fact(pk, kind, severity, f"记录{pk}", decided, FAR, **extra)


def test_points_and_explanations():
    scheme = SCHEMES["points-a-d"]
    result = scheme.grade(
        facts=[
            fact(1, RecordKind.PENALTY, Severity.GENERAL),
            fact(2, RecordKind.COMMENDATION, Severity.INFO),
            fact(3, RecordKind.LICENCE, Severity.INFO),
            fact(4, RecordKind.TAX_GRADE, Severity.INFO, data={"grade": "A"}),
        ],
        at=TODAY,
    )
    assert result.score == 100
    assert result.grade == "A"
    assert [(a["rule"], a["points"], a["record"]) for a in result.explanation()] == [
        ("penalty.general", -10, 1),
        ("commendation.info", 5, 2),
        ("tax_grade.info", 5, 4),
    ]


@pytest.mark.parametrize(
    ("severities", "grade"),
    [
        ((), ""),
        (("info",), "A"),
        (("general",), "B"),
        (("general", "general"), "B"),
        (("general",) * 3, "C"),
        (("serious", "general"), "C"),
        (("serious", "serious"), "D"),
    ],
)
def test_thresholds(severities, grade):
    facts = [
        fact(i, RecordKind.LICENCE if s == "info" else RecordKind.PENALTY, s)
        for i, s in enumerate(severities)
    ]
    assert SCHEMES["points-a-d"].grade(facts=facts, at=TODAY).grade == grade


def test_black_list_forces_the_lowest_grade_and_says_so():
    result = SCHEMES["points-a-d"].grade(
        facts=[fact(1, RecordKind.LICENCE, "info")], at=TODAY, black_listed=True
    )
    assert result.grade == "D"
    assert result.adjustments[-1].rule == "black_list"


def test_revoked_old_and_repaired_records():
    facts = [
        fact(1, RecordKind.PENALTY, Severity.SERIOUS, withdrawal_reason=WithdrawalReason.REVOKED),
        fact(2, RecordKind.PENALTY, Severity.SERIOUS, decided=date(2023, 11, 25)),  # beyond 36 months
        fact(3, RecordKind.PENALTY, Severity.GENERAL, withdrawal_reason=WithdrawalReason.REPAIRED),
    ]
    result = SCHEMES["points-a-d"].grade(facts=facts, at=TODAY)
    assert result.score == 100
    assert [(a.record, a.points) for a in result.adjustments] == [(3, 0)]


def test_five_grade_scheme_and_configuration():
    facts = [fact(1, RecordKind.PENALTY, Severity.GENERAL), fact(2, RecordKind.PENALTY, Severity.MINOR)]
    assert SCHEMES["points-a-e"].grade(facts=facts, at=TODAY).grade == "C"
    with override_settings(CREDIT_GRADING_SCHEME="points-a-e"):
        assert grading_scheme_get().grades == ("A", "B", "C", "D", "E")
    assert grading_scheme_get().grades == ("A", "B", "C", "D")
