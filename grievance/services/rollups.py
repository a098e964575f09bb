"""Dashboard rollups kept current from the event stream (ARCHITECTURE.md §6 ``stats_rollup``).

- ``complaint_rollup_refresh(complaint_id=)`` recomputes the complaint's fact from its *current state*
  (row, lead assignments, return/result events) under the complaint's row lock, and applies the
  difference between the rows of the new and the stored fact to the rollup tables, in one transaction.
  It is state-based, so a replayed, duplicated or out-of-order event changes nothing: the stored fact
  is already current and the difference is zero. The pipeline calls it for every committed event.
- ``rollups_catch_up()`` (beat) refreshes the complaints of events past a high-water mark: events that
  never pass through the pipeline ("submit") and events whose task was lost.
- ``rollups_rebuild()`` recomputes every fact in id batches and then every rollup row from the facts
  with GROUP BY (same definitions: the SQL sums the fact columns that ``fact_rows`` adds one by one).
"""

import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import Max, Min, Q

from grids.models import Unit
from grievance.models.complaints import Assignment, AssignmentRole, Complaint, ComplaintEvent
from grievance.models.matters import Matter
from grievance.models.rollups import (
    DUE_GRAINS,
    MONTHLY,
    ROLLUP_GRAINS,
    ComplaintFact,
    ComplaintUnitFact,
    DailyRollup,
    DueRollup,
    RollupState,
)
from grievance.services.rollup_facts import (
    COMPLAINT_FIELDS,
    DAILY_KEY,
    DAILY_VALUES,
    DUE_KEY,
    DUE_VALUES,
    FACT_FIELDS,
    HANDLED_ACTIONS,
    UNIT_GRAINS,
    ComplaintHistory,
    fact_compute,
    fact_rows,
    rows_delta,
    sql_dimension_columns,
    sql_measure_columns,
    unit_facts_compute,
)

CATCH_UP_STATE = "events"
UPSERT_CHUNK = 20  # rows per statement: stays under SQLite's bound-parameter limit


def matter_tops(matter_ids: Iterable[int] | None = None) -> dict[int, int]:
    """matter id → id of its top-level class (the matter tree has three levels)."""
    matters = Matter.objects.all() if matter_ids is None else Matter.objects.filter(pk__in=list(matter_ids))
    tops = {}
    for pk, level, parent, grandparent in matters.values_list(
        "pk", "level", "parent_id", "parent__parent_id"
    ):
        tops[pk] = {1: pk, 2: parent}.get(level, grandparent) or pk
    return tops


def complaint_histories(complaints: Q) -> dict[int, ComplaintHistory]:
    """Lead units, returns and results of the complaints matched by ``complaints`` (a Q on
    ``complaint_id``)."""
    histories: dict[int, ComplaintHistory] = defaultdict(ComplaintHistory)
    leads = Assignment.objects.filter(complaints, role=AssignmentRole.LEAD)
    for complaint_id, unit_id in leads.values_list("complaint_id", "unit_id"):
        histories[complaint_id].lead_unit_ids.add(unit_id)
    returns = ComplaintEvent.objects.filter(complaints, action="return")
    returned_codes: dict[str, list[int]] = defaultdict(list)
    for complaint_id, payload in returns.values_list("complaint_id", "payload"):
        histories[complaint_id].any_return = True
        code = payload.get("unit") if isinstance(payload, dict) else None
        if code:
            returned_codes[str(code)].append(complaint_id)
    for code, unit_id in Unit.objects.filter(code__in=list(returned_codes)).values_list("code", "pk"):
        for complaint_id in returned_codes[code]:
            histories[complaint_id].returned_unit_ids.add(unit_id)
    handled = ComplaintEvent.objects.filter(complaints, action__in=HANDLED_ACTIONS)
    for complaint_id in handled.values_list("complaint_id", flat=True).distinct():
        histories[complaint_id].handled_once = True
    return histories


def _db_value(value):
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _upsert_add(model, key: tuple[str, ...], values: tuple[str, ...], delta: dict[tuple, tuple]) -> None:
    """Add ``delta`` (key → values) to the rows of ``model``, creating missing rows (one upsert per chunk;
    concurrent refreshes add atomically)."""
    if not delta:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = ", ".join(qn(c) for c in (*key, *values))
    conflict = ", ".join(qn(c) for c in key)
    updates = ", ".join(f"{qn(v)} = {table}.{qn(v)} + EXCLUDED.{qn(v)}" for v in values)
    width = len(key) + len(values)
    items = sorted(delta.items(), key=lambda item: tuple(str(x) for x in item[0]))  # stable lock order
    with connection.cursor() as cursor:
        for start in range(0, len(items), UPSERT_CHUNK):
            chunk = items[start : start + UPSERT_CHUNK]
            rows = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(chunk))
            params = [_db_value(v) for k, d in chunk for v in (*k, *d)]
            sql = f"INSERT INTO {table} ({columns}) VALUES {rows} ON CONFLICT ({conflict}) DO UPDATE SET "
            cursor.execute(sql + updates, params)


