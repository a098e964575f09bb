"""Parsing of client values (API JSON, form posts) into Python values; bad input → ApplicationError (400).

Every parser takes the ``field`` name the error is reported under.
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError


def bad(field: str, message: str):
    raise ApplicationError(_("参数有误"), errors={field: [message]})


def text(value, field: str, *, required: bool = False, max_length: int = 4000) -> str:
    result = "" if value is None else str(value).strip()
    if required and not result:
        bad(field, _("必填"))
    if len(result) > max_length:
        bad(field, _("不能超过%(n)d个字") % {"n": max_length})
    return result


def boolean(value, field: str, *, default: bool | None = None) -> bool:
    if value in (None, "") and default is not None:
        return default
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in {"true", "1", "yes", "on"}:
        return True
    if lowered in {"false", "0", "no", "off"}:
        return False
    bad(field, _("应为 true 或 false"))


def integer(value, field: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, bool):
        bad(field, _("应为整数"))
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        bad(field, _("应为整数"))
    if minimum is not None and number < minimum:
        bad(field, _("不能小于%(n)d") % {"n": minimum})
    if maximum is not None and number > maximum:
        bad(field, _("不能大于%(n)d") % {"n": maximum})
    return number


def amount(value, field: str) -> Decimal | None:
    """A non-negative amount of yuan with at most two decimals, or None when empty."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        bad(field, _("应为金额"))
    try:
        result = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        bad(field, _("应为金额"))
    if not result.is_finite() or result < 0 or result.as_tuple().exponent < -2 or result >= Decimal("1e12"):
        bad(field, _("应为不小于0、最多两位小数的金额"))
    return result


def moment(value, field: str, *, required: bool = True) -> datetime | None:
    """An aware datetime from a datetime or an ISO 8601 string (naive = local time)."""
    if value in (None, ""):
        if required:
            bad(field, _("必填"))
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = parse_datetime(str(value).strip().replace(" ", "T", 1))
        except ValueError:
            parsed = None
        if parsed is None:
            bad(field, _("应为时间（ISO 8601，如 2026-05-06T09:30）"))
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def day(value, field: str, *, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            bad(field, _("必填"))
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        parsed = parse_date(str(value).strip())
    except ValueError:
        parsed = None
    if parsed is None:
        bad(field, _("应为日期（YYYY-MM-DD）"))
    return parsed


def choice(value, field: str, choices) -> str:
    result = "" if value is None else str(value).strip()
    if result not in choices.values:
        bad(field, _("可选值：%(values)s") % {"values": ", ".join(choices.values)})
    return result


def id_list(value, field: str) -> list[int]:
    """A list of ids from a list or a comma-separated string (duplicates dropped, order kept)."""
    if value in (None, "", []):
        return []
    raw = value if isinstance(value, (list, tuple)) else str(value).replace("，", ",").split(",")
    try:
        return list(dict.fromkeys(int(str(x).strip()) for x in raw if str(x).strip()))
    except ValueError:
        bad(field, _("应为编号列表"))
