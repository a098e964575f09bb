"""The dispatcher console: each queue shows what it should, and its forms change the complaint through
the workflow services (one event per action, by the dispatcher)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from grievance.models import Assignment, Complaint, ComplaintEvent, Status
from grievance.services.transitions import complaint_transition
from tests.grievance.actors import complaint_in, complaint_new
from tests.grievance.factories import MatterFactory

pytestmark = pytest.mark.django_db


def act(client, complaint, **data):
    return client.post(f"/work/complaints/{complaint.pk}/act/", data)


def test_queue_shows_suggestions_and_duplicates_and_dispatches_with_co_handlers(world, client_as):
    MatterFactory.leaf(name="路灯维修", keywords="路灯,灯不亮", unit=world.dept_a)
    older = complaint_in(world, Status.DISPATCHED, title="路灯不亮", description="小区门口路灯坏了")
    queued = complaint_in(
        world, Status.PENDING_DISPATCH, dispatch=False, title="路灯不亮了", description="门口路灯坏了"
    )
    client = client_as(world.dispatcher)

    page = client.get("/work/dispatch/?tab=queue").content.decode()
    hints = client.get(f"/work/complaints/{queued.pk}/hints/?next=/work/dispatch/").content.decode()

    assert queued.title in page and f'hx-get="/work/complaints/{queued.pk}/hints/' in page
    assert f'name="unit" value="{world.dept_a.code}"' in hints  # one-click dispatch to the suggested unit
    assert f'name="into" value="{older.pk}"' in hints  # one-click merge into the duplicate
    assert 'name="next" value="/work/dispatch/"' in hints
    response = client.post(
        f"/work/complaints/{queued.pk}/act/",
        {
            "action": "dispatch",
            "unit": world.dept_a.code,
            "co_units": [world.dept_b.code],
            "next": "/work/dispatch/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/work/dispatch/"
    queued.refresh_from_db()
    assert queued.status == Status.DISPATCHED and queued.lead_unit == world.dept_a
    active = Assignment.objects.filter(complaint=queued, active=True)
    assert {(a.unit.code, a.role) for a in active} == {(world.dept_a.code, "lead"), (world.dept_b.code, "co")}
    event = queued.events.get(action="dispatch")
    assert event.actor == world.dispatcher
    assert queued.title not in client.get("/work/dispatch/?tab=queue").content.decode()
    assert client_as(world.lead).get(f"/work/complaints/{queued.pk}/hints/").status_code == 403


def test_a_refused_dispatch_shows_the_reason_and_changes_nothing(world, client_as):
    queued = complaint_in(world, Status.PENDING_DISPATCH, dispatch=False)

    response = act(client_as(world.dispatcher), queued, action="dispatch", unit=world.centre.code)

    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("指挥中心不能作为承办单位" in m for m in messages)
    queued.refresh_from_db()
    assert queued.status == Status.PENDING_DISPATCH


def test_merge_and_dispose_from_the_queue(world, client_as):
    target = complaint_in(world, Status.DISPATCHED)
    duplicate = complaint_in(world, Status.PENDING_DISPATCH, dispatch=False)
    emergency = complaint_in(world, Status.PENDING_DISPATCH, dispatch=False)
    client = client_as(world.dispatcher)

    act(client, duplicate, action="merge", into=str(target.pk))
    act(client, emergency, action="dispose", disposition="transferred_119", note="火情")

    duplicate.refresh_from_db()
    emergency.refresh_from_db()
    assert duplicate.status == Status.DUPLICATE and duplicate.merged_into == target
    assert emergency.status == Status.TRANSFERRED and emergency.disposition == "transferred_119"


def test_returned_tab_shows_the_units_reason(world, client_as):
    complaint = complaint_in(world, Status.DISPATCHED, title="不归我们管的事")
    complaint_transition(
        complaint_id=complaint.pk, action="return", actor=world.lead, params={"reason": "属于住建职责"}
    )
    client = client_as(world.dispatcher)

    returned = client.get("/work/dispatch/?tab=returned").content.decode()
    queue = client.get("/work/dispatch/?tab=queue").content.decode()

    assert "不归我们管的事" in returned and "属于住建职责" in returned
    assert "不归我们管的事" not in queue


def test_extension_requests_are_approved_from_the_console(world, client_as):
    complaint = complaint_in(world, Status.IN_PROGRESS, title="需要延期的事")
    complaint_transition(complaint_id=complaint.pk, action="dispatch", params={"unit": world.community.code})
    Complaint.objects.filter(pk=complaint.pk).update(status=Status.IN_PROGRESS, signed_at=timezone.now())
    complaint_transition(
        complaint_id=complaint.pk,
        action="request_extension",
        actor=world.lead,
        params={"days": 3, "reason": "需协调施工队"},
    )
    before = Complaint.objects.get(pk=complaint.pk).handle_deadline
    client = client_as(world.dispatcher)

    page = client.get("/work/dispatch/?tab=extensions").content.decode()
    act(client, complaint, action="approve_extension", next="/work/dispatch/?tab=extensions")

    assert "需要延期的事" in page and "需协调施工队" in page
    complaint.refresh_from_db()
    assert complaint.pending_extension_days == 0 and complaint.extension_days_total == 3
    assert complaint.handle_deadline > before


def test_verify_and_return_visit_close_the_complaint(world, client_as):
    complaint = complaint_in(world, Status.HANDLED, grid=None, title="无网格的结果")
    client = client_as(world.dispatcher)

    assert "无网格的结果" in client.get("/work/dispatch/?tab=verify").content.decode()
    act(client, complaint, action="verify", passed="true")
    complaint.refresh_from_db()
    assert complaint.status == Status.REVIEWING

    operator = client_as(world.operator)
    assert "无网格的结果" in operator.get("/work/dispatch/?tab=visits").content.decode()
    script = operator.get(f"/work/complaints/{complaint.pk}/visit/").content.decode()
    assert "现在解决了吗" in script and complaint.contact_phone in script
    operator.post(
        f"/work/complaints/{complaint.pk}/act/",
        {"action": "return_visit", "resolved": "true", "satisfaction": "satisfied", "note": "很好"},
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.satisfaction == "satisfied"
    assert complaint.events.get(action="return_visit").actor == world.operator


def test_supervision_list_groups_overdue_complaints_by_rung(world, client_as):
    now = timezone.now()
    late = complaint_in(world, Status.IN_PROGRESS, title="超期两天的事")
    written = complaint_in(world, Status.IN_PROGRESS, title="书面督办的事")
    on_time = complaint_in(world, Status.IN_PROGRESS, title="按期办理的事")
    Complaint.objects.filter(pk=late.pk).update(handle_deadline=now - timedelta(days=2), supervision_level=2)
    Complaint.objects.filter(pk=written.pk).update(
        handle_deadline=now - timedelta(days=6), supervision_level=4
    )
    Complaint.objects.filter(pk=on_time.pk).update(handle_deadline=now + timedelta(days=6))

    page = client_as(world.supervisor).get("/work/dispatch/?tab=supervision").content.decode()

    assert "按期办理的事" not in page
    assert (
        page.index("书面督办")
        < page.index("书面督办的事")
        < page.index("超期催办")
        < page.index("超期两天的事")
    )
    assert 'value="supervise"' not in page  # the supervisor reads, the dispatcher acts


def test_queue_filters_sort_and_paginate(world, client_as):
    rows = [
        complaint_new(
            world,
            title=f"排队{i:02d}",
            status=Status.PENDING_DISPATCH,
            kind="help" if i % 2 else "complaint",
            received_at=timezone.now() - timedelta(hours=i + 1),
        )
        for i in range(12)
    ]
    heading = [f'id="t{c.pk}"' for c in rows]  # each queue card's heading
    client = client_as(world.dispatcher)

    first = client.get("/work/dispatch/?tab=queue").content.decode()
    second = client.get("/work/dispatch/?tab=queue&page=2").content.decode()
    helps = client.get("/work/dispatch/?tab=queue&kind=help&sort=-received").content.decode()

    assert heading[11] in first and heading[0] not in first  # oldest first, ten a page
    assert heading[0] in second and heading[11] not in second
    assert heading[1] in helps and heading[2] not in helps
    assert helps.index(heading[1]) < helps.index(heading[3])
    assert ComplaintEvent.objects.count() == 0  # reading changes nothing


def test_bad_filter_values_show_a_message_instead_of_failing(world, client_as):
    response = client_as(world.dispatcher).get("/work/complaints/?date_from=not-a-date")

    assert response.status_code == 200
    assert "筛选条件有误" in response.content.decode()
