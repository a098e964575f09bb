"""Soak test (optional, never run in CI): mixed load on a running platform for ten minutes, reporting
errors, latency and the memory of the server processes over time — memory must stay flat.

    VAR_DIR=/tmp/soak-var PORT=8123 bash scripts/run.sh &          # the platform with demo data
    .venv/bin/python bench/soak.py --url http://127.0.0.1:8123 --pids "$(pgrep -d, -f 'gunicorn.*8123')"

Run it against PostgreSQL and Redis (``DATABASE_URL``/``REDIS_URL``): the embedded SQLite default
answers some concurrent writes with 503 (database locked) by design.

Load (threads, each a loop): hotline operators submit complaints and follow them by tracking code;
the dispatcher lists and reads complaints and dispatches the ones waiting in the centre's queue; the
handler of PS-CG lists their inbox and signs what was dispatched to them. Every ``--every`` seconds
a row: requests, errors (5xx or a broken connection), p50/p95 latency and the resident memory (RSS)
of each process given by ``--pids`` (and their children). At the end: the verdict — no server error
and memory growth from the first to the last minute under ``--max-growth`` (default 20 %).
"""

import argparse
import json
import random
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

PASSWORD = "demo-pass-2026"
LAT, LNG = 22.7085, 114.3460  # 坪山 centre


