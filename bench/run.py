"""The benchmark suite (``make bench``): every scenario of docs/benchmarks.md in one command.

    .venv/bin/python bench/run.py [--size 1000000] [--quick] [--only intake,dispatch,...]
                                  [--skip-routing] [--append docs/benchmarks.md | --no-append]

Starts a throwaway PostgreSQL and Redis (``scripts/services.sh``), gunicorn and one Celery worker with
``config.settings.bench`` (production settings over plain HTTP on 127.0.0.1, plus the baseline app),
generates complaints with the bulk generator (PostgreSQL COPY), runs the scenarios with the asyncio
load generator of ``bench/harness.py``, stops everything (also on Ctrl-C or an error) and appends a
dated result block to ``docs/benchmarks.md``. Order: 1/10 of ``--size`` is generated first for the
sweep's small point, then the rest; intake, dispatch, reads, dashboard and the sweep run at full size
(the sweep last: it opens every complaint); the routing model last, in its own process.
"""

import argparse
import inspect
import os
import platform
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("intake", "dispatch", "reads", "dashboard", "sweep", "routing")


def _outer(argv: list[str]) -> int:
    """Run this script again inside a shell that started PostgreSQL and Redis (and stops them)."""
    script = (
        "set -e; source scripts/services.sh; trap services_stop EXIT; services_start; "
        f'BENCH_INNER=1 {sys.executable} bench/run.py "$@"'
    )
    shell = subprocess.Popen(["bash", "-c", script, "bench", *argv], cwd=ROOT)

    def forward(signum, _frame):  # the inner run stops its processes, then the trap stops the services
        from bench.harness import _children

        for pid in _children(shell.pid):
            os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    return shell.wait()


@dataclass
class Context:
    port: int
    services: object
    dsn: str
    operator_token: str
    dispatcher_token: str
    seconds: float
    rate: float
    concurrency: int


def _versions() -> str:
    from importlib.metadata import version

    from bench.harness import sql

    pg = sql("SHOW server_version")[0][0]
    redis = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.split()
    redis_v = next((w.split("=")[1] for w in redis if w.startswith("v=")), "?")
    libs = ", ".join(
        f"{n} {version(n)}"
        for n in ("Django", "djangorestframework", "gunicorn", "celery", "psycopg2-binary")
    )
    return f"Python {platform.python_version()}, PostgreSQL {pg}, Redis {redis_v}, {libs}"


def _machine() -> str:
    model = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.machine(),
    )
    mem = next(
        int(ln.split()[1])
        for ln in Path("/proc/meminfo").read_text().splitlines()
        if ln.startswith("MemTotal")
    )
    system = f"{platform.system()} {platform.release()}"
    return f"{model}, {os.cpu_count()} CPU, {mem / 1024 / 1024:.0f} GB RAM, {system}"


def _revision() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True
        ).stdout
    except OSError:
        return "unknown"
    return head.strip() + (" with uncommitted changes" if dirty.strip() else "")


def _generate(count: int, seed: int, log) -> float:
    from django.conf import settings

    from grievance.demo.complaints_generator import complaints_generate

    kwargs = {"bulk": True} if "bulk" in inspect.signature(complaints_generate).parameters else {}
    started = time.monotonic()
    complaints_generate(
        count=count,
        data_dir=Path(settings.SHARED_DATA_DIR),
        seed=seed,
        batch_size=50000,
        progress=lambda n: log(f"  generated {n:,} / {count:,}"),
        **kwargs,
    )
    return time.monotonic() - started


def _wait_idle(timeout: float = 900) -> float:
    from bench.harness import queue_drain

    return queue_drain(timeout)


def _guarded(step) -> list[str]:
    """A scenario's rows, or the line saying how it failed (the other scenarios still run)."""
    import traceback

    try:
        return step()
    except KeyboardInterrupt:
        raise
    except Exception as exc:
        traceback.print_exc()
        return [f"**Not measured: the scenario failed with {exc.__class__.__name__}: {exc}**"]


