"""What one complaint contributes to the dashboard: its fact and the rollup rows it adds (pure code).

The flags follow ``grievance.selectors.stats`` (its module docstring defines every figure); both the
incremental refresh and the rebuild go through ``fact_compute``, and the rebuild's GROUP BY sums the
same fact columns that ``fact_rows`` adds one by one — so the two cannot disagree on a definition.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

from grievance.models.complaints import Satisfaction, Status
from grievance.models.rollups import (
    DUE_GRAINS,
    HANDLING_BUCKET_HOURS,
    HANDLING_BUCKETS,
    MEASURES,
    MONTHLY,
    NOT_FINISHED_DAY,
    ROLLUP_GRAINS,
)
from grievance.selectors.stats import NOT_HANDLED
from grievance.workflow import CLOCKED

# Complaint columns a fact is computed from.
COMPLAINT_FIELDS = (
    "id",
    "received_at",
    "street_id",
    "community_id",
    "grid_id",
    "matter_id",
    "kind",
    "channel",
    "status",
    "signed_at",
    "sign_deadline",
    "resolved",
    "satisfaction",
    "reopen_count",
    "handled_at",
    "closed_at",
    "handle_deadline",
)
HANDLED_ACTIONS = ("submit_result", "resolve_on_spot")
# Fact columns that are flags summed into the rollup measure of the same name ("received" is 1).
FLAG_MEASURES = tuple(m for m in MEASURES if m != "received")
FACT_FIELDS = (
    "received_day",
    "received_month",
    "street_id",
    "community_id",
    "grid_id",
    "matter_id",
    "kind",
    "channel",
    "status",
    *FLAG_MEASURES,
    "finished_at",
    "handling_minutes",
    "handling_bucket",
    "clocked",
    "handle_deadline",
    "due_eligible",
    "deadline_day",
    "finished_day",
    "on_time",
)
DIMENSIONS = ("street", "community", "grid", "unit", "matter", "kind", "channel")
DAILY_KEY = (
    "grain",
    "day",
    "street_id",
    "community_id",
    "grid_id",
    "unit_id",
    "matter_id",
    "kind",
    "channel",
)
DAILY_VALUES = (*MEASURES, "handling_minutes", *HANDLING_BUCKETS)
DUE_KEY = ("grain", "deadline_day", "finished_day", "street_id", "unit_id")
DUE_VALUES = ("due", "on_time")
UNIT_GRAINS = tuple(g for g, dims in ROLLUP_GRAINS.items() if "unit" in dims)


@dataclass
class ComplaintHistory:
    """What the event log and the assignments say about a complaint."""

    lead_unit_ids: set[int] = field(default_factory=set)
    returned_unit_ids: set[int] = field(default_factory=set)
    any_return: bool = False
    handled_once: bool = False


def local_day(moment: datetime | None) -> date | None:
    """The date in the platform's time zone (Asia/Shanghai), the day the filters count by."""
    return moment.astimezone(timezone.get_default_timezone()).date() if moment is not None else None


def handling_bucket(minutes: int) -> int:
    hours = minutes / 60
    return next(
        (i for i, bound in enumerate(HANDLING_BUCKET_HOURS) if hours <= bound), len(HANDLING_BUCKET_HOURS)
    )


