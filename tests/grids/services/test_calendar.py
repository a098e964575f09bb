"""Calendar services, selectors, the calendar_load command and the admin warning, on the real database."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from common.exceptions import ApplicationError
from grids.models import CalendarDay, CalendarYear, Unit
from grids.selectors.calendar import (
    calendar_missing_warning,
    calendar_missing_years,
    work_calendar_cache_clear,
    work_calendar_get,
)
from grids.services.calendar import (
    calendar_day_set,
    calendar_days_reset_to_package,
    calendar_package_years,
    calendar_seed_from_package,
    calendar_year_load_csv,
    calendar_year_mark_loaded,
)
from grids.worktime import WORKING_DAY, WORKING_HOUR, deadline_add

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOV_25_2026 = date(2026, 11, 25)
GOOD_2027_CSV = """date,is_workday,note
2027-01-01,0,元旦
2027-02-06,休,春节
2027-02-07,1,调休上班
"""
BAD_2027_CSV = """date,is_workday,note
2027-01-01,0,元旦
2027-13-01,0,坏日期
2026-12-31,0,错年份
2027-01-01,1,重复
2027-02-07,maybe,看不懂
2027-02-08
"""


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    # The process cache outlives each test's rolled-back transaction.
    work_calendar_cache_clear()
    yield
    work_calendar_cache_clear()


@pytest.fixture
def seeded_2026(db):
    return calendar_seed_from_package(years=[2026])


# --- seeding from the package -----------------------------------------------------------------------


def test_package_years_are_found_by_probing_and_stop_at_the_first_unknown_year():
    years = calendar_package_years()
    assert years[0] == 2004 and 2026 in years
    assert years == list(range(2004, years[-1] + 1))
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(years[-1] + 1, 6, 1))


def test_seed_2026_matches_the_package_day_by_day(seeded_2026):
    assert seeded_2026 == {"years": 1, "days": 365, "changed": 365, "kept_manual": 0}
    rows = dict(CalendarDay.objects.filter(date__year=2026).values_list("date", "is_workday"))
    assert len(rows) == 365
    assert all(rows[day] == chinese_calendar.is_workday(day) for day in rows)
    assert CalendarYear.objects.get(year=2026).source == "chinesecalendar"


def test_seed_notes_holidays_in_chinese_and_makeup_days(seeded_2026):
    national_day = CalendarDay.objects.get(date=date(2026, 10, 1))
    assert (national_day.is_workday, national_day.note, national_day.source) == (
        False,
        "国庆节",
        "chinesecalendar",
    )
    makeup = CalendarDay.objects.get(date=date(2026, 10, 10))
    assert (makeup.is_workday, makeup.note) == (True, "调休上班")
    assert CalendarDay.objects.get(date=date(2026, 2, 17)).note == "春节"
    assert CalendarDay.objects.get(date=date(2026, 10, 17)).note == ""  # an ordinary Saturday


def test_seeding_all_years_twice_gives_the_same_counts_and_writes_nothing_the_second_time(db):
    first = calendar_seed_from_package()
    second = calendar_seed_from_package()
    assert first["years"] == second["years"] == len(calendar_package_years()) >= 23
    assert first["days"] == second["days"] == CalendarDay.objects.count()
    assert (first["changed"], second["changed"]) == (first["days"], 0)
    assert CalendarYear.objects.count() == first["years"]


def test_seeding_does_not_overwrite_rows_an_administrator_edited(seeded_2026, admin_user):
    calendar_day_set(day=date(2026, 10, 9), is_workday=False, note="台风停工", actor=admin_user)
    again = calendar_seed_from_package(years=[2026])
    assert again == {"years": 1, "days": 365, "changed": 0, "kept_manual": 1}
    row = CalendarDay.objects.get(date=date(2026, 10, 9))
    assert (row.is_workday, row.note, row.source) == (False, "台风停工", "manual")


def test_seeding_repairs_a_package_row_that_drifted(seeded_2026):
    CalendarDay.objects.filter(date=date(2026, 10, 1)).update(is_workday=True, note="")
    assert calendar_seed_from_package(years=[2026])["changed"] == 1
    assert CalendarDay.objects.get(date=date(2026, 10, 1)).is_workday is False


def test_seeding_a_year_the_package_does_not_cover_is_refused(db):
    unknown = calendar_package_years()[-1] + 1  # 2027 with chinesecalendar 1.11
    with pytest.raises(ApplicationError) as exc:
        calendar_seed_from_package(years=[unknown])
    assert str(unknown) in exc.value.message
    assert not CalendarDay.objects.exists()


# --- administrator edits ----------------------------------------------------------------------------


def test_calendar_day_set_creates_a_manual_row(db, admin_user):
    row = calendar_day_set(day=date(2027, 1, 1), is_workday=False, note=" 元旦 ", actor=admin_user)
    assert (row.is_workday, row.note, row.source) == (False, "元旦", "manual")


def test_calendar_day_set_rejects_bad_input(db, admin_user):
    with pytest.raises(ApplicationError) as exc:
        calendar_day_set(day="2026-10-01", is_workday="yes", note="x" * 65, actor=admin_user)
    assert set(exc.value.errors) == {"day", "is_workday", "note"}


def test_reset_to_package_undoes_an_edit(seeded_2026, admin_user):
    calendar_day_set(day=date(2026, 10, 1), is_workday=True, note="误改", actor=admin_user)
    assert calendar_days_reset_to_package(days=[date(2026, 10, 1)], actor=admin_user) == 1
    row = CalendarDay.objects.get(date=date(2026, 10, 1))
    assert (row.is_workday, row.note, row.source) == (False, "国庆节", "chinesecalendar")
    with pytest.raises(ApplicationError):
        calendar_days_reset_to_package(days=[date(calendar_package_years()[-1] + 1, 1, 1)], actor=admin_user)


def test_calendar_year_mark_loaded_validates(db):
    assert calendar_year_mark_loaded(year=2027, source="manual").source == "manual"
    with pytest.raises(ApplicationError) as exc:
        calendar_year_mark_loaded(year=99, source="")
    assert set(exc.value.errors) == {"year", "source"}


# --- selectors --------------------------------------------------------------------------------------


def test_calendar_missing_years(db):
    assert calendar_missing_years(today=NOV_25_2026) == [2026, 2027]
    calendar_seed_from_package(years=[2026])
    assert calendar_missing_years(today=NOV_25_2026) == [2027]
    assert calendar_missing_warning(today=NOV_25_2026) == "2027 年工作日历尚未载入，期限按周一至周五估算"
    calendar_year_load_csv(year=2027, text=GOOD_2027_CSV)
    assert calendar_missing_years(today=NOV_25_2026) == []
    assert calendar_missing_warning(today=NOV_25_2026) == ""


def test_work_calendar_from_the_database_gives_the_national_day_deadline(seeded_2026):
    result = deadline_add(datetime(2026, 9, 29, 10, tzinfo=SHANGHAI), 5, WORKING_DAY, work_calendar_get())
    assert result.at == datetime(2026, 10, 12, 18, tzinfo=SHANGHAI)
    assert result.estimated is False


def test_work_calendar_sees_an_administrator_edit_at_once(seeded_2026, admin_user):
    start = datetime(2026, 9, 29, 10, tzinfo=SHANGHAI)
    assert deadline_add(start, 5, WORKING_DAY, work_calendar_get()).at.date() == date(2026, 10, 12)
    calendar_day_set(day=date(2026, 10, 10), is_workday=False, note="取消调休", actor=admin_user)
    assert deadline_add(start, 5, WORKING_DAY, work_calendar_get()).at.date() == date(2026, 10, 13)


def test_work_calendar_uses_the_units_working_hours(seeded_2026):
    utility = Unit(code="U1", name="水务公司", kind="utility", working_hours=[["09:00", "17:00"]])
    calendar = work_calendar_get(unit=utility)
    start = datetime(2026, 9, 29, 16, tzinfo=SHANGHAI)
    assert deadline_add(start, 2, WORKING_HOUR, calendar).at == datetime(2026, 9, 30, 10, tzinfo=SHANGHAI)
    assert deadline_add(start, 1, WORKING_DAY, calendar).at == datetime(2026, 9, 30, 17, tzinfo=SHANGHAI)


def test_a_unit_with_unusable_working_hours_keeps_the_default(seeded_2026):
    broken = Unit(code="U2", name="某单位", kind="department", working_hours=[["18:00", "08:00"]])
    assert work_calendar_get(unit=broken).working_hours == work_calendar_get().working_hours


# --- loading a year from CSV --------------------------------------------------------------------------


def test_csv_year_load_replaces_the_year_and_marks_it_loaded(db):
    calendar_day_set(day=date(2027, 5, 3), is_workday=False, note="旧的猜测", actor=None)
    counts = calendar_year_load_csv(year=2027, text="\ufeff" + GOOD_2027_CSV)
    assert counts == {"year": 2027, "days": 3, "replaced": 1}
    assert not CalendarDay.objects.filter(date=date(2027, 5, 3)).exists()
    assert CalendarDay.objects.get(date=date(2027, 2, 7)).is_workday is True
    assert CalendarDay.objects.get(date=date(2027, 2, 6)).source == "csv"
    assert CalendarYear.objects.get(year=2027).source == "csv"
    start = datetime(2027, 2, 5, 10, tzinfo=SHANGHAI)  # Friday; Saturday 02-06 off, Sunday 02-07 worked
    assert deadline_add(start, 1, WORKING_DAY, work_calendar_get()).at.date() == date(2027, 2, 7)


def test_csv_year_load_rejects_a_bad_file_and_writes_nothing(db):
    with pytest.raises(ApplicationError) as exc:
        calendar_year_load_csv(year=2027, text=BAD_2027_CSV)
    problems = exc.value.errors["rows"]
    assert [p.split("：")[0] for p in problems] == ["第 3 行", "第 4 行", "第 5 行", "第 6 行", "第 7 行"]
    assert "重复" in problems[2] and "第 2 行" in problems[2]
    assert not CalendarDay.objects.exists()
    assert not CalendarYear.objects.exists()


def test_command_loads_a_csv_year(db, tmp_path, capsys):
    path = tmp_path / "2027.csv"
    path.write_text(GOOD_2027_CSV, encoding="utf-8")
    call_command("calendar_load", "--year", "2027", "--file", str(path))
    assert CalendarDay.objects.filter(date__year=2027).count() == 3
    assert "days=3" in capsys.readouterr().out


def test_command_rejects_a_bad_csv_with_line_numbers_and_writes_nothing(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(BAD_2027_CSV, encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("calendar_load", "--year", "2027", "--file", str(path))
    assert "第 4 行" in str(exc.value) and "第 7 行" in str(exc.value)
    assert not CalendarDay.objects.exists()


def test_command_seeds_from_the_package_and_refuses_an_unknown_year(db):
    call_command("calendar_load", "--year", "2026")
    assert CalendarYear.objects.filter(year=2026).exists()
    unknown = str(calendar_package_years()[-1] + 1)
    with pytest.raises(CommandError, match=unknown):
        call_command("calendar_load", "--year", unknown)
    with pytest.raises(CommandError, match="--year"):
        call_command("calendar_load", "--file", "whatever.csv")


# --- admin ------------------------------------------------------------------------------------------


def test_admin_index_and_calendar_changelist_warn_about_a_missing_year(seeded_2026, admin_client):
    warning = calendar_missing_warning()
    assert warning  # next year (at least) is never in the package
    assert warning in admin_client.get(reverse("admin:index")).content.decode()
    assert warning in admin_client.get(reverse("admin:grids_calendarday_changelist")).content.decode()


def test_admin_index_has_no_warning_once_both_years_are_loaded(seeded_2026, admin_client):
    from django.utils import timezone

    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):
        calendar_year_mark_loaded(year=year, source="manual")
    assert "工作日历尚未载入" not in admin_client.get(reverse("admin:index")).content.decode()


def test_admin_edit_goes_through_the_service(seeded_2026, admin_client):
    url = reverse("admin:grids_calendarday_change", args=["2026-10-09"])
    response = admin_client.post(url, {"is_workday": "", "note": "台风停工"})
    assert response.status_code == 302
    row = CalendarDay.objects.get(date=date(2026, 10, 9))
    assert (row.is_workday, row.note, row.source) == (False, "台风停工", "manual")


def test_admin_year_filter(seeded_2026, admin_client):
    response = admin_client.get(
        reverse("admin:grids_calendarday_changelist"), {"year": "2026", "is_workday__exact": "0"}
    )
    assert response.status_code == 200
    assert (
        response.context["cl"].result_count
        == CalendarDay.objects.filter(date__year=2026, is_workday=False).count()
    )
