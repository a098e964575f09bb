"""Records: publication windows applied, automatic end, the 7-working-day due date across National Day,
withdrawal on revocation, and who may record what."""

from datetime import date, datetime

import pytest

from common.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from credit.models import CreditEvent, RecordKind, Severity, WithdrawalReason
from credit.selectors.records import record_list_for_actor
from credit.services.records import record_create, record_publish, record_revoke
from tests.credit.conftest import TZ, at, penalty

pytestmark = pytest.mark.django_db


def _public_ids(when):
    return set(record_list_for_actor(user=None, at=when).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("decided", "severity", "last_public_day", "first_gone_day"),
    [
        (date(2026, 5, 10), Severity.GENERAL, date(2027, 5, 9), date(2027, 5, 10)),
        (date(2026, 5, 10), Severity.SERIOUS, date(2029, 5, 9), date(2029, 5, 10)),
        (date(2025, 11, 3), Severity.GENERAL, date(2026, 11, 2), date(2026, 11, 3)),
        (date(2025, 11, 3), Severity.SERIOUS, date(2028, 11, 2), date(2028, 11, 3)),
    ],
)
def test_publication_ends_by_itself_at_the_maximum(
    company, officer, department, calendar_2026, decided, severity, last_public_day, first_gone_day
):
    record = penalty(company, actor=officer, department=department, decided=decided, severity=severity)
    assert record.is_public(at(decided, 11))
    assert record.is_public(at(last_public_day, 23))
    assert not record.is_public(at(first_gone_day, 0))
    # The SQL form agrees with the method at both ends.
    assert record.pk in _public_ids(at(last_public_day, 23))
    assert record.pk not in _public_ids(at(first_gone_day, 0))


def test_minor_penalty_is_recorded_but_never_public(company, officer, department, calendar_2026):
    record = penalty(
        company, actor=officer, department=department, decided=date(2026, 6, 1), severity="minor"
    )
    assert record.publishable is False and record.published_at is None
    assert record.publication_required is False
    assert not record.is_public(at(date(2026, 6, 2)))
    assert record.pk not in _public_ids(at(date(2026, 6, 2)))
    assert record.pk in set(record_list_for_actor(user=officer).values_list("pk", flat=True))


def test_rule_version_is_stored_with_the_record(company, officer, department, calendar_2026):
    old = penalty(
        company, actor=officer, department=department, decided=date(2026, 3, 31), severity="serious"
    )
    new = penalty(company, actor=officer, department=department, decided=date(2026, 4, 1), severity="serious")
    assert (old.rule_version, old.publication_min_until) == ("pre-2026", date(2026, 9, 30))
    assert (new.rule_version, new.publication_min_until) == ("2026", date(2027, 4, 1))


def test_publication_due_counts_working_days_across_national_day(company, officer, department, calendar_2026):
    # 2026-09-30 (Wed) → 1–7 October off; Saturday 10 October is a make-up working day:
    # 8, 9, 10, 12, 13, 14, 15 October are the seven working days.
    record = penalty(
        company,
        actor=officer,
        department=department,
        decided=date(2026, 9, 30),
        publish=False,
        now=at(date(2026, 9, 30)),
    )
    assert record.publication_due_at == datetime(2026, 10, 15, 18, 0, tzinfo=TZ)
    assert record.publication_due_estimated is False
    assert not record.publication_overdue(datetime(2026, 10, 15, 17, 59, tzinfo=TZ))
    assert record.publication_overdue(datetime(2026, 10, 15, 18, 1, tzinfo=TZ))
    overdue = record_list_for_actor(user=officer, filters={"overdue": "true"}, at=at(date(2026, 10, 16)))
    assert list(overdue) == [record]


def test_late_publication_stays_flagged(company, officer, department, calendar_2026):
    record = penalty(
        company,
        actor=officer,
        department=department,
        decided=date(2026, 9, 30),
        publish=False,
        now=at(date(2026, 9, 30)),
    )
    record_publish(record=record, actor=officer, now=at(date(2026, 10, 16)))
    record.refresh_from_db()
    assert record.is_public(at(date(2026, 10, 17)))
    assert record.publication_overdue(at(date(2027, 1, 1)))
    assert CreditEvent.objects.get(record=record, action="record_publish").data == {"late": True}


