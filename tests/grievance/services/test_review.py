from datetime import timedelta

import pytest

from accounts.models import Role
from grievance.models import Notification, Status
from grievance.selectors.review import complaint_return_visit_queue, complaint_verification_queue
from grievance.services.pipeline import complaint_event_process
from grievance.services.review import complaint_schedule_return_visit, complaint_schedule_review
from grievance.services.transitions import complaint_transition
from tests.grievance.factories import GridCellFactory, UserFactory

from .conftest import T0, complaint_dispatched, last_event

LATER = T0 + timedelta(days=2)


def _handled(world, **fields):
    complaint = complaint_dispatched(world, **fields)
    complaint_transition(complaint_id=complaint.pk, action="sign", actor=world.handler, now=T0)
    return complaint_transition(
        complaint_id=complaint.pk,
        action="submit_result",
        actor=world.handler,
        params={"result": "已清理"},
        now=LATER,
    )


def _recipients(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


@pytest.mark.django_db
def test_location_bound_result_is_verified_by_the_grid_workers(world, queued):
    grid = GridCellFactory()
    worker = UserFactory(username="grid-worker", role=Role.GRID_WORKER)
    grid.workers.add(worker)
    complaint = _handled(world, grid=grid)

    for _ in range(2):  # replayed: still one request per worker
        complaint_event_process(event_id=last_event(complaint, "submit_result").pk)
    assert _recipients("verify_task") == ["grid-worker"]
    assert _recipients("verify_task_centre") == []
    assert list(complaint_verification_queue(user=worker)) == [complaint]
    assert list(complaint_verification_queue(user=world.dispatcher)) == []


@pytest.mark.django_db
def test_result_without_grid_is_verified_by_the_centre(world, queued):
    complaint = _handled(world)
    assert complaint_schedule_review(complaint_id=complaint.pk) == "centre"
    assert _recipients("verify_task_centre") == ["dispatcher"]
    assert list(complaint_verification_queue(user=world.dispatcher)) == [complaint]
    assert list(complaint_verification_queue(user=world.handler)) == []


@pytest.mark.django_db
def test_passed_verification_queues_the_return_visit(world, queued):
    complaint = _handled(world)
    complaint_transition(
        complaint_id=complaint.pk, action="verify", actor=world.dispatcher, params={"passed": True}, now=LATER
    )
    complaint_event_process(event_id=last_event(complaint, "verify").pk)
    assert _recipients("return_visit_due") == ["dispatcher", "operator"]
    assert list(complaint_return_visit_queue(user=world.operator)) == [complaint]
    assert list(complaint_return_visit_queue(user=world.handler)) == []
    assert _recipients("verify_failed") == []


@pytest.mark.django_db
def test_failed_verification_goes_back_to_the_unit(world, queued):
    complaint = _handled(world)
    back = complaint_transition(
        complaint_id=complaint.pk,
        action="verify",
        actor=world.dispatcher,
        params={"passed": False, "note": "现场仍有垃圾"},
        now=LATER,
    )
    assert back.status == Status.IN_PROGRESS
    complaint_event_process(event_id=last_event(complaint, "verify").pk)
    assert _recipients("verify_failed") == ["cg-handler"]
    assert _recipients("return_visit_due") == []
    assert complaint_schedule_return_visit(complaint_id=complaint.pk) is False


@pytest.mark.django_db
def test_review_of_a_complaint_no_longer_handled_does_nothing(world, queued):
    complaint = complaint_dispatched(world)
    assert complaint_schedule_review(complaint_id=complaint.pk) is None
    assert complaint_schedule_review(complaint_id=10**9) is None
    assert not Notification.objects.exists()
