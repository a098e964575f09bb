"""The dashboard API: who may read what, the shapes behind every chart, exports, warnings, reports."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from grievance.models import Assignment, AssignmentRole, EarlyWarning, Report, Status
from grievance.selectors.dashboard import DASHBOARD_KEYS
from tests.grievance.actors import complaint_new
from tests.grievance.dashboard.conftest import refresh_all

API = "/api/v1/dashboard"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def data(people):
    """Six complaints of the current month in the community's grid, two dispatched to the community."""
    now = timezone.now()
    for i in range(6):
        c = complaint_new(
            people, received_at=now - timedelta(seconds=i + 1), channel="hotline", kind="complaint"
        )
        if i < 2:
            Assignment.objects.create(complaint=c, unit=people.community, role=AssignmentRole.LEAD)
            c.status = Status.CLOSED if i == 0 else Status.IN_PROGRESS
            c.closed_at = now if i == 0 else None
            c.save()
    refresh_all()
    return people


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["overview/", "live/", "trend/", "mix/", "matters/", "handling-times/", "map/"]
)
def test_anonymous_and_citizens_and_handlers_get_403(people, path):
    for user in (None, people.citizen, people.lead, people.grid_worker):
        response = client_for(user).get(f"{API}/{path}")
        assert response.status_code == 403, (user, path)
        assert "message" in response.json()


@pytest.mark.django_db
def test_dispatcher_reads_the_overview_with_the_score(data):
    response = client_for(data.dispatcher).get(f"{API}/overview/")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == list(DASHBOARD_KEYS)
    assert (body["received"], body["dispatched"], body["in_progress"], body["closed"]) == (6, 2, 1, 1)


@pytest.mark.django_db
def test_bad_filters_are_400_with_field_errors(people):
    client = client_for(people.supervisor)
    response = client.get(f"{API}/overview/", {"from": "2026-02-30"})
    assert response.status_code == 400 and "from" in response.json()["errors"]
    response = client.get(f"{API}/overview/", {"street": "999"})
    assert response.status_code == 400 and "street" in response.json()["errors"]
    assert client.get(f"{API}/trend/", {"period": "year"}).status_code == 400
    assert client.get(f"{API}/map/", {"level": "house"}).status_code == 400


@pytest.mark.django_db
def test_a_unit_leader_sees_only_their_unit(data):
    client = client_for(data.leader)
    own = client.get(f"{API}/overview/")
    assert own.status_code == 200 and own.json()["received"] == 2  # the community's complaints only
    assert client.get(f"{API}/overview/", {"unit": data.dept_a.code}).status_code == 403
    assert client.get(f"{API}/trend/").status_code == 200
    for path in ("map/", "rankings/", "warnings/", "reports/", "export/streets/"):
        assert client.get(f"{API}/{path}").status_code == 403, path


@pytest.mark.django_db
def test_every_chart_endpoint_answers_its_shape(data):
    client = client_for(data.dispatcher)
    live = client.get(f"{API}/live/").json()
    assert live["today"]["received"] >= 1 and live["period"]["received"] == 6
    trend = client.get(f"{API}/trend/", {"period": "day"}).json()
    assert sum(p["received"] for p in trend) == 6
    mix = client.get(f"{API}/mix/", {"by": "channel"}).json()
    assert mix[0] == {"key": "hotline", "label": "12345热线", "received": 6, "share": 1.0}
    kinds = client.get(f"{API}/mix/", {"by": "kind"}).json()
    assert {k["key"] for k in kinds} >= {"complaint", "consult", "help"}
    handling = client.get(f"{API}/handling-times/").json()
    assert handling["finished"] == 1 and len(handling["buckets"]) == 6
    streets = client.get(f"{API}/map/", {"level": "street"}).json()
    assert [s["received"] for s in streets if s["code"] == data.territory.street.code] == [6]
    grids = client.get(f"{API}/map/", {"level": "grid", "parent": data.territory.community.code}).json()
    assert grids[0]["code"] == data.territory.grid.code and grids[0]["density"] > 0
    area = client.get(f"{API}/map/complaints/", {"level": "grid", "code": data.territory.grid.code}).json()
    assert area["total"] == 6 and len(area["complaints"]) == 6
    ranking = client.get(f"{API}/rankings/", {"by": "unit", "order": "return_rate"}).json()
    assert ranking[0]["code"] == data.community.code and ranking[0]["rank"] is None  # 2 < minimum volume


@pytest.mark.django_db
def test_exports_are_excel_workbooks_of_the_tables(data):
    client = client_for(data.dispatcher)
    response = client.get(f"{API}/export/streets/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("名次", "编码", "名称") and rows[1][1] == data.territory.street.code
    assert client.get(f"{API}/export/nonsense/").status_code == 400


@pytest.mark.django_db
def test_warnings_are_assigned_and_closed_by_the_centre_only(people):
    now = timezone.now()
    warning = EarlyWarning.objects.create(
        kind="hotspot", key="hotspot:x", title="t", window_start=now, window_end=now
    )
    assert client_for(people.supervisor).get(f"{API}/warnings/").json()[0]["id"] == warning.pk
    denied = client_for(people.supervisor).post(f"{API}/warnings/{warning.pk}/assign/", {"unit": "PS-CG"})
    assert denied.status_code == 403
    client = client_for(people.dispatcher)
    assigned = client.post(f"{API}/warnings/{warning.pk}/assign/", {"unit": "PS-CG", "note": "请核查"})
    assert assigned.status_code == 200 and assigned.json()["assigned_unit"] == "PS-CG"
    assert client.post(f"{API}/warnings/{warning.pk}/close/", {"note": ""}).status_code == 400
    closed = client.post(f"{API}/warnings/{warning.pk}/close/", {"note": "已整治"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert client.post(f"{API}/warnings/{warning.pk}/close/", {"note": "again"}).status_code == 409
    assert client.post(f"{API}/warnings/999999/close/", {"note": "x"}).status_code == 404


@pytest.mark.django_db
def test_reports_are_requested_and_listed(people, pipeline):
    client = client_for(people.dispatcher)
    response = client.post(f"{API}/reports/", {"month": "2026-01"})
    assert response.status_code == 202 and response.json()["status"] == "pending"
    assert Report.objects.get().month.isoformat() == "2026-01-01"
    assert client.post(f"{API}/reports/", {"month": "2999-01"}).status_code == 400
    assert client_for(people.supervisor).post(f"{API}/reports/", {"month": "2026-01"}).status_code == 403
    assert client_for(people.supervisor).get(f"{API}/reports/").json()[0]["month"] == "2026-01-01"


@pytest.mark.django_db
def test_the_schema_documents_the_dashboard_components(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    components = set(schema["components"]["schemas"])
    assert {"DashboardOverview", "DashboardLive", "DashboardMapArea", "DashboardRankingRow"} <= components
    assert "/api/v1/dashboard/map/" in schema["paths"]
