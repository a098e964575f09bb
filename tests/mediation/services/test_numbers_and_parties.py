"""Case numbers (per year and organisation kind, no duplicates under concurrency) and party validation
(citizen ID, credit code, groups of ten or more workers with elected representatives)."""

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction

from common.exceptions import ApplicationError
from mediation.models import CaseNumberSequence, MediationCase, Party, PartyKind
from mediation.services.cases import mediation_case_apply
from mediation.services.numbers import case_number_next
from mediation.services.parties import parties_clean, party_clean
from tests.mediation.factories import COMPANY, PERSON_A, PERSON_C, PERSON_D, application, enterprise, person

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
def test_numbers_run_per_year_and_organisation_kind(world):
    street_1 = mediation_case_apply(actor=world.director, data=application(world))
    street_2 = mediation_case_apply(actor=world.director, data=application(world))
    hub_user = world.hub_mediator
    hub_1 = mediation_case_apply(actor=hub_user, data=application(world, organisation=world.hub.code))
    other_street = mediation_case_apply(
        actor=world.other_mediator, data=application(world, organisation=world.other.code)
    )
    year = street_1.year
    assert street_1.number == f"〔{year}〕坪街人调字第1号" and street_2.number == f"〔{year}〕坪街人调字第2号"
    assert hub_1.number == f"〔{year}〕坪人调字第1号"
    assert other_street.number == f"〔{year}〕坪街人调字第3号"  # the same kind shares the sequence
    with transaction.atomic():
        assert case_number_next(year=year + 1, kind="street") == (1, f"〔{year + 1}〕坪街人调字第1号")


@pytest.mark.django_db
def test_a_refused_registration_gives_its_number_back(world):
    with pytest.raises(ApplicationError):
        mediation_case_apply(actor=world.director, data=application(world, summary=""))
    assert not CaseNumberSequence.objects.filter(last__gt=0).exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_consecutive_numbers(require_postgres, world):
    with pytest.raises(RuntimeError):
        case_number_next(year=2026, kind="street")  # outside a transaction a number could be lost
    errors, barrier = [], threading.Barrier(8)

    def register():
        try:
            barrier.wait(timeout=10)
            mediation_case_apply(actor=world.director, data=application(world))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    sequences = sorted(MediationCase.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 9))
    assert MediationCase.objects.values("number").distinct().count() == 8


def test_a_person_id_fixes_sex_and_birth_date_and_contradictions_are_errors():
    clean = party_clean(person("applicant"), index=0, dispute_type="neighbour")
    assert clean["sex"] == "male" and clean["birth_date"].isoformat() == "1980-01-01"
    with pytest.raises(ApplicationError) as caught:
        party_clean(person("applicant", sex="female"), index=0, dispute_type="neighbour")
    assert caught.value.errors == {"parties.0.sex": ["性别与身份证号不符"]}
    with pytest.raises(ApplicationError) as caught:
        party_clean(
            person("applicant", id_number="440310198013011236", phone="12"), index=2, dispute_type="other"
        )
    assert {"parties.2.id_number", "parties.2.phone"} == set(caught.value.errors)


def test_an_enterprise_needs_a_valid_credit_code():
    assert party_clean(enterprise(), index=1, dispute_type="labour")["credit_code"] == COMPANY
    for bad in ("", "91440300MA5G7X316X", COMPANY[:-1]):
        with pytest.raises(ApplicationError) as caught:
            party_clean(enterprise(credit_code=bad), index=1, dispute_type="labour")
        assert "parties.1.credit_code" in caught.value.errors


def _group(size=12, reps=None):
    return {
        "role": "applicant",
        "kind": "group",
        "name": "刘一等劳动者",
        "group_size": size,
        "representatives": reps
        if reps is not None
        else [person("applicant", name="刘一", id_number=PERSON_C)],
    }


def test_workers_in_groups_of_ten_or_more_act_through_representatives():
    clean = party_clean(_group(), index=0, dispute_type="labour")
    assert clean["group_size"] == 12 and clean["representatives"][0]["id_number"] == PERSON_C
    cases = {
        "parties.0.group_size": _group(size=9),
        "parties.0.representatives": _group(reps=[]),
        "parties.0.representatives.0.id_number": _group(reps=[{"name": "无证件"}]),
    }
    for key, data in cases.items():
        with pytest.raises(ApplicationError) as caught:
            party_clean(data, index=0, dispute_type="labour")
        assert key in caught.value.errors, key
    six = [person("applicant", name=f"代表{i}", id_number=PERSON_D) for i in range(6)]
    with pytest.raises(ApplicationError) as caught:
        party_clean(_group(reps=six), index=0, dispute_type="labour")
    assert "parties.0.representatives" in caught.value.errors
    with pytest.raises(ApplicationError) as caught:
        party_clean(_group(), index=0, dispute_type="neighbour")
    assert "parties.0.kind" in caught.value.errors


@pytest.mark.django_db
def test_groups_are_stored_with_their_representatives(world):
    case = mediation_case_apply(
        actor=world.director, data=application(world, dispute_type="labour", parties=[_group(), enterprise()])
    )
    group = Party.objects.get(case=case, kind=PartyKind.GROUP)
    assert [r.id_number for r in group.representatives.all()] == [PERSON_C]
    with pytest.raises(ApplicationError) as caught:
        parties_clean(
            [person("applicant"), person("applicant", id_number=PERSON_A)], dispute_type="neighbour"
        )
    assert caught.value.errors == {"parties": ["应至少有一名申请人和一名被申请人"]}


@pytest.mark.django_db
def test_application_time_limits_and_oral_applications(world):
    data = application(world, source="application_oral")
    with pytest.raises(ApplicationError) as caught:
        mediation_case_apply(actor=world.director, data=data)
    assert "oral_application_record" in caught.value.errors
    data = application(world, applied_at=datetime(2020, 1, 1, tzinfo=TZ).isoformat(), source="complaint")
    with pytest.raises(ApplicationError) as caught:
        mediation_case_apply(actor=world.director, data=data)
    assert {"applied_at", "source"} <= set(caught.value.errors)
