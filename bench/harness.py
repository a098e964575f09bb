"""What every scenario shares: PostgreSQL settings, the gunicorn and Celery processes, resident memory,
an asyncio HTTP load generator and percentiles.

The load generator speaks HTTP/1.1 over raw asyncio streams (no client library: on two cores the
client's own CPU time competes with the server, so it must stay small). In the open-loop mode each
request has a scheduled send time at a fixed offered rate and its latency runs from that time, not
from when it was actually sent, so a stalled server shows up in the figures (no coordinated
omission). The closed-loop mode keeps N requests in flight for a fixed time: the maximum throughput.
"""

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of ``samples``; NaN when empty."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


# --- PostgreSQL ---------------------------------------------------------------------------------

# ``scripts/services.sh`` starts PostgreSQL for throwaway test data (fsync off). Data generation keeps
# that; the measurements run with the durability a production server has, plus the commit timestamps
# the dispatch scenario reads (``pg_xact_commit_timestamp``).
PG_DURABLE = {
    "fsync": "on",
    "synchronous_commit": "on",
    "full_page_writes": "on",
    "track_commit_timestamp": "on",
    "shared_buffers": "2GB",
    "effective_cache_size": "12GB",
    "work_mem": "16MB",
    "maintenance_work_mem": "512MB",
    "max_wal_size": "8GB",
}
PG_LOADING = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "track_commit_timestamp": "on",
    "shared_buffers": "2GB",
    "maintenance_work_mem": "512MB",
    "max_wal_size": "8GB",
}


def pg_restart(options: dict[str, str]) -> None:
    """Restart the PostgreSQL of ``services_start`` with ``options`` (closes Django's connections)."""
    from django.db import connections

    connections.close_all()
    svc = os.environ["SVC_DIR"]
    data = f"{svc}/pg/data"
    ctl = f"{os.environ['SVC_PG_BINDIR']}/pg_ctl"
    as_user = ["runuser", "-u", os.environ["SVC_PG_USER"], "--"] if os.geteuid() == 0 else []
    flags = " ".join(f"-c {k}={v}" for k, v in options.items())
    opts = (
        f"-p {os.environ['SVC_PG_PORT']} -k {svc}/pg -c listen_addresses=127.0.0.1 -c max_connections=200 "
        + flags
    )
    subprocess.run([*as_user, ctl, "-D", data, "-m", "fast", "-w", "stop"], check=True, capture_output=True)
    subprocess.run(
        [*as_user, ctl, "-D", data, "-l", f"{svc}/pg/server.log", "-w", "-t", "120", "start", "-o", opts],
        check=True,
        capture_output=True,
    )


