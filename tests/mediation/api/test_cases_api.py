"""The mediation API: conventions of API.md (list/detail/actions, 400/403/404/409, one error shape),
permissions (a mediator of another organisation is refused), masked personal data outside the case."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from mediation.models import CaseStatus, MediationCase
from tests.mediation.factories import PERSON_A, PERSON_B, application, case_in, membership


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
def test_a_mediator_registers_an_application_and_reads_it_in_full(world):
    response = client_for(world.mediator).post("/api/v1/mediation/cases/", application(world), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("〔") and "字第" in body["number"] and body["status"] == "applied"
    assert body["personal_data_masked"] is False  # the registrant holds what they recorded
    case = MediationCase.objects.get(pk=body["id"])
    director_view = client_for(world.director).get(f"/api/v1/mediation/cases/{case.pk}/").json()
    assert director_view["personal_data_masked"] is False
    applicant = director_view["parties"][0]
    assert applicant["id_number"] == PERSON_A and applicant["name"] == "张三丰" and applicant["sex"] == "男"
    assert "accept" in director_view["allowed_actions"] and "warn" not in director_view["allowed_actions"]


@pytest.mark.django_db
def test_bad_input_is_a_400_naming_the_fields(world):
    data = application(world, amount="-3", dispute_type="gossip")
    data["parties"][1]["id_number"] = PERSON_B[:-1] + ("0" if PERSON_B[-1] != "0" else "1")
    response = client_for(world.mediator).post("/api/v1/mediation/cases/", data, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"message", "errors"}
    assert {"amount", "dispute_type"} <= set(body["errors"])
    response = client_for(world.mediator).post(
        "/api/v1/mediation/cases/",
        application(world, parties=[application(world)["parties"][1]]),
        format="json",
    )
    assert response.status_code == 400 and "parties" in response.json()["errors"]
    assert not MediationCase.objects.exists()


@pytest.mark.django_db
def test_a_mediator_of_another_organisation_is_refused(world):
    case = case_in(world, CaseStatus.MEDIATING)
    other = client_for(world.other_mediator)
    assert other.get(f"/api/v1/mediation/cases/{case.pk}/").status_code == 404
    response = other.post(
        f"/api/v1/mediation/cases/{case.pk}/actions/", {"action": "withdraw", "reason": "x"}
    )
    assert response.status_code == 404
    assert case.pk not in [c["id"] for c in other.get("/api/v1/mediation/cases/").json()["results"]]
    response = other.post("/api/v1/mediation/cases/", application(world), format="json")  # not its committee
    assert response.status_code == 403 and response.json()["message"]
    # Nor can it be put on the case: the director's appointment of an outsider is a conflict.
    response = client_for(world.director).post(
        f"/api/v1/mediation/cases/{case.pk}/actions/",
        {
            "action": "assign_mediator",
            "mediator": membership(world, world.other_mediator).pk,
            "how": "appointed",
        },
        format="json",
    )
    assert response.status_code == 409 and "不属于本案调解组织" in response.json()["message"]
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING


@pytest.mark.django_db
def test_readers_outside_the_case_see_masked_parties_and_cannot_act(world):
    case = case_in(world, CaseStatus.MEDIATING)
    for user in (world.hub_mediator, world.supervisor, world.member, world.mediator2):
        body = client_for(user).get(f"/api/v1/mediation/cases/{case.pk}/").json()
        assert body["personal_data_masked"] is True
        applicant = body["parties"][0]
        assert (
            applicant["name"] == "张**" and applicant["id_number"] == f"{PERSON_A[:6]}********{PERSON_A[-4:]}"
        )
        assert applicant["phone"] == "138****5678" and applicant["birth_date"] == ""
        assert PERSON_A not in str(body)
    response = client_for(world.supervisor).post(
        f"/api/v1/mediation/cases/{case.pk}/actions/", {"action": "withdraw", "reason": "x"}, format="json"
    )
    assert response.status_code == 403
    mine = client_for(world.mediator).get(f"/api/v1/mediation/cases/{case.pk}/").json()
    assert mine["personal_data_masked"] is False and mine["parties"][0]["id_number"] == PERSON_A


@pytest.mark.django_db
def test_actions_answer_409_in_the_wrong_state_and_400_for_bad_params(world):
    case = case_in(world, CaseStatus.APPLIED)
    api = client_for(world.mediator)
    url = f"/api/v1/mediation/cases/{case.pk}/actions/"
    response = api.post(url, {"action": "start"}, format="json")
    assert response.status_code == 409 and "已申请" in response.json()["message"]
    assert api.post(url, {"action": "nonsense"}, format="json").status_code == 400
    assert api.post(url, ["start"], format="json").status_code == 400
    response = client_for(world.director).post(url, {"action": "accept"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    response = api.post(
        url, {"action": "schedule_session", "starts_at": "tomorrow", "place": "x"}, format="json"
    )
    assert response.status_code == 400 and "starts_at" in response.json()["errors"]
    starts = (timezone.now() + timedelta(days=1)).isoformat()
    response = api.post(
        url, {"action": "schedule_session", "starts_at": starts, "place": "调解室"}, format="json"
    )
    assert response.status_code == 200 and response.json()["sessions"][0]["place"] == "调解室"
    assert client_for(world.mediator).get("/api/v1/mediation/cases/abc/").status_code == 404


@pytest.mark.django_db
def test_organisations_mediators_and_filters(world):
    case_in(world, CaseStatus.MEDIATING, dispute_type="labour")
    api = client_for(world.supervisor)
    organisations = api.get("/api/v1/mediation/organisations/").json()
    street = next(o for o in organisations if o["code"] == world.street.code)
    assert street["open_cases"] == 1 and street["mediator_count"] == 4 and street["parent"] == world.hub.code
    detail = api.get(f"/api/v1/mediation/organisations/{world.street.code}/").json()
    one = next(m for m in detail["mediators"] if m["username"] == "m-one")
    assert one["caseload"] == 1 and one["takes_cases_now"] is True and "labour" in one["expertise"]
    assert api.get("/api/v1/mediation/cases/?type=labour").json()["count"] == 1
    assert api.get("/api/v1/mediation/cases/?type=neighbour").json()["count"] == 0
    assert api.get("/api/v1/mediation/cases/?status=bogus").status_code == 400
    assert client_for(world.citizen).get("/api/v1/mediation/organisations/").status_code == 403
    assert APIClient().get("/api/v1/mediation/cases/").status_code in (401, 403)
