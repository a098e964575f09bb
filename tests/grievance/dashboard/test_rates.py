"""Every dashboard rate on small hand-built data, empty denominators → None, and the same numbers as
the plain recount (``stats_overview``)."""

from datetime import timedelta

import pytest

from common.exceptions import ApplicationError
from grievance.models import Assignment, AssignmentRole, ComplaintEvent, Status
from grievance.selectors.dashboard import DASHBOARD_KEYS, dashboard_overview, weighted_score
from grievance.selectors.stats import OVERVIEW_KEYS, stats_overview
from tests.grievance.actors import complaint_new
from tests.grievance.dashboard.conftest import NOW, refresh_all

S = Status
DAY = timedelta(days=1)
RATES = [k for k in OVERVIEW_KEYS if k.endswith("_rate")]


def make(people, *, lead=None, events=(), received_at=NOW - 5 * DAY, **fields):
    active = fields.pop("lead_active", True)
    complaint = complaint_new(people, received_at=received_at, **fields)
    if lead is not None:
        Assignment.objects.create(complaint=complaint, unit=lead, role=AssignmentRole.LEAD, active=active)
    for action, payload in events:
        ComplaintEvent.objects.create(complaint=complaint, at=received_at, action=action, payload=payload)
    return complaint


def overview(**kwargs) -> dict:
    """The rollup overview after a refresh, checked against the recount on the way."""
    refresh_all()
    result = dashboard_overview(now=NOW, **kwargs)
    recount = stats_overview(now=NOW, **kwargs)
    assert {k: result[k] for k in OVERVIEW_KEYS} == recount
    return result


@pytest.mark.django_db
def test_nothing_received_gives_zeros_and_null_rates():
    result = overview()
    assert list(result) == list(DASHBOARD_KEYS)
    assert all(result[k] == 0 for k in OVERVIEW_KEYS if k not in RATES)
    assert all(result[k] is None for k in [*RATES, "score"])


@pytest.mark.django_db
def test_counts_by_current_status_and_overdue(people):
    unit = people.community
    make(people)
    make(people, lead=unit, status=S.DISPATCHED, handle_deadline=NOW - DAY)  # overdue
    make(people, lead=unit, status=S.IN_PROGRESS, handle_deadline=NOW + DAY)
    make(people, lead=unit, status=S.IN_PROGRESS, handle_deadline=NOW - timedelta(minutes=1))  # overdue
    make(people, lead=unit, status=S.HANDLED, handle_deadline=NOW - DAY)  # clock stopped
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
    unit, deadline = people.community, NOW - 3 * DAY
    make(people, lead=unit, status=S.IN_PROGRESS, sign_deadline=deadline, signed_at=deadline - DAY)
    make(people, lead=unit, status=S.IN_PROGRESS, sign_deadline=deadline, signed_at=deadline)
    make(people, lead=unit, status=S.IN_PROGRESS, sign_deadline=deadline, signed_at=deadline + DAY)
    make(people, lead=unit, status=S.DISPATCHED, sign_deadline=deadline)
    make(people, status=S.SUBMITTED, signed_at=deadline)  # never dispatched: not counted
    assert overview()["response_rate"] == pytest.approx(2 / 4)


@pytest.mark.django_db
def test_resolution_and_satisfaction_rates_and_the_basic_inclusion_setting(people, settings):
    make(people, status=S.CLOSED, resolved=True, satisfaction="satisfied")
    make(people, status=S.CLOSED, resolved=True, satisfaction="basically_satisfied")
    make(people, status=S.REVIEWING, resolved=False, satisfaction="unsatisfied")
    make(people, status=S.REVIEWING, resolved=False)
    make(people, status=S.HANDLED)
    result = overview()
    assert result["resolution_rate"] == pytest.approx(2 / 4)
    assert result["satisfaction_rate"] == pytest.approx(2 / 3)
    settings.GRIEVANCE = {**settings.GRIEVANCE, "SATISFACTION_INCLUDES_BASIC": False}
    assert overview()["satisfaction_rate"] == pytest.approx(1 / 3)  # read at query time: no rebuild


@pytest.mark.django_db
def test_rates_are_null_when_nothing_is_evaluated_or_dispatched(people):
    make(people, status=S.HANDLED)
    result = overview()
    assert [result[k] for k in RATES] == [None] * len(RATES)
    assert result["score"] is None


@pytest.mark.django_db
def test_on_time_rate_over_what_is_due(people):
    past, future = NOW - DAY, NOW + 2 * DAY
    make(people, status=S.CLOSED, handle_deadline=past, handled_at=past - DAY, closed_at=NOW)  # on time
    make(people, status=S.REVIEWING, handle_deadline=past, handled_at=past + timedelta(hours=1))  # late
    make(people, status=S.IN_PROGRESS, handle_deadline=past)  # due, unfinished
    make(people, status=S.CLOSED, handle_deadline=future, closed_at=NOW - DAY)  # early
    make(people, status=S.IN_PROGRESS, handle_deadline=future)  # not due yet
    make(people, status=S.DUPLICATE, handle_deadline=past, closed_at=past)  # never due
    make(people, status=S.CLOSED)  # no clock
    assert overview()["on_time_rate"] == pytest.approx(2 / 4)


