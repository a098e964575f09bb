from datetime import timedelta

import pytest

from grievance.models import Complaint, ComplaintEvent, Status
from grievance.services.deadlines import SIGN_OVERDUE_ACTION, rung_due_at
from grievance.services.supervision import (
    complaint_check_deadline,
    complaint_deadline_task_schedule,
    complaints_sweep_deadlines,
)
from grievance.services.transitions import complaint_transition

from .conftest import T0, actions_of, complaint_dispatched

MINUTE = timedelta(minutes=1)


def _signed(world, **fields) -> Complaint:
    complaint = complaint_dispatched(world, **fields)
    return complaint_transition(
        complaint_id=complaint.pk, action="sign", actor=world.handler, now=T0 + timedelta(hours=1)
    )


def _supervision_events(complaint: Complaint) -> list[tuple[str, int | None]]:
    return [
        (e.action, e.payload.get("level"))
        for e in ComplaintEvent.objects.filter(
            complaint=complaint, action__in=["warn", "supervise"]
        ).order_by("at", "pk")
    ]


@pytest.mark.django_db
def test_ladder_climbs_each_rung_exactly_once(world):
    complaint = _signed(world)
    assert complaint.handle_deadline.date().isoformat() == "2026-03-23"  # 15 working days, start not counted
    warn_at = rung_due_at(complaint=complaint, level=1)
    span = complaint.handle_deadline - complaint.clock_started_at
    assert warn_at == complaint.clock_started_at + span * 0.75
    assert complaint.next_check_at == warn_at

    assert complaints_sweep_deadlines(now=warn_at - MINUTE) == 0
    assert _supervision_events(complaint) == []

    expected = [("warn", 1)]
    for now, level in [
        (warn_at, 1),
        (complaint.handle_deadline, 2),
        (rung_due_at(complaint=complaint, level=3), 3),
        (rung_due_at(complaint=complaint, level=4), 4),
        (rung_due_at(complaint=complaint, level=5), 5),
    ]:
        for _ in range(2):  # the sweep runs twice: nothing happens twice
            complaints_sweep_deadlines(now=now)
        if level > 1:
            expected.append(("supervise", level))
        assert _supervision_events(complaint) == expected
        complaint.refresh_from_db()
        assert complaint.supervision_level == level
        assert complaint.status == Status.IN_PROGRESS

    assert complaint.next_check_at is None  # the top rung: nothing more to look at
    assert complaints_sweep_deadlines(now=T0 + timedelta(days=60)) == 0


@pytest.mark.django_db
def test_rung_three_falls_on_the_next_working_day(world):
    complaint = _signed(world)
    deadline = complaint.handle_deadline  # Monday 23 March 2026, end of office hours
    rung3 = rung_due_at(complaint=complaint, level=3)
    assert rung3.date().isoformat() == "2026-03-24"
    complaint_check_deadline(complaint_id=complaint.pk, now=deadline)
    assert complaint_check_deadline(complaint_id=complaint.pk, now=rung3 - MINUTE) == []
    assert complaint_check_deadline(complaint_id=complaint.pk, now=rung3) == ["supervise:3"]


@pytest.mark.django_db
def test_a_late_check_applies_every_crossed_rung_in_order(world):
    complaint = _signed(world)
    late = rung_due_at(complaint=complaint, level=5) + timedelta(days=1)
    applied = complaint_check_deadline(complaint_id=complaint.pk, now=late)
    assert applied == ["warn", "supervise:2", "supervise:3", "supervise:4", "supervise:5"]
    assert complaint_check_deadline(complaint_id=complaint.pk, now=late) == []
    assert [level for _a, level in _supervision_events(complaint)] == [1, 2, 3, 4, 5]


@pytest.mark.django_db
def test_sign_reminder_once_then_the_next_check_moves_on(world):
    complaint = complaint_dispatched(world)
    assert complaint.next_check_at == complaint.sign_deadline  # the sign-off clock comes first
    assert complaint.sign_deadline.date().isoformat() == "2026-03-03"

    assert complaint_check_deadline(complaint_id=complaint.pk, now=complaint.sign_deadline) == [
        SIGN_OVERDUE_ACTION
    ]
    complaints_sweep_deadlines(now=complaint.sign_deadline + MINUTE)
    assert actions_of(complaint).count(SIGN_OVERDUE_ACTION) == 1
    complaint.refresh_from_db()
    assert complaint.status == Status.DISPATCHED
    assert complaint.supervision_level == 0
    assert complaint.next_check_at == rung_due_at(complaint=complaint, level=1)

    # A re-dispatch starts a new clock, and with it a new reminder.
    redispatched = complaint_transition(
        complaint_id=complaint.pk,
        action="dispatch",
        params={"unit": world.co.code},
        now=T0 + timedelta(days=2),
    )
    assert redispatched.next_check_at == redispatched.sign_deadline
    complaint_check_deadline(complaint_id=complaint.pk, now=redispatched.sign_deadline)
    assert actions_of(complaint).count(SIGN_OVERDUE_ACTION) == 2


