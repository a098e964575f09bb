"""Inspections through the API: plan, draw with a seed (once), the published draw, results; the map."""

import pytest
from django.utils import timezone

from credit.demo.codes import uscc_make
from credit.models import InspectionItem, Inspector, SubjectKind
from credit.services.subjects import subject_create
from tests.credit.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(department):
    for i in range(6):
        subject_create(kind=SubjectKind.LEGAL, code=uscc_make(300 + i), name=f"抽查对象{i}", actor=None)
    InspectionItem.objects.create(code="SC-01", name="登记事项检查", department=department)
    return [Inspector.objects.create(name=f"员{i}", certificate_number=f"C{i}") for i in range(3)]


def test_plan_draw_publish_and_result(api, setup, department, dept_user, citizen):
    plan = api(dept_user).post(
        "/api/v1/credit/inspections/plans/",
        {
            "code": "P1",
            "name": "年度抽查",
            "department": department.code,
            "year": 2026,
            "items": ["SC-01"],
            "inspectors": [i.pk for i in setup],
            "grade_ratios": {"-": 1.0},
        },
        format="json",
    )
    assert plan.status_code == 201, plan.content
    plan_id = plan.json()["id"]
    assert (
        api(citizen)
        .post(f"/api/v1/credit/inspections/plans/{plan_id}/draw/", {"seed": 5}, format="json")
        .status_code
        == 404
    )
    draw = api(dept_user).post(
        f"/api/v1/credit/inspections/plans/{plan_id}/draw/", {"seed": 5}, format="json"
    )
    assert draw.status_code == 201
    body = draw.json()
    assert body["seed"] == 5 and body["reproduced"] is True and len(body["tasks"]) == 6
    assert all(len(t["inspectors"]) == 2 for t in body["tasks"])
    again = api(dept_user).post(
        f"/api/v1/credit/inspections/plans/{plan_id}/draw/", {"seed": 6}, format="json"
    )
    assert again.status_code == 409
    public = api().get(f"/api/v1/credit/inspections/draws/{body['id']}/").json()
    assert public["digest"] == body["digest"] and public["reproduced"] is True

    task_id = body["tasks"][0]["id"]
    url = f"/api/v1/credit/inspections/tasks/{task_id}/result/"
    assert (
        api(citizen).post(url, {"outcome": "passed", "inspected_on": "2026-01-01"}, format="json").status_code
        == 404
    )
    done = api(dept_user).post(
        url, {"outcome": "passed", "inspected_on": str(timezone.localdate())}, format="json"
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    results = api().get("/api/v1/credit/records/", {"kind": "inspection"}).json()["results"]
    assert len(results) == 1 and "未发现问题" in results[0]["title"]


def test_map_for_agencies_only(api, setup, dept_user, citizen):
    assert api(citizen).get("/api/v1/credit/map/").status_code == 403
    body = api(dept_user).get("/api/v1/credit/map/").json()
    assert body["type"] == "FeatureCollection" and body["grades"] == ["A", "B", "C", "D", "-"]
    inspector_user = make_user("inspector-1", "handler")
    assert api(inspector_user).get("/api/v1/credit/map/").status_code == 403
