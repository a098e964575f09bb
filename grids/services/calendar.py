"""Writes to the working-day calendar: seeding from ``chinesecalendar``, administrator edits, CSV years.

Invariant: a row whose ``source`` is not ``chinesecalendar`` was written by a person (admin edit or an
announced schedule loaded from a file) and is never overwritten by seeding.
"""

import csv
import io
import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta

import chinese_calendar
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError
from grids.models import CalendarDay, CalendarYear
from grids.selectors.calendar import work_calendar_cache_clear

logger = logging.getLogger(__name__)

SOURCE_PACKAGE = "chinesecalendar"
SOURCE_MANUAL = "manual"
SOURCE_CSV = "csv"
MAKEUP_WORKDAY_NOTE = "调休上班"
NOTE_MAX_LENGTH = CalendarDay._meta.get_field("note").max_length
SOURCE_MAX_LENGTH = CalendarYear._meta.get_field("source").max_length
YEAR_MIN, YEAR_MAX = 1949, 2200
# The package's English holiday names (chinese_calendar.Holiday values) in the words people use.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
TRUE_WORDS = {"1", "true", "t", "yes", "y", "是", "班", "上班", "工作日"}
FALSE_WORDS = {"0", "false", "f", "no", "n", "否", "休", "休息", "休息日", "节假日"}


def calendar_package_years() -> list[int]:
    """Years the installed ``chinesecalendar`` knows; it raises NotImplementedError for the others."""
    years = []
    for year in range(2000, timezone.localdate().year + 10):
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
        except NotImplementedError:
            continue
        years.append(year)
    return years


def _package_day(day: date) -> tuple[bool, str]:
    """(is_workday, note) as ``chinesecalendar`` states it; same rule as ``chinese_calendar.is_workday``."""
    if day in chinese_calendar.workdays:
        return True, MAKEUP_WORKDAY_NOTE if day.weekday() >= 5 else ""
    if day in chinese_calendar.holidays:
        name = chinese_calendar.holidays[day]
        name = getattr(name, "value", name)
        return False, HOLIDAY_NAMES_ZH.get(name, name or "")[:NOTE_MAX_LENGTH]
    return day.weekday() < 5, ""


def _year_days(year: int) -> Iterable[date]:
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


@transaction.atomic
def calendar_seed_from_package(*, years: Iterable[int] | None = None) -> dict:
    """Upsert every day of ``years`` (default: all the package covers) and mark those years loaded.

    Idempotent; only changed rows are written, so a second run reads and writes nothing else.
    Returns ``{"years", "days", "changed", "kept_manual"}``.
    """
    covered = calendar_package_years()
    if years is None:
        targets = covered
    else:
        targets = sorted(set(years))
        unknown = [year for year in targets if year not in covered]
        if unknown:
            raise ApplicationError(
                _("chinesecalendar 未包含 %(years)s 年的安排，请用文件载入")
                % {"years": _years_text(unknown)},
                errors={"years": [_("未包含的年份：%(years)s") % {"years": _years_text(unknown)}]},
            )
    if not targets:
        return {"years": 0, "days": 0, "changed": 0, "kept_manual": 0}

    existing = {
        row[0]: row[1:]
        for row in CalendarDay.objects.filter(date__year__in=targets).values_list(
            "date", "is_workday", "note", "source"
        )
    }
    to_write: list[CalendarDay] = []
    changed_years: set[int] = set()
    total = kept_manual = 0
    for year in targets:
        for day in _year_days(year):
            total += 1
            is_workday, note = _package_day(day)
            current = existing.get(day)
            if current is not None and current[2] != SOURCE_PACKAGE:
                kept_manual += 1
                continue
            if current == (is_workday, note, SOURCE_PACKAGE):
                continue
            to_write.append(CalendarDay(date=day, is_workday=is_workday, note=note, source=SOURCE_PACKAGE))
            changed_years.add(year)
    CalendarDay.objects.bulk_create(
        to_write,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["date"],
        update_fields=["is_workday", "note", "source"],
    )

    loaded = set(CalendarYear.objects.filter(year__in=targets).values_list("year", flat=True))
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=year, source=SOURCE_PACKAGE) for year in targets if year not in loaded]
    )
    # loaded_at records when a year's schedule last changed, not when the seed last ran.
    for year in sorted(changed_years & loaded):
        CalendarYear.objects.filter(year=year, source=SOURCE_PACKAGE).update(loaded_at=timezone.now())
    _cache_clear_now_and_on_commit()
    return {"years": len(targets), "days": total, "changed": len(to_write), "kept_manual": kept_manual}


@transaction.atomic
def calendar_day_set(*, day: date, is_workday: bool, note: str, actor) -> CalendarDay:
    """An administrator states whether ``day`` is worked; seeding never overwrites the row afterwards."""
    errors: dict[str, list[str]] = {}
    if not isinstance(day, date) or isinstance(day, datetime):
        errors["day"] = [_("请填写日期")]
    if not isinstance(is_workday, bool):
        errors["is_workday"] = [_("请选择是否为工作日")]
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = [_("说明不能超过 %(n)d 个字") % {"n": NOTE_MAX_LENGTH}]
    if errors:
        raise ApplicationError(_("日历日填写有误"), errors=errors)
    row, _created = CalendarDay.objects.update_or_create(
        date=day, defaults={"is_workday": is_workday, "note": note, "source": SOURCE_MANUAL}
    )
    logger.info("calendar day %s set to workday=%s by %s", day, is_workday, actor)
    _cache_clear_now_and_on_commit()
    return row


