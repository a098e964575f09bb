"""The grid worker's pages: my grids, reporting a hazard with photos (and resolving it on the spot),
resolving or escalating a complaint in my grid, and verifying results there."""

import pytest

from grievance.models import Attachment, Complaint, Status
from tests.grievance.actors import complaint_in
from tests.grievance.web.conftest import photo

pytestmark = pytest.mark.django_db


def report(client, world, **extra):
    lat, lng = world.territory.inside
    data = {"kind": "report", "title": "井盖缺失", "lat": lat, "lng": lng, "contact_phone": "13900001111"}
    data.update(extra)
    return client.post("/work/grid/report/", data)


def test_home_lists_my_grids_open_work_and_verification_tasks(world, client_as):
    complaint_in(world, Status.PENDING_DISPATCH, dispatch=False, title="我网格里的事")
    complaint_in(world, Status.HANDLED, title="待我核查的结果")
    lat, lng = world.territory.inside_other
    complaint_in(
        world,
        Status.PENDING_DISPATCH,
        dispatch=False,
        title="别的网格的事",
        lat=lat,
        lng=lng,
        grid=world.territory.other_grid,
    )

    page = client_as(world.grid_worker).get("/work/grid/").content.decode()

    assert world.territory.grid.name in page
    assert "我网格里的事" in page and "待我核查的结果" in page and "别的网格的事" not in page
    assert 'name="lat"' in page and "data-geolocate" in page
    centre_lat = page.split('id="id_lat"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    assert 22.60 < float(centre_lat) < 22.61  # the grid's centre until the device answers


def test_report_with_photo_resolved_on_the_spot(world, client_as):
    response = report(
        client_as(world.grid_worker), world, photos=[photo()], resolve_on_spot="on", result="已放置临时井盖"
    )

    assert response.status_code == 302 and response["Location"] == "/work/grid/"
    complaint = Complaint.objects.get(title="井盖缺失")
    assert complaint.status == Status.CLOSED and complaint.result == "已放置临时井盖"
    assert complaint.channel == "grid" and complaint.grid == world.territory.grid
    assert Attachment.objects.filter(complaint=complaint, uploaded_by=world.grid_worker).count() == 1
    assert complaint.events.filter(action="resolve_on_spot", actor=world.grid_worker).exists()


def test_resolving_on_the_spot_needs_a_photo(world, client_as):
    response = report(client_as(world.grid_worker), world, resolve_on_spot="on", result="已处置")

    assert response.status_code == 400
    assert "请上传现场照片" in response.content.decode()
    assert not Complaint.objects.exists()


def test_report_outside_my_grid_with_photos_is_refused_and_nothing_stored(world, client_as):
    lat, lng = world.territory.inside_other

    response = report(client_as(world.grid_worker), world, lat=lat, lng=lng, photos=[photo()])

    assert response.status_code == 400
    assert "不在您负责的网格内" in response.content.decode()
    assert not Complaint.objects.exists() and not Attachment.objects.exists()


def test_plain_report_is_stored_for_routing(world, client_as):
    response = report(client_as(world.grid_worker), world, description="六和路口井盖丢了")

    assert response.status_code == 302
    complaint = Complaint.objects.get(title="井盖缺失")
    assert complaint.status == Status.SUBMITTED and complaint.created_by == world.grid_worker


def test_existing_complaint_resolved_on_the_spot_with_a_photo(world, client_as):
    complaint = complaint_in(world, Status.PENDING_DISPATCH, dispatch=False)

    client_as(world.grid_worker).post(
        f"/work/complaints/{complaint.pk}/act/",
        {"action": "resolve_on_spot", "result": "已清理", "photos": [photo()]},
    )

    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert complaint.attachments.filter(uploaded_by=world.grid_worker).count() == 1


def test_escalate_moves_a_community_complaint_to_the_street(world, client_as):
    complaint = complaint_in(world, Status.IN_PROGRESS)

    client_as(world.grid_worker).post(
        f"/work/complaints/{complaint.pk}/act/", {"action": "escalate", "note": "需街道协调"}
    )

    complaint.refresh_from_db()
    assert complaint.status == Status.DISPATCHED and complaint.lead_unit == world.street


def test_verification_failed_sends_it_back(world, client_as):
    complaint = complaint_in(world, Status.HANDLED)

    client_as(world.grid_worker).post(
        f"/work/complaints/{complaint.pk}/act/", {"action": "verify", "passed": "false", "note": "灯仍不亮"}
    )

    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    assert complaint.events.get(action="verify").note == "灯仍不亮"
