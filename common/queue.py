"""Queueing tasks without ever failing the caller.

The database is the source of truth (outbox rule): a task that cannot be queued because the broker is
down is found again by a sweeper. So enqueueing logs and swallows broker errors instead of turning a
committed request into an error.
"""

import logging

logger = logging.getLogger(__name__)


def enqueue(task, *args, options: dict | None = None, **kwargs) -> bool:
    """``task.apply_async(args, kwargs, **options)`` (e.g. ``options={"eta": when}``); False (and a
    warning) when the broker is unreachable."""
    try:
        task.apply_async(args=args, kwargs=kwargs, **(options or {}))
    except Exception as exc:  # broker down, connection reset, serialisation of ids cannot fail
        logger.warning(
            "could not queue %s%r: %s (the sweeper will retry)", task.name, args, exc.__class__.__name__
        )
        return False
    return True


def queue_names() -> list[str]:
    """The broker queues every worker consumes (``CELERY_TASK_QUEUES``: "urgent" first, then "celery")."""
    from django.conf import settings

    return [queue.name for queue in settings.CELERY_TASK_QUEUES]


def redis_queue_length(client) -> int:
    """Messages waiting in all the queues of a Redis broker (``client``: a redis-py client)."""
    return sum(int(client.llen(name)) for name in queue_names())