@transaction.atomic
def complaint_rollup_refresh(*, complaint_id: int) -> bool:
    """Bring the complaint's fact and its rollup rows up to date; True when anything changed."""
    row = Complaint.objects.select_for_update().filter(pk=complaint_id).values(*COMPLAINT_FIELDS).first()
    if row is None:
        return False
    history = complaint_histories(Q(complaint_id=complaint_id)).get(complaint_id, ComplaintHistory())
    fact = fact_compute(row, history, matter_tops([row["matter_id"]] if row["matter_id"] else []))
    units = unit_facts_compute(history)
    old = ComplaintFact.objects.filter(pk=complaint_id).values(*FACT_FIELDS).first()
    old_units = dict(
        ComplaintUnitFact.objects.filter(fact_id=complaint_id).values_list("unit_id", "returned")
    )
    if old == fact and old_units == units:
        return False
    old_daily, old_due = fact_rows(old, old_units)
    new_daily, new_due = fact_rows(fact, units)
    _upsert_add(DailyRollup, DAILY_KEY, DAILY_VALUES, rows_delta(old_daily, new_daily))
    _upsert_add(DueRollup, DUE_KEY, DUE_VALUES, rows_delta(old_due, new_due))
    ComplaintFact.objects.update_or_create(complaint_id=complaint_id, defaults=fact)
    if old_units != units:
        ComplaintUnitFact.objects.filter(fact_id=complaint_id).delete()
        ComplaintUnitFact.objects.bulk_create(
            ComplaintUnitFact(fact_id=complaint_id, unit_id=unit_id, returned=returned)
            for unit_id, returned in units.items()
        )
    return True


def rollups_catch_up(*, limit: int = 2000) -> int:
    """Refresh the complaints of up to ``limit`` events past the high-water mark; returns how many
    complaints were refreshed. Idempotent (refreshes are), so overlapping sweeps are harmless."""
    state, _created = RollupState.objects.get_or_create(name=CATCH_UP_STATE)
    events = list(
        ComplaintEvent.objects.filter(pk__gt=state.value)
        .order_by("pk")
        .values_list("pk", "complaint_id")[:limit]
    )
    if not events:
        return 0
    complaint_ids = list(dict.fromkeys(complaint_id for _pk, complaint_id in events))
    for complaint_id in complaint_ids:
        complaint_rollup_refresh(complaint_id=complaint_id)
    RollupState.objects.filter(name=CATCH_UP_STATE, value__lt=events[-1][0]).update(value=events[-1][0])
    return len(complaint_ids)


# --- bulk ----------------------------------------------------------------------------------------


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """One value in COPY's text format (hot path of bulk loads: the common types first)."""
    kind = type(value)
    if kind is str:
        return value.translate(_COPY_ESCAPES)
    if kind is int or kind is float:
        return str(value)
    if value is None:
        return r"\N"
    if kind is bool:
        return "t" if value else "f"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False).translate(_COPY_ESCAPES)
    return str(value).translate(_COPY_ESCAPES)


def copy_text(rows: Iterable[tuple]) -> str:
    """``rows`` as the body of a COPY in text format (one line per row)."""
    join, value = "\t".join, _copy_text
    return "".join([join(map(value, row)) + "\n" for row in rows])


def text_copy(*, model, columns: tuple[str, ...], text: str) -> None:
    """COPY ``text`` (from ``copy_text``) into ``model``'s table (PostgreSQL)."""
    if not text:
        return
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN",
            io.StringIO(text),
            size=1 << 20,
        )


