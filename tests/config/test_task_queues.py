"""Task queues: what a citizen or a deadline waits on is routed to "urgent", which every worker takes
first; the follow-ups of committed events stay on the default queue."""

import pytest
from django.conf import settings

from common.queue import queue_names
from config.celery import app

URGENT = [
    "grievance.complaint_route",
    "grievance.complaint_check_deadlines",
    "grievance.complaint_check_deadlines_chunk",
    "grievance.complaint_check_deadline_task",
]
FOLLOW_UPS = [
    "grievance.complaint_event_committed",
    "grievance.notification_send",
    "grievance.complaint_sweep_stuck",
]


def _queue_of(task_name: str) -> str:
    app.loader.import_default_modules()
    assert task_name in app.tasks, f"no task named {task_name}"
    return app.amqp.router.route({}, task_name)["queue"].name


@pytest.mark.parametrize("task_name", URGENT)
def test_routing_and_deadline_checks_go_to_the_urgent_queue(task_name):
    assert _queue_of(task_name) == "urgent"


@pytest.mark.parametrize("task_name", FOLLOW_UPS)
def test_event_follow_ups_stay_on_the_default_queue(task_name):
    assert _queue_of(task_name) == "celery"


def test_workers_consume_both_queues_urgent_first():
    assert queue_names() == ["urgent", "celery"]
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1  # no batch of follow-ups reserved ahead
