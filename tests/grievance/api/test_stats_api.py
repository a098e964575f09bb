"""``GET /api/v1/stats/overview/``: API.md's keys, who may ask (centre, supervisor, admin; a leader for
their own unit), and 400 with field errors for bad input."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from grievance.models import Status
from grievance.selectors.stats import OVERVIEW_KEYS, stats_overview
from grievance.services.transitions import complaint_transition
from tests.grievance.actors import actors, complaint_in
from tests.grievance.factories import UserFactory

URL = "/api/v1/stats/overview/"


@pytest.fixture
def people(db):
    world = actors()
    complaint_in(world, Status.IN_PROGRESS)  # the community leads, department B co-handles
    elsewhere = complaint_in(world, Status.DISPATCHED, lead=world.dept_a, co_units=[])
    complaint_transition(complaint_id=elsewhere.pk, action="sign", actor=world.other_handler)
    return world


def get(user, **params):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client.get(URL, params)


@pytest.mark.parametrize("who", ["dispatcher", "supervisor", "admin"])
def test_the_centre_and_supervisors_get_the_overview(people, who):
    response = get(getattr(people, who))
    assert response.status_code == 200
    data = response.json()
    assert list(data) == list(OVERVIEW_KEYS)
    assert (data["received"], data["dispatched"], data["in_progress"]) == (2, 2, 2)
    assert data["resolution_rate"] is None  # nothing evaluated yet
    assert data == stats_overview()


def test_a_superuser_gets_the_overview(people):
    root = UserFactory(username="root", role=Role.CITIZEN, is_superuser=True)
    assert get(root).status_code == 200


@pytest.mark.parametrize("who", ["citizen", "lead", "co", "grid_worker", "operator", "other_handler"])
def test_others_are_refused_with_403(people, who):
    response = get(getattr(people, who))
    assert response.status_code == 403
    assert set(response.json()) == {"message", "errors"}


def test_anonymous_callers_are_refused_with_403(people):
    response = get(None)
    assert response.status_code == 403 and response.json()["message"]


def test_a_unit_leader_sees_only_their_own_unit(people):
    own = get(people.leader, unit=people.community.code)
    assert own.status_code == 200
    assert own.json() == stats_overview(unit=people.community.code)
    assert own.json()["received"] == 1
    assert get(people.leader).json() == own.json()  # their one unit by default
    assert get(people.leader, unit=people.dept_a.code).status_code == 403


def test_filters_narrow_the_overview(people):
    today = timezone.localdate().isoformat()
    assert get(people.dispatcher, **{"from": today, "to": today}).json()["received"] == 2
    assert get(people.dispatcher, to="2020-01-01").json()["received"] == 0
    assert get(people.dispatcher, unit=people.dept_a.code).json()["received"] == 1
    assert get(people.dispatcher, street=people.territory.street.code).json()["received"] == 2


def test_an_unencoded_offset_in_the_query_string_is_understood(people):
    client = APIClient()
    client.force_authenticate(people.dispatcher)
    response = client.get(f"{URL}?from=2020-01-01T00:00:00+08:00")
    assert response.status_code == 200 and response.json()["received"] == 2


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-13-01"}, "to"),
        ({"from": "2026-03-10", "to": "2026-03-01"}, "to"),
        ({"street": "nowhere"}, "street"),
        ({"unit": "NO-SUCH"}, "unit"),
    ],
)
def test_bad_input_is_400_with_field_errors(people, params, field):
    response = get(people.dispatcher, **params)
    assert response.status_code == 400
    body = response.json()
    assert body["message"] and field in body["errors"] and body["errors"][field]


def test_the_schema_documents_the_overview(people):
    client = APIClient()
    client.force_authenticate(people.admin)
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    operation = schema.json()["paths"]["/api/v1/stats/overview/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"from", "to", "street", "unit"}