@pytest.mark.django_db
def test_deadlines_passing_today_count_only_once_past_now(people):
    earlier, later = NOW - timedelta(hours=1), NOW + timedelta(hours=1)  # both today
    make(people, status=S.IN_PROGRESS, handle_deadline=earlier)  # due (late)
    make(people, status=S.IN_PROGRESS, handle_deadline=later)  # not yet due
    make(people, status=S.CLOSED, handle_deadline=earlier, handled_at=NOW - 3 * DAY)  # finished before
    make(people, status=S.CLOSED, handle_deadline=later, handled_at=NOW - 3 * DAY)  # finished before
    today = {"date_from": NOW.date(), "date_to": NOW.date()}
    assert overview(**today)["on_time_rate"] == pytest.approx(1 / 2)
    assert overview(date_from=(NOW - 2 * DAY).date(), date_to=NOW.date())["on_time_rate"] == pytest.approx(
        1 / 2
    )
    assert overview()["on_time_rate"] == pytest.approx(2 / 3)  # finished in the (open) window: due


@pytest.mark.django_db
def test_on_time_rate_takes_the_complaints_due_in_the_window(people):
    make(people, status=S.CLOSED, handle_deadline=NOW - 10 * DAY, handled_at=NOW - 11 * DAY)
    make(people, status=S.IN_PROGRESS, handle_deadline=NOW - 2 * DAY)
    assert overview(date_from=(NOW - 3 * DAY).date(), date_to=NOW.date())["on_time_rate"] == 0.0
    assert overview(date_to=(NOW - 9 * DAY).date())["on_time_rate"] == 1.0
    assert overview(date_from=(NOW + DAY).date())["on_time_rate"] is None  # nothing due in the future


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
    make(people, status=S.CLOSED, events=[("resolve_on_spot", {})])
    result = overview()
    assert result["dispatched"] == 4
    assert result["return_rate"] == pytest.approx(1 / 4)
    assert result["rework_rate"] == pytest.approx(1 / 3)


@pytest.mark.django_db
def test_window_street_and_unit_narrow_the_complaints(people):
    t, a, community = people.territory, people.dept_a, people.community
    make(people, lead=community, received_at=NOW - 40 * DAY)
    make(people, lead=community, received_at=NOW - 2 * DAY)
    make(people, lead=a, lead_active=False, received_at=NOW - DAY, events=[("return", {"unit": a.code})])
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
    assert (by_community["received"], by_community["return_rate"]) == (2, 0.0)
    assert overview(**window, unit=community.code, street=t.street.code)["received"] == 1


@pytest.mark.django_db
def test_score_weights_the_three_rates_and_skips_unknown_ones(settings):
    figures = {"response_rate": 1.0, "resolution_rate": 0.5, "satisfaction_rate": 0.8}
    assert weighted_score(figures) == pytest.approx(100 * (30 * 1.0 + 35 * 0.5 + 35 * 0.8) / 100)
    assert weighted_score({**figures, "resolution_rate": None}) == pytest.approx(100 * (30 + 35 * 0.8) / 65)
    settings.GRIEVANCE = {**settings.GRIEVANCE, "SCORE_WEIGHTS": {"response": 1, "on_time": 1}}
    assert weighted_score({**figures, "on_time_rate": 0.5}) == pytest.approx(75.0)
    assert weighted_score({}) is None


@pytest.mark.django_db
def test_bad_filters_are_field_errors():
    with pytest.raises(ApplicationError) as error:
        dashboard_overview(date_from="2026-13-01")
    assert "from" in error.value.errors
    with pytest.raises(ApplicationError) as error:
        dashboard_overview(date_from="2026-03-02", date_to="2026-03-01")
    assert "to" in error.value.errors
    with pytest.raises(ApplicationError) as error:
        dashboard_overview(street="nope")
    assert "street" in error.value.errors


@pytest.mark.django_db
def test_windows_over_whole_and_partial_months_read_the_same_numbers(people):
    from datetime import date

    for day in (date(2026, 1, 31), date(2026, 2, 1), date(2026, 2, 14), date(2026, 2, 28), date(2026, 3, 1)):
        for hour in (0, 23):
            make(people, received_at=NOW.replace(year=day.year, month=day.month, day=day.day, hour=hour))
    windows = [
        (date(2026, 1, 31), date(2026, 3, 1)),  # partial + whole February + partial
        (date(2026, 2, 1), date(2026, 2, 28)),  # exactly one month
        (date(2026, 2, 2), date(2026, 2, 27)),  # inside one month
        (date(2026, 1, 1), date(2026, 2, 1)),
        (None, date(2026, 2, 28)),
        (date(2026, 2, 1), None),
    ]
    for start, end in windows:
        assert (
            overview(date_from=start, date_to=end)["received"]
            == stats_overview(now=NOW, date_from=start, date_to=end)["received"]
        )
    assert overview(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28))["received"] == 6
