"""The API other departments call: which measures apply to this subject now?"""

import pytest
from django.utils import timezone

from credit.models import CreditList, JointMeasure
from tests.credit.conftest import penalty

pytestmark = pytest.mark.django_db
QUERY = "/api/v1/credit/measures/query/"


@pytest.fixture
def catalogue(db, department):
    black = CreditList.objects.create(
        code="BLACK", name="严重失信主体名单", kind="black", rule="serious_dishonesty"
    )
    JointMeasure.objects.create(
        code="P-CG-01",
        name="限制参与政府采购",
        kind="punishment",
        credit_list=black,
        application_class="政府采购",
        legal_basis="《政府采购法》第二十二条",
        department=department,
        department_name=department.name,
    )
    JointMeasure.objects.create(
        code="P-ZB-01",
        name="限制参与招投标",
        kind="punishment",
        credit_list=black,
        application_class="招标投标",
        legal_basis="招标投标法实施条例",
        department_name="住房和建设局",
    )
    return black


def test_measures_apply_to_a_black_listed_subject(api, catalogue, company, officer, department, dept_user):
    assert api(dept_user).get(QUERY, {"code": company.code}).json()["measures"] == []
    penalty(company, actor=officer, department=department, decided=timezone.localdate(), severity="serious")
    body = api(dept_user).get(QUERY, {"code": company.code.lower()}).json()
    assert [m["code"] for m in body["measures"]] == ["P-CG-01", "P-ZB-01"]
    assert body["lists"][0]["list"] == "BLACK" and body["applies"] is None
    one = api(dept_user).get(QUERY, {"code": company.code, "measure": "P-ZB-01"}).json()
    assert one["applies"] is True
    mine = api(dept_user).get(QUERY, {"code": company.code, "department": department.code}).json()
    assert [m["code"] for m in mine["measures"]] == ["P-CG-01"]
    none = api(dept_user).get(QUERY, {"code": company.code, "measure": "R-XX"}).json()
    assert none["applies"] is False
    by_id = api(officer).get(f"/api/v1/credit/subjects/{company.pk}/measures/").json()
    assert len(by_id["measures"]) == 2


def test_measures_query_errors(api, catalogue, company, citizen, dept_user):
    assert api(citizen).get(QUERY, {"code": company.code}).status_code == 403
    assert api().get(QUERY, {"code": company.code}).status_code in (401, 403)
    assert api(dept_user).get(QUERY).status_code == 400
    assert api(dept_user).get(QUERY, {"code": "91440300708461136T"}).status_code == 404


def test_catalogue_and_lists_are_public(api, catalogue, person, officer, department):
    assert [m["code"] for m in api().get("/api/v1/credit/measures/").json()] == ["P-CG-01", "P-ZB-01"]
    penalty(person, actor=officer, department=department, decided=timezone.localdate(), severity="serious")
    assert api().get("/api/v1/credit/lists/").json()[0]["entries"] == 1
    entries = api().get("/api/v1/credit/lists/BLACK/entries/").json()
    assert entries[0]["subject"]["name"] == "张**"
    assert api().get("/api/v1/credit/lists/NOPE/entries/").status_code == 404
