"""End to end through the REST API with token auth, real PostgreSQL, Redis and a Celery worker
(issue 3, "Done when"): the full lifecycle with an extension, a failed return visit and a reopen; a
return (退单) and re-dispatch; consultations answered by the operator; a duplicate merged; a grid hazard
escalated grid → community → street → centre; an overdue complaint climbing the supervision ladder.

Routing, review scheduling and notifications run in the worker; the tests wait for their effects in the
database (``wait_until``) and never sleep to pass time: the ladder is driven by the services' ``now``
and by moving a clock into the past in the database.
"""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from grievance.models import Complaint, ComplaintEvent, Notification, Status
from grievance.services.deadlines import rung_due_at
from grievance.services.supervision import complaints_sweep_deadlines
from grievance.tasks import complaint_check_deadline_task, complaint_check_deadlines
from tests.integration.conftest import api_as, broker_drained, wait_until

pytestmark = pytest.mark.integration

URL = "/api/v1/complaints/"
from tests.security.images import PNG  # noqa: E402  (a real image: uploads are re-encoded)

LADDER_ACTIONS = ("warn", "supervise")


def body(world, **overrides) -> dict:
    lat, lng = world.territory.inside
    data = {
        "title": "路灯不亮",
        "description": "六和社区门口的路灯坏了好几天，晚上一片漆黑",
        "kind": "complaint",
        "matter": "L-LAMP",
        "lat": lat,
        "lng": lng,
        "contact_name": "王小明",
        "contact_phone": "13812345678",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def submitted(session, data: dict) -> int:
    response = session.post(URL, data)
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def wait_status(complaint_id: int, status: str, timeout: float = 30) -> Complaint:
    return wait_until(
        lambda: Complaint.objects.filter(pk=complaint_id, status=status).first(),
        timeout=timeout,
        message=f"complaint {complaint_id} to be {status}",
    )


def wait_notified(*, complaint_id: int, kind: str, recipient=None, address: str | None = None):
    filters = {"complaint_id": complaint_id, "kind": kind}
    if recipient is not None:
        filters["recipient"] = recipient
    if address is not None:
        filters["address"] = address
    return wait_until(
        lambda: Notification.objects.filter(**filters).first(),
        timeout=30,
        message=f"notification {filters}",
    )


def ok(response, status: str | None = None) -> dict:
    assert response.status_code == 200, response.json()
    data = response.json()
    if status is not None:
        assert data["status"] == status, data
    return data


def actions(complaint_id: int) -> list[str]:
    return list(
        ComplaintEvent.objects.filter(complaint_id=complaint_id)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


# --- (a) the whole lifecycle -----------------------------------------------------------------------


def test_auto_dispatch_extension_failed_visit_reopen_and_close(lifecycle_world, celery_worker_process):
    w = lifecycle_world
    citizen, handler = api_as(w.citizen), api_as(w.other_handler)  # h-dept-a handles PS-CG's matter
    dispatcher, operator, grid = api_as(w.dispatcher), api_as(w.operator), api_as(w.grid_worker)

    complaint_id = submitted(citizen, body(w))
    wait_status(complaint_id, Status.DISPATCHED)  # routed by the worker: FIXED rule → PS-CG
    shown = ok(handler.detail(complaint_id), Status.DISPATCHED)
    assert shown["lead_unit"] == "PS-CG" and "sign" in shown["allowed_actions"]
    assert shown["contact_phone"] == "13812345678"  # the handling unit reads the contact
    wait_notified(complaint_id=complaint_id, kind="dispatch", recipient=w.other_handler)

    ok(handler.act(complaint_id, "sign"), Status.IN_PROGRESS)
    ok(handler.act(complaint_id, "request_extension", days=3, reason="需协调供电部门更换线路"))
    before = Complaint.objects.get(pk=complaint_id).handle_deadline
    assert handler.act(complaint_id, "approve_extension").status_code == 403  # not the unit's call
    approved = ok(dispatcher.act(complaint_id, "approve_extension", note="同意延期"), Status.IN_PROGRESS)
    after = Complaint.objects.get(pk=complaint_id)
    assert after.handle_deadline > before and after.extension_days_total == 3
    assert approved["pending_extension_days"] == 0

    ok(handler.act(complaint_id, "submit_result", result="已更换灯泡"), Status.HANDLED)
    # Review scheduling (worker): the complaint lies in a grid with a worker → verified on site.
    wait_notified(complaint_id=complaint_id, kind="verify_task", recipient=w.grid_worker)
    ok(grid.act(complaint_id, "verify", passed=True, note="现场已亮灯"), Status.REVIEWING)
    wait_notified(complaint_id=complaint_id, kind="return_visit_due", recipient=w.operator)
    ok(
        operator.act(
            complaint_id, "return_visit", resolved=False, satisfaction="unsatisfied", note="仍有一盏不亮"
        ),
        Status.REVIEWING,
    )
    reopened = ok(dispatcher.act(complaint_id, "reopen", reason="回访不满意，重办"), Status.IN_PROGRESS)
    assert reopened["resolved"] is None and reopened["handle_deadline"]
    ok(handler.act(complaint_id, "submit_result", result="整条路的灯已全部更换"), Status.HANDLED)
    ok(dispatcher.act(complaint_id, "verify", passed=True), Status.REVIEWING)
    closed = ok(
        operator.act(complaint_id, "return_visit", resolved=True, satisfaction="satisfied"), Status.CLOSED
    )

    assert closed["resolved"] is True and closed["satisfaction"] == "satisfied"
    events = ok(dispatcher.detail(complaint_id))["events"]
    assert [e["action"] for e in events] == [
        "submit",
        "dispatch",
        "sign",
        "request_extension",
        "approve_extension",
        "submit_result",
        "verify",
        "return_visit",
        "reopen",
        "submit_result",
        "verify",
        "return_visit",
    ]
    assert [e["to_status"] for e in events][6:] == [
        "reviewing",
        "reviewing",  # unsatisfied: stays for the dispatcher to decide
        "in_progress",
        "handled",
        "reviewing",
        "closed",
    ]
    assert events[1]["actor"] is None and events[1]["unit"] is None  # dispatched by the system
    assert events[2]["unit"] == "PS-CG" and events[-1]["from_status"] == "reviewing"
    # The outcome reaches the complainant (in-app for the account, SMS to the phone given).
    wait_notified(complaint_id=complaint_id, kind="outcome", recipient=w.citizen)
    wait_notified(complaint_id=complaint_id, kind="outcome", address="13812345678")
    tracked = citizen.get(f"/api/v1/track/{closed['tracking_code']}/").json()
    assert tracked["status"] == "closed" and "13812345678" not in str(tracked)


# --- (b) return and re-dispatch --------------------------------------------------------------------


def test_return_then_redispatch_hides_it_from_the_first_unit(lifecycle_world, celery_worker_process):
    w = lifecycle_world
    first, second, dispatcher = api_as(w.other_handler), api_as(w.co), api_as(w.dispatcher)
    complaint_id = submitted(api_as(w.citizen), body(w))
    wait_status(complaint_id, Status.DISPATCHED)

    missing = first.act(complaint_id, "return")
    assert missing.status_code == 400 and "reason" in missing.json()["errors"]
    assert first.act(complaint_id, "return", reason="路灯归供电局管，不属于本单位").status_code == 200
    queued = ok(dispatcher.detail(complaint_id), Status.PENDING_DISPATCH)
    assert queued["lead_unit"] is None
    assert queued["events"][-1]["action"] == "return" and "供电局" in queued["events"][-1]["note"]
    wait_notified(complaint_id=complaint_id, kind="return", recipient=w.dispatcher)

    redispatched = ok(
        dispatcher.act(complaint_id, "dispatch", unit="PS-ZJ", note="改派住建局"), Status.DISPATCHED
    )
    assert redispatched["lead_unit"] == "PS-ZJ"
    assert first.detail(complaint_id).status_code == 404
    assert first.act(complaint_id, "sign").status_code == 404
    assert complaint_id not in [row["id"] for row in first.get(URL).json()["results"]]
    wait_notified(complaint_id=complaint_id, kind="dispatch", recipient=w.co)
    ok(second.act(complaint_id, "sign"), Status.IN_PROGRESS)
    assert [e["action"] for e in ok(dispatcher.detail(complaint_id))["events"]] == [
        "submit",
        "dispatch",
        "return",
        "dispatch",
        "sign",
    ]


# --- (c) consultations -----------------------------------------------------------------------------


def test_consultations_answered_by_the_operator(lifecycle_world, celery_worker_process):
    w = lifecycle_world
    operator = api_as(w.operator)
    consult = {
        "title": "咨询居住证办理材料",
        "description": "请问办理居住证需要带哪些材料",
        "kind": "consult",
        "contact_name": "李四",
        "contact_phone": "13900001111",
    }
    at_intake = operator.post(URL, {**consult, "answer": "携带身份证和租赁合同到社区工作站办理"})
    assert at_intake.status_code == 201, at_intake.json()
    answered_id = at_intake.json()["id"]
    assert at_intake.json()["status"] == Status.ANSWERED

    # A citizen's consultation nobody can route waits in the centre's queue; the operator answers it.
    later_id = submitted(api_as(w.citizen), {**consult, "contact_phone": "13812345678"})
    wait_status(later_id, Status.PENDING_DISPATCH)
    ok(operator.act(later_id, "answer", answer="请携带身份证和租赁合同办理"), Status.ANSWERED)
    wait_notified(complaint_id=later_id, kind="answer", recipient=w.citizen)

    wait_until(broker_drained, message="the queue to drain")  # the routing task of the first ran too
    assert actions(answered_id) == ["submit", "answer"]
    assert Complaint.objects.get(pk=answered_id).status == Status.ANSWERED
    assert actions(later_id) == ["submit", "queue", "answer"]


# --- (d) a duplicate merged ------------------------------------------------------------------------


def test_duplicate_merged_and_its_complainant_told_the_outcome(lifecycle_world, celery_worker_process):
    w = lifecycle_world
    dispatcher, handler = api_as(w.dispatcher), api_as(w.other_handler)
    original = submitted(api_as(w.citizen), body(w))
    duplicate = submitted(api_as(w.other_citizen), body(w, contact_name="赵六", contact_phone="13700002222"))
    wait_status(original, Status.DISPATCHED)
    wait_status(duplicate, Status.DISPATCHED)

    candidates = dispatcher.get(f"{URL}{duplicate}/duplicates/").json()["results"]
    assert original in [c["id"] for c in candidates]
    merged = ok(dispatcher.act(duplicate, "merge", into=original), Status.DUPLICATE)
    assert merged["merged_into"] == original
    assert ok(dispatcher.detail(original))["support_count"] == 1
    assert "merged_in" in actions(original)
    assert handler.detail(duplicate).status_code == 404  # the unit's assignment on it ended
    wait_notified(complaint_id=duplicate, kind="merged", recipient=w.other_citizen)

    ok(handler.act(original, "sign"), Status.IN_PROGRESS)
    ok(handler.act(original, "submit_result", result="已修复"), Status.HANDLED)
    ok(dispatcher.act(original, "verify", passed=True), Status.REVIEWING)
    ok(dispatcher.act(original, "return_visit", resolved=True, satisfaction="satisfied"), Status.CLOSED)

    wait_notified(complaint_id=original, kind="outcome", recipient=w.citizen)
    wait_notified(complaint_id=original, kind="outcome", recipient=w.other_citizen)
    wait_notified(complaint_id=original, kind="outcome", address="13700002222")
    assert Complaint.objects.get(pk=duplicate).status == Status.DUPLICATE


# --- (e) the three-level loop for a grid hazard ----------------------------------------------------


def test_grid_hazard_escalated_community_street_centre(lifecycle_world, celery_worker_process):
    w = lifecycle_world
    grid, community, street = api_as(w.grid_worker), api_as(w.lead), api_as(w.street_handler)
    dispatcher = api_as(w.dispatcher)
    lat, lng = w.territory.inside
    hazard = {
        "title": "路口井盖缺失",
        "description": "六和1网格路口井盖缺失，行人有跌落危险",
        "kind": "report",
        "lat": lat,
        "lng": lng,
    }
    response = grid.post(URL, hazard)
    assert response.status_code == 201, response.json()
    complaint_id = response.json()["id"]
    assert response.json()["channel"] == "grid"

    routed = wait_status(complaint_id, Status.DISPATCHED)
    assert routed.lead_unit == w.community  # the worker sent it to the community workstation
    # The community no longer holds it afterwards: the answer carries no complaint data.
    assert ok(community.act(complaint_id, "escalate", note="需街道协调施工单位"))["status"] is None
    assert ok(street.detail(complaint_id), Status.DISPATCHED)["lead_unit"] == "PS-PSJD"
    wait_notified(complaint_id=complaint_id, kind="escalate", recipient=w.street_handler)
    assert community.detail(complaint_id).status_code == 404  # the community no longer holds it
    assert community.act(complaint_id, "escalate").status_code == 404

    ok(street.act(complaint_id, "escalate", note="涉及区职能部门，请指挥中心派单"))
    centre = ok(dispatcher.detail(complaint_id), Status.PENDING_DISPATCH)
    assert centre["lead_unit"] is None
    queue = dispatcher.get(URL, {"status": "pending_dispatch"}).json()["results"]
    assert complaint_id in [row["id"] for row in queue]
    assert [e["action"] for e in centre["events"]] == ["submit", "dispatch", "escalate", "escalate"]
    assert [e["to_status"] for e in centre["events"]][-2:] == ["dispatched", "pending_dispatch"]
    wait_notified(complaint_id=complaint_id, kind="escalate_centre", recipient=w.dispatcher)
    ok(grid.detail(complaint_id))  # the grid worker still follows the report of their grid

    # A smaller hazard the grid worker settles on the spot, with the photo of the result.
    spot_id = submitted(grid, {**hazard, "title": "路边垃圾堆放", "description": "路口有一堆装修垃圾"})
    photo = SimpleUploadedFile("处置后.png", PNG, content_type="image/png")
    upload = grid.client.post(f"{URL}{spot_id}/attachments/", {"file": photo}, format="multipart")
    assert upload.status_code == 201, upload.json()
    ok(grid.act(spot_id, "resolve_on_spot", result="已联系清运，现场已清理"), Status.CLOSED)
    wait_until(broker_drained, message="the queue to drain")
    assert Complaint.objects.get(pk=spot_id).status == Status.CLOSED  # routing, if late, left it alone
    assert actions(spot_id)[-1] == "resolve_on_spot"


# --- (f) the supervision ladder --------------------------------------------------------------------


def _signed_complaint(world) -> int:
    complaint_id = submitted(api_as(world.citizen), body(world))
    wait_status(complaint_id, Status.DISPATCHED)
    ok(api_as(world.other_handler).act(complaint_id, "sign"), Status.IN_PROGRESS)
    return complaint_id


def _ladder(complaint_id: int) -> list[int]:
    events = ComplaintEvent.objects.filter(complaint_id=complaint_id, action__in=LADDER_ACTIONS)
    return [e.payload["level"] for e in events.order_by("at", "id")]


def test_overdue_complaint_climbs_the_ladder_rung_by_rung(lifecycle_world, celery_worker_process):
    """Time moves through the sweep's ``now``: each rung is due in turn, applied once, never twice."""
    w = lifecycle_world
    complaint_id = _signed_complaint(w)
    complaint = Complaint.objects.get(pk=complaint_id)
    dues = {level: rung_due_at(complaint=complaint, level=level) for level in range(1, 6)}
    assert dues[1] < dues[2] == complaint.handle_deadline < dues[3] < dues[4] < dues[5]

    assert complaints_sweep_deadlines(now=dues[1] - timedelta(seconds=1)) == 0  # nothing due yet
    for level in range(1, 6):
        # The worker follows each rung's event up and briefly locks the row; a sweep that finds the row
        # locked leaves it to the next sweep (skip_locked). Let the worker finish before moving time on.
        wait_until(broker_drained, message="the queue to drain")
        complaints_sweep_deadlines(now=dues[level])
        complaints_sweep_deadlines(now=dues[level])  # a second sweep at the same moment adds nothing
        complaint.refresh_from_db()
        assert complaint.supervision_level == level
        assert _ladder(complaint_id) == list(range(1, level + 1))
    assert (
        complaint.next_check_at is None and complaints_sweep_deadlines(now=dues[5] + timedelta(days=30)) == 0
    )
    shown = ok(api_as(w.dispatcher).detail(complaint_id))
    assert shown["supervision_level"] == 5 and shown["overdue"] is False  # not yet overdue in real time

    # Each rung notified the right people (the worker processed the events).
    wait_notified(complaint_id=complaint_id, kind="warn", recipient=w.other_handler)
    wait_notified(complaint_id=complaint_id, kind="supervise_2", recipient=w.other_handler)
    wait_notified(complaint_id=complaint_id, kind="supervise_4", recipient=w.dispatcher)
    wait_notified(complaint_id=complaint_id, kind="supervise_5", recipient=w.supervisor)


def test_beat_sweep_in_the_worker_applies_the_ladder_once(lifecycle_world, celery_worker_process):
    """The clock moved two months into the past; the beat task (queued twice, run by two pool processes)
    and a replayed per-complaint task apply each rung exactly once."""
    w = lifecycle_world
    complaint_id = _signed_complaint(w)
    back = timedelta(days=60)
    complaint = Complaint.objects.get(pk=complaint_id)
    Complaint.objects.filter(pk=complaint_id).update(
        received_at=complaint.received_at - back,
        dispatched_at=complaint.dispatched_at - back,
        clock_started_at=complaint.clock_started_at - back,
        signed_at=complaint.signed_at - back,
        sign_deadline=complaint.sign_deadline - back,
        handle_deadline=complaint.handle_deadline - back,
        next_check_at=timezone.now() - back,
    )
    moved = Complaint.objects.get(pk=complaint_id)
    assert rung_due_at(complaint=moved, level=5) < timezone.now()  # every rung is due

    complaint_check_deadlines.delay()
    complaint_check_deadlines.delay()
    wait_until(lambda: Complaint.objects.get(pk=complaint_id).supervision_level == 5, message="rung 5")
    wait_until(broker_drained, message="the queue to drain")
    complaint_check_deadlines.delay()
    complaint_check_deadline_task.delay(complaint_id)
    wait_until(broker_drained, message="the queue to drain")

    assert _ladder(complaint_id) == [1, 2, 3, 4, 5]
    assert actions(complaint_id).count("warn") == 1 and actions(complaint_id).count("supervise") == 4
    shown = ok(api_as(w.dispatcher).detail(complaint_id), Status.IN_PROGRESS)
    assert shown["supervision_level"] == 5 and shown["overdue"] is True
    assert api_as(w.dispatcher).get(URL, {"overdue": "true"}).json()["count"] == 1
    wait_notified(complaint_id=complaint_id, kind="supervise_5", recipient=w.supervisor)
