"""Complaint clocks against the real 2026 calendar (National Day) and into 2027 (not yet announced)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from grids.models import UnitKind
from grids.services.calendar import calendar_seed_from_package
from grievance.models import Complaint
from grievance.services.transitions import complaint_transition
from tests.grievance.factories import ComplaintFactory, MatterFactory, UnitFactory

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar_2026():
    calendar_seed_from_package(years=[2026])


@pytest.fixture
def department():
    return UnitFactory(code="PS-CG", name="城市管理局", kind=UnitKind.DEPARTMENT)


def _dispatched(department, at: datetime, *, kind="complaint", urgency="normal", **rule) -> Complaint:
    matter = MatterFactory.leaf(unit=department, **rule)
    complaint = ComplaintFactory(
        matter=matter, matter_rule=matter.rules.get(), kind=kind, urgency=urgency, received_at=at
    )
    return complaint_transition(
        complaint_id=complaint.pk, action="dispatch", params={"unit": "PS-CG"}, now=at
    )


def test_five_working_days_across_national_day_2026(calendar_2026, department):
    # 10-01..10-07 are holidays; Saturday 10-10 is a make-up working day.
    complaint = _dispatched(
        department,
        datetime(2026, 9, 29, 10, 0, tzinfo=SH),
        handle_limit_amount=5,
        handle_limit_unit="working_day",
    )
    assert complaint.handle_deadline == datetime(2026, 10, 12, 18, 0, tzinfo=SH)
    assert complaint.sign_deadline == datetime(2026, 9, 30, 18, 0, tzinfo=SH)
    assert complaint.deadline_estimated is False
    assert complaint.next_check_at is not None


def test_kind_limit_for_a_consultation(calendar_2026, department):
    complaint = _dispatched(
        department,
        datetime(2026, 9, 30, 9, 0, tzinfo=SH),
        kind="consult",
        kind_limits={"consult": [2, "working_day"]},
    )
    # 10-01..10-07 off → 10-08 (1), 10-09 (2).
    assert complaint.handle_deadline == datetime(2026, 10, 9, 18, 0, tzinfo=SH)


def test_urgent_complaint_counts_natural_hours_through_the_holiday(calendar_2026, department):
    complaint = _dispatched(
        department,
        datetime(2026, 10, 2, 9, 0, tzinfo=SH),
        urgency="urgent",
        urgent_handle_limit_amount=24,
        urgent_handle_limit_unit="natural_hour",
    )
    assert complaint.handle_deadline == datetime(2026, 10, 3, 9, 0, tzinfo=SH)
    assert complaint.sign_deadline == datetime(2026, 10, 2, 9, 30, tzinfo=SH)


def test_working_hours_across_the_night_and_the_sign_off_never_after_the_deadline(calendar_2026, department):
    # Received at 01:20 on Thursday 2026-11-26: the clock starts at 08:30; 08:30–12:00 and 14:00–18:00 give
    # 7.5 working hours, the eighth ends at 09:00 on Friday. Signing within 1 working day would end on
    # Friday 18:00 — later than the work itself is due, so sign-off is due with it.
    complaint = _dispatched(
        department,
        datetime(2026, 11, 26, 1, 20, tzinfo=SH),
        handle_limit_amount=8,
        handle_limit_unit="working_hour",
    )
    assert complaint.handle_deadline == datetime(2026, 11, 27, 9, 0, tzinfo=SH)
    assert complaint.sign_deadline == complaint.handle_deadline


def test_deadline_in_2027_is_estimated(calendar_2026, department):
    complaint = _dispatched(
        department,
        datetime(2026, 12, 20, 10, 0, tzinfo=SH),
        handle_limit_amount=15,
        handle_limit_unit="working_day",
    )
    # 2027 is not loaded: Monday–Friday fallback, so 2027-01-01 counts and the 15th day is 01-08.
    assert complaint.handle_deadline == datetime(2027, 1, 8, 18, 0, tzinfo=SH)
    assert complaint.deadline_estimated is True


def test_approved_extension_moves_the_deadline_over_the_holiday(calendar_2026, department):
    from tests.grievance.factories import UserFactory, membership

    start = datetime(2026, 9, 21, 9, 0, tzinfo=SH)
    complaint = _dispatched(department, start, handle_limit_amount=5, handle_limit_unit="working_day")
    # Mid-Autumn Festival falls on Friday 09-25: 09-22, 23, 24, 28, 29.
    assert complaint.handle_deadline == datetime(2026, 9, 29, 18, 0, tzinfo=SH)
    handler = UserFactory(role="handler")
    membership(handler, department)
    dispatcher = UserFactory(role="dispatcher")
    complaint_transition(complaint_id=complaint.pk, action="sign", actor=handler, now=start)
    complaint_transition(
        complaint_id=complaint.pk,
        action="request_extension",
        actor=handler,
        params={"days": 3, "reason": "需协调供电部门"},
        now=start,
    )
    complaint = complaint_transition(
        complaint_id=complaint.pk, action="approve_extension", actor=dispatcher, now=start
    )
    # 09-30 (1), then National Day, 10-08 (2), 10-09 (3).
    assert complaint.handle_deadline == datetime(2026, 10, 9, 18, 0, tzinfo=SH)
    assert complaint.extension_days_total == 3
