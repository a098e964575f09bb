"""The dashboard's figures read from the rollups (``grievance.models.rollups``), fast at any volume.

Same keys and definitions as ``grievance.selectors.stats.stats_overview`` (its module docstring), for
whole days (Asia/Shanghai): the tests hold ``dashboard_overview == stats_overview``. Everything that
does not depend on the clock comes from ``DailyRollup`` / ``DueRollup`` (a few hundred rows for a
quarter). The two figures that do — ``overdue`` and the part of "due to close" whose deadline passed
*today* before ``now`` — are counted from the small indexed sets of ``ComplaintFact`` (clock running;
deadline today).

``score`` = Σ wᵢ·rateᵢ / Σ wᵢ × 100 over the rates in ``settings.GRIEVANCE["SCORE_WEIGHTS"]`` (default
response 30 / resolution 35 / satisfaction 35) that are not None; None when none is.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from accounts.models import Role
from common.exceptions import ApplicationError, PermissionDeniedError
from grids.models import Unit
from grids.selectors.units import units_manageable_by
from grievance.models.rollups import (
    MONTHLY,
    NOT_FINISHED_DAY,
    ROLLUP_GRAINS,
    ComplaintFact,
    DailyRollup,
    DueGrain,
    DueRollup,
)
from grievance.selectors.stats import OVERVIEW_KEYS, _street_resolve, _unit_resolve, satisfied_values
from grievance.services.rollup_facts import DAILY_VALUES

CENTRE_ROLES = frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN})
DEFAULT_SCORE_WEIGHTS = {"response": 30, "resolution": 35, "satisfaction": 35}
DASHBOARD_KEYS = (*OVERVIEW_KEYS, "score")
# Group names → DailyRollup / ComplaintFact columns.
GROUP_COLUMNS = {
    "day": "day",
    "street": "street_id",
    "community": "community_id",
    "grid": "grid_id",
    "unit": "unit_id",
    "matter": "matter_id",
    "kind": "kind",
    "channel": "channel",
}
FACT_GROUP_COLUMNS = {**GROUP_COLUMNS, "day": "received_day", "unit": "units__unit_id"}


@dataclass(frozen=True)
class Scope:
    """What a dashboard figure covers: received days [start, end] (None = open), street, unit, clock."""

    start: date | None
    end: date | None
    street_id: int | None
    unit_id: int | None
    now: datetime

    @property
    def today(self) -> date:
        return timezone.localdate(self.now)


def _day(value, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        raise ApplicationError(_("参数有误"), errors={field: [_("仪表盘按整日统计，请填写日期")]})
    if isinstance(value, date):
        return value
    try:
        parsed = parse_date(value.strip()) if isinstance(value, str) else None
    except ValueError:  # well-formed but impossible, e.g. 2026-02-30
        parsed = None
    if parsed is None:
        raise ApplicationError(_("参数有误"), errors={field: [_("应为日期，如 2026-05-06")]})
    return parsed


def dashboard_scope(*, date_from=None, date_to=None, street=None, unit=None, now=None) -> Scope:
    """Parse and check the filters (400 with field errors on bad input)."""
    start, end = _day(date_from, "from"), _day(date_to, "to")
    if start and end and end < start:
        raise ApplicationError(_("参数有误"), errors={"to": [_("结束时间不能早于开始时间")]})
    return Scope(
        start=start,
        end=end,
        street_id=_street_resolve(street).pk if street not in (None, "") else None,
        unit_id=_unit_resolve(unit).pk if unit not in (None, "") else None,
        now=now or timezone.now(),
    )


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _days(field: str, start: date | None, end: date | None) -> Q:
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gte": start})
    if end is not None:
        q &= Q(**{f"{field}__lte": end})
    return q


def rollup_grain(needed: set[str]) -> int:
    """The narrowest grain that keeps every dimension in ``needed``; unit grains only (and always)
    when a unit is involved, because they count a complaint once per unit."""
    unit = "unit" in needed
    fitting = [g for g, dims in ROLLUP_GRAINS.items() if needed <= set(dims) and ("unit" in dims) == unit]
    if not fitting:
        raise ApplicationError(_("参数有误"), errors={"group": [_("不支持该维度组合")]})
    return min(fitting, key=lambda g: len(ROLLUP_GRAINS[g]))


def _needed(scope: Scope, group: tuple[str, ...]) -> set[str]:
    needed = {g for g in group if g != "day"}
    if scope.street_id:
        needed.add("street")
    if scope.unit_id:
        needed.add("unit")
    return needed


def _key(row: dict, columns: list[str]):
    values = tuple(row[c] for c in columns)
    return values[0] if len(values) == 1 else values if values else None


def daily_sums(scope: Scope, group: tuple[str, ...] = (), values: tuple[str, ...] = DAILY_VALUES) -> dict:
    """Rollup measures (``values``, all by default) summed per group key (None without groups).

    The window is read as whole calendar months from the monthly rows plus its partial months from
    the daily rows (by day: daily rows only), so a year costs ~12 rows per key instead of 365."""
    grain = rollup_grain(_needed(scope, group))
    if "day" in group:
        span = Q(grain=grain) & _days("day", scope.start, scope.end)
    else:
        span = _calendar_span(grain, scope.start, scope.end)
    rows = DailyRollup.objects.filter(span, **_filters(scope))
    wanted = tuple(dict.fromkeys(("received", *values)))
    sums = _grouped(rows, [GROUP_COLUMNS[g] for g in group], **{f"s_{v}": Sum(v) for v in wanted})
    return {
        key: {v: row[f"s_{v}"] or 0 for v in wanted}
        for key, row in sums.items()
        if row["s_received"]  # no group: one row of NULLs when nothing matched
    }


def _month_after(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _calendar_span(grain: int, start: date | None, end: date | None) -> Q:
    """Rows of ``grain`` covering [start, end]: monthly rows for the whole months inside, daily rows
    for the days before the first and after the last whole month (None = open)."""
    first = None if start is None else start if start.day == 1 else _month_after(start)
    after = (
        None
        if end is None
        else _month_after(end)
        if _month_after(end) - timedelta(days=1) == end
        else end.replace(day=1)
    )
    if first is not None and after is not None and first >= after:  # no whole month inside
        return Q(grain=grain) & _days("day", start, end)
    months = Q(grain=grain + MONTHLY) & _days("day", first, after - timedelta(days=1) if after else None)
    span = months
    if start is not None and start < first:
        span |= Q(grain=grain, day__gte=start, day__lt=first)
    if end is not None and after is not None and after <= end:
        span |= Q(grain=grain, day__gte=after, day__lte=end)
    return span


def _grouped(queryset, columns: list[str], **aggregates) -> dict:
    """key → aggregate row; without columns one row under the key None."""
    if not columns:
        return {None: queryset.aggregate(**aggregates)}
    rows = queryset.values(*columns).annotate(**aggregates).order_by()
    return {_key(row, columns): row for row in rows}


def _filters(scope: Scope) -> dict:
    filters = {}
    if scope.street_id:
        filters["street_id"] = scope.street_id
    if scope.unit_id:
        filters["unit_id"] = scope.unit_id
    return filters


def _facts(scope: Scope):
    facts = ComplaintFact.objects.all()
    if scope.street_id:
        facts = facts.filter(street_id=scope.street_id)
    if scope.unit_id:
        facts = facts.filter(units__unit_id=scope.unit_id)
    return facts


def _fact_groups(facts, group: tuple[str, ...], **aggregates) -> dict:
    return _grouped(facts, [FACT_GROUP_COLUMNS[g] for g in group], **aggregates)


def overdue_counts(scope: Scope, group: tuple[str, ...] = ()) -> dict:
    """Clock running and the handling deadline passed, per group key (received in the window)."""
    facts = _facts(scope).filter(_days("received_day", scope.start, scope.end))
    facts = facts.filter(clocked=True, handle_deadline__lt=scope.now)
    # COUNT(*), not COUNT(pk): the key is not in the partial index, PostgreSQL would read the table.
    return {k: row["n"] for k, row in _fact_groups(facts, group, n=Count("*")).items()}


def due_counts(scope: Scope, group: tuple[str, ...] = ()) -> dict:
    """(due, on time) per group key ("street" / "unit" or none): the on-time rate's population."""
    if not set(group) <= {"street", "unit"}:
        raise ApplicationError(_("参数有误"), errors={"group": [_("按期办结率只按街道或单位分组")]})
    unit = "unit" in group or scope.unit_id is not None
    street = "street" in group or scope.street_id is not None
    grain = DueGrain.UNIT if unit else DueGrain.STREET if street else DueGrain.DISTRICT
    finished_in = _days("finished_day", scope.start, scope.end) & Q(finished_day__lt=NOT_FINISHED_DAY)
    fell_due = _days("deadline_day", scope.start, scope.end) & Q(deadline_day__lt=scope.today)
    rows = DueRollup.objects.filter(fell_due | finished_in, grain=grain, **_filters(scope))
    result: dict = defaultdict(lambda: [0, 0])
    for k, row in _grouped(rows, [GROUP_COLUMNS[g] for g in group], d=Sum("due"), o=Sum("on_time")).items():
        result[k] = [row["d"] or 0, row["o"] or 0]
    # Deadlines that passed today, before now (finished in the window were counted above).
    live_from = max(day_start(scope.today), day_start(scope.start)) if scope.start else day_start(scope.today)
    live = Q(due_eligible=True, handle_deadline__gte=live_from, handle_deadline__lte=scope.now)
    if scope.end is not None:
        live &= Q(handle_deadline__lt=day_start(scope.end + timedelta(days=1)))
    facts = _facts(scope).filter(live).exclude(finished_in)
    # Only indexed columns (COUNT(*), on_time), so the partial index answers alone, as in overdue_counts.
    counts = {"d": Count("*"), "o": Count("on_time", filter=Q(on_time=True))}
    for k, row in _fact_groups(facts, group, **counts).items():
        result[k][0] += row["d"] or 0
        result[k][1] += row["o"] or 0
    return {k: tuple(v) for k, v in result.items()}


def rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def score_weights() -> dict[str, float]:
    weights = settings.GRIEVANCE.get("SCORE_WEIGHTS") or DEFAULT_SCORE_WEIGHTS
    return {(k if k.endswith("_rate") else f"{k}_rate"): float(w) for k, w in weights.items()}


def weighted_score(figures: dict) -> float | None:
    """Σ wᵢ·rateᵢ / Σ wᵢ × 100 over the weighted rates that are known (see the module docstring)."""
    known = [(w, figures.get(name)) for name, w in score_weights().items() if figures.get(name) is not None]
    total = sum(w for w, _value in known)
    return 100 * sum(w * value for w, value in known) / total if total else None


def overview_compose(sums: dict | None, overdue: int, due: tuple[int, int] | None) -> dict:
    """The overview (``DASHBOARD_KEYS``) from rollup sums, the overdue count and (due, on time)."""
    s = sums or dict.fromkeys(DAILY_VALUES, 0)
    satisfied = s["satisfied"] + (s["basically_satisfied"] if len(satisfied_values()) > 1 else 0)
    figures = {
        "received": s["received"],
        "dispatched": s["dispatched"],
        "in_progress": s["in_progress"],
        "handled": s["handled"],
        "closed": s["closed"],
        "overdue": overdue,
        "response_rate": rate(s["responded"], s["dispatched"]),
        "resolution_rate": rate(s["resolved"], s["rated_resolved"]),
        "satisfaction_rate": rate(satisfied, s["rated_satisfaction"]),
        "on_time_rate": rate(due[1], due[0]) if due else None,
        "return_rate": rate(s["returned"], s["dispatched"]),
        "rework_rate": rate(s["reworked"], s["handled_once"]),
    }
    figures["score"] = weighted_score(figures)
    return figures