def rows_copy(*, model, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
    """Write ``rows`` (tuples in ``columns`` order) into ``model``'s table: PostgreSQL COPY when
    available, ``bulk_create`` otherwise. Returns the number of rows."""
    rows = list(rows)
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        text_copy(model=model, columns=columns, text=copy_text(rows))
        return len(rows)
    attnames = [model._meta.get_field(c).attname for c in columns]
    model.objects.bulk_create(
        (model(**dict(zip(attnames, row, strict=True))) for row in rows), batch_size=500
    )
    return len(rows)


def _tables_empty() -> None:
    models = (DailyRollup, DueRollup, ComplaintUnitFact, ComplaintFact)
    if connection.vendor == "postgresql":
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
        with connection.cursor() as cursor:
            # Deferred foreign-key checks of earlier writes in this transaction must run first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {tables}")  # locks them until commit: refreshes wait for the rebuild
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return
    for model in models:
        model.objects.all().delete()


def _facts_write(batch: list[dict], histories: dict[int, ComplaintHistory], tops: dict[int, int]) -> int:
    facts, unit_facts = [], []
    for row in batch:
        history = histories.get(row["id"], ComplaintHistory())
        fact = fact_compute(row, history, tops)
        facts.append((row["id"], *(fact[f] for f in FACT_FIELDS)))
        unit_facts += [(row["id"], u, r) for u, r in unit_facts_compute(history).items()]
    rows_copy(model=ComplaintFact, columns=("complaint_id", *FACT_FIELDS), rows=facts)
    rows_copy(model=ComplaintUnitFact, columns=("fact_id", "unit_id", "returned"), rows=unit_facts)
    return len(facts)


def _rollups_from_facts() -> None:
    qn = connection.ops.quote_name
    fact, unit_fact = qn(ComplaintFact._meta.db_table), qn(ComplaintUnitFact._meta.db_table)
    daily_columns = ", ".join(qn(c) for c in (*DAILY_KEY, *DAILY_VALUES))
    due_columns = ", ".join(qn(c) for c in (*DUE_KEY, *DUE_VALUES))
    statements = []
    for grain in ROLLUP_GRAINS:
        unit = grain in UNIT_GRAINS
        dims, group = sql_dimension_columns(grain)
        for code, day in ((int(grain), "f.received_day"), (int(grain) + MONTHLY, "f.received_month")):
            select = [str(code), day, *dims, *sql_measure_columns(unit=unit)]
            statements.append(
                f"INSERT INTO {qn(DailyRollup._meta.db_table)} ({daily_columns}) SELECT {', '.join(select)} "
                f"FROM {fact} f{_unit_join(unit_fact) if unit else ''} GROUP BY {', '.join([day, *group])}"
            )
    for grain, kept in DUE_GRAINS.items():
        unit, street = "unit" in kept, "street" in kept
        select = [str(int(grain)), "f.deadline_day", "f.finished_day", "f.street_id" if street else "0"]
        select.append("u.unit_id" if unit else "0")
        group = ["f.deadline_day", "f.finished_day", *(["f.street_id"] if street else [])]
        group += ["u.unit_id"] if unit else []
        statements.append(
            f"INSERT INTO {qn(DueRollup._meta.db_table)} ({due_columns}) SELECT {', '.join(select)}, "
            "COUNT(*), SUM(CASE WHEN f.on_time THEN 1 ELSE 0 END) "
            f"FROM {fact} f{_unit_join(unit_fact) if unit else ''} WHERE f.due_eligible "
            f"GROUP BY {', '.join(group)}"
        )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _unit_join(unit_fact: str) -> str:
    return f" JOIN {unit_fact} u ON u.fact_id = f.complaint_id"


@transaction.atomic
def rollups_rebuild(*, batch_size: int = 20000, progress: Callable[[int], None] | None = None) -> dict:
    """Recompute every fact and rollup row from the complaints (what a recount gives). Holds the
    dashboard tables (PostgreSQL: TRUNCATE's lock) until commit, so concurrent refreshes wait and then
    find their fact current. Returns counts."""
    _tables_empty()
    high_water = ComplaintEvent.objects.aggregate(m=Max("pk"))["m"] or 0
    tops = matter_tops()
    bounds = Complaint.objects.aggregate(low=Min("pk"), high=Max("pk"))
    done = 0
    if bounds["low"] is not None:
        for low in range(bounds["low"], bounds["high"] + 1, batch_size):
            span = Q(complaint_id__gte=low, complaint_id__lt=low + batch_size)
            batch = list(
                Complaint.objects.filter(pk__gte=low, pk__lt=low + batch_size).values(*COMPLAINT_FIELDS)
            )
            done += _facts_write(batch, complaint_histories(span), tops)
            if progress is not None:
                progress(done)
    _rollups_from_facts()
    RollupState.objects.update_or_create(name=CATCH_UP_STATE, defaults={"value": high_water})
    return {
        "complaints": done,
        "daily_rows": DailyRollup.objects.count(),
        "due_rows": DueRollup.objects.count(),
        "high_water": high_water,
    }
