"""The beat tick of the deadline sweep: a few due complaints are checked in the tick, many are handed
to the workers in chunks; a chunk checked twice applies nothing twice."""

from datetime import timedelta

import pytest

from grievance.models import Complaint, ComplaintEvent
from grievance.services import supervision
from grievance.services.supervision import (
    FAN_OUT_CHUNK,
    SWEEP_INLINE_MAX,
    complaints_check_chunk,
    complaints_sweep_deadlines_tick,
)

from .conftest import T0, complaint_dispatched


def _due(world, count: int) -> list[int]:
    """``count`` complaints dispatched at T0 (March 2026): every rung of their ladder is due by now."""
    return [complaint_dispatched(world, now=T0 + timedelta(minutes=i)).pk for i in range(count)]


def _ladder_events() -> int:
    return ComplaintEvent.objects.filter(action__in=["warn", "supervise"]).count()


@pytest.fixture
def queued(monkeypatch):
    """The chunks the tick hands to the broker (the queue is the outside edge here)."""
    sent: list[list[int]] = []

    def fake_enqueue(task, *args, options=None, **kwargs):
        assert task.name == "grievance.complaint_check_deadlines_chunk"
        sent.append(list(args[0]))
        return True

    monkeypatch.setattr(supervision, "enqueue", fake_enqueue)
    return sent


@pytest.mark.django_db
def test_a_few_due_complaints_are_checked_in_the_tick(world, queued):
    ids = _due(world, 3)
    assert complaints_sweep_deadlines_tick() == 3
    assert queued == []
    assert set(Complaint.objects.filter(pk__in=ids).values_list("supervision_level", flat=True)) == {5}
    assert _ladder_events() == 3 * 5


@pytest.mark.django_db
def test_many_due_complaints_are_handed_out_in_chunks_and_applied_once(world, queued):
    count = SWEEP_INLINE_MAX + 1 + FAN_OUT_CHUNK  # more than the tick checks itself: two chunks
    ids = _due(world, count)
    assert complaints_sweep_deadlines_tick() == count
    assert [len(chunk) for chunk in queued] == [FAN_OUT_CHUNK, count - FAN_OUT_CHUNK]
    assert sorted(pk for chunk in queued for pk in chunk) == sorted(ids)
    assert _ladder_events() == 0  # the tick itself changed nothing

    for chunk in queued:
        assert complaints_check_chunk(complaint_ids=chunk) == len(chunk)
    assert _ladder_events() == count * 5
    for chunk in queued:  # a redelivered chunk
        complaints_check_chunk(complaint_ids=chunk)
    assert _ladder_events() == count * 5
    assert not Complaint.objects.filter(pk__in=ids, next_check_at__isnull=False).exists()