def test_publication_on_time_is_not_overdue(company, officer, department, calendar_2026):
    record = penalty(company, actor=officer, department=department, decided=date(2026, 9, 30))
    assert not record.publication_overdue(at(date(2026, 12, 1)))
    with pytest.raises(ConflictError):
        record_publish(record=record, actor=officer, now=at(date(2026, 10, 2)))


def test_revoked_decision_is_withdrawn_with_a_three_working_day_deadline(
    company, officer, department, calendar_2026
):
    record = penalty(company, actor=officer, department=department, decided=date(2026, 9, 1))
    revoked = record_revoke(
        record=record,
        revoked_on=date(2026, 9, 30),
        reason="行政复议撤销",
        actor=officer,
        now=at(date(2026, 10, 9)),
    )
    # 30 September + 3 working days = 8, 9, 10 October (the make-up Saturday).
    assert revoked.withdrawal_due_at == datetime(2026, 10, 10, 18, 0, tzinfo=TZ)
    assert revoked.withdrawal_reason == WithdrawalReason.REVOKED
    assert not revoked.is_public(at(date(2026, 10, 9), 11))
    assert revoked.is_public(at(date(2026, 10, 9), 9))  # public until the moment it was taken down
    assert not revoked.withdrawal_late()
    with pytest.raises(ConflictError):
        record_revoke(record=record, revoked_on=date(2026, 9, 30), reason="再次", actor=officer)


def test_late_withdrawal_is_flagged(company, officer, department, calendar_2026):
    record = penalty(company, actor=officer, department=department, decided=date(2026, 9, 1))
    revoked = record_revoke(
        record=record,
        revoked_on=date(2026, 9, 30),
        reason="变更处罚决定",
        actor=officer,
        now=at(date(2026, 10, 12)),
    )
    assert revoked.withdrawal_late()


def test_penalty_needs_the_double_publicity_items(company, officer, department):
    with pytest.raises(ApplicationError) as caught:
        record_create(
            subject=company,
            kind=RecordKind.PENALTY,
            actor=officer,
            department=department,
            title="无证经营",
            decision_date=date(2026, 5, 1),
            now=at(date(2026, 5, 2)),
        )
    assert {"decision_number", "category", "legal_basis", "facts", "content"} <= set(caught.value.errors)


def test_bad_input_is_a_400_not_a_crash(company, officer, department):
    with pytest.raises(ApplicationError) as caught:
        penalty(
            company,
            actor=officer,
            department=department,
            decided=date(2026, 5, 1),
            details={"fine_amount": "很多", "valid_from": "2026-13-01"},
            now=at(date(2026, 5, 2)),
        )
    assert set(caught.value.errors) == {"fine_amount", "valid_from"}
    with pytest.raises(ApplicationError) as caught:
        penalty(
            company, actor=officer, department=department, decided=date(2026, 5, 3), now=at(date(2026, 5, 2))
        )
    assert "decision_date" in caught.value.errors


def test_departments_record_only_for_themselves(company, dept_user, department, other_department, citizen):
    record = penalty(company, actor=dept_user, department=None, decided=date(2026, 5, 1))
    assert record.department == department
    with pytest.raises(PermissionDeniedError):
        penalty(company, actor=dept_user, department=other_department, decided=date(2026, 5, 1))
    with pytest.raises(PermissionDeniedError):
        penalty(company, actor=citizen, department=department, decided=date(2026, 5, 1))


def test_other_departments_cannot_revoke(company, officer, department, other_dept_user):
    record = penalty(company, actor=officer, department=department, decided=date(2026, 5, 1))
    with pytest.raises(PermissionDeniedError):
        record_revoke(record=record, revoked_on=date(2026, 5, 2), reason="无权", actor=other_dept_user)
