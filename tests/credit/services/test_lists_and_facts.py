"""Lists enter and exit by rule, manual lists, joint measures per subject, facts from other apps."""

from datetime import date

import pytest

from common.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from credit.demo.codes import uscc_make
from credit.models import CreditList, CreditListEntry, CreditRecord, JointMeasure, RecordKind
from credit.selectors.measures import measures_for_subject
from credit.services.facts import credit_fact_record
from credit.services.records import record_revoke
from credit.services.standing import list_entry_add, list_entry_remove
from tests.credit.conftest import at, penalty

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists(db):
    black = CreditList.objects.create(
        code="BLACK", name="严重失信主体名单", kind="black", rule="serious_dishonesty"
    )
    red = CreditList.objects.create(code="RED-TAX", name="纳税信用A级名单", kind="red", rule="tax_a_taxpayer")
    watch = CreditList.objects.create(code="WATCH", name="重点关注名单", kind="black", rule="manual")
    JointMeasure.objects.create(
        code="P-01",
        name="限制参与政府采购",
        kind="punishment",
        credit_list=black,
        application_class="政府采购",
        legal_basis="《政府采购法》第二十二条",
        department_name="财政局",
    )
    JointMeasure.objects.create(
        code="R-01",
        name="办税绿色通道",
        kind="reward",
        credit_list=red,
        application_class="税收服务",
        legal_basis="纳税信用管理办法",
        department_name="税务局",
    )
    return {"black": black, "red": red, "watch": watch}


def test_serious_penalty_enters_the_black_list_and_revocation_takes_it_off(
    lists, company, officer, department, calendar_2026
):
    record = penalty(
        company, actor=officer, department=department, decided=date(2026, 6, 1), severity="serious"
    )
    entry = CreditListEntry.objects.get(subject=company, credit_list=lists["black"])
    assert entry.basis_record == record and entry.exited_at is None
    company.refresh_from_db()
    assert company.grade == "D"
    applied = measures_for_subject(subject=company)
    assert [a.measure.code for a in applied] == ["P-01"]
    assert measures_for_subject(subject=company, measure_code="R-01") == []

    record_revoke(
        record=record,
        revoked_on=date(2026, 6, 10),
        reason="复议撤销",
        actor=officer,
        now=at(date(2026, 6, 11)),
    )
    entry.refresh_from_db()
    assert entry.exited_at is not None
    assert measures_for_subject(subject=company) == []
    # Asked about a moment while it was on the list, the answer is still yes.
    assert [a.measure.code for a in measures_for_subject(subject=company, at=at(date(2026, 6, 5)))] == [
        "P-01"
    ]
    company.refresh_from_db()
    assert company.grade == ""  # only a revoked record left: nothing counts


def test_black_list_exit_at_the_end_of_publication(lists, company, officer, department):
    from credit.services.standing import subject_lists_refresh

    penalty(company, actor=officer, department=department, decided=date(2025, 12, 1), severity="serious")
    assert CreditListEntry.objects.filter(subject=company, exited_at__isnull=True).count() == 1
    subject_lists_refresh(subject=company, at=at(date(2028, 12, 1)))
    assert not CreditListEntry.objects.filter(subject=company, exited_at__isnull=True).exists()


def test_tax_a_enters_the_red_list_unless_a_negative_record_is_in_effect(lists, company, officer, department):
    credit_fact_record(
        subject_code=company.code,
        kind=RecordKind.TAX_GRADE,
        source="tax",
        source_ref="2025-A-1",
        title="2025年度纳税信用A级",
        occurred_on=date(2026, 4, 20),
        data={"grade": "A"},
    )
    assert [a.measure.code for a in measures_for_subject(subject=company)] == ["R-01"]
    penalty(company, actor=officer, department=department, decided=date(2026, 6, 1))
    assert measures_for_subject(subject=company) == []


def test_manual_list_only_by_officers(lists, company, officer, dept_user):
    with pytest.raises(PermissionDeniedError):
        list_entry_add(credit_list=lists["watch"], subject=company, reason="多次投诉", actor=dept_user)
    entry = list_entry_add(credit_list=lists["watch"], subject=company, reason="多次投诉查实", actor=officer)
    company.refresh_from_db()
    assert company.grade == "D"
    with pytest.raises(ConflictError):
        list_entry_add(credit_list=lists["watch"], subject=company, reason="再次", actor=officer)
    list_entry_remove(entry=entry, reason="整改完毕", actor=officer)
    company.refresh_from_db()
    assert company.grade == ""


def test_fact_from_another_app_is_idempotent_and_internal(company):
    kwargs = {
        "subject_code": company.code,
        "kind": RecordKind.MEDIATION_UNPERFORMED,
        "source": "mediation",
        "source_ref": "case-42",
        "title": "调解协议未按期履行",
        "occurred_on": date(2026, 10, 1),
    }
    first = credit_fact_record(**kwargs)
    second = credit_fact_record(**kwargs)
    assert first == second and CreditRecord.objects.count() == 1
    assert first.department_name == "人民调解" and not first.publishable
    assert not first.is_public()
    company.refresh_from_db()
    assert company.score == 90


def test_fact_registers_an_unknown_subject_but_refuses_bad_codes(db):
    record = credit_fact_record(
        subject_code=uscc_make(77),
        subject_name="新登记公司",
        kind=RecordKind.COMPLAINT_UPHELD,
        source="grievance",
        source_ref="c-1",
        title="投诉查实：噪声扰民",
        occurred_on=date(2026, 11, 1),
    )
    assert record.subject.name == "新登记公司"
    with pytest.raises(ApplicationError):
        credit_fact_record(
            subject_code="91440300708461136U",
            subject_name="x",
            kind=RecordKind.COMPLAINT_UPHELD,
            source="grievance",
            source_ref="c-2",
            title="t",
            occurred_on=date(2026, 11, 1),
        )
    with pytest.raises(ApplicationError):
        credit_fact_record(
            subject_code=uscc_make(78),
            subject_name="x",
            kind=RecordKind.PENALTY,
            source="grievance",
            source_ref="c-3",
            title="t",
            occurred_on=date(2026, 11, 1),
        )
