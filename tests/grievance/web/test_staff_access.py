"""Who may open which staff page: allowed roles 200, others 403, anonymous to the login page, and a
complaint outside the user's reach answers 404 (also to a handler of another unit)."""

import pytest

from grievance.models import PersonalDataRead, Status
from tests.grievance.actors import complaint_in, complaint_new

pytestmark = pytest.mark.django_db

PAGES = {
    "/work/operator/": {"operator", "dispatcher"},
    "/work/operator/history/?contact_phone=13812345678": {"operator", "dispatcher"},
    "/work/operator/knowledge/?q=x": {"operator", "dispatcher"},
    "/work/operator/suggest/?title=路灯": {"operator", "dispatcher"},
    "/work/dispatch/?tab=queue": {"dispatcher"},
    "/work/complaints/{id}/hints/": {"dispatcher", "operator"},
    "/work/dispatch/?tab=returned": {"dispatcher"},
    "/work/dispatch/?tab=extensions": {"dispatcher"},
    "/work/dispatch/?tab=verify": {"dispatcher"},
    "/work/dispatch/?tab=visits": {"dispatcher", "operator"},
    "/work/dispatch/?tab=supervision": {"dispatcher", "supervisor", "admin"},
    "/work/inbox/?tab=sign": {"lead", "leader", "co", "street_handler", "other_handler"},
    "/work/inbox/?tab=unit": {"leader"},
    "/work/grid/": {"grid_worker", "other_grid_worker"},
    "/work/grid/report/": {"grid_worker", "other_grid_worker"},
    "/work/complaints/": {
        "operator",
        "dispatcher",
        "supervisor",
        "admin",
        "lead",
        "leader",
        "co",
        "street_handler",
        "other_handler",
        "grid_worker",
        "other_grid_worker",
    },
}
PEOPLE = (
    "operator",
    "dispatcher",
    "supervisor",
    "admin",
    "lead",
    "leader",
    "co",
    "street_handler",
    "other_handler",
    "grid_worker",
    "other_grid_worker",
    "citizen",
)


@pytest.mark.parametrize("url", list(PAGES))
def test_each_page_opens_for_its_roles_and_refuses_everyone_else(world, client_as, url):
    address = url.format(id=complaint_in(world, Status.PENDING_DISPATCH, dispatch=False).pk)
    for name in PEOPLE:
        response = client_as(getattr(world, name)).get(address)
        expected = 200 if name in PAGES[url] else 403
        assert response.status_code == expected, (name, url, response.status_code)


@pytest.mark.parametrize("url", [*PAGES, "/work/", "/work/notifications/", "/work/complaints/1/"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url.format(id=1))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_staff_home_sends_each_role_to_its_workbench(world, client_as):
    expected = {
        "operator": "/work/operator/",
        "dispatcher": "/work/dispatch/",
        "lead": "/work/inbox/",
        "grid_worker": "/work/grid/",
        "supervisor": "/work/dispatch/",
    }
    for name, target in expected.items():
        assert client_as(getattr(world, name)).get("/work/")["Location"] == target, name
    assert client_as(world.citizen).get("/work/").status_code == 403


def test_complaint_page_is_404_for_a_handler_of_another_unit(world, client_as):
    complaint = complaint_in(world, Status.IN_PROGRESS)

    for name in ("lead", "leader", "co", "dispatcher", "operator", "supervisor", "grid_worker"):
        assert client_as(getattr(world, name)).get(f"/work/complaints/{complaint.pk}/").status_code == 200, (
            name
        )
    for name in ("other_handler", "street_handler", "other_grid_worker"):
        response = client_as(getattr(world, name)).get(f"/work/complaints/{complaint.pk}/")
        assert response.status_code == 404, name
        assert complaint.title.encode() not in response.content
    assert client_as(world.citizen).get(f"/work/complaints/{complaint.pk}/").status_code == 403
    assert client_as(world.dispatcher).get("/work/complaints/999999/").status_code == 404


def test_a_handler_of_another_unit_cannot_act_or_upload(world, client_as):
    complaint = complaint_in(world, Status.DISPATCHED)
    outsider = client_as(world.other_handler)

    acted = outsider.post(f"/work/complaints/{complaint.pk}/act/", {"action": "sign"})
    uploaded = outsider.post(f"/work/complaints/{complaint.pk}/upload/", {"photos": []})

    assert acted.status_code == 404
    assert uploaded.status_code == 404
    complaint.refresh_from_db()
    assert complaint.status == Status.DISPATCHED
    assert not complaint.events.filter(action="sign").exists()


def test_an_action_not_offered_to_the_user_is_forbidden(world, client_as):
    complaint = complaint_in(world, Status.PENDING_DISPATCH, dispatch=False)

    response = client_as(world.grid_worker).post(
        f"/work/complaints/{complaint.pk}/act/", {"action": "dispatch", "unit": world.dept_a.code}
    )

    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == Status.PENDING_DISPATCH


def test_contact_is_masked_for_grid_workers_and_shown_to_the_handling_unit(world, client_as):
    complaint = complaint_in(world, Status.IN_PROGRESS, contact_name="王小明", contact_phone="13812345678")
    url = f"/work/complaints/{complaint.pk}/"

    handler_page = client_as(world.lead).get(url).content.decode()
    worker_page = client_as(world.grid_worker).get(url).content.decode()

    assert "13812345678" in handler_page and "王小明" in handler_page
    assert "13812345678" not in worker_page and "王小明" not in worker_page
    assert "138****5678" in worker_page and "王**" in worker_page
    reads = PersonalDataRead.objects.filter(complaint=complaint)
    assert [(r.user, r.via) for r in reads] == [(world.lead, "web")]  # who looked: only the full view


def test_lists_always_mask_contacts(world, client_as):
    complaint_new(world, contact_name="王小明", contact_phone="13812345678")

    page = client_as(world.dispatcher).get("/work/complaints/").content.decode()

    assert "138****5678" in page
    assert "13812345678" not in page


def test_detail_offers_only_the_actions_of_the_user(world, client_as):
    complaint = complaint_in(world, Status.DISPATCHED)
    url = f"/work/complaints/{complaint.pk}/"

    lead_page = client_as(world.lead).get(url).content.decode()
    co_page = client_as(world.co).get(url).content.decode()
    supervisor_page = client_as(world.supervisor).get(url).content.decode()

    assert 'name="action" value="sign"' in lead_page and 'value="return"' in lead_page
    assert 'name="action" value="co_reply"' in co_page and 'value="sign"' not in co_page
    assert 'name="action"' not in supervisor_page
