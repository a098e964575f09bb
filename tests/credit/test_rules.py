"""Publication windows per severity and rule version (DOMAIN.md §5), as pure data."""

from datetime import date

import pytest

from credit.models import RecordKind, Severity
from credit.rules import RULE_VERSIONS, months_add, publication_window, rule_version_for


@pytest.mark.parametrize(
    ("decided", "version"),
    [
        (date(2026, 3, 31), "pre-2026"),
        (date(2026, 4, 1), "2026"),
        (date(2024, 6, 1), "pre-2026"),
        (date(2027, 1, 5), "2026"),
    ],
)
def test_version_follows_the_decision_date(decided, version):
    assert rule_version_for(decided).code == version


def test_versions_are_ordered_and_cover_every_severity():
    starts = [v.effective_from for v in RULE_VERSIONS]
    assert starts == sorted(starts)
    for version in RULE_VERSIONS:
        assert set(version.windows) == set(Severity.values)


@pytest.mark.parametrize(
    ("decided", "severity", "published", "min_until", "max_until"),
    [
        # 2026 measures: minor not published; general 3 months–1 year; serious 1–3 years.
        (date(2026, 5, 10), Severity.MINOR, False, date(2026, 5, 10), date(2026, 5, 10)),
        (date(2026, 5, 10), Severity.GENERAL, True, date(2026, 8, 10), date(2027, 5, 10)),
        (date(2026, 5, 10), Severity.SERIOUS, True, date(2027, 5, 10), date(2029, 5, 10)),
        # the older version: general 3 months–1 year, serious 6 months–3 years.
        (date(2025, 11, 30), Severity.MINOR, False, date(2025, 11, 30), date(2025, 11, 30)),
        (date(2025, 11, 30), Severity.GENERAL, True, date(2026, 2, 28), date(2026, 11, 30)),
        (date(2025, 11, 30), Severity.SERIOUS, True, date(2026, 5, 30), date(2028, 11, 30)),
    ],
)
def test_penalty_windows(decided, severity, published, min_until, max_until):
    window = publication_window(kind=RecordKind.PENALTY, severity=severity, decision_date=decided)
    assert (window.published, window.min_until, window.max_until) == (published, min_until, max_until)
    assert window.repairable == (severity != Severity.MINOR)


def test_internal_kinds_are_never_published_whatever_the_severity():
    window = publication_window(
        kind=RecordKind.MEDIATION_UNPERFORMED, severity=Severity.SERIOUS, decision_date=date(2026, 5, 1)
    )
    assert window.published is False
    assert window.max_until == date(2029, 5, 1)


def test_months_add_clamps_to_the_end_of_shorter_months():
    assert months_add(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert months_add(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert months_add(date(2026, 12, 15), 12) == date(2027, 12, 15)
