"""Redis stops for 30 seconds during intake (issue 11, §1): intake keeps answering 201 over real HTTP
(staff with a token and anonymous citizens alike; the complaints are stored), ``/healthz`` says the
broker is degraded, and when Redis returns routing catches up by itself — the worker reconnects and
the beat's outbox sweep (run every 2 s here, threshold 5 s) queues the complaints whose routing task
could not be queued. Every complaint ends routed exactly once.

Celery 5.7 / kombu 5.7 on Redis: the worker does not survive losing the broker ("Unrecoverable error:
AttributeError 'NoneType' object has no attribute 'hostname'" while restoring unacknowledged messages)
and exits; production runs it under a restart policy (docker compose ``restart: unless-stopped``), so
this drill runs it under a supervisor that does the same — restart when it exits, at once — and
records how many restarts it took.

Redis is the test command's own (``scripts/services.sh``: ``SVC_REDIS_PORT``, ``SVC_DIR``), stopped with
``shutdown nosave`` and started again on the same port with the same options (and pid file, so the
test command still stops it at the end). ``DRILL_REDIS_OUTAGE`` changes the outage (default 30 s).
"""

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connections

from grievance.models import Complaint, Status
from tests.integration.conftest import (
    CELERY,
    ROOT,
    _database_url,
    api_as,
    http_post_json,
    routing_report,
    wait_until,
)

pytestmark = pytest.mark.integration

OUTAGE_SECONDS = float(os.environ.get("DRILL_REDIS_OUTAGE", "30"))
FAST_SWEEPS = {"STUCK_SWEEP_SECONDS": "2", "STUCK_AFTER_SECONDS": "5", "DEADLINE_SWEEP_SECONDS": "3600"}


def _redis_port() -> str:
    port = os.environ.get("SVC_REDIS_PORT")
    if not port or not os.environ.get("SVC_DIR"):
        pytest.fail("the Redis drill needs the test command's Redis: run it through scripts/test.sh")
    return port


def redis_stop(port: str) -> None:
    subprocess.run(["redis-cli", "-p", port, "shutdown", "nosave"], capture_output=True, timeout=10)
    wait_until(lambda: not redis_ping(port), timeout=10, message="Redis to stop")


def redis_start(port: str) -> None:
    folder = os.environ["SVC_DIR"]
    subprocess.run(
        [
            *("redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"),
            *("--daemonize", "yes", "--pidfile", f"{folder}/redis.pid", "--logfile", f"{folder}/redis.log"),
            *("--dir", folder),
        ],
        check=True,
        capture_output=True,
        timeout=10,
    )
    wait_until(lambda: redis_ping(port), timeout=10, message="Redis to start")


def redis_ping(port: str) -> bool:
    done = subprocess.run(["redis-cli", "-p", port, "ping"], capture_output=True, text=True, timeout=5)
    return done.stdout.strip() == "PONG"


@pytest.fixture
def fast_sweeps(monkeypatch):
    """Worker and beat started after this read these (their environment is copied at start)."""
    for key, value in FAST_SWEEPS.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def beat(fast_sweeps, transactional_db, tmp_path):
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    log = open(tmp_path / "beat.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            *(CELERY, "-A", "config", "--workdir", str(ROOT), "beat", "--loglevel", "INFO"),
            *("--schedule", str(tmp_path / "beat-schedule"), "--pidfile", str(tmp_path / "beat.pid")),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)
    log.close()
    print(Path(tmp_path / "beat.log").read_text(errors="replace")[-2000:])


class Supervisor:
    """Restarts the worker whenever it has exited, like ``restart: unless-stopped``."""

    def __init__(self, worker):
        self.worker = worker
        self.restarts = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stopped.wait(1.0):
            if self.worker.proc is not None and self.worker.proc.poll() is not None:
                self.restarts += 1
                # start() waits for a ping, which fails while Redis is still down; the process
                # itself keeps retrying its broker connection on start-up.
                with contextlib.suppress(Exception):
                    self.worker.start()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join(timeout=120)