def sql(query: str, params=None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall() if cursor.description else []


# --- processes ----------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid:
            found.append(int(entry))
    return found


def rss_mib(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass
class Services:
    """gunicorn (the Procfile's settings: 2 sync workers) and one Celery worker (concurrency 2)."""

    env: dict
    logs: Path
    port: int = 0
    web: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None

    def start(self) -> None:
        self.port = free_port()
        bind = f"127.0.0.1:{self.port}"
        web = [str(VENV_BIN / "gunicorn"), "config.wsgi", "--bind", bind, "--workers", "2"]
        worker = [
            str(VENV_BIN / "celery"),
            "-A",
            "config",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "2",
        ]
        # Each child keeps its own copy of the log file descriptor; ours is closed at once.
        with open(self.logs / "gunicorn.log", "ab") as log:
            self.web = subprocess.Popen(
                [*web, "--no-control-socket", "--access-logfile", "-"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        with open(self.logs / "celery.log", "ab") as log:
            self.worker = subprocess.Popen(
                worker, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError(f"gunicorn did not start (see {self.logs / 'gunicorn.log'})")
        deadline = time.monotonic() + 60
        while "ready" not in (self.logs / "celery.log").read_text(errors="replace"):
            if time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker did not start (see {self.logs / 'celery.log'})")
            time.sleep(0.3)

    def pids(self) -> dict[str, list[int]]:
        """The web workers (the gunicorn master's children) and the Celery processes (main + pool)."""
        web = _children(self.web.pid) if self.web else []
        worker = [self.worker.pid, *_children(self.worker.pid)] if self.worker else []
        return {"web": web, "worker": worker}

    def worker_signal(self, signum: int) -> None:
        """SIGSTOP / SIGCONT the Celery processes: with the worker paused the request path is measured
        alone (the queued tasks wait in Redis and run once it continues)."""
        for pid in self.pids()["worker"]:
            with contextlib.suppress(OSError):
                os.kill(pid, signum)

    def worker_nice(self, value: int) -> None:
        """Set the Celery processes' scheduling priority (0: as the web; 10: yields to the web)."""
        for pid in self.pids()["worker"]:
            with contextlib.suppress(OSError):  # a pool process that just exited
                os.setpriority(os.PRIO_PROCESS, pid, value)

    def stop(self) -> None:
        for proc in (self.web, self.worker):
            if proc is None or proc.poll() is not None:
                continue
            proc.terminate()  # the master / main process shuts its workers down (warm shutdown)
        for proc in (self.web, self.worker):
            if proc is None:
                continue
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.web = self.worker = None


class RssSampler:
    """Peak resident memory per process group, sampled every ``period`` seconds in a thread."""

    def __init__(self, services: Services, period: float = 0.2):
        self.services, self.period = services, period
        self.peak: dict[str, float] = {}  # group → the largest single process
        self.peak_total: dict[str, float] = {}  # group → the largest sum
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for group, pids in self.services.pids().items():
                sizes = [rss_mib(p) for p in pids]
                if sizes:
                    self.peak[group] = max(self.peak.get(group, 0.0), max(sizes))
                    self.peak_total[group] = max(self.peak_total.get(group, 0.0), sum(sizes))
            self._stop.wait(self.period)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def queue_drain(timeout: float = 900) -> float:
    """Until the broker's queues stay empty for 3 s (messages held for a later ``eta`` do not count);
    returns the seconds waited."""
    import redis
    from django.conf import settings

    from common.queue import redis_queue_length

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    started = time.monotonic()
    quiet_since = None
    while time.monotonic() - started < timeout:
        if redis_queue_length(client):
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 3:
            break
        time.sleep(0.5)
    return time.monotonic() - started


def server_settle(port: int, timeout: float = 300) -> float:
    """Until gunicorn answers a cheap request within 100 ms three times in a row: requests abandoned
    by the client at an earlier overload are still in its listen queue and would be served first."""
    started = time.monotonic()
    fast = 0
    while time.monotonic() - started < timeout and fast < 3:
        t0 = time.perf_counter()
        try:
            status, _body = asyncio.run(asyncio.wait_for(_exchange(port, Request("GET", "/healthz")), 30))
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError, IndexError):
            status = 0
        fast = fast + 1 if status and time.perf_counter() - t0 < 0.1 else 0
        time.sleep(0.2)
    return time.monotonic() - started


# --- load generator -----------------------------------------------------------------------------


@dataclass
class Result:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    bodies: list[bytes] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> int:
        return sum(n for s, n in self.statuses.items() if 200 <= s < 300)

    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def p(self, q: float) -> float:
        return percentile(self.latencies_ms, q)


@dataclass
class Request:
    method: str
    path: str
    body: bytes = b""
    headers: dict = field(default_factory=dict)


async def _exchange(port: int, req: Request) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = [f"{req.method} {req.path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
        head += [f"{k}: {v}" for k, v in req.headers.items()]
        if req.body or req.method == "POST":
            head += ["Content-Type: application/json", f"Content-Length: {len(req.body)}"]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + req.body)
        await writer.drain()
        status_line = await reader.readline()
        status = int(status_line.split()[1])
        length = None
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        body = await (reader.readexactly(length) if length is not None else reader.read())
        return status, body
    finally:
        writer.close()


async def _one(port: int, req: Request, started: float, result: Result, keep_body: bool, timeout: float):
    try:
        status, body = await asyncio.wait_for(_exchange(port, req), timeout)
    except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError):
        result.errors += 1
        return
    result.latencies_ms.append((time.perf_counter() - started) * 1000)
    result.statuses[status] = result.statuses.get(status, 0) + 1
    if keep_body:
        result.bodies.append(body)


def open_loop(port: int, make, *, rate: float, seconds: float, keep_body=False, timeout=10.0) -> Result:
    """Offer ``rate`` requests/s for ``seconds`` (``make(i)`` builds request i); latency counts from
    each request's scheduled time. Requests still unanswered ``timeout`` s after the end are errors."""

    async def run() -> Result:
        result = Result()
        tasks = []
        t0 = time.perf_counter()
        total = int(rate * seconds)
        for i in range(total):
            scheduled = t0 + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(_one(port, make(i), scheduled, result, keep_body, timeout)))
        await asyncio.gather(*tasks)
        result.seconds = time.perf_counter() - t0
        return result

    return asyncio.run(run())


def closed_loop(port: int, make, *, concurrency: int, seconds: float, keep_body=False) -> Result:
    """``concurrency`` requests in flight for ``seconds`` (after a 2 s warm-up that is not counted)."""

    async def run() -> Result:
        counter = iter(range(10**9))

        async def client(result: Result, until: float) -> None:
            while time.perf_counter() < until:
                await _one(port, make(next(counter)), time.perf_counter(), result, keep_body, 30.0)

        warm = Result()
        until = time.perf_counter() + 2
        await asyncio.gather(*(client(warm, until) for _ in range(concurrency)))
        result = Result()
        t0 = time.perf_counter()
        await asyncio.gather(*(client(result, t0 + seconds) for _ in range(concurrency)))
        result.seconds = time.perf_counter() - t0
        return result

    return asyncio.run(run())


def json_body(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


def load_average() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())
