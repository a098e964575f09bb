"""Benchmark of the dashboard over generated complaints on PostgreSQL (not a test).

    python bench/dashboard_bench.py --sizes 1000000,10000000 [--repeat 40] [--append docs/benchmarks.md]

Starts its own throwaway PostgreSQL and Redis through ``scripts/services.sh`` (services_start /
services_stop), migrates, loads the demo district, then for each size (cumulative: 10M adds 9M to the
1M) generates complaints over the last ``--days`` days with ``complaints_generate``, rebuilds the
rollups, and measures p50/p95 of

- the overview endpoint ``GET /api/v1/dashboard/overview/`` (rollups) for windows of 1, 30, 90 and 365
  days, against the same figures by plain GROUP BY (``GET /api/v1/stats/overview/``, the recount);
- the map endpoint ``GET /api/v1/dashboard/map/`` (streets; all grid cells) against the same map figures
  by plain GROUP BY over the complaints (received, overdue, satisfaction per street / grid cell).

Requests go through Django's test client in process (routing, auth, serialisation included; no
network). It also checks that the rollup overview equals the recount for every window.

The load uses the generator's bulk mode (secondary indexes dropped for the load and rebuilt from
their definitions, writes overlapping the building; ``--no-bulk``: the plain batch path) and starts
the throwaway server with bulk-load settings (``BULK_SERVER``: larger WAL, ``wal_level=minimal``, no
autovacuum — the script runs VACUUM ANALYZE itself); memory settings stay PostgreSQL's defaults.
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WINDOWS = (1, 30, 90, 365)
BULK_SERVER = (
    "-c max_wal_size=16GB -c checkpoint_timeout=30min -c wal_level=minimal -c max_wal_senders=0 "
    "-c autovacuum=off"
)


def _outer(argv: list[str]) -> int:
    """Run this script again inside a shell that started PostgreSQL and Redis (and stops them)."""
    script = (
        "set -e; source scripts/services.sh; trap services_stop EXIT; services_start; "
        f'DASHBOARD_BENCH_INNER=1 {sys.executable} bench/dashboard_bench.py "$@"'
    )
    env = {**os.environ, "SVC_PG_OPTIONS": os.environ.get("SVC_PG_OPTIONS", BULK_SERVER)}
    return subprocess.call(["bash", "-c", script, "bench", *argv], cwd=ROOT, env=env)


def _timed(fn, repeat: int, warmup: int = 2) -> tuple[float, float]:
    """(p50, p95) in milliseconds over ``repeat`` calls after ``warmup`` warm-ups."""
    for _i in range(warmup):
        fn()
    samples = []
    for _i in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)]


def _map_group_by(level: str, start, end, now) -> list[dict]:
    """The map's figures (received, overdue, satisfaction per area) by plain GROUP BY on complaints."""
    from django.db.models import Count, Q

    from grievance.models import Complaint
    from grievance.selectors.dashboard import day_start
    from grievance.selectors.stats import satisfied_values
    from grievance.workflow import CLOCKED

    column = {"street": "street__code", "grid": "grid__code"}[level]
    rows = (
        Complaint.objects.filter(
            received_at__gte=day_start(start), received_at__lt=day_start(end + timedelta(days=1))
        )
        .values(column)
        .annotate(
            received=Count("pk"),
            overdue=Count("pk", filter=Q(status__in=CLOCKED, handle_deadline__lt=now)),
            rated=Count("pk", filter=~Q(satisfaction="")),
            satisfied=Count("pk", filter=Q(satisfaction__in=satisfied_values())),
        )
        .order_by()
    )
    return [{**r, "satisfaction_rate": r["satisfied"] / r["rated"] if r["rated"] else None} for r in rows]


def _row(figure: str, window: str, fast, slow, note: str = "", same: str = "—") -> str:
    return (
        f"| {figure} | {window} | {fast[0]:.1f} / {fast[1]:.1f}{note} | {slow[0]:.1f} / {slow[1]:.1f} "
        f"| {slow[1] / fast[1]:.0f}× | {same} |"
    )


def _measure(client, today, repeat: int, few: int, few_warmup: int) -> list[str]:
    """The table of one size: overview windows, then the map (streets, grid cells)."""
    from django.utils import timezone

    from grievance.selectors.dashboard import dashboard_overview, dashboard_scope
    from grievance.selectors.dashboard_charts import dashboard_map
    from grievance.selectors.stats import OVERVIEW_KEYS, stats_overview

    table = [
        "| figure | window | rollups p50 / p95 (ms) | plain GROUP BY p50 / p95 (ms) | p95 ratio | same |",
        "|---|---|---|---|---|---|",
    ]
    for days in WINDOWS:
        start = today - timedelta(days=days - 1)
        query = {"from": start.isoformat(), "to": today.isoformat()}
        fast = _timed(lambda q=query: client.get("/api/v1/dashboard/overview/", q), repeat)
        slow = _timed(lambda q=query: client.get("/api/v1/stats/overview/", q), few, few_warmup)
        now = timezone.now()
        rollup = dashboard_overview(date_from=start, date_to=today, now=now)
        same = {k: rollup[k] for k in OVERVIEW_KEYS} == stats_overview(
            date_from=start, date_to=today, now=now
        )
        table.append(_row("overview endpoint", f"{days} d", fast, slow, same="yes" if same else "NO"))
        print(table[-1], flush=True)
    for level in ("street", "grid"):
        for days in (30, 365):
            start = today - timedelta(days=days - 1)
            query = {"from": start.isoformat(), "to": today.isoformat(), "level": level}
            fast = _timed(lambda q=query: client.get("/api/v1/dashboard/map/", q), repeat)
            scope = dashboard_scope(date_from=start, date_to=today)
            selector = _timed(lambda s=scope, lv=level: dashboard_map(scope=s, level=lv), repeat)
            now = timezone.now()
            slow = _timed(lambda s=start, lv=level, n=now: _map_group_by(lv, s, today, n), few, few_warmup)
            note = f" (selector {selector[1]:.1f})"
            table.append(_row(f"map endpoint ({level})", f"{days} d", fast, slow, note))
            print(table[-1], flush=True)
    return table