class Client:
    def __init__(self, base: str, username: str | None = None):
        self.base = base.rstrip("/")
        self.token = None
        if username:
            status, body = self.call(
                "POST", "/api/v1/auth/token/", {"username": username, "password": PASSWORD}
            )
            if status != 200:
                sys.exit(f"cannot sign in as {username}: {status} {body}")
            self.token = body["token"]

    def call(self, method: str, path: str, data: dict | None = None) -> tuple[int, dict]:
        headers = {"Accept": "application/json", "Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        body = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            try:
                return error.code, json.loads(error.read() or b"{}")
            except ValueError:
                return error.code, {}


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.requests = self.errors = 0
        self.statuses: dict[int, int] = {}

    def record(self, status: int, seconds: float) -> None:
        with self.lock:
            self.requests += 1
            self.latencies.append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status >= 500 or status < 0:
                self.errors += 1

    def take(self) -> tuple[int, int, list[float]]:
        with self.lock:
            taken = (self.requests, self.errors, self.latencies)
            self.requests = self.errors = 0
            self.latencies = []
            return taken


def timed(stats: Stats, client: Client, method: str, path: str, data=None) -> tuple[int, dict]:
    started = time.monotonic()
    try:
        status, body = client.call(method, path, data)
    except Exception:
        status, body = -1, {}
    stats.record(status, time.monotonic() - started)
    return status, body


def intake_loop(base: str, stats: Stats, stop: threading.Event) -> None:
    """The operator account (anonymous citizens are throttled to 60 a minute per address)."""
    client, codes, i = Client(base, "operator"), [], 0
    while not stop.is_set():
        i += 1
        data = {
            "kind": random.choice(["complaint", "help", "report"]),
            "title": random.choice(["路灯不亮", "占道经营", "噪音扰民", "垃圾未清运", "井盖缺失"]) + f" {i}",
            "description": "浸泡测试：小区门口的问题已经持续几天了，请尽快处理。",
            "lat": LAT + random.uniform(-0.01, 0.01),
            "lng": LNG + random.uniform(-0.01, 0.01),
            "contact_name": "测试市民",
            "contact_phone": f"139{random.randint(0, 99_999_999):08d}",
        }
        status, body = timed(stats, client, "POST", "/api/v1/complaints/", data)
        if status == 201:
            codes.append(body["tracking_code"])
        if codes:
            timed(stats, client, "GET", f"/api/v1/track/{random.choice(codes[-50:])}/")
        stop.wait(0.2)


def dispatcher_loop(base: str, stats: Stats, stop: threading.Event) -> None:
    client = Client(base, "dispatcher")
    while not stop.is_set():
        status, page = timed(stats, client, "GET", "/api/v1/complaints/?status=pending_dispatch")
        for row in (page.get("results") or [])[:3] if status == 200 else []:
            timed(stats, client, "GET", f"/api/v1/complaints/{row['id']}/")
            action = {"action": "dispatch", "unit": "PS-CG", "note": "浸泡测试派单"}
            timed(stats, client, "POST", f"/api/v1/complaints/{row['id']}/actions/", action)
        timed(stats, client, "GET", "/api/v1/stats/overview/")
        stop.wait(0.5)


def handler_loop(base: str, stats: Stats, stop: threading.Event) -> None:
    client = Client(base, "h-PS-CG")
    while not stop.is_set():
        status, page = timed(stats, client, "GET", "/api/v1/complaints/?status=dispatched")
        for row in (page.get("results") or [])[:3] if status == 200 else []:
            timed(stats, client, "POST", f"/api/v1/complaints/{row['id']}/actions/", {"action": "sign"})
        stop.wait(0.5)


def rss_kib(pids: list[int]) -> dict[int, int]:
    """Resident memory of each process and its children (KiB), from /proc."""
    found = {}
    for pid in pids:
        family = [pid]
        children = Path(f"/proc/{pid}/task/{pid}/children")
        if children.exists():
            family += [int(c) for c in children.read_text().split()]
        for member in family:
            status = Path(f"/proc/{member}/status")
            if status.exists():
                for line in status.read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        found[member] = int(line.split()[1])
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--every", type=float, default=30.0, help="seconds between report rows")
    parser.add_argument("--pids", default="", help="comma-separated server process ids (web, worker)")
    parser.add_argument("--intake-threads", type=int, default=4)
    parser.add_argument("--max-growth", type=float, default=0.20)
    args = parser.parse_args()
    pids = [int(p) for p in args.pids.split(",") if p.strip()]

    stats, stop = Stats(), threading.Event()
    loops = [(intake_loop, args.intake_threads), (dispatcher_loop, 1), (handler_loop, 1)]
    threads = [
        threading.Thread(target=loop, args=(args.url, stats, stop), daemon=True)
        for loop, count in loops
        for _ in range(count)
    ]
    for thread in threads:
        thread.start()
    started, rows, total_errors = time.monotonic(), [], 0
    print(f"{'t (s)':>7} {'req':>6} {'err':>4} {'p50 ms':>7} {'p95 ms':>7} {'RSS MiB':>9}")
    while time.monotonic() - started < args.minutes * 60:
        time.sleep(args.every)
        requests, errors, latencies = stats.take()
        total_errors += errors
        memory = sum(rss_kib(pids).values()) / 1024 if pids else 0.0
        cuts = statistics.quantiles(latencies, n=20) if len(latencies) >= 20 else [0.0] * 19
        row = (time.monotonic() - started, requests, errors, cuts[9] * 1000, cuts[18] * 1000, memory)
        rows.append(row)
        print(f"{row[0]:7.0f} {row[1]:6d} {row[2]:4d} {row[3]:7.1f} {row[4]:7.1f} {row[5]:9.1f}", flush=True)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)

    per_minute = max(1, int(60 / args.every))
    first = statistics.mean(r[5] for r in rows[:per_minute]) if rows else 0.0
    last = statistics.mean(r[5] for r in rows[-per_minute:]) if rows else 0.0
    growth = (last - first) / first if first else 0.0
    flat = not pids or growth <= args.max_growth
    print(f"statuses: {dict(sorted(stats.statuses.items()))}")
    print(
        f"errors: {total_errors}; memory first minute {first:.1f} MiB, "
        f"last minute {last:.1f} MiB ({growth:+.1%})"
    )
    print("verdict:", "OK" if total_errors == 0 and flat else "FAILED")
    return 0 if total_errors == 0 and flat else 1


if __name__ == "__main__":
    sys.exit(main())