@pytest.mark.django_db
def test_approved_extension_moves_the_next_checks(world):
    complaint = _signed(world)
    old_deadline = complaint.handle_deadline
    warn_at = rung_due_at(complaint=complaint, level=1)
    complaints_sweep_deadlines(now=warn_at)
    complaint.refresh_from_db()
    assert complaint.supervision_level == 1

    complaint_transition(
        complaint_id=complaint.pk,
        action="request_extension",
        actor=world.handler,
        params={"days": 5, "reason": "需协调产权单位"},
        now=warn_at + MINUTE,
    )
    complaint = complaint_transition(
        complaint_id=complaint.pk,
        action="approve_extension",
        actor=world.dispatcher,
        now=warn_at + 2 * MINUTE,
    )
    assert complaint.handle_deadline.date().isoformat() == "2026-03-30"  # five working days later
    assert complaint.supervision_level == 0
    new_warn = rung_due_at(complaint=complaint, level=1)
    assert new_warn > warn_at
    assert complaint.next_check_at == new_warn

    # The old deadline passes without any rung; the new one brings them.
    complaints_sweep_deadlines(now=old_deadline)
    complaint.refresh_from_db()
    assert complaint.supervision_level == 1  # the warning of the extended clock, no 催办
    assert [level for _a, level in _supervision_events(complaint)] == [1, 1]
    complaints_sweep_deadlines(now=complaint.handle_deadline)
    complaint.refresh_from_db()
    assert complaint.supervision_level == 2


@pytest.mark.django_db
def test_sweep_selects_only_due_rows(world, django_assert_max_num_queries):
    due = _signed(world)
    not_due = _signed(world)
    unscheduled = complaint_dispatched(world)
    Complaint.objects.filter(pk=not_due.pk).update(next_check_at=T0 + timedelta(days=30))
    Complaint.objects.filter(pk=unscheduled.pk).update(next_check_at=None)
    now = rung_due_at(complaint=due, level=1)

    assert complaints_sweep_deadlines(now=now) == 1
    assert actions_of(due).count("warn") == 1
    assert "warn" not in actions_of(not_due)
    assert SIGN_OVERDUE_ACTION not in actions_of(unscheduled)  # its sign deadline passed, but unselected
    # Nothing due: a single query selects nothing.
    with django_assert_max_num_queries(1):
        assert complaints_sweep_deadlines(now=now) == 0


@pytest.mark.django_db
def test_sweep_limit_and_no_clock(world):
    complaints = [_signed(world) for _ in range(3)]
    now = rung_due_at(complaint=complaints[0], level=1) + MINUTE
    assert complaints_sweep_deadlines(now=now, limit=2) == 2
    assert complaints_sweep_deadlines(now=now, limit=2) == 1
    # A stale next check on a complaint without a running clock is cleared, not re-selected.
    handled = complaint_transition(
        complaint_id=complaints[0].pk,
        action="submit_result",
        actor=world.handler,
        params={"result": "已修复"},
        now=now,
    )
    assert handled.next_check_at is None
    Complaint.objects.filter(pk=handled.pk).update(next_check_at=now)
    assert complaint_check_deadline(complaint_id=handled.pk, now=now) == []
    assert Complaint.objects.get(pk=handled.pk).next_check_at is None


@pytest.mark.django_db
def test_eta_task_queued_only_within_the_horizon(world, queued):
    complaint = complaint_dispatched(world)
    assert complaint_deadline_task_schedule(complaint_id=complaint.pk, now=T0) is None  # a day away
    assert queued == []
    eta = complaint_deadline_task_schedule(complaint_id=complaint.pk, now=complaint.next_check_at - MINUTE)
    assert eta == complaint.next_check_at
    assert queued == [("grievance.complaint_check_deadline_task", (complaint.pk,), {"eta": eta})]