def _inner(args) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DJANGO_DEBUG"] = "false"  # as in production: no query log, no debug pages
    os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="dashboard-bench-")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from grievance.demo.complaints_generator import complaints_generate
    from grievance.services.rollups import rollups_rebuild

    assert connection.vendor == "postgresql", "the benchmark runs on PostgreSQL"
    if not args.measure_only:
        with open(os.devnull, "w") as quiet:
            call_command("migrate", verbosity=0)
            call_command("load_demo", stdout=quiet)
    client = Client()
    client.force_login(User.objects.get(username="dispatcher"))
    end = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    cpu = platform.processor() or platform.machine()
    python = platform.python_version()
    few = args.slow_repeat or max(5, args.repeat // 4)  # the slow side needs fewer samples
    lines = [
        f"PostgreSQL {pg}; {cpu}, {os.cpu_count()} CPU; Python {python}; repeat {args.repeat} "
        f"(GROUP BY side {few} after {args.slow_warmup} warm-up); "
        f"{'bulk load' if args.bulk else 'plain batches'}"
    ]
    print(lines[0], flush=True)
    if args.measure_only:
        return _measure_only(args, client, lines, few)
    made = 0
    for size in [int(s) for s in args.sizes.split(",")]:
        started = time.monotonic()
        base = made
        last = [started]

        def progress(n, base=base, last=last, started=started):
            last[0] = time.monotonic()
            load = "/".join(f"{x:.1f}" for x in os.getloadavg())
            print(f"  generated {base + n:,} at {(last[0] - started):.0f} s, load {load}", flush=True)

        complaints_generate(
            count=size - made,
            data_dir=Path(settings.SHARED_DATA_DIR),
            end=end,
            days=args.days,
            seed=size,
            batch_size=args.batch,
            short_text=args.short_text,
            bulk=args.bulk,
            progress=progress,
        )
        generated, made = time.monotonic() - started, size
        indexes = time.monotonic() - last[0]  # bulk: the index rebuild after the last batch
        print(f"  generated in {generated:.0f} s (after the last batch: {indexes:.0f} s)", flush=True)
        started = time.monotonic()
        rollups_rebuild()
        rebuilt = time.monotonic() - started
        print(f"  rollups rebuilt in {rebuilt:.0f} s", flush=True)
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            vacuumed = time.monotonic() - started
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            db_size = cursor.fetchone()[0]
        title = (
            f"\n### {size:,} complaints over {args.days} days\n\nDatabase {db_size}; generated in "
            f"{generated:.0f} s (of which {indexes:.0f} s after the last batch: index rebuild); rollups "
            f"rebuilt in {rebuilt:.0f} s; VACUUM ANALYZE {vacuumed:.0f} s; load average "
            f"{os.getloadavg()[0]:.1f}.\n"
        )
        print(title, flush=True)
        lines += [title, *_measure(client, timezone.localdate(end), args.repeat, few, args.slow_warmup)]
        print(f"  load average after measuring: {os.getloadavg()}", flush=True)
    if args.append:
        with open(ROOT / args.append, "a", encoding="utf-8") as f:
            f.write("\n#### Run of " + time.strftime("%Y-%m-%d %H:%M") + "\n\n" + "\n".join(lines) + "\n")
    return 0


def _measure_only(args, client, lines: list[str], few: int) -> int:
    """Measure the database of DATABASE_URL as an earlier run left it (generated, rebuilt, vacuumed)."""
    from django.db import connection
    from django.utils import timezone

    from grievance.models import Complaint

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        db_size = cursor.fetchone()[0]
    title = (
        f"\n### {Complaint.objects.count():,} complaints (measured only)\n\nDatabase {db_size}; "
        f"load average {os.getloadavg()[0]:.1f}.\n"
    )
    print(title, flush=True)
    lines += [title, *_measure(client, timezone.localdate(), args.repeat, few, args.slow_warmup)]
    print(f"  load average after measuring: {os.getloadavg()}", flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="1000000", help="comma-separated cumulative sizes, e.g. 1000000,10000000"
    )
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--batch", type=int, default=50000)
    parser.add_argument("--short-text", action="store_true", help="cut descriptions to 80 characters")
    parser.add_argument(
        "--slow-repeat", type=int, default=0, help="samples of the GROUP BY side (default repeat / 4, ≥ 5)"
    )
    parser.add_argument("--slow-warmup", type=int, default=2, help="warm-ups of the GROUP BY side")
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="with DASHBOARD_BENCH_INNER=1 and DATABASE_URL: only measure a database an earlier run loaded",
    )
    parser.add_argument(
        "--no-bulk",
        dest="bulk",
        action="store_false",
        help="load in plain batches with every index in place (the generator's default path)",
    )
    parser.add_argument(
        "--append", default="", help="append the results to this file (e.g. docs/benchmarks.md)"
    )
    args = parser.parse_args()
    if os.environ.get("DASHBOARD_BENCH_INNER"):
        return _inner(args)
    return _outer(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
