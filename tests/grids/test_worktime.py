"""deadline_add and friends, against the real 2025–2026 State Council schedule from chinesecalendar."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from grids.worktime import (
    NATURAL_DAY,
    NATURAL_HOUR,
    WORKING_DAY,
    WORKING_HOUR,
    Deadline,
    WorkCalendar,
    deadline_add,
    elapsed_share,
    working_hours_parse,
)
from grievance.models import TimeUnit

SHANGHAI = ZoneInfo("Asia/Shanghai")
LOADED = (2025, 2026)


def at(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    """The package's schedule for 2025–2026, as the database table would hold it."""
    days = {}
    for year in LOADED:
        day = date(year, 1, 1)
        while day.year == year:
            days[day] = chinese_calendar.is_workday(day)
            day += timedelta(days=1)
    return WorkCalendar(days=days, loaded_years=frozenset(LOADED))


def test_package_knows_national_day_2026_as_asserted_below():
    # The expectations in this file rest on this schedule: 10-01..10-07 off, Saturday 10-10 worked.
    assert [chinese_calendar.is_workday(date(2026, 10, d)) for d in range(1, 13)] == [
        False, False, False, False, False, False, False, True, True, True, False, True,
    ]  # fmt: skip


# --- working days -------------------------------------------------------------------------------


def test_five_working_days_across_national_day_2026_use_the_makeup_saturday(calendar):
    # 09-30 (1), 10-08 (2), 10-09 (3), Saturday 10-10 (4, make-up), 10-12 (5)
    result = deadline_add(at(2026, 9, 29, 10), 5, WORKING_DAY, calendar)
    assert result == Deadline(at=at(2026, 10, 12, 18), estimated=False)


def test_start_day_is_not_counted_even_when_early_in_the_morning(calendar):
    assert deadline_add(at(2026, 9, 29, 0, 5), 1, WORKING_DAY, calendar).at == at(2026, 9, 30, 18)


def test_start_inside_the_holiday_counts_from_the_first_working_day_after_it(calendar):
    assert deadline_add(at(2026, 10, 3, 9), 1, WORKING_DAY, calendar).at == at(2026, 10, 8, 18)
    assert deadline_add(at(2026, 10, 3, 9), 3, WORKING_DAY, calendar).at == at(2026, 10, 10, 18)


def test_start_on_a_saturday_evening_counts_from_monday(calendar):
    assert deadline_add(at(2026, 10, 17, 20), 1, WORKING_DAY, calendar).at == at(2026, 10, 19, 18)


def test_spring_festival_2026_is_skipped_and_both_makeup_saturdays_count(calendar):
    # 02-14 (Sat) and 02-28 (Sat) are worked; 02-15..02-23 are off.
    assert deadline_add(at(2026, 2, 13, 10), 1, WORKING_DAY, calendar).at == at(2026, 2, 14, 18)
    assert deadline_add(at(2026, 2, 12, 10), 3, WORKING_DAY, calendar).at == at(2026, 2, 24, 18)
    assert deadline_add(at(2026, 2, 23, 10), 5, WORKING_DAY, calendar).at == at(2026, 2, 28, 18)


def test_guangdong_fifteen_working_days_for_a_complaint(calendar):
    result = deadline_add(at(2026, 9, 25, 9), 15, WORKING_DAY, calendar)
    # 9-28,29,30, 10-8,9,10,12..16, 19..22
    assert result.at == at(2026, 10, 22, 18)


def test_day_deadline_ends_when_the_calendars_last_working_period_ends(calendar):
    short_day = WorkCalendar(
        days=calendar.days, loaded_years=calendar.loaded_years, working_hours=((time(9), time(17)),)
    )
    assert deadline_add(at(2026, 9, 29, 10), 1, WORKING_DAY, short_day).at == at(2026, 9, 30, 17)


def test_decimal_whole_days_from_the_database_are_accepted(calendar):
    assert deadline_add(at(2026, 9, 29, 10), Decimal("5.00"), WORKING_DAY, calendar).at == at(
        2026, 10, 12, 18
    )


# --- natural days ---------------------------------------------------------------------------------


def test_natural_days_ending_on_a_working_day_end_at_office_close(calendar):
    assert deadline_add(at(2026, 9, 28, 10), 2, NATURAL_DAY, calendar).at == at(2026, 9, 30, 18)


def test_natural_days_ending_on_a_holiday_move_to_the_next_working_day(calendar):
    assert deadline_add(at(2026, 9, 28, 10), 3, NATURAL_DAY, calendar).at == at(2026, 10, 8, 18)


