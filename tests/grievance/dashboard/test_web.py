"""The dashboard pages: access, the big screen and its parts, exports, warnings and reports forms."""

from datetime import timedelta

import pytest
from django.utils import timezone

from grievance.models import Assignment, AssignmentRole, EarlyWarning, Report, WarningStatus
from tests.grievance.actors import complaint_new
from tests.grievance.dashboard.conftest import refresh_all


@pytest.fixture
def seeded(people):
    now = timezone.now()
    for i in range(3):
        c = complaint_new(people, received_at=now - timedelta(seconds=i + 1))
        Assignment.objects.create(complaint=c, unit=people.community, role=AssignmentRole.LEAD)
    refresh_all()
    return people


@pytest.mark.django_db
def test_the_big_screen_for_the_centre(client, seeded):
    client.force_login(seeded.dispatcher)
    page = client.get("/dashboard/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-kpi="today-received">3<' in html and 'data-kpi="period-received">3<' in html
    assert 'hx-trigger="every 5s"' in html  # refreshes by itself
    assert html.count("<svg") >= 5 and "data-district-map" in html and 'data-ranking="unit"' in html
    for part in ("live", "charts", "rankings", "map"):
        assert client.get(f"/dashboard/panels/{part}/").status_code == 200, part
    drill = client.get("/dashboard/panels/map/", {"level": "grid", "parent": seeded.territory.community.code})
    assert seeded.territory.grid.code in drill.content.decode()
    area = client.get("/dashboard/panels/area/", {"level": "grid", "code": seeded.territory.grid.code})
    assert area.status_code == 200 and area.content.decode().count("<tr") == 4


@pytest.mark.django_db
def test_access(client, seeded):
    assert client.get("/dashboard/").status_code == 302  # to the login page
    for user in (seeded.citizen, seeded.lead, seeded.grid_worker, seeded.operator):
        client.force_login(user)
        assert client.get("/dashboard/").status_code == 403, user.username
    client.force_login(seeded.leader)  # a unit leader: their unit, no district parts
    page = client.get("/dashboard/")
    assert page.status_code == 200 and "data-district-map" not in page.content.decode()
    assert client.get("/dashboard/panels/map/").status_code == 403
    assert client.get("/dashboard/warnings/").status_code == 403
    assert client.get("/dashboard/export/streets.xlsx").status_code == 403
    assert client.get("/dashboard/export/overview.xlsx").status_code == 200


@pytest.mark.django_db
def test_excel_export_of_a_table(client, seeded):
    client.force_login(seeded.supervisor)
    response = client.get("/dashboard/export/units.xlsx", {"date_from": "2026-01-01"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    assert client.get("/dashboard/export/nothing.xlsx").status_code == 404


@pytest.mark.django_db
def test_warnings_are_assigned_and_closed_from_the_page(client, people):
    now = timezone.now()
    warning = EarlyWarning.objects.create(
        kind="hotspot", key="k", title="六和1网格 路灯", window_start=now, window_end=now
    )
    client.force_login(people.dispatcher)
    assert "六和1网格 路灯" in client.get("/dashboard/warnings/").content.decode()
    client.post(f"/dashboard/warnings/{warning.pk}/assign/", {"unit": people.dept_a.code, "note": "请处理"})
    warning.refresh_from_db()
    assert warning.status == WarningStatus.ASSIGNED
    response = client.post(f"/dashboard/warnings/{warning.pk}/close/", {"note": ""}, follow=True)
    assert "请填写处置情况" in response.content.decode()
    client.post(f"/dashboard/warnings/{warning.pk}/close/", {"note": "已更换"})
    warning.refresh_from_db()
    assert warning.status == WarningStatus.CLOSED
    client.force_login(people.supervisor)  # reads, never acts
    assert client.post(f"/dashboard/warnings/{warning.pk}/assign/", {"unit": "PS-CG"}).status_code == 403


@pytest.mark.django_db
def test_reports_are_requested_from_the_page(client, people, pipeline):
    client.force_login(people.dispatcher)
    assert client.get("/dashboard/reports/").status_code == 200
    response = client.post("/dashboard/reports/", {"month": "2026-02"}, follow=True)
    assert response.status_code == 200 and Report.objects.get().month.month == 2
    report = Report.objects.get()
    assert client.get(f"/dashboard/reports/{report.pk}/").status_code == 404  # not generated yet
