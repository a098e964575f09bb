"""Killing the worker (kill -9, whole process group) in the middle of a burst of 300 submissions and
restarting it loses nothing: the tasks the dead worker held stay unacknowledged in Redis (for the
broker's visibility timeout, an hour), their complaints stay ``submitted``, and the outbox sweeper
(run with a ``now`` past its two-minute threshold) queues them again. Every complaint ends routed
exactly once."""

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.utils import timezone

from grievance.models import Complaint, ComplaintEvent, Notification, Status
from grievance.services.sweeper import complaints_requeue_stuck, events_requeue_unprocessed
from tests.integration.conftest import api_as, broker_client, http_post_json, routing_report, wait_until

pytestmark = pytest.mark.integration

COMPLAINTS = 300
CLIENT_THREADS = 16
KILL_AFTER_ROUTED = 60


def _not_submitted() -> int:
    return Complaint.objects.exclude(status=Status.SUBMITTED).count()


def test_worker_killed_mid_burst_and_restarted_loses_nothing(
    lifecycle_world, live_server, celery_worker_process, record_property
):
    w = lifecycle_world
    token = api_as(w.operator).token
    url = f"{live_server.url}/api/v1/complaints/"
    lat, lng = w.territory.inside

    def submit(i: int) -> tuple[int, dict]:
        data = {
            "kind": "complaint",
            "matter": "L-LAMP",
            "title": f"路灯不亮 {i}",
            "description": "门口路灯坏了",
            "lat": lat,
            "lng": lng,
            "contact_name": f"来电人{i}",
            "contact_phone": f"137{i:08d}",
        }
        return http_post_json(url, data, token=token)

    started = time.monotonic()
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        running = pool.map(submit, range(COMPLAINTS))
        wait_until(
            lambda: _not_submitted() >= KILL_AFTER_ROUTED, timeout=60, message="the worker to get going"
        )
        celery_worker_process.kill()
        routed_at_kill = _not_submitted()
        held_by_the_dead = set(broker_client().hkeys("unacked"))
        answers = list(running)  # the API keeps accepting while no worker runs
    assert Counter(status for status, _ in answers) == {201: COMPLAINTS}
    ids = [data["id"] for _, data in answers]
    submitted_after_kill = Complaint.objects.filter(pk__in=ids, status=Status.SUBMITTED).count()
    assert submitted_after_kill > 0  # the kill did land mid-run

    celery_worker_process.start()
    client = broker_client()

    def restarted_worker_idle() -> bool:  # its own queue done; only the dead worker's messages left
        return client.llen("celery") == 0 and set(client.hkeys("unacked")) <= held_by_the_dead

    wait_until(restarted_worker_idle, timeout=60, message="the restarted worker to empty the queue")
    stuck = Complaint.objects.filter(pk__in=ids, status=Status.SUBMITTED).count()
    requeued = complaints_requeue_stuck(now=timezone.now() + timedelta(minutes=3))
    assert requeued == stuck
    wait_until(
        lambda: not Complaint.objects.filter(pk__in=ids, status=Status.SUBMITTED).exists(),
        timeout=60,
        message="the swept complaints to be routed",
    )
    wait_until(restarted_worker_idle, timeout=60, message="the re-queued tasks to finish")

    # Follow-up work of events the dead worker held (notifications) is recovered by the same sweeper.
    dispatches = ComplaintEvent.objects.filter(complaint_id__in=ids, action="dispatch")
    unprocessed_after_restart = dispatches.filter(processed__isnull=True).count()
    events_requeued = events_requeue_unprocessed(now=timezone.now() + timedelta(minutes=3))
    wait_until(
        lambda: not dispatches.filter(processed__isnull=True).exists(),
        timeout=60,
        message="every dispatch event to be processed",
    )
    wait_until(restarted_worker_idle, timeout=60, message="the re-queued event tasks to finish")

    report = routing_report(ids)
    notified = Notification.objects.filter(event__in=dispatches, kind="dispatch").values("event").distinct()
    report.update(
        routed_at_kill=routed_at_kill,
        submitted_after_kill=submitted_after_kill,
        tasks_held_by_dead_worker=len(held_by_the_dead),
        stuck_after_restart=stuck,
        requeued_by_sweeper=requeued,
        events_unprocessed_after_restart=unprocessed_after_restart,
        events_requeued_by_sweeper=events_requeued,
        dispatch_events_without_notification=dispatches.count() - notified.count(),
        seconds=round(time.monotonic() - started, 1),
    )
    for key, value in report.items():
        record_property(key, value)
    print(f"\nworker crash: {report}")

    assert report["routed"] == COMPLAINTS
    assert report["lost"] == report["duplicated"] == report["still_submitted"] == 0
    assert report["dispatch_events_without_notification"] == 0
    assert (
        Complaint.objects.filter(pk__in=ids, status=Status.DISPATCHED, lead_unit=w.dept_a).count()
        == COMPLAINTS
    )
