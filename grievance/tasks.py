"""Celery tasks of the complaint pipeline: thin — take ids, call one service, idempotent.

(Skeleton: bodies are filled in by the pipeline work.)
"""

from celery import shared_task


@shared_task(name="grievance.complaint_route", acks_late=True)
def complaint_route(complaint_id: int) -> None:
    from grievance.services.routing import complaint_route as route

    route(complaint_id=complaint_id)


@shared_task(name="grievance.complaint_event_committed", acks_late=True)
def complaint_event_committed(event_id: int, notifies: bool = True) -> None:
    """Side effects of a committed event (notifications, review scheduling, statistics)."""
