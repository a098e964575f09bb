"""Who sees what: the public only public data, a department its own records' internal data, officers all."""

import pytest
from django.utils import timezone

from credit.services.facts import credit_fact_record
from tests.credit.conftest import penalty

pytestmark = pytest.mark.django_db
RECORDS = "/api/v1/credit/records/"


@pytest.fixture
def ledger(company, person, officer, department, other_department):
    today = timezone.localdate()
    return {
        "public": penalty(
            company, actor=officer, department=department, decided=today, internal_note="当事人配合调查"
        ),
        "minor": penalty(company, actor=officer, department=department, decided=today, severity="minor"),
        "other": penalty(
            company,
            actor=officer,
            department=other_department,
            decided=today,
            severity="minor",
            title="占道经营",
        ),
        "person": penalty(person, actor=officer, department=department, decided=today, title="个人违法行为"),
        "fact": credit_fact_record(
            subject_code=company.code,
            kind="complaint_upheld",
            source="grievance",
            source_ref="c-9",
            title="投诉查实",
            occurred_on=today,
        ),
    }


def _ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


def test_public_sees_only_public_records_without_internal_data(api, ledger, citizen):
    for client in (api(), api(citizen)):
        assert _ids(client.get(RECORDS)) == {ledger["public"].pk, ledger["person"].pk}
        body = client.get(f"{RECORDS}{ledger['public'].pk}/").json()
        assert body["internal"] is None
        assert body["publication"]["public"] is True
        assert "当事人配合调查" not in str(body)
        for hidden in ("minor", "other", "fact"):
            assert client.get(f"{RECORDS}{ledger[hidden].pk}/").status_code == 404


def test_department_sees_its_own_internal_data_only(api, ledger, dept_user, other_dept_user):
    mine = api(dept_user)
    assert _ids(mine.get(RECORDS)) == {ledger["public"].pk, ledger["minor"].pk, ledger["person"].pk}
    assert (
        mine.get(f"{RECORDS}{ledger['public'].pk}/").json()["internal"]["internal_note"] == "当事人配合调查"
    )
    assert mine.get(f"{RECORDS}{ledger['other'].pk}/").status_code == 404
    theirs = api(other_dept_user)
    assert _ids(theirs.get(RECORDS)) == {ledger["public"].pk, ledger["other"].pk, ledger["person"].pk}
    assert theirs.get(f"{RECORDS}{ledger['public'].pk}/").json()["internal"] is None
    assert theirs.get(f"{RECORDS}{ledger['minor'].pk}/").status_code == 404


def test_officers_and_supervisors_see_everything(api, ledger, officer, supervisor):
    for user in (officer, supervisor):
        assert _ids(api(user).get(RECORDS)) == {r.pk for r in ledger.values()}
        assert api(user).get(f"{RECORDS}{ledger['fact'].pk}/").json()["internal"]["source"] == "grievance"


def test_personal_data_is_masked_for_the_public(api, ledger, person, officer):
    body = api().get(f"{RECORDS}{ledger['person'].pk}/").json()
    assert body["subject"]["name"] == "张**"
    assert "*" in body["subject"]["code"] and len(body["subject"]["code"]) == 18
    assert api(officer).get(f"{RECORDS}{ledger['person'].pk}/").json()["subject"]["name"] == "张三丰"


def test_subject_detail_hides_grade_from_the_public(api, ledger, company, dept_user):
    public = api().get(f"/api/v1/credit/subjects/{company.pk}/").json()
    assert public["subject"]["grade"] is None and public["grade_explanation"] is None
    assert {r["id"] for r in public["records"]} == {ledger["public"].pk}
    staff = api(dept_user).get(f"/api/v1/credit/subjects/{company.pk}/").json()
    assert staff["subject"]["grade"] == "B"
    assert {e["rule"] for e in staff["grade_explanation"]} >= {"penalty.general", "complaint_upheld.minor"}


def test_public_lookup_and_person_without_public_records(api, company, person, officer):
    assert api().get("/api/v1/credit/subjects/").status_code == 400  # the public must say what it looks for
    found = api().get("/api/v1/credit/subjects/", {"q": "测试科技"}).json()["results"]
    assert [s["id"] for s in found] == [company.pk]
    assert api().get(f"/api/v1/credit/subjects/{person.pk}/").status_code == 404
    assert api(officer).get(f"/api/v1/credit/subjects/{person.pk}/").status_code == 200
    assert api().get("/api/v1/credit/subjects/abc/").status_code == 404
