"""Celery tasks of the complaint pipeline: thin — take ids, call one service, idempotent.

A lost, duplicated or replayed task changes nothing but timing (ARCHITECTURE.md §6): the database is
the outbox, the beat sweeps (``complaint_check_deadlines``, ``complaint_sweep_stuck``, every minute)
find whatever a lost task did not do, and every service below is idempotent.
"""

from celery import shared_task

from grievance.notification_backends import NotificationTransientError


@shared_task(name="grievance.complaint_route", acks_late=True)
def complaint_route(complaint_id: int) -> None:
    from grievance.services.routing import complaint_route as route

    route(complaint_id=complaint_id)


@shared_task(name="grievance.complaint_event_committed", acks_late=True)
def complaint_event_committed(event_id: int, notifies: bool = True) -> None:
    """Side effects of a committed event (notifications, review scheduling, next deadline check)."""
    from grievance.services.pipeline import complaint_event_process

    complaint_event_process(event_id=event_id, notifies=notifies)


@shared_task(name="grievance.complaint_check_deadlines", acks_late=True)
def complaint_check_deadlines() -> int:
    """Beat, every minute: apply due warnings and supervision rungs to every complaint that is due
    (a few in the tick itself, many through ``complaint_check_deadlines_chunk``)."""
    from grievance.services.supervision import complaints_sweep_deadlines_tick

    return complaints_sweep_deadlines_tick()


@shared_task(name="grievance.complaint_check_deadlines_chunk", acks_late=True)
def complaint_check_deadlines_chunk(complaint_ids: list[int]) -> int:
    """Up to a hundred due complaints handed out by the deadline tick; the next tick covers it if lost."""
    from grievance.services.supervision import complaints_check_chunk

    return complaints_check_chunk(complaint_ids=complaint_ids)


@shared_task(name="grievance.complaint_check_deadline_task", acks_late=True)
def complaint_check_deadline_task(complaint_id: int) -> list[str]:
    """Queued with ``eta`` at one complaint's next check; the beat sweep covers it if lost."""
    from grievance.services.supervision import complaint_check_deadline

    return complaint_check_deadline(complaint_id=complaint_id)


@shared_task(name="grievance.complaint_sweep_stuck", acks_late=True)
def complaint_sweep_stuck() -> dict[str, int]:
    """Beat, every minute: re-queue routing of complaints stuck in ``submitted`` and unsent notifications."""
    from grievance.services.sweeper import stuck_work_requeue

    return stuck_work_requeue()


@shared_task(name="grievance.complaint_schedule_review", acks_late=True)
def complaint_schedule_review(complaint_id: int, event_id: int | None = None) -> str | None:
    """Verification request after a result (also run inline by ``complaint_event_committed``)."""
    from grievance.services.review import complaint_schedule_review as schedule

    return schedule(complaint_id=complaint_id, event_id=event_id)


@shared_task(
    name="grievance.notification_send",
    acks_late=True,
    autoretry_for=(NotificationTransientError,),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=None,  # the service stops after GRIEVANCE["NOTIFICATION_MAX_ATTEMPTS"] attempts
)
def notification_send(notification_id: int) -> str:
    from grievance.services.notifications import notification_send as send

    return send(notification_id=notification_id)


@shared_task(name="grievance.routing_model_train", acks_late=True, time_limit=3600)
def routing_model_train() -> dict:
    """Nightly: retrain the text router on all data; promote the new version only if not worse.
    A replayed run trains another version and, being no better, leaves the active one in place."""
    from grievance.routing_model.services import routing_model_train as train

    model = train(cv=5, note="nightly")
    return {"version": model.version, "active": model.is_active, "evaluation": model.evaluation}


# Dashboard tasks live in their own module; imported here so the worker registers them.
from grievance.dashboard_tasks import (  # noqa: E402, F401
    dashboard_report_generate,
    dashboard_rollups_catch_up,
    dashboard_warnings_scan,
)