def test_natural_days_ending_on_a_makeup_saturday_end_that_day(calendar):
    assert deadline_add(at(2026, 10, 7, 10), 3, NATURAL_DAY, calendar).at == at(2026, 10, 10, 18)


def test_natural_days_ending_on_an_ordinary_sunday_move_to_monday(calendar):
    assert deadline_add(at(2026, 10, 14, 10), 4, NATURAL_DAY, calendar).at == at(2026, 10, 19, 18)


# --- natural hours --------------------------------------------------------------------------------


def test_natural_hours_are_exact_and_ignore_holidays(calendar):
    assert deadline_add(at(2026, 9, 30, 23), 2, NATURAL_HOUR, calendar) == Deadline(
        at=at(2026, 10, 1, 1), estimated=False
    )
    assert deadline_add(at(2026, 10, 3, 8, 15), Decimal("0.5"), NATURAL_HOUR, calendar).at == at(
        2026, 10, 3, 8, 45
    )
    assert deadline_add(at(2026, 10, 3, 8), 24, NATURAL_HOUR, calendar).at == at(2026, 10, 4, 8)


def test_result_is_in_shanghai_time_whatever_zone_the_start_is_in(calendar):
    start_utc = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    result = deadline_add(start_utc, 5, WORKING_DAY, calendar)
    assert result.at.utcoffset() == timedelta(hours=8)
    assert result.at == at(2026, 10, 12, 18)
    assert deadline_add(start_utc, 1, NATURAL_HOUR, calendar).at.tzinfo == SHANGHAI


# --- working hours --------------------------------------------------------------------------------


def test_working_hours_skip_the_lunch_break(calendar):
    assert deadline_add(at(2026, 9, 29, 11), 2, WORKING_HOUR, calendar).at == at(2026, 9, 29, 15)


def test_working_hours_ending_exactly_at_noon_end_at_noon(calendar):
    assert deadline_add(at(2026, 9, 29, 11), 1, WORKING_HOUR, calendar).at == at(2026, 9, 29, 12)


def test_working_hours_across_a_weekend(calendar):
    assert deadline_add(at(2026, 10, 16, 17), 2, WORKING_HOUR, calendar).at == at(2026, 10, 19, 9, 30)


def test_working_hours_across_national_day_and_onto_the_makeup_saturday(calendar):
    assert deadline_add(at(2026, 9, 30, 17), 2, WORKING_HOUR, calendar).at == at(2026, 10, 8, 9, 30)
    assert deadline_add(at(2026, 10, 9, 17), 2, WORKING_HOUR, calendar).at == at(2026, 10, 10, 9, 30)


def test_working_hours_across_spring_festival(calendar):
    assert deadline_add(at(2026, 2, 14, 17), 2, WORKING_HOUR, calendar).at == at(2026, 2, 24, 9, 30)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (at(2026, 9, 29, 7), at(2026, 9, 29, 9, 30)),  # before office opens
        (at(2026, 9, 29, 12, 30), at(2026, 9, 29, 15)),  # during lunch
        (at(2026, 9, 29, 19), at(2026, 9, 30, 9, 30)),  # after office closes
        (at(2026, 10, 17, 20), at(2026, 10, 19, 9, 30)),  # Saturday evening
    ],
)
def test_a_start_outside_working_hours_begins_at_the_next_working_period(calendar, start, expected):
    assert deadline_add(start, 1, WORKING_HOUR, calendar).at == expected


def test_fractional_working_hours(calendar):
    assert deadline_add(at(2026, 9, 29, 11, 45), Decimal("0.5"), WORKING_HOUR, calendar).at == at(
        2026, 9, 29, 14, 15
    )
    assert deadline_add(at(2026, 9, 29, 9), 0.25, WORKING_HOUR, calendar).at == at(2026, 9, 29, 9, 15)


def test_a_full_working_day_in_hours_ends_at_close(calendar):
    assert deadline_add(at(2026, 9, 29, 8, 30), Decimal("7.5"), WORKING_HOUR, calendar).at == at(
        2026, 9, 29, 18
    )


# --- years the calendar has not loaded ------------------------------------------------------------


def test_deadline_reaching_into_2027_is_estimated_with_monday_to_friday(calendar):
    # 12-29, 12-30, 12-31, Friday 2027-01-01 (unknown: counted as a working day), Monday 01-04
    result = deadline_add(at(2026, 12, 28, 10), 5, WORKING_DAY, calendar)
    assert result == Deadline(at=at(2027, 1, 4, 18), estimated=True)


