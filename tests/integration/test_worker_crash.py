"""Killing the worker (kill -9, whole process group) in the middle of a burst of 2,000 submissions and
restarting it loses nothing: the tasks the dead worker held stay unacknowledged in Redis (for the
broker's visibility timeout, an hour), their complaints stay ``submitted``, and the outbox sweeper
(run with a ``now`` past its two-minute threshold) queues them again. Every complaint ends routed
exactly once (one system ``dispatch`` event each), every dispatch event is processed (notified).

The burst calls the intake service (what ``POST /api/v1/complaints/`` calls, each submission its own
committed transaction) from threads in this process: the API's read-back and serialisation would
double the cost on a two-core machine, and the HTTP path itself is exercised by the Redis drill.
``DRILL_COMPLAINTS`` changes the burst size (default 2,000).
"""

import os
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from common.queue import redis_queue_length
from grievance.models import Complaint, ComplaintEvent, Notification, Status
from grievance.services.sweeper import complaints_requeue_stuck, events_requeue_unprocessed
from tests.integration.conftest import broker_client, routing_report, wait_until

pytestmark = pytest.mark.integration

COMPLAINTS = int(os.environ.get("DRILL_COMPLAINTS", "2000"))
CLIENT_THREADS = 4
WORKER_CONCURRENCY = 3
# The kill lands mid-burst: half the complaints submitted and the worker already routing.
KILL_AFTER_SUBMITTED = COMPLAINTS // 2
KILL_AFTER_ROUTED = min(50, COMPLAINTS // 10)
# Waits scale with the burst: a loaded two-core machine routes ten or more complaints a second.
PATIENCE = 60 + COMPLAINTS // 8


def _not_submitted(ids=None) -> int:
    qs = Complaint.objects.exclude(status=Status.SUBMITTED)
    return (qs.filter(pk__in=ids) if ids is not None else qs).count()


def burst_submit(actor, w, n: int, threads: int, answers: list) -> list[threading.Thread]:
    """Start ``threads`` threads that submit ``n`` complaints between them through the intake service
    (``complaint_submit``: validation, territory, the row and its event committed, routing queued on
    commit — what the API view calls), each with its own database connection, closed when done."""
    lat, lng = w.territory.inside
    lock = threading.Lock()

    def run(start: int) -> None:
        from grievance.services.intake import complaint_submit

        try:
            for i in range(start, n, threads):
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
                try:
                    answer = (201, complaint_submit(actor=actor, data=data).pk)
                except Exception as error:  # counted: the assertion shows what failed
                    answer = (type(error).__name__, None)
                with lock:
                    answers.append(answer)
        finally:
            connections.close_all()

    started = [threading.Thread(target=run, args=(k,), daemon=True) for k in range(threads)]
    for thread in started:
        thread.start()
    return started


def test_worker_killed_mid_burst_and_restarted_loses_nothing(
    lifecycle_world, celery_worker_process, record_property
):
    w = lifecycle_world
    answers: list = []
    started = time.monotonic()
    threads = burst_submit(w.operator, w, COMPLAINTS, CLIENT_THREADS, answers)
    wait_until(
        lambda: len(answers) >= KILL_AFTER_SUBMITTED and _not_submitted() >= KILL_AFTER_ROUTED,
        timeout=PATIENCE,
        message="the burst and the worker to get going",
    )
    celery_worker_process.kill()
    routed_at_kill = _not_submitted()
    submitted_at_kill = len(answers)
    held_by_the_dead = set(broker_client().hkeys("unacked"))
    for thread in threads:  # the API keeps accepting while no worker runs
        thread.join(timeout=PATIENCE)
    intake_seconds = round(time.monotonic() - started, 1)
    assert Counter(status for status, _ in answers) == {201: COMPLAINTS}
    ids = [pk for _, pk in answers]
    submitted_after_kill = Complaint.objects.filter(pk__in=ids, status=Status.SUBMITTED).count()
    assert submitted_after_kill > 0  # the kill did land mid-run

    celery_worker_process.start()
    client = broker_client()

    def restarted_worker_idle() -> bool:  # its own queue done; only the dead worker's messages left
        return redis_queue_length(client) == 0 and set(client.hkeys("unacked")) <= held_by_the_dead

    wait_until(restarted_worker_idle, timeout=PATIENCE, message="the restarted worker to empty the queue")
    stuck = Complaint.objects.filter(pk__in=ids, status=Status.SUBMITTED).count()
    requeued = complaints_requeue_stuck(now=timezone.now() + timedelta(minutes=3), limit=COMPLAINTS)
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
    events_requeued = events_requeue_unprocessed(now=timezone.now() + timedelta(minutes=3), limit=COMPLAINTS)
    wait_until(
        lambda: not dispatches.filter(processed__isnull=True).exists(),
        timeout=60,
        message="every dispatch event to be processed",
    )
    wait_until(restarted_worker_idle, timeout=60, message="the re-queued event tasks to finish")

    report = routing_report(ids)
    notified = Notification.objects.filter(event__in=dispatches, kind="dispatch").values("event").distinct()
    report.update(
        submitted_at_kill=submitted_at_kill,
        routed_at_kill=routed_at_kill,
        submitted_after_kill=submitted_after_kill,
        tasks_held_by_dead_worker=len(held_by_the_dead),
        stuck_after_restart=stuck,
        requeued_by_sweeper=requeued,
        events_unprocessed_after_restart=unprocessed_after_restart,
        events_requeued_by_sweeper=events_requeued,
        dispatch_events_without_notification=dispatches.count() - notified.count(),
        intake_seconds=intake_seconds,
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
