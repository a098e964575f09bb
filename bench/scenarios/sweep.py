"""Deadline sweep: every complaint open with a running clock, 10,000 of them crossing a warning or a
deadline within the next minute.

Two measurements at each size:
- worst tick: all 10,000 due at once, one ``complaints_sweep_deadlines_tick`` (the beat task's body)
  timed — the due-rows select alone and the whole tick (select + handing the ids to the worker);
- crossings: 10,000 crossings spread over one minute, the tick run every ``period`` seconds as beat
  would, the worker acting; per crossing, the commit of its warn / supervise event minus the moment
  it crossed (PostgreSQL commit timestamps).

States are coherent with the ladder: a warning crossing has run 75 % of its clock (``WARNING_SHARE``),
a deadline crossing is already warned (level 1) and reaches its handling deadline (rung 2)."""

import time
from datetime import timedelta

from bench.harness import percentile, sql

CROSSINGS = 10_000


def open_all(now) -> int:
    """Every complaint becomes ``in_progress`` with a clock that runs out in 30 days (level 1)."""
    rows = sql(
        """
        UPDATE grievance_complaint SET status = 'in_progress', signed_at = coalesce(signed_at, received_at),
          handled_at = NULL, closed_at = NULL, suspended_at = NULL, pending_extension_days = 0,
          clock_started_at = %(start)s, handle_deadline = %(deadline)s, warned_at = %(start)s,
          supervision_level = 1, next_check_at = %(deadline)s
        RETURNING 1
        """,
        {"start": now - timedelta(days=5), "deadline": now + timedelta(days=30)},
    )
    sql("VACUUM ANALYZE grievance_complaint")
    return len(rows)


def _cross(ids: list[int], first, spread: float) -> None:
    """Make ``ids`` cross at ``first`` + i × spread / n: even positions a warning, odd a deadline."""
    n = len(ids)
    params = []
    for i, pk in enumerate(ids):
        at = first + timedelta(seconds=spread * i / n)
        params.append((pk, at, i % 2))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_cross (id bigint, at timestamptz, deadline int)"
        )
        cursor.execute("TRUNCATE bench_cross")
        cursor.executemany("INSERT INTO bench_cross VALUES (%s, %s, %s)", params)
        cursor.execute(
            """
            UPDATE grievance_complaint c SET
              supervision_level = x.deadline,
              warned_at = CASE WHEN x.deadline = 1 THEN x.at - interval '1 day' END,
              clock_started_at = CASE WHEN x.deadline = 1 THEN x.at - interval '4 days'
                                      ELSE x.at - interval '3 hours' END,
              handle_deadline = CASE WHEN x.deadline = 1 THEN x.at ELSE x.at + interval '1 hour' END,
              next_check_at = x.at
            FROM bench_cross x WHERE c.id = x.id
            """
        )


def _uncross(ids: list[int], now) -> None:
    sql(
        "UPDATE grievance_complaint SET supervision_level = 1, warned_at = %s, clock_started_at = %s, "
        "handle_deadline = %s, next_check_at = %s WHERE id = ANY(%s)",
        [
            now - timedelta(days=5),
            now - timedelta(days=5),
            now + timedelta(days=30),
            now + timedelta(days=30),
            ids,
        ],
    )


def _pick(count: int, offset: int) -> list[int]:
    return [
        pk
        for (pk,) in sql(
            "SELECT id FROM grievance_complaint WHERE lead_unit_id IS NOT NULL "
            "ORDER BY id DESC OFFSET %s LIMIT %s",
            [offset, count],
        )
    ]


def _acted(ids: list[int], since) -> list[tuple]:
    return sql(
        """
        SELECT e.complaint_id, min(pg_xact_commit_timestamp(e.xmin)), count(*)
        FROM grievance_complaintevent e
        WHERE e.complaint_id = ANY(%s) AND e.action IN ('warn', 'supervise') AND e.at >= %s
        GROUP BY e.complaint_id
        """,
        [ids, since],
    )


