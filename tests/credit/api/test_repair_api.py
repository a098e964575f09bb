"""Repair through the API: apply, review, effect on public view."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.credit.conftest import penalty

pytestmark = pytest.mark.django_db
COMMITMENT = "本单位承诺已全面整改，依法诚信经营，自愿接受社会监督。"


@pytest.fixture
def old_record(company, officer, department):
    return penalty(
        company, actor=officer, department=department, decided=timezone.localdate() - timedelta(days=120)
    )


def test_apply_review_approve(api, old_record, officer, dept_user, citizen):
    payload = {
        "record": old_record.pk,
        "duties_fulfilled": True,
        "duties_evidence": "罚款已缴清",
        "commitment_text": COMMITMENT,
    }
    assert api(citizen).post("/api/v1/credit/repairs/", payload, format="json").status_code == 403
    response = api(dept_user).post("/api/v1/credit/repairs/", payload, format="json")
    assert response.status_code == 201, response.content
    repair = response.json()
    assert repair["status"] == "submitted" and repair["allowed_actions"] == []
    assert api(officer).get(f"/api/v1/credit/repairs/{repair['id']}/").json()["allowed_actions"] == [
        "accept",
        "reject",
        "cancel",
    ]
    url = f"/api/v1/credit/repairs/{repair['id']}/actions/"
    assert api(dept_user).post(url, {"action": "accept"}, format="json").status_code == 403
    assert api(officer).post(url, {"action": "approve"}, format="json").status_code == 409
    assert api(officer).post(url, {"action": "accept"}, format="json").json()["status"] == "reviewing"
    assert (
        api(officer).post(url, {"action": "approve", "note": "同意"}, format="json").json()["status"]
        == "approved"
    )
    assert api().get(f"/api/v1/credit/records/{old_record.pk}/").status_code == 404
    assert (
        api(dept_user)
        .get(f"/api/v1/credit/records/{old_record.pk}/")
        .json()["publication"]["withdrawal_reason"]
        == "repaired"
    )
    assert api(citizen).get(f"/api/v1/credit/repairs/{repair['id']}/").status_code == 404
    assert api(officer).get("/api/v1/credit/repairs/", {"status": "approved"}).json()["count"] == 1
    assert api(citizen).get("/api/v1/credit/repairs/").json()["count"] == 0


def test_unmet_conditions_answer_409_with_the_list(api, company, officer, department):
    fresh = penalty(company, actor=officer, department=department, decided=timezone.localdate())
    response = api(officer).post(
        "/api/v1/credit/repairs/",
        {
            "record": fresh.pk,
            "duties_fulfilled": False,
            "duties_evidence": "未缴",
            "commitment_text": COMMITMENT,
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["errors"]["conditions"] == ["已满最短公示期", "已履行行政处罚等法定义务"]