def _stop(signum, _frame):
    raise KeyboardInterrupt  # unwinds through the ``finally`` that stops gunicorn and the worker


def _inner(args) -> int:
    # A run started in the background inherits SIGINT ignored: both signals stop it cleanly.
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    work = Path(tempfile.mkdtemp(prefix="grievance-bench-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.bench",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        VAR_DIR=str(work / "var"),
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from bench import harness
    from bench.scenarios import dispatch, intake, reads, sweep

    only = set(args.only.split(",")) if args.only else set(SCENARIOS)
    if args.skip_routing:
        only.discard("routing")
    log_lines: list[str] = []

    def log(text: str) -> None:
        print(text, flush=True)

    size = args.size
    small = max(1000, size // 10)
    seconds, rate, concurrency = (5, 50, 4) if args.quick else (20, 100, 4)
    if args.quick:
        sweep.CROSSINGS = min(sweep.CROSSINGS, small // 4)
    started_at = time.strftime("%Y-%m-%d %H:%M %Z")
    load_start = harness.load_average()
    harness.pg_restart(harness.PG_LOADING)
    with open(os.devnull, "w") as quiet:
        call_command("migrate", verbosity=0)
        call_command("load_demo", stdout=quiet)
    tokens = {
        u: Token.objects.get_or_create(user=User.objects.get(username=u))[0].key
        for u in ("operator", "dispatcher")
    }
    services = harness.Services(env=dict(os.environ), logs=work)
    ctx = Context(
        0,
        services,
        os.environ["DATABASE_URL"],
        tokens["operator"],
        tokens["dispatcher"],
        seconds,
        rate,
        concurrency,
    )
    sections: dict[str, list[str]] = {}
    notes: list[str] = []
    sweep_rows: list[str] = []
    try:
        generated = _generate(small, 1, log)
        notes.append(f"{small:,} complaints generated in {generated:.0f} s")
        if "sweep" in only:
            harness.pg_restart(harness.PG_DURABLE)
            services.start()
            log("== sweep at the small size")
            sweep_rows += _guarded(lambda: sweep.run(ctx, period=args.sweep_period)[0])
            log("\n".join(sweep_rows))
            services.stop()
            harness.pg_restart(harness.PG_LOADING)
        generated = _generate(size - small, 2, log)
        notes.append(f"{size - small:,} more in {generated:.0f} s")
        if "dashboard" in only:
            from grievance.services.rollups import rollups_rebuild

            t0 = time.monotonic()
            rollups_rebuild()
            notes.append(f"rollups rebuilt in {time.monotonic() - t0:.0f} s")
        harness.sql("VACUUM ANALYZE")
        db_size = harness.sql("SELECT pg_size_pretty(pg_database_size(current_database()))")[0][0]
        notes.append(f"database {db_size}")
        harness.pg_restart(harness.PG_DURABLE)
        services.start()
        ctx.port = services.port
        # The dashboard first: it compares the rollups with a recount, which must see every complaint's
        # routing processed (the intake scenario drops the routing it queues).
        steps = [
            ("dashboard", lambda: _dashboard(args)),
            ("reads", lambda: reads.run(ctx, seconds=10 if args.quick else 30)),
            ("intake", lambda: intake.run(ctx)),
            ("dispatch", lambda: dispatch.run(ctx, seconds=15 if args.quick else 60, drain=_wait_idle)),
        ]
        for name, step in steps:
            if name in only:
                log(f"== {name}")
                sections[name] = _guarded(step)
                log("\n".join(sections[name]))
                _wait_idle()
        if "sweep" in only:
            log("== sweep at the full size")
            sweep_rows += _guarded(lambda: sweep.run(ctx, period=args.sweep_period)[0])
            log("\n".join(sweep_rows[-1:]))
        services.stop()
        if "routing" in only:
            log("== routing model")
            sections["routing"] = _guarded(lambda: _routing(args))
    finally:
        services.stop()
        # Whatever was measured is recorded, also when a step failed or the run was stopped.
        if sweep_rows:
            sections["sweep"] = [*sweep.HEADER, *sweep_rows]
        block = _block(args, started_at, load_start, notes, sections, log_lines)
        print(block)
        if args.append and sections:
            with open(ROOT / args.append, "a", encoding="utf-8") as f:
                f.write("\n" + block)
    return 0


def _dashboard(args) -> list[str]:
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from bench.dashboard_bench import _measure

    client = Client()
    client.force_login(User.objects.get(username="dispatcher"))
    repeat = 10 if args.quick else 40
    extra = {"few": max(5, repeat // 4), "few_warmup": 1}
    params = inspect.signature(_measure).parameters
    return _measure(client, timezone.localdate(), repeat, *[v for k, v in extra.items() if k in params])


def _routing(args) -> list[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    command = [
        sys.executable,
        "bench/routing_bench.py",
        "--cv",
        "5",
        "--seeds",
        "0",
        "--repeat",
        "50" if args.quick else "300",
    ]
    out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    lines = out.stdout.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.startswith("|")), len(lines))
    table = [ln for ln in lines[start:] if ln.startswith("|") or ln.startswith("Peak memory") or not ln]
    return table or [f"routing benchmark failed: {out.stderr[-400:]}"]


TITLES = {
    "intake": "Intake: throughput against the bare DRF baseline, p99 at 100 req/s, memory",
    "dispatch": "Dispatch latency: submission commit → routing event commit, 50 submissions/s",
    "reads": "Reads: complaint detail and unit inbox",
    "sweep": "Deadline sweep: tick cost against the open total, 10,000 crossings",
    "dashboard": "Dashboard: overview and map, rollups against plain GROUP BY",
    "routing": "Routing model: training and suggestion latency (`bench/routing_bench.py --cv 5 --seeds 0`)",
}


def _block(args, started_at, load_start, notes, sections, _log) -> str:
    from bench import harness

    command = "make bench" if not args.quick else "make bench ARGS=--quick"
    lines = [
        f"## Benchmark run of {started_at} (`{command}`)",
        "",
        f"Command: `{' '.join(['.venv/bin/python', 'bench/run.py', *sys.argv[1:]])}` "
        f"(revision {_revision()}).",
        f"Machine: {_machine()}; load average {load_start} at the start, "
        f"{harness.load_average()} at the end.",
        f"Versions: {_versions()}.",
        "Processes: gunicorn `config.wsgi` with 2 sync workers (the Procfile's), one Celery worker "
        "(concurrency 2), `config.settings.bench` (production settings, plain HTTP on 127.0.0.1); PostgreSQL "
        "with " + ", ".join(f"{k}={v}" for k, v in harness.PG_DURABLE.items()) + " during the measurements; "
        "the load generator (asyncio, one process) on the same machine. Intake calls are authenticated "
        "with an operator's token (the anonymous throttle does not apply).",
        f"Data: the demo district and {args.size:,} generated complaints ({'; '.join(notes)}).",
        "",
    ]
    for name in SCENARIOS:
        if name in sections:
            lines += [f"### {TITLES[name]}", "", *sections[name], ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--size", type=int, default=1_000_000, help="complaints in the table (default 1,000,000)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: short durations (use a small --size)"
    )
    parser.add_argument("--only", default="", help=f"comma-separated subset of {','.join(SCENARIOS)}")
    parser.add_argument("--skip-routing", action="store_true", help="leave out the routing model (≈ 2 min)")
    parser.add_argument("--sweep-period", type=float, default=15.0, help="seconds between sweep ticks")
    parser.add_argument(
        "--append", default="docs/benchmarks.md", help="the file the result block is appended to"
    )
    parser.add_argument("--no-append", dest="append", action="store_const", const="", help="print only")
    args = parser.parse_args()
    if os.environ.get("BENCH_INNER"):
        return _inner(args)
    return _outer(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
