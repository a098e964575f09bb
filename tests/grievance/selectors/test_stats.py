"""The statistics overview on small hand-built data: each count and rate, empty denominators → None."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.exceptions import ApplicationError
from grievance.models import Assignment, AssignmentRole, ComplaintEvent, Status
from grievance.selectors.stats import OVERVIEW_KEYS, stats_overview
from grievance.services.transitions import complaint_transition
from tests.grievance.actors import actors, complaint_new

S = Status
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 20, 10, 0, tzinfo=TZ)
DAY = timedelta(days=1)
RATES = [k for k in OVERVIEW_KEYS if k.endswith("_rate")]


@pytest.fixture
def people(db):
    return actors()


def make(people, *, lead=None, events=(), received_at=NOW - 5 * DAY, **fields):
    """A complaint with the given fields; ``lead``: a lead assignment to that unit (active unless
    ``lead_active=False``); ``events``: (action, payload) rows, as the transitions would have written."""
    active = fields.pop("lead_active", True)
    complaint = complaint_new(people, received_at=received_at, **fields)
    if lead is not None:
        Assignment.objects.create(complaint=complaint, unit=lead, role=AssignmentRole.LEAD, active=active)
    for action, payload in events:
        ComplaintEvent.objects.create(complaint=complaint, at=received_at, action=action, payload=payload)
    return complaint


def overview(**kwargs) -> dict:
    return stats_overview(now=NOW, **kwargs)


@pytest.mark.django_db
def test_no_complaints_gives_zeros_and_null_rates():
    result = overview()
    assert list(result) == list(OVERVIEW_KEYS)
    assert all(result[k] == 0 for k in OVERVIEW_KEYS if k not in RATES)
    assert all(result[k] is None for k in RATES)


@pytest.mark.django_db
def test_counts_by_current_status_and_overdue(people):
    unit = people.community
    make(people)  # submitted, never dispatched
    make(people, lead=unit, status=S.DISPATCHED, handle_deadline=NOW - DAY)  # overdue
    make(people, lead=unit, status=S.IN_PROGRESS, handle_deadline=NOW + DAY)
    make(people, lead=unit, status=S.IN_PROGRESS, handle_deadline=NOW - DAY)  # overdue
    make(people, lead=unit, status=S.HANDLED, handle_deadline=NOW - DAY)  # handled: clock stopped
    make(people, lead=unit, status=S.REVIEWING)
    make(people, lead=unit, status=S.CLOSED)
    make(people, status=S.ANSWERED)
    result = overview()
    assert {k: result[k] for k in OVERVIEW_KEYS if k not in RATES} == {
        "received": 8,
        "dispatched": 6,
        "in_progress": 2,
        "handled": 2,
        "closed": 1,
        "overdue": 2,
    }


@pytest.mark.django_db
def test_response_rate_counts_sign_offs_within_the_sign_deadline(people):
    unit = people.community
    deadline = NOW - 3 * DAY
    make(people, lead=unit, status=S.IN_PROGRESS, sign_deadline=deadline, signed_at=deadline - DAY)
    make(people, lead=unit, status=S.IN_PROGRESS, sign_deadline=deadline, signed_at=deadline)  # at the limit
    make(people, lead=unit, status=S.IN_PROGRESS, sign_deadline=deadline, signed_at=deadline + DAY)  # late
    make(people, lead=unit, status=S.DISPATCHED, sign_deadline=deadline)  # never signed
    make(people, status=S.SUBMITTED, signed_at=deadline)  # not dispatched: not counted at all
    assert overview()["response_rate"] == pytest.approx(2 / 4)


@pytest.mark.django_db
def test_resolution_and_satisfaction_rates_over_evaluated_items(people, settings):
    make(people, status=S.CLOSED, resolved=True, satisfaction="satisfied")
    make(people, status=S.CLOSED, resolved=True, satisfaction="basically_satisfied")
    make(people, status=S.REVIEWING, resolved=False, satisfaction="unsatisfied")
    make(people, status=S.REVIEWING, resolved=False)  # resolution recorded, satisfaction not
    make(people, status=S.HANDLED)  # not evaluated
    result = overview()
    assert result["resolution_rate"] == pytest.approx(2 / 4)
    assert result["satisfaction_rate"] == pytest.approx(2 / 3)
    settings.GRIEVANCE = {**settings.GRIEVANCE, "SATISFACTION_INCLUDES_BASIC": False}
    assert overview()["satisfaction_rate"] == pytest.approx(1 / 3)


@pytest.mark.django_db
def test_evaluation_rates_are_null_when_nothing_is_evaluated(people):
    make(people, lead=people.community, status=S.HANDLED)
    result = overview()
    assert result["resolution_rate"] is None and result["satisfaction_rate"] is None
    assert result["return_rate"] == 0.0 and result["rework_rate"] is None


@pytest.mark.django_db
def test_on_time_rate_over_what_is_due(people):
    past, future = NOW - DAY, NOW + 2 * DAY
    make(people, status=S.CLOSED, handle_deadline=past, handled_at=past - DAY, closed_at=NOW)  # on time
    make(people, status=S.REVIEWING, handle_deadline=past, handled_at=past + timedelta(hours=1))  # late
    make(people, status=S.IN_PROGRESS, handle_deadline=past)  # due, not finished: late
    make(people, status=S.CLOSED, handle_deadline=future, closed_at=NOW - DAY)  # finished early: on time
    make(people, status=S.IN_PROGRESS, handle_deadline=future)  # not due yet
    make(people, status=S.DUPLICATE, handle_deadline=past, closed_at=past)  # merged: never due
    make(people, status=S.CLOSED)  # no clock ever ran: never due
    assert overview()["on_time_rate"] == pytest.approx(2 / 4)


@pytest.mark.django_db
def test_on_time_rate_takes_the_complaints_due_in_the_window(people):
    make(people, status=S.CLOSED, handle_deadline=NOW - 10 * DAY, handled_at=NOW - 11 * DAY)
    make(people, status=S.IN_PROGRESS, handle_deadline=NOW - 2 * DAY)
    window = {"date_from": (NOW - 3 * DAY).date(), "date_to": NOW.date()}
    assert overview(**window)["on_time_rate"] == 0.0  # only the late one falls due in the window
    assert overview(date_to=(NOW - 9 * DAY).date())["on_time_rate"] == 1.0


@pytest.mark.django_db
def test_return_and_rework_rates(people):
    unit = people.community
    make(
        people,
        lead=unit,
        events=[("return", {"unit": unit.code})],
        lead_active=False,
        status=S.PENDING_DISPATCH,
    )
    make(
        people,
        lead=unit,
        status=S.IN_PROGRESS,
        events=[("submit_result", {}), ("reopen", {})],
        reopen_count=1,
    )
    make(people, lead=unit, status=S.CLOSED, events=[("submit_result", {})])
    make(people, lead=unit, status=S.DISPATCHED)
    make(people, status=S.CLOSED, events=[("resolve_on_spot", {})])  # handled on the spot, never dispatched
    result = overview()
    assert result["dispatched"] == 4
    assert result["return_rate"] == pytest.approx(1 / 4)
    assert result["rework_rate"] == pytest.approx(1 / 3)


@pytest.mark.django_db
def test_window_street_and_unit_narrow_the_complaints(people):
    t = people.territory
    a, community = people.dept_a, people.community
    make(people, lead=community, received_at=NOW - 40 * DAY)  # outside the window
    make(people, lead=community, received_at=NOW - 2 * DAY)
    # Returned by A (inactive lead assignment) and re-dispatched to the community: counts for both.
    make(
        people,
        lead=a,
        lead_active=False,
        received_at=NOW - DAY,
        events=[("return", {"unit": a.code})],
    )
    returned = make(people, lead=community, received_at=NOW - DAY, street=None)
    Assignment.objects.create(complaint=returned, unit=a, role=AssignmentRole.LEAD, active=False)
    ComplaintEvent.objects.create(complaint=returned, at=NOW - DAY, action="return", payload={"unit": a.code})

    window = {"date_from": (NOW - 7 * DAY).date(), "date_to": NOW.date()}
    assert overview(**window)["received"] == 3
    assert overview(**window, street=t.street.code)["received"] == 2
    assert overview(**window, street=people.street.code)["received"] == 2  # the street office's code
    by_a = overview(**window, unit=a.code)
    assert (by_a["received"], by_a["dispatched"], by_a["return_rate"]) == (2, 2, 1.0)
    by_community = overview(**window, unit=community.code)
    assert (by_community["received"], by_community["return_rate"]) == (2, 0.0)  # A's returns are A's
    assert overview(date_from=NOW - 2 * DAY - timedelta(minutes=1), date_to=NOW)["received"] == 3


@pytest.mark.django_db
def test_a_handful_of_queries_whatever_the_volume(people):
    for i in range(30):
        make(
            people,
            lead=people.community,
            status=S.CLOSED,
            resolved=bool(i % 2),
            events=[("submit_result", {})],
        )
    with CaptureQueriesContext(connection) as queries:
        result = overview(unit=people.community.code, street=people.territory.street.code)
    assert result["received"] == 30 and result["resolution_rate"] == 0.5
    assert len(queries) <= 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"street": "440310999000"}, "street"),
        ({"unit": "NO-SUCH-UNIT"}, "unit"),
        ({"date_from": "yesterday"}, "from"),
        ({"date_from": "2026-03-10", "date_to": "2026-03-01"}, "to"),
    ],
)
def test_bad_scope_is_a_field_error(people, kwargs, field):
    with pytest.raises(ApplicationError) as caught:
        overview(**kwargs)
    assert caught.value.status == 400 and field in caught.value.errors


@pytest.mark.django_db
def test_a_complaint_taken_through_the_workflow_scores_full_marks(people):
    complaint = complaint_new(people, received_at=NOW - DAY)
    start = NOW - DAY + timedelta(minutes=5)

    def act(action, actor, minutes, **params):
        complaint_transition(
            complaint_id=complaint.pk,
            action=action,
            actor=actor,
            params=params,
            now=start + timedelta(minutes=minutes),
        )

    act("dispatch", None, 0, unit=people.community.code)
    act("sign", people.lead, 10)
    act("submit_result", people.lead, 60, result="已修复")
    act("verify", people.grid_worker, 90, passed=True)
    act("return_visit", people.operator, 120, resolved=True, satisfaction="satisfied")
    result = overview(date_from=(NOW - 2 * DAY).date(), date_to=NOW.date())
    assert (result["received"], result["dispatched"], result["closed"]) == (1, 1, 1)
    assert {k: result[k] for k in RATES} == {
        "response_rate": 1.0,
        "resolution_rate": 1.0,
        "satisfaction_rate": 1.0,
        "on_time_rate": 1.0,
        "return_rate": 0.0,
        "rework_rate": 0.0,
    }
