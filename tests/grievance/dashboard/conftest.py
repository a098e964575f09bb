"""Fixtures of the dashboard tests.

``people``: the small world of ``tests.grievance.actors`` (a district with one street, two communities
and their grid cells, the centre, departments A and B, one user per role). Tasks are never queued:
``pipeline`` records what would be queued and runs the event follow-up (``complaint_event_process``,
which refreshes the rollups) in process, as a worker would.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from grievance import tasks
from grievance.models import Complaint, ComplaintEvent
from grievance.services.pipeline import complaint_event_process
from grievance.services.rollups import complaint_rollup_refresh
from grievance.services.transitions import complaint_transition
from tests.grievance.actors import actors

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 20, 10, 0, tzinfo=TZ)  # a Friday


def refresh_all() -> None:
    """What the pipeline would have done for complaints built by hand (no events passed through it)."""
    for pk in Complaint.objects.values_list("pk", flat=True):
        complaint_rollup_refresh(complaint_id=pk)


@pytest.fixture
def people(db):
    return actors()


class Pipeline:
    """Runs transitions and then the follow-up of each committed event, like the worker."""

    def __init__(self, capture, recorded: list):
        self.capture = capture
        self.recorded = recorded
        self.processed: list[int] = []

    def transition(self, **kwargs) -> Complaint:
        with self.capture(execute=True):
            complaint = complaint_transition(**kwargs)
        self.drain()
        return complaint

    def drain(self) -> None:
        while self.recorded:
            name, args = self.recorded.pop(0)
            if name == "grievance.complaint_event_committed":
                complaint_event_process(event_id=args[0], notifies=args[1])
                self.processed.append(args[0])

    def replay(self, event_id: int) -> None:
        complaint_event_process(event_id=event_id)

    def events(self) -> list[int]:
        return list(ComplaintEvent.objects.order_by("pk").values_list("pk", flat=True))


@pytest.fixture
def pipeline(monkeypatch, django_capture_on_commit_callbacks) -> Pipeline:
    recorded: list = []
    for name in dir(tasks):
        task = getattr(tasks, name)
        if hasattr(task, "apply_async") and getattr(task, "name", "").startswith("grievance."):

            def record(args=None, kwargs=None, _name=task.name, **options):
                recorded.append((_name, tuple(args or ())))

            monkeypatch.setattr(task, "apply_async", record)
    return Pipeline(django_capture_on_commit_callbacks, recorded)