def fact_compute(row: dict, history: ComplaintHistory, matter_top: dict[int, int]) -> dict:
    """The fact of a complaint (values of ``FACT_FIELDS``) from its columns ``row`` and ``history``."""
    status = row["status"]
    dispatched = bool(history.lead_unit_ids)
    signed, sign_deadline = row["signed_at"], row["sign_deadline"]
    satisfaction = row["satisfaction"] or ""
    finished = row["handled_at"] is not None or status == Status.CLOSED
    finished_at = (row["handled_at"] or row["closed_at"]) if finished else None
    minutes = None
    if finished_at is not None:
        minutes = max(0, int((finished_at - row["received_at"]).total_seconds() // 60))
    deadline = row["handle_deadline"]
    due_eligible = deadline is not None and status not in NOT_HANDLED
    received_day = local_day(row["received_at"])
    return {
        "received_day": received_day,
        "received_month": received_day.replace(day=1),
        "street_id": row["street_id"] or 0,
        "community_id": row["community_id"] or 0,
        "grid_id": row["grid_id"] or 0,
        "matter_id": matter_top.get(row["matter_id"], 0) if row["matter_id"] else 0,
        "kind": row["kind"] or "",
        "channel": row["channel"] or "",
        "status": status,
        "dispatched": dispatched,
        "in_progress": status == Status.IN_PROGRESS,
        "handled": status in (Status.HANDLED, Status.REVIEWING),
        "closed": status == Status.CLOSED,
        "responded": dispatched
        and signed is not None
        and sign_deadline is not None
        and signed <= sign_deadline,
        "rated_resolved": row["resolved"] is not None,
        "resolved": row["resolved"] is True,
        "rated_satisfaction": satisfaction != "",
        "satisfied": satisfaction == Satisfaction.SATISFIED,
        "basically_satisfied": satisfaction == Satisfaction.BASICALLY_SATISFIED,
        "returned": dispatched and history.any_return,
        "handled_once": history.handled_once,
        "reworked": history.handled_once and (row["reopen_count"] or 0) > 0,
        "finished": finished,
        "finished_at": finished_at,
        "handling_minutes": minutes,
        "handling_bucket": handling_bucket(minutes) if minutes is not None else -1,
        "clocked": status in CLOCKED,
        "handle_deadline": deadline,
        "due_eligible": due_eligible,
        "deadline_day": local_day(deadline) if due_eligible else None,
        "finished_day": local_day(finished_at) if finished_at is not None else NOT_FINISHED_DAY,
        "on_time": due_eligible and finished_at is not None and finished_at <= deadline,
    }


def unit_facts_compute(history: ComplaintHistory) -> dict[int, bool]:
    """unit id → returned by that unit, for every unit that was ever lead."""
    return {unit_id: unit_id in history.returned_unit_ids for unit_id in sorted(history.lead_unit_ids)}


def _measures(fact: dict, *, unit_returned: bool | None = None) -> tuple[int, ...]:
    values = {"received": 1, **{m: int(bool(fact[m])) for m in FLAG_MEASURES}}
    if unit_returned is not None:  # unit grains: the complaint was that unit's (dispatched) by definition
        values["dispatched"] = 1
        values["returned"] = int(unit_returned)
    buckets = [int(fact["handling_bucket"] == i) for i in range(len(HANDLING_BUCKETS))]
    return (*(values[m] for m in MEASURES), fact["handling_minutes"] or 0, *buckets)


def _dims(fact: dict, grain: int, unit_id: int = 0) -> tuple:
    kept = ROLLUP_GRAINS[grain]
    values = {
        "street": fact["street_id"],
        "community": fact["community_id"],
        "grid": fact["grid_id"],
        "unit": unit_id,
        "matter": fact["matter_id"],
        "kind": fact["kind"],
        "channel": fact["channel"],
    }
    return tuple(values[d] if d in kept else ("" if d in ("kind", "channel") else 0) for d in DIMENSIONS)


def fact_rows(fact: dict | None, unit_facts: dict[int, bool]) -> tuple[dict, dict]:
    """The rollup rows one complaint adds: ({daily key: values}, {due key: values})."""
    daily: dict[tuple, tuple] = {}
    due: dict[tuple, tuple] = {}
    if fact is None:
        return daily, due
    for grain in ROLLUP_GRAINS:
        for code, day in ((grain, fact["received_day"]), (grain + MONTHLY, fact["received_month"])):
            if grain in UNIT_GRAINS:
                for unit_id, returned in unit_facts.items():
                    daily[(code, day, *_dims(fact, grain, unit_id))] = _measures(fact, unit_returned=returned)
            else:
                daily[(code, day, *_dims(fact, grain))] = _measures(fact)
    if fact["due_eligible"]:
        days = (fact["deadline_day"], fact["finished_day"])
        value = (1, int(fact["on_time"]))
        for grain, dims in DUE_GRAINS.items():
            units = unit_facts if "unit" in dims else {0: False}
            street = fact["street_id"] if "street" in dims else 0
            for unit_id in units:
                due[(grain, *days, street, unit_id)] = value
    return daily, due


def rows_delta(old: dict, new: dict) -> dict:
    """new − old per key; keys whose difference is all zeros are left out."""
    delta: dict[tuple, tuple] = {}
    for key in old.keys() | new.keys():
        before, after = old.get(key), new.get(key)
        width = len(before or after)
        diff = tuple((after[i] if after else 0) - (before[i] if before else 0) for i in range(width))
        if any(diff):
            delta[key] = diff
    return delta


def sql_measure_columns(*, unit: bool) -> list[str]:
    """SELECT expressions (fact table ``f``, unit fact ``u``) summing what ``_measures`` adds."""
    exprs = []
    for measure in MEASURES:
        if measure == "received" or (unit and measure == "dispatched"):
            exprs.append("COUNT(*)")
        elif unit and measure == "returned":
            exprs.append("SUM(CASE WHEN u.returned THEN 1 ELSE 0 END)")
        else:
            exprs.append(f"SUM(CASE WHEN f.{measure} THEN 1 ELSE 0 END)")
    exprs.append("SUM(COALESCE(f.handling_minutes, 0))")
    exprs += [
        f"SUM(CASE WHEN f.handling_bucket = {i} THEN 1 ELSE 0 END)" for i in range(len(HANDLING_BUCKETS))
    ]
    return exprs


def sql_dimension_columns(grain: int) -> tuple[list[str], list[str]]:
    """(select expressions in ``DIMENSIONS`` order, group-by expressions) of a grain."""
    kept = ROLLUP_GRAINS[grain]
    source = {
        "street": "f.street_id",
        "community": "f.community_id",
        "grid": "f.grid_id",
        "unit": "u.unit_id",
        "matter": "f.matter_id",
        "kind": "f.kind",
        "channel": "f.channel",
    }
    select = [source[d] if d in kept else ("''" if d in ("kind", "channel") else "0") for d in DIMENSIONS]
    return select, [source[d] for d in DIMENSIONS if d in kept]