def test_deadline_inside_2026_is_not_estimated(calendar):
    assert deadline_add(at(2026, 12, 21, 10), 5, WORKING_DAY, calendar).estimated is False
    assert deadline_add(at(2026, 12, 31, 17), 1, WORKING_HOUR, calendar).estimated is False


def test_other_units_reaching_into_2027_are_estimated(calendar):
    assert deadline_add(at(2026, 12, 31, 17), 2, WORKING_HOUR, calendar).estimated is True
    assert deadline_add(at(2026, 12, 30, 10), 3, NATURAL_DAY, calendar).estimated is True
    assert deadline_add(at(2026, 12, 31, 20), 24, NATURAL_HOUR, calendar).estimated is False


def test_an_empty_calendar_is_plain_monday_to_friday_and_estimated():
    result = deadline_add(at(2026, 9, 29, 10), 5, WORKING_DAY, WorkCalendar())
    assert result == Deadline(at=at(2026, 10, 6, 18), estimated=True)


# --- validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", [0, -1, Decimal("-0.5"), "abc", None, True, float("nan"), float("inf")])
def test_bad_amounts_raise(calendar, amount):
    with pytest.raises(ValueError, match="amount"):
        deadline_add(at(2026, 9, 29, 10), amount, WORKING_HOUR, calendar)


@pytest.mark.parametrize("unit", ["working_days", "", "hour", None])
def test_unknown_units_raise(calendar, unit):
    with pytest.raises(ValueError, match="unit"):
        deadline_add(at(2026, 9, 29, 10), 1, unit, calendar)


def test_fractional_days_raise(calendar):
    with pytest.raises(ValueError, match="whole"):
        deadline_add(at(2026, 9, 29, 10), Decimal("1.5"), WORKING_DAY, calendar)


def test_naive_start_raises(calendar):
    with pytest.raises(ValueError, match="aware"):
        deadline_add(datetime(2026, 9, 29, 10), 1, WORKING_DAY, calendar)


def test_grievance_time_unit_members_are_accepted(calendar):
    assert deadline_add(at(2026, 9, 29, 11), 2, TimeUnit.WORKING_HOUR, calendar).at == at(2026, 9, 29, 15)
    assert {u.value for u in TimeUnit} == {NATURAL_HOUR, WORKING_HOUR, WORKING_DAY, NATURAL_DAY}


def test_a_calendar_without_working_days_raises_instead_of_looping():
    nothing = WorkCalendar(days={date(2026, 1, 1) + timedelta(days=i): False for i in range(800)})
    with pytest.raises(ValueError, match="no working day"):
        deadline_add(at(2026, 1, 1, 10), 1, WORKING_DAY, nothing)
    with pytest.raises(ValueError, match="no working day"):
        deadline_add(at(2026, 1, 1, 10), 1, WORKING_HOUR, nothing)


# --- working hours parsing, elapsed share -----------------------------------------------------------


def test_working_hours_parse_accepts_json_pairs_and_dash_strings():
    expected = ((time(8, 30), time(12)), (time(14), time(18)))
    assert working_hours_parse([["08:30", "12:00"], ["14:00", "18:00"]]) == expected
    assert working_hours_parse(["08:30-12:00", "14:00-18:00"]) == expected


@pytest.mark.parametrize(
    "value",
    [
        [],
        "08:30-12:00",
        [["12:00", "08:30"]],
        [["14:00", "18:00"], ["08:30", "12:00"]],
        [["8h", "12h"]],
        [["9:00"]],
    ],
)
def test_working_hours_parse_rejects_bad_values(value):
    with pytest.raises(ValueError):
        working_hours_parse(value)


def test_work_calendar_rejects_overlapping_periods():
    with pytest.raises(ValueError, match="overlap"):
        WorkCalendar(working_hours=((time(8), time(12)), (time(11), time(18))))


def test_elapsed_share():
    start, deadline = at(2026, 9, 29, 10), at(2026, 9, 29, 14)
    assert elapsed_share(start, deadline, at(2026, 9, 29, 13)) == pytest.approx(0.75)
    assert elapsed_share(start, deadline, at(2026, 9, 29, 9)) == 0.0
    assert elapsed_share(start, deadline, at(2026, 9, 29, 16)) == pytest.approx(1.5)
    assert elapsed_share(start, start, at(2026, 9, 29, 10)) == 1.0