def worst_tick(now) -> dict:
    from config.celery import app
    from grievance.services.supervision import complaints_due_ids, complaints_sweep_deadlines_tick

    ids = _pick(CROSSINGS, 0)
    _cross(ids, now - timedelta(seconds=61), 60)
    tick_at = now
    started = time.perf_counter()
    due = complaints_due_ids(now=tick_at, limit=50000)
    selected = time.perf_counter() - started
    started = time.perf_counter()
    queued = complaints_sweep_deadlines_tick(now=tick_at)
    tick = time.perf_counter() - started
    app.control.purge()  # this tick only measures the tick: the crossings scenario runs the checks
    time.sleep(3)  # let the worker finish what it had prefetched before the rows are reset
    _uncross(ids, now)
    return {"due": len(due), "select_ms": selected * 1000, "tick_ms": tick * 1000, "queued": queued}


def crossings(period: float, timeout: float = 240) -> dict:
    from django.utils import timezone

    from grievance.services.supervision import complaints_sweep_deadlines_tick

    ids = _pick(CROSSINGS, CROSSINGS)
    start = timezone.now() + timedelta(seconds=2)
    _cross(ids, start, 60)
    crossing = dict(sql("SELECT id, next_check_at FROM grievance_complaint WHERE id = ANY(%s)", [ids]))
    ticks = []
    deadline = time.monotonic() + 60 + timeout
    acted: list[tuple] = []
    next_tick = time.monotonic() + 2
    while time.monotonic() < deadline:
        if time.monotonic() >= next_tick:
            t0 = time.perf_counter()
            queued = complaints_sweep_deadlines_tick()
            ticks.append(((time.perf_counter() - t0) * 1000, queued))
            next_tick += period
        acted = _acted(ids, start - timedelta(seconds=1))
        if len(acted) == len(ids):
            break
        time.sleep(min(1.0, max(0.05, next_tick - time.monotonic())))
    latencies = [(at - crossing[pk]).total_seconds() for pk, at, _n in acted]
    return {
        "acted": len(acted),
        "duplicated": sum(1 for _pk, _at, n in acted if n > 1),
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "max": percentile(latencies, 100),
        "within_60": sum(1 for x in latencies if x <= 60),
        "tick_max_ms": max(t for t, _q in ticks) if ticks else float("nan"),
        "ticks": len(ticks),
        "drain_s": max(latencies) - 60 if latencies else float("nan"),
    }


def run(ctx, *, period: float) -> tuple[list[str], dict]:
    from django.utils import timezone

    now = timezone.now()
    started = time.monotonic()
    opened = open_all(now)
    prepared = time.monotonic() - started
    worst = worst_tick(timezone.now())
    flow = crossings(period)
    figures = {"open": opened, **worst, **{f"x_{k}": v for k, v in flow.items()}}
    tick_ok = worst["tick_ms"] < 1000
    all_in_time = flow["within_60"] == CROSSINGS
    rows = [
        f"| {opened:,} open | {worst['due']:,} due: select {worst['select_ms']:.0f} ms, **tick "
        f"{worst['tick_ms']:.0f} ms** ({worst['queued']:,} queued) | {flow['ticks']} ticks every "
        f"{period:.0f} s, longest {flow['tick_max_ms']:.0f} ms | {flow['acted']:,} / {CROSSINGS:,} acted "
        f"({flow['duplicated']} twice); crossing → event p50 / p95 / max **{flow['p50']:.1f} / "
        f"{flow['p95']:.1f} / {flow['max']:.1f} s**; {flow['within_60']:,} within 60 s | "
        f"{'yes' if tick_ok else 'no'} / {'yes' if all_in_time else 'no'} |",
    ]
    figures["prepare_s"] = prepared
    return rows, figures


HEADER = [
    "| open total | worst tick (all 10,000 due at once) | ticks during the crossings | crossings acted on "
    "| tick < 1 s / all within 60 s |",
    "|---|---|---|---|---|",
]