def test_redis_outage_during_intake(
    lifecycle_world, fast_sweeps, live_server, celery_worker_process, beat, record_property
):
    port = _redis_port()
    w = lifecycle_world
    token = api_as(w.operator).token
    url = f"{live_server.url}/api/v1/complaints/"
    lat, lng = w.territory.inside
    answers: list[tuple[str, int, int | None, float]] = []
    lock = threading.Lock()

    def submit(i: int, who: str) -> None:
        data = {
            "kind": "complaint",
            "matter": "L-LAMP",
            "title": f"路灯不亮 {who} {i}",
            "description": "门口路灯坏了",
            "lat": lat,
            "lng": lng,
            "contact_name": f"来电人{i}",
            "contact_phone": f"136{i:08d}",
        }
        started = time.monotonic()
        status, body = http_post_json(url, data, token=token if who == "operator" else None)
        with lock:
            answers.append((phase[0], status, body.get("id"), time.monotonic() - started))

    phase = ["before"]
    for i in range(5):
        submit(i, "operator")
    wait_until(lambda: routing_report([a[2] for a in answers])["routed"] == 5, message="the baseline routing")

    supervisor = Supervisor(celery_worker_process).__enter__()
    redis_stop(port)
    phase[0] = "outage"
    outage_started = time.monotonic()
    health = []
    try:

        def keep_submitting(who: str, offset: int) -> None:
            i = offset
            while time.monotonic() - outage_started < OUTAGE_SECONDS:
                submit(i, who)
                i += 1
                time.sleep(0.2)
            connections.close_all()

        clients = [
            threading.Thread(target=keep_submitting, args=(who, k * 10000))
            for k, who in enumerate(("operator", "anonymous", "operator"))
        ]
        for thread in clients:
            thread.start()
        while time.monotonic() - outage_started < OUTAGE_SECONDS:
            health.append(http_get_json(f"{live_server.url}/healthz"))
            time.sleep(2)
        for thread in clients:
            thread.join(timeout=60)
    finally:
        redis_start(port)
    returned = time.monotonic()
    phase[0] = "after"
    for i in range(5):
        submit(50000 + i, "anonymous")

    ids = [pk for _phase, status, pk, _s in answers if status == 201]
    try:
        wait_until(
            lambda: not Complaint.objects.filter(pk__in=ids, status=Status.SUBMITTED).exists(),
            timeout=120,
            message="routing to catch up after Redis returned",
        )
        caught_up = round(time.monotonic() - returned, 1)
        time.sleep(3)  # a late duplicate routing would show now
    finally:
        supervisor.__exit__()
    report = routing_report(ids)
    during = [a for a in answers if a[0] == "outage"]
    report.update(
        outage_seconds=OUTAGE_SECONDS,
        submitted_during_outage=len(during),
        statuses=dict(Counter(str(a[1]) for a in answers)),
        slowest_intake_during_outage_s=round(max(a[3] for a in during), 2),
        healthz_during_outage=dict(Counter(f"{h[0]}:{h[1].get('broker')}" for h in health)),
        seconds_to_catch_up=caught_up,
        worker_restarts_by_supervisor=supervisor.restarts,
    )
    for key, value in report.items():
        record_property(key, value)
    print(f"\nredis outage: {report}")

    assert {status for _p, status, _pk, _s in answers} == {201}
    assert len(during) >= 10 and report["sent"] == len(answers)
    assert health and all(h[0] == 200 and h[1]["broker"] == "degraded" for h in health)
    assert http_get_json(f"{live_server.url}/healthz")[1]["broker"] == "ok"
    assert report["routed"] == len(ids)
    assert report["lost"] == report["duplicated"] == report["still_submitted"] == 0


def http_get_json(url: str) -> tuple[int, dict]:
    import json
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
