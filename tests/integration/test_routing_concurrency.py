"""200 complaints submitted in parallel through the API (real HTTP, 16 client threads, a live server)
are each routed exactly once by a worker with four pool processes, although every complaint's
routing task is also delivered a second time (replayed by the client right after its submission, so
both copies race in the pool)."""

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from grievance.models import Assignment, AssignmentRole, Complaint, Notification, Status
from grievance.tasks import complaint_route
from tests.integration.conftest import api_as, broker_drained, http_post_json, routing_report, wait_until

pytestmark = pytest.mark.integration

WORKER_CONCURRENCY = 4
COMPLAINTS = 200
CLIENT_THREADS = 16


def submission(world, i: int) -> dict:
    """Three kinds, in turn: a FIXED matter (→ PS-CG), a territorial one (→ the community of the
    point) and text without a matter (→ the centre's queue)."""
    lat, lng = world.territory.inside
    data = {
        "kind": "complaint",
        "lat": lat,
        "lng": lng,
        "contact_name": f"来电人{i}",
        "contact_phone": f"138{i:08d}",
    }
    if i % 3 == 0:
        return {**data, "matter": "L-LAMP", "title": f"路灯不亮 {i}", "description": "门口路灯坏了"}
    if i % 3 == 1:
        return {**data, "matter": "L-STALL", "title": f"占道经营 {i}", "description": "路口有人摆摊"}
    return {**data, "title": f"邻里纠纷 {i}", "description": "楼上邻居长期深夜喧哗，协商无果"}


def test_parallel_submissions_are_each_routed_exactly_once(
    lifecycle_world, live_server, celery_worker_process, record_property
):
    w = lifecycle_world
    token = api_as(w.operator).token
    url = f"{live_server.url}/api/v1/complaints/"

    def submit(i: int) -> tuple[int, dict]:
        status, data = http_post_json(url, submission(w, i), token=token)
        if status == 201:
            complaint_route.delay(data["id"])  # a duplicated delivery racing the on-commit task
        return status, data

    started = time.monotonic()
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        answers = list(pool.map(submit, range(COMPLAINTS)))
    submitted_in = time.monotonic() - started
    assert Counter(status for status, _ in answers) == {201: COMPLAINTS}, answers[:3]
    ids = [data["id"] for _, data in answers]
    assert len(set(ids)) == COMPLAINTS

    wait_until(
        lambda: not Complaint.objects.filter(pk__in=ids, status=Status.SUBMITTED).exists(),
        timeout=60,
        message="every complaint to be routed",
    )
    wait_until(broker_drained, timeout=60, message="the queue to drain")
    report = routing_report(ids)
    report["seconds"] = round(time.monotonic() - started, 1)
    report["submit_seconds"] = round(submitted_in, 1)
    for key, value in report.items():
        record_property(key, value)
    print(f"\nrouting concurrency: {report}")

    assert report == {**report, "routed": COMPLAINTS, "duplicated": 0, "lost": 0, "still_submitted": 0}
    by_status = Counter(Complaint.objects.filter(pk__in=ids).values_list("status", flat=True))
    leads = Counter(
        Assignment.objects.filter(complaint_id__in=ids, role=AssignmentRole.LEAD, active=True).values_list(
            "unit__code", flat=True
        )
    )
    expected_lamp = len(range(0, COMPLAINTS, 3))
    expected_stall = len(range(1, COMPLAINTS, 3))
    assert by_status == {
        Status.DISPATCHED: expected_lamp + expected_stall,
        Status.PENDING_DISPATCH: COMPLAINTS - expected_lamp - expected_stall,
    }
    assert leads == {"PS-CG": expected_lamp, "PS-LHSQ": expected_stall}  # one active lead each
    # Side effects ran once per event: one in-app dispatch notice per complaint for the unit's handler.
    notices = Notification.objects.filter(complaint_id__in=ids, kind="dispatch", recipient=w.other_handler)
    assert notices.count() == expected_lamp
