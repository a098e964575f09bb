"""The unit inbox: new dispatches to sign with their clock, work in progress by deadline with lights,
the workflow forms (through the services), co-handler replies and the leader's view."""

from datetime import timedelta

import pytest
from django.utils import timezone

from grievance.models import Attachment, Complaint, Status
from tests.grievance.actors import complaint_in
from tests.grievance.web.conftest import photo

pytestmark = pytest.mark.django_db


def test_sign_tab_lists_only_the_units_new_dispatches_and_signing_opens_the_complaint(world, client_as):
    mine = complaint_in(world, Status.DISPATCHED, title="新派来的事")
    theirs = complaint_in(world, Status.DISPATCHED, lead=world.dept_a, co_units=[], title="别的单位的事")
    client = client_as(world.lead)

    page = client.get("/work/inbox/").content.decode()

    assert "新派来的事" in page and "别的单位的事" not in page
    assert "剩余" in page  # the sign-off clock
    response = client.post(
        f"/work/complaints/{mine.pk}/act/", {"action": "sign", "next": f"/work/complaints/{mine.pk}/"}
    )
    assert response["Location"] == f"/work/complaints/{mine.pk}/"
    mine.refresh_from_db()
    assert mine.status == Status.IN_PROGRESS and mine.signed_at is not None
    assert mine.events.get(action="sign").actor == world.lead
    theirs.refresh_from_db()
    assert theirs.status == Status.DISPATCHED


def test_progress_tab_sorts_by_deadline_with_lights(world, client_as):
    now = timezone.now()
    specs = {
        "已超期的事": (now - timedelta(days=10), now - timedelta(hours=1)),
        "快到期的事": (now - timedelta(days=8), now + timedelta(days=1)),
        "刚开始的事": (now - timedelta(hours=1), now + timedelta(days=9)),
    }
    for title, (start, deadline) in specs.items():
        c = complaint_in(world, Status.IN_PROGRESS, title=title)
        Complaint.objects.filter(pk=c.pk).update(clock_started_at=start, handle_deadline=deadline)

    page = client_as(world.lead).get("/work/inbox/?tab=progress").content.decode()

    assert page.index("已超期的事") < page.index("快到期的事") < page.index("刚开始的事")
    rows = page.split("<tr id=")[1:]
    assert "light-red" in rows[0] and "light-yellow" in rows[1] and "light-green" in rows[2]
    newest_first = client_as(world.lead).get("/work/inbox/?tab=progress&sort=-deadline").content.decode()
    assert newest_first.index("刚开始的事") < newest_first.index("已超期的事")


def test_result_with_photos_is_submitted_in_one_go(world, client_as):
    complaint = complaint_in(world, Status.IN_PROGRESS)

    response = client_as(world.lead).post(
        f"/work/complaints/{complaint.pk}/act/",
        {"action": "submit_result", "result": "已更换灯泡", "photos": [photo(), photo("二.png")]},
    )

    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.HANDLED and complaint.result == "已更换灯泡"
    assert Attachment.objects.filter(complaint=complaint, uploaded_by=world.lead).count() == 2


def test_a_bad_photo_leaves_neither_the_result_nor_any_file(world, client_as):
    complaint = complaint_in(world, Status.IN_PROGRESS)

    response = client_as(world.lead).post(
        f"/work/complaints/{complaint.pk}/act/",
        {
            "action": "submit_result",
            "result": "已更换灯泡",
            "photos": [photo(), photo("假.png", b"not an image")],
        },
        follow=True,
    )

    assert "只接受" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS and complaint.result == ""
    assert not Attachment.objects.filter(complaint=complaint).exists()


def test_extension_request_and_return_with_reason(world, client_as):
    extended = complaint_in(world, Status.IN_PROGRESS)
    returned = complaint_in(world, Status.DISPATCHED)
    client = client_as(world.lead)

    client.post(
        f"/work/complaints/{extended.pk}/act/",
        {"action": "request_extension", "days": "3", "reason": "等材料"},
    )
    response = client.post(
        f"/work/complaints/{returned.pk}/act/", {"action": "return", "reason": "不属于社区职责"}
    )

    extended.refresh_from_db()
    returned.refresh_from_db()
    assert extended.pending_extension_days == 3
    assert returned.status == Status.PENDING_DISPATCH and returned.return_count == 1
    assert returned.events.get(action="return").note == "不属于社区职责"
    assert response["Location"] == "/work/"  # the unit no longer holds it: back to the workbench


def test_missing_reason_is_refused_with_the_field_error(world, client_as):
    complaint = complaint_in(world, Status.DISPATCHED)

    response = client_as(world.lead).post(
        f"/work/complaints/{complaint.pk}/act/", {"action": "return"}, follow=True
    )

    assert "缺少必填参数" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.DISPATCHED


def test_co_handler_replies_from_the_co_tab(world, client_as):
    complaint = complaint_in(world, Status.IN_PROGRESS, title="需要协办的事")
    client = client_as(world.co)

    assert "需要协办的事" in client.get("/work/inbox/?tab=co").content.decode()
    client.post(f"/work/complaints/{complaint.pk}/act/", {"action": "co_reply", "reply": "已派人配合"})

    assignment = complaint.assignments.get(unit=world.dept_b, active=True)
    assert assignment.reply == "已派人配合"
    assert "需要协办的事" not in client.get("/work/inbox/?tab=co").content.decode()


def test_leader_sees_the_whole_unit_and_its_overdue_count(world, client_as):
    overdue = complaint_in(world, Status.IN_PROGRESS, title="社区超期的事")
    Complaint.objects.filter(pk=overdue.pk).update(handle_deadline=timezone.now() - timedelta(hours=2))
    complaint_in(world, Status.DISPATCHED, title="社区新派的事")
    complaint_in(world, Status.IN_PROGRESS, lead=world.dept_a, co_units=[], title="城管局的事")

    page = client_as(world.leader).get("/work/inbox/?tab=unit").content.decode()

    assert "社区超期的事" in page and "社区新派的事" in page and "城管局的事" not in page
    assert "本单位超期诉求：1 件" in page
    assert client_as(world.lead).get("/work/inbox/?tab=unit").status_code == 403
