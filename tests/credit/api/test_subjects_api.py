"""Registering subjects through the API: validation errors, the audited override, permissions."""

import pytest

from credit.models import SubjectCodeOverride
from tests.credit.conftest import citizen_id_make

pytestmark = pytest.mark.django_db
SUBJECTS = "/api/v1/credit/subjects/"


def test_register_with_validation_and_override(api, officer, dept_user, citizen):
    code = "91350203M0001QAY9B"
    refused = api(dept_user).post(
        SUBJECTS, {"kind": "legal", "code": code, "name": "厦门某公司"}, format="json"
    )
    assert refused.status_code == 400 and "校验位" in refused.json()["errors"]["code"][0]
    reason = "经核对营业执照原件，该代码真实有效"
    forbidden = api(dept_user).post(
        SUBJECTS,
        {"kind": "legal", "code": code, "name": "厦门某公司", "override_reason": reason},
        format="json",
    )
    assert forbidden.status_code == 403
    created = api(officer).post(
        SUBJECTS,
        {"kind": "legal", "code": code, "name": "厦门某公司", "override_reason": reason},
        format="json",
    )
    assert created.status_code == 201 and created.json()["code_overridden"] is True
    assert SubjectCodeOverride.objects.get().actor == officer
    assert (
        api(citizen).post(SUBJECTS, {"kind": "legal", "code": code, "name": "x"}, format="json").status_code
        == 403
    )
    assert api().post(SUBJECTS, {"kind": "legal", "code": code, "name": "x"}, format="json").status_code in (
        401,
        403,
    )
    assert api(officer).post(SUBJECTS, {"kind": "alien", "code": code}, format="json").status_code == 400


def test_person_is_returned_masked(api, dept_user):
    number = citizen_id_make(11)
    body = (
        api(dept_user)
        .post(SUBJECTS, {"kind": "natural", "code": number, "name": "赵六"}, format="json")
        .json()
    )
    assert body["code"] == f"{number[:6]}********{number[-4:]}"
    assert number not in str(body)
    found = api(dept_user).get(SUBJECTS, {"q": number}).json()["results"]
    assert [s["id"] for s in found] == [body["id"]]