def dashboard_overview(*, date_from=None, date_to=None, street=None, unit=None, now=None) -> dict:
    """``stats_overview`` from the rollups, plus ``score`` (whole days only; see the module docstring)."""
    scope = dashboard_scope(date_from=date_from, date_to=date_to, street=street, unit=unit, now=now)
    return overview_for_scope(scope)


def overview_for_scope(scope: Scope) -> dict:
    return overview_compose(
        daily_sums(scope).get(None), overdue_counts(scope).get(None, 0), due_counts(scope).get(None, (0, 0))
    )


def overview_groups(scope: Scope, by: str) -> dict:
    """key (street / unit id) → overview, for every key that received something in the window."""
    sums, overdue, due = daily_sums(scope, (by,)), overdue_counts(scope, (by,)), due_counts(scope, (by,))
    return {
        key: overview_compose(values, overdue.get(key, 0), due.get(key, (0, 0)))
        for key, values in sums.items()
        if key
    }


def dashboard_live(*, date_from=None, date_to=None, street=None, unit=None, now=None) -> dict:
    """Today's and the chosen period's overview, with the moment they were computed."""
    return live_for_scope(
        dashboard_scope(date_from=date_from, date_to=date_to, street=street, unit=unit, now=now)
    )


def live_for_scope(scope: Scope) -> dict:
    today = Scope(scope.today, scope.today, scope.street_id, scope.unit_id, scope.now)
    return {
        "as_of": scope.now,
        "today": overview_for_scope(today),
        "period": overview_for_scope(scope),
        "date_from": scope.start,
        "date_to": scope.end,
    }


def dashboard_actor_unit(*, user, unit=None, centre_only: bool = False):
    """The unit filter an interface user may apply. Centre roles (dispatcher, supervisor, admin) and
    superusers: any (returned as given). Unit leaders: only units they lead (defaults to their one
    unit), and nothing ``centre_only``. Everyone else: PermissionDeniedError (403)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDeniedError(_("请先登录"))
    if user.is_superuser or user.role in CENTRE_ROLES:
        return unit
    led = list(units_manageable_by(user)) if user.role == Role.LEADER else []
    if not led or centre_only:
        raise PermissionDeniedError(_("只有指挥中心、督查和管理员可以查看"))
    if unit in (None, "") and len(led) == 1:
        return led[0].code
    code = unit.code if isinstance(unit, Unit) else str(unit or "").strip()
    if code not in {u.code for u in led}:
        raise PermissionDeniedError(_("只能查看本单位的统计"))
    return code


def dashboard_user_is_centre(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.role in CENTRE_ROLES))