@transaction.atomic
def calendar_days_reset_to_package(*, days: Iterable[date], actor) -> int:
    """Give ``days`` back to ``chinesecalendar`` (undo administrator edits). Returns the rows reset."""
    days = sorted(set(days))
    covered = set(calendar_package_years())
    outside = sorted({day.year for day in days if day.year not in covered})
    if outside:
        raise ApplicationError(
            _("chinesecalendar 未包含 %(years)s 年，无法恢复") % {"years": _years_text(outside)},
            errors={"days": [_("未包含的年份：%(years)s") % {"years": _years_text(outside)}]},
        )
    rows = []
    for day in days:
        is_workday, note = _package_day(day)
        rows.append(CalendarDay(date=day, is_workday=is_workday, note=note, source=SOURCE_PACKAGE))
    CalendarDay.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["date"], update_fields=["is_workday", "note", "source"]
    )
    logger.info("calendar days %s reset to %s by %s", [str(d) for d in days], SOURCE_PACKAGE, actor)
    _cache_clear_now_and_on_commit()
    return len(rows)


@transaction.atomic
def calendar_year_mark_loaded(*, year: int, source: str) -> CalendarYear:
    """State that ``year``'s schedule is in the table, so its deadlines are no longer estimates."""
    errors: dict[str, list[str]] = {}
    if isinstance(year, bool) or not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        errors["year"] = [_("年份须在 %(a)d 至 %(b)d 之间") % {"a": YEAR_MIN, "b": YEAR_MAX}]
    source = (source or "").strip()
    if not source or len(source) > SOURCE_MAX_LENGTH:
        errors["source"] = [_("请填写来源（不超过 %(n)d 个字符）") % {"n": SOURCE_MAX_LENGTH}]
    if errors:
        raise ApplicationError(_("年份填写有误"), errors=errors)
    row, _created = CalendarYear.objects.update_or_create(year=year, defaults={"source": source})
    _cache_clear_now_and_on_commit()
    return row


@transaction.atomic
def calendar_year_load_csv(*, year: int, text: str, source: str = SOURCE_CSV, actor=None) -> dict:
    """Load ``year``'s announced schedule from CSV text ``date,is_workday,note`` (header optional).

    The file replaces every row of that year, so it may list all days or only the exceptions (holidays
    and make-up working days; unlisted days follow Mon–Fri). All rows are checked first; if any is bad
    nothing is written and ApplicationError lists the bad rows by line number.
    """
    if isinstance(year, bool) or not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        raise ApplicationError(_("年份填写有误"), errors={"year": [_("年份无效：%(y)s") % {"y": year}]})
    rows, problems = _csv_rows_parse(year=year, text=text)
    if problems:
        raise ApplicationError(
            _("日历文件有 %(n)d 处错误，未写入任何数据") % {"n": len(problems)}, errors={"rows": problems}
        )
    deleted, _detail = CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(date=day, is_workday=is_workday, note=note, source=source)
            for day, is_workday, note in rows
        ]
    )
    calendar_year_mark_loaded(year=year, source=source)
    logger.info("calendar year %s loaded from %s (%d rows) by %s", year, source, len(rows), actor)
    return {"year": year, "days": len(rows), "replaced": deleted}


def _csv_rows_parse(*, year: int, text: str) -> tuple[list[tuple[date, bool, str]], list[str]]:
    rows: list[tuple[date, bool, str]] = []
    problems: list[str] = []
    seen: dict[date, int] = {}
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    for cells in reader:
        line = reader.line_num
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if not rows and not problems and not seen and cells[0].lower() in ("date", "日期"):
            continue  # header
        if len(cells) not in (2, 3):
            problems.append(_("第 %(line)d 行：应为“日期,是否工作日,说明”三列") % {"line": line})
            continue
        raw_date, raw_flag = cells[0], cells[1]
        note = cells[2] if len(cells) == 3 else ""
        line_problems = []
        try:
            day = date.fromisoformat(raw_date)
        except ValueError:
            day = None
            line_problems.append(_("日期“%(v)s”应为 YYYY-MM-DD") % {"v": raw_date})
        if day is not None and day.year != year:
            line_problems.append(_("日期 %(d)s 不在 %(y)d 年") % {"d": day, "y": year})
        if day is not None and day in seen:
            line_problems.append(_("日期 %(d)s 与第 %(l)d 行重复") % {"d": day, "l": seen[day]})
        flag = raw_flag.lower()
        if flag not in TRUE_WORDS | FALSE_WORDS:
            line_problems.append(_("是否工作日“%(v)s”应为 1/0、是/否 或 班/休") % {"v": raw_flag})
        if len(note) > NOTE_MAX_LENGTH:
            line_problems.append(_("说明超过 %(n)d 个字") % {"n": NOTE_MAX_LENGTH})
        if line_problems:
            problems.append(_("第 %(line)d 行：") % {"line": line} + "；".join(line_problems))
            continue
        seen[day] = line
        rows.append((day, flag in TRUE_WORDS, note))
    if not rows and not problems:
        problems.append(_("文件中没有日期行"))
    return rows, problems


def _years_text(years: Iterable[int]) -> str:
    return "、".join(str(year) for year in years)


def _cache_clear_now_and_on_commit() -> None:
    # Now, so reads later in this transaction see the change; on commit, so no other thread keeps a
    # calendar it built from the rows as they were before.
    work_calendar_cache_clear()
    transaction.on_commit(work_calendar_cache_clear)
