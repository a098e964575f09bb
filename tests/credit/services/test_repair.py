"""Repair in the database: conditions checked, officer review, withdrawal from public view, audit trail."""

from datetime import date

import pytest

from common.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from credit.models import CreditEvent, RepairStatus, WithdrawalReason
from credit.selectors.records import record_list_for_actor
from credit.services.repair import repair_apply, repair_transition
from tests.credit.conftest import at, make_user, penalty

pytestmark = pytest.mark.django_db

COMMITMENT = "本单位承诺已全面整改，今后依法诚信经营，自愿接受社会监督。"
DECIDED = date(2026, 4, 10)  # general: min until 2026-07-10, max until 2027-04-10


@pytest.fixture
def record(company, officer, department):
    return penalty(company, actor=officer, department=department, decided=DECIDED)


def _apply(record, actor, when=date(2026, 7, 20), **changes):
    values = {
        "duties_fulfilled": True,
        "duties_evidence": "罚款已于2026年4月20日缴清",
        "commitment_text": COMMITMENT,
    }
    values.update(changes)
    return repair_apply(record=record, actor=actor, now=at(when), **values)


def test_apply_before_the_minimum_is_refused_with_the_unmet_condition(record, officer):
    with pytest.raises(ConflictError) as caught:
        _apply(record, officer, when=date(2026, 7, 9))
    assert caught.value.errors["conditions"] == ["已满最短公示期"]


def test_apply_without_fulfilled_duties_or_commitment(record, officer):
    with pytest.raises(ConflictError) as caught:
        _apply(record, officer, duties_fulfilled=False)
    assert caught.value.errors["conditions"] == ["已履行行政处罚等法定义务"]
    with pytest.raises(ApplicationError) as caught:
        _apply(record, officer, commitment_text="")
    assert caught.value.status == 400 and "commitment_text" in caught.value.errors


def test_minor_and_expired_records_cannot_be_repaired(company, officer, department):
    minor = penalty(company, actor=officer, department=department, decided=DECIDED, severity="minor")
    with pytest.raises(ConflictError) as caught:
        _apply(minor, officer)
    assert "该类信息依规可以修复" in caught.value.errors["conditions"]
    general = penalty(company, actor=officer, department=department, decided=date(2026, 4, 1))
    with pytest.raises(ConflictError) as caught:
        _apply(general, officer, when=date(2027, 4, 1))  # the maximum ended publication already
    assert caught.value.errors["conditions"] == ["信息仍在公示期内"]


def test_full_path_withdraws_from_public_view_and_keeps_it_internally(record, officer, department, dept_user):
    repair = _apply(record, dept_user)
    assert repair.status == RepairStatus.SUBMITTED
    assert all(c["met"] for c in repair.conditions)
    repair = repair_transition(repair=repair, action="accept", actor=officer, now=at(date(2026, 7, 21)))
    repair = repair_transition(
        repair=repair, action="approve", actor=officer, params={"note": "材料齐全"}, now=at(date(2026, 7, 22))
    )
    assert (repair.status, repair.decided_by, repair.decision_note) == (
        RepairStatus.APPROVED,
        officer,
        "材料齐全",
    )
    record.refresh_from_db()
    assert record.withdrawal_reason == WithdrawalReason.REPAIRED
    assert not record.is_public(at(date(2026, 7, 23)))
    assert record.is_public(at(date(2026, 7, 21)))
    later = at(date(2026, 7, 23))
    assert record not in record_list_for_actor(user=None, at=later)
    assert record in record_list_for_actor(user=dept_user, at=later)
    assert record in record_list_for_actor(user=officer, at=later)
    trail = list(CreditEvent.objects.filter(repair=repair).values_list("action", "from_status", "to_status"))
    assert trail == [
        ("repair_apply", "", "submitted"),
        ("repair_accept", "submitted", "reviewing"),
        ("repair_approve", "reviewing", "approved"),
        ("record_withdraw", "", ""),
    ]


def test_repair_lifts_the_grade_penalty(record, officer):
    record.subject.refresh_from_db()
    assert record.subject.score == 90
    repair = _apply(record, officer)
    repair_transition(repair=repair, action="accept", actor=officer)
    repair_transition(repair=repair, action="approve", actor=officer)
    record.subject.refresh_from_db()
    assert record.subject.score == 100


def test_roles_and_states(record, officer, dept_user, other_dept_user, citizen, company):
    with pytest.raises(PermissionDeniedError):
        _apply(record, other_dept_user)
    with pytest.raises(PermissionDeniedError):
        _apply(record, citizen)
    owner = make_user("company-account", "citizen")
    company.accounts.add(owner)
    repair = _apply(record, owner)
    with pytest.raises(ConflictError) as caught:
        _apply(record, officer)
    assert caught.value.errors["conditions"] == ["该记录没有正在办理的修复申请"]
    with pytest.raises(PermissionDeniedError):
        repair_transition(repair=repair, action="accept", actor=dept_user)
    with pytest.raises(ConflictError):
        repair_transition(repair=repair, action="approve", actor=officer)
    with pytest.raises(ApplicationError) as caught:
        repair_transition(repair=repair, action="reject", actor=officer)
    assert caught.value.errors == {"note": ["必填"]}
    with pytest.raises(ApplicationError):
        repair_transition(repair=repair, action="fly", actor=officer)
    repair = repair_transition(repair=repair, action="cancel", actor=owner)
    assert repair.status == RepairStatus.CANCELLED
    again = _apply(record, owner)
    rejected = repair_transition(
        repair=again, action="reject", actor=officer, params={"note": "承诺书未签章"}
    )
    assert rejected.status == RepairStatus.REJECTED
    record.refresh_from_db()
    assert record.withdrawn_at is None
