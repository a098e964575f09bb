"""The Celery tasks of the pipeline, called as functions (no worker: the integration suite has one)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from config.celery import app
from grievance import tasks
from grievance.models import Complaint, Notification, Urgency
from grievance.notification_backends import NotificationTransientError
from tests.grievance.services.conftest import complaint_dispatched, last_event, world_build


@pytest.fixture
def queued(monkeypatch) -> list[tuple[str, tuple, dict]]:
    calls: list[tuple[str, tuple, dict]] = []
    for task in (tasks.complaint_check_deadline_task, tasks.notification_send, tasks.complaint_route):

        def record(args=None, kwargs=None, _name=task.name, **options):
            calls.append((_name, tuple(args or ()), options))

        monkeypatch.setattr(task, "apply_async", record)
    return calls


def test_beat_runs_both_sweeps_every_minute():
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["grievance.complaint_check_deadlines"] == 60
    assert schedule["grievance.complaint_sweep_stuck"] == 60
    app.loader.import_default_modules()
    for name in (
        "grievance.complaint_check_deadlines",
        "grievance.complaint_sweep_stuck",
        "grievance.complaint_check_deadline_task",
        "grievance.notification_send",
        "grievance.complaint_event_committed",
        "grievance.complaint_route",
    ):
        assert name in app.tasks
    assert not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)


def test_notification_send_retries_transient_errors_with_backoff():
    task = tasks.notification_send
    assert task.autoretry_for == (NotificationTransientError,)
    assert task.retry_backoff and task.retry_jitter
    assert task.acks_late


@pytest.mark.django_db
def test_event_committed_notifies_and_schedules_the_next_check(queued):
    world = world_build()
    now = timezone.now()
    complaint = complaint_dispatched(world, now=now, urgency=Urgency.URGENT)
    assert complaint.next_check_at == complaint.sign_deadline  # 30 natural minutes: within the horizon
    event = last_event(complaint, "dispatch")

    tasks.complaint_event_committed(event.pk, True)
    tasks.complaint_event_committed(event.pk, True)  # replayed

    assert Notification.objects.filter(event=event).count() == 1
    etas = [opts["eta"] for name, _args, opts in queued if name == "grievance.complaint_check_deadline_task"]
    assert etas == [complaint.next_check_at, complaint.next_check_at]


@pytest.mark.django_db
def test_event_committed_without_notifies_sends_nothing(queued):
    world = world_build()
    complaint = complaint_dispatched(world, now=timezone.now())
    tasks.complaint_event_committed(last_event(complaint, "dispatch").pk, False)
    assert not Notification.objects.exists()
    assert queued == []  # a normal clock: its next check is a day away, the sweep's job
    tasks.complaint_event_committed(10**9, True)  # a vanished event is ignored


@pytest.mark.django_db
def test_deadline_tasks_apply_due_rungs():
    world = world_build()
    past = timezone.now() - timedelta(days=60)
    complaint = complaint_dispatched(world, now=past)
    assert tasks.complaint_check_deadline_task(complaint.pk)[:2] == ["sign_overdue", "warn"]
    other = complaint_dispatched(world, now=past)
    assert tasks.complaint_check_deadlines() == 1
    assert Complaint.objects.get(pk=other.pk).supervision_level == 5
    assert tasks.complaint_check_deadlines() == 0


@pytest.mark.django_db
def test_sweep_stuck_task_reports_counts(queued):
    assert tasks.complaint_sweep_stuck() == {"complaints": 0, "events": 0, "notifications": 0}
