"""Recording, publishing and revoking through the API: 201/400/403/404/409 and the error shape."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.credit.conftest import penalty

pytestmark = pytest.mark.django_db
RECORDS = "/api/v1/credit/records/"


def _payload(company, **changes):
    data = {
        "subject_code": company.code,
        "kind": "penalty",
        "title": "未取得许可从事食品经营",
        "decision_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "decision_number": "深坪市监罚〔2026〕88号",
        "severity": "general",
        "category": "罚款",
        "legal_basis": "《中华人民共和国食品安全法》第一百二十二条",
        "facts": "未取得食品经营许可从事食品经营活动",
        "content": "没收违法所得并处罚款一万元",
        "fine_amount": "10000.00",
    }
    data.update(changes)
    return data


def test_department_records_a_penalty(api, company, dept_user, department):
    response = api(dept_user).post(RECORDS, _payload(company), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["department"] == department.code
    assert body["fine_amount"] == "10000.00"
    assert body["publication"]["public"] is True and body["publication"]["overdue"] is False
    assert body["rule_version"] == "2026"


def test_bad_input_answers_400_with_fields(api, company, dept_user):
    response = api(dept_user).post(
        RECORDS, _payload(company, decision_date="2026-02-30", kind="penalty"), format="json"
    )
    assert response.status_code == 400
    assert "decision_date" in response.json()["errors"]
    response = api(dept_user).post(
        RECORDS, _payload(company, legal_basis="", severity="catastrophic"), format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) >= {"legal_basis", "severity"}
    assert response.json()["message"]


def test_who_may_record(api, company, citizen, other_dept_user, department):
    assert api().post(RECORDS, _payload(company), format="json").status_code in (401, 403)
    assert api(citizen).post(RECORDS, _payload(company), format="json").status_code == 403
    response = api(other_dept_user).post(
        RECORDS, _payload(company, department=department.code), format="json"
    )
    assert response.status_code == 403
    assert (
        api(other_dept_user).post(RECORDS, _payload(company, department="NOPE"), format="json").status_code
        == 404
    )
    assert (
        api(other_dept_user)
        .post(RECORDS, _payload(company, subject_code="91440300708461136T"), format="json")
        .status_code
        == 404
    )


def test_actions(api, company, officer, department, dept_user, other_dept_user):
    record = penalty(
        company, actor=officer, department=department, decided=timezone.localdate() - timedelta(days=3)
    )
    url = f"{RECORDS}{record.pk}/actions/"
    assert api(dept_user).post(url, {"action": "publish"}, format="json").status_code == 409
    assert (
        api(other_dept_user)
        .post(
            url, {"action": "revoke", "revoked_on": str(timezone.localdate()), "reason": "x"}, format="json"
        )
        .status_code
        == 403
    )
    assert api(dept_user).post(url, {"action": "revoke"}, format="json").status_code == 400
    response = api(dept_user).post(
        url,
        {"action": "revoke", "revoked_on": str(timezone.localdate()), "reason": "行政复议撤销"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["publication"]["public"] is False
    assert response.json()["publication"]["withdrawal_reason"] == "revoked"
    assert (
        api(dept_user)
        .post(
            url,
            {"action": "revoke", "revoked_on": str(timezone.localdate()), "reason": "again"},
            format="json",
        )
        .status_code
        == 409
    )
    assert api().get(f"{RECORDS}{record.pk}/").status_code == 404
    assert api(dept_user).post(url, {"action": "dance"}, format="json").status_code == 400


def test_overdue_filter(api, company, officer, department, calendar_2026):
    decided = date(2026, 9, 30)
    late = penalty(company, actor=officer, department=department, decided=decided, publish=False)
    penalty(company, actor=officer, department=department, decided=decided)
    body = api(officer).get(RECORDS, {"overdue": "true"}).json()
    assert [r["id"] for r in body["results"]] == [late.pk]
    assert body["results"][0]["publication"]["due_at"] == "2026-10-15T18:00:00+08:00"
    assert api(officer).get(RECORDS, {"overdue": "maybe"}).status_code == 400
    assert api(officer).get(RECORDS, {"from": "2026-99-01"}).status_code == 400
