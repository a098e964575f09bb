"""A real Celery worker process for the integration suite, on the test PostgreSQL database and Redis.

The worker runs in a subprocess with the test settings and the *test* database (pytest-django's
``test_<name>``), so tests must use ``transactional_db``: the worker only sees committed rows.

Also here: ``world_build`` / ``lifecycle_world`` (the small district of ``tests.grievance.actors`` plus
two matters, one FIXED and one territorial), ``api_as(user)`` (an API client holding a token obtained
from ``/api/v1/auth/token/``), ``http_post_json`` (real HTTP to ``live_server``), ``broker_client()`` /
``broker_drained()``, ``routing_report(ids)`` and ``wait_until``. A module may set
``WORKER_CONCURRENCY = n`` to start its worker with ``n`` pool processes (default 2).
"""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from common.queue import redis_queue_length

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


class WorkerProcess:
    """Start, kill -9 and restart a Celery worker; ``wait_ready`` pings it through the broker."""

    def __init__(self, log_dir: Path, concurrency: int = 2):
        self.log_dir = log_dir
        self.concurrency = concurrency
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        env = dict(os.environ)
        env.update({"DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "config.settings.test"})
        self.starts += 1
        log = open(self.log_dir / f"worker-{self.starts}.log", "wb")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            [
                CELERY,
                "-A",
                "config",
                "--workdir",
                str(ROOT),
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(self.concurrency),
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"itest-{os.getpid()}-{self.starts}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        from config.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited with {self.proc.returncode}; see {self.log_dir}")
            if app.control.ping(timeout=0.5):
                return
        raise RuntimeError("worker did not answer a ping within the timeout")

    def kill(self) -> None:
        """kill -9 the whole worker process group (main process and pool children)."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def log_tail(self, lines: int = 40) -> str:
        text = []
        for path in sorted(self.log_dir.glob("worker-*.log")):
            text.append(f"--- {path.name}")
            text.extend(path.read_text(errors="replace").splitlines()[-lines:])
        return "\n".join(text)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def celery_worker_process(request, transactional_db, tmp_path):
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.fail("the integration suite needs PostgreSQL and Redis: run it through `make test`")
    from config.celery import app

    app.control.purge()
    worker = WorkerProcess(tmp_path, concurrency=getattr(request.module, "WORKER_CONCURRENCY", 2))
    worker.start()
    yield worker
    worker.stop()
    app.control.purge()
    _unacked_forget()
    print(worker.log_tail())  # shown only when the test failed (or with -s)


def broker_client():
    import redis

    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


def _unacked_forget() -> None:
    """Drop messages a killed worker held (kombu keeps them in ``unacked`` for the visibility timeout,
    an hour): a later test's worker must not inherit them."""
    client = broker_client()
    client.delete("unacked", "unacked_index")


def broker_drained() -> bool:
    """No message waiting in any queue and none held (prefetched or running) by a worker."""
    client = broker_client()
    return redis_queue_length(client) == 0 and client.hlen("unacked") == 0


@pytest.fixture(autouse=True)
def relaxed_throttles(monkeypatch):
    """Tests log several people in and burst submissions: the throttles are tested elsewhere."""
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "100000/min", "login": "100000/min"})


def world_build(settings, tmp_path):
    """``tests.grievance.actors.actors()`` (district → street PS-PSJD → community PS-LHSQ with grid
    cells, centre PS-ZHZX, departments PS-CG and PS-ZJ, one user per role) plus two leaf matters:
    ``L-LAMP`` (FIXED → PS-CG, handled by ``other_handler`` "h-dept-a") and ``L-STALL`` (COMMUNITY rule)."""
    from grievance.models import HandlerRule
    from grievance.services.routing import routing_index_clear
    from tests.grievance.actors import actors
    from tests.grievance.factories import MatterFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    world = actors()
    MatterFactory.leaf(name="路灯维修", keywords="路灯,灯不亮", unit=world.dept_a, code="L-LAMP")
    MatterFactory.leaf(
        name="占道经营", keywords="摆摊,占道", handler_rule=HandlerRule.COMMUNITY, code="L-STALL"
    )
    routing_index_clear()
    return world


@pytest.fixture
def lifecycle_world(transactional_db, settings, tmp_path):
    """``world_build`` on committed rows (the worker sees them)."""
    return world_build(settings, tmp_path)


def api_as(user) -> "ApiSession":
    """An API session for ``user`` (None: anonymous) authenticated by a token from the token endpoint."""
    from tests.grievance.factories import PASSWORD

    return ApiSession(user, password=PASSWORD)


class ApiSession:
    """Token-authenticated JSON calls through the whole Django stack (DRF's ``APIClient``: URL routing,
    middleware, authentication, throttles, the error handler); under ``transactional_db`` each call commits
    like a real request."""

    def __init__(self, user, *, password: str):
        from rest_framework.test import APIClient

        self.user = user
        self.client = APIClient()
        self.token = None
        if user is not None:
            response = self.client.post(
                "/api/v1/auth/token/", {"username": user.username, "password": password}, format="json"
            )
            assert response.status_code == 200, response.content
            self.token = response.json()["token"]
            self.client.credentials(HTTP_AUTHORIZATION=f"Token {self.token}")

    def get(self, path: str, params: dict | None = None):
        return self.client.get(path, params or {})

    def post(self, path: str, data=None):
        return self.client.post(path, data if data is not None else {}, format="json")

    def act(self, complaint_id: int, action: str, **params):
        return self.post(f"/api/v1/complaints/{complaint_id}/actions/", {"action": action, **params})

    def detail(self, complaint_id: int):
        return self.get(f"/api/v1/complaints/{complaint_id}/")


def http_post_json(
    url: str, data: dict, *, token: str | None = None, timeout: float = 30
) -> tuple[int, dict]:
    """POST ``data`` as JSON over real HTTP (to ``live_server``); returns (status, decoded body)."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    request = urllib.request.Request(url, data=json.dumps(data).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def routing_report(complaint_ids) -> dict[str, int]:
    """How the system routed ``complaint_ids``: routing events (``dispatch``/``queue`` by the system)
    per complaint — ``routed`` once, ``duplicated`` more than once, ``lost`` never."""
    from grievance.models import Complaint, ComplaintEvent, Status

    ids = list(complaint_ids)
    per = Counter(
        ComplaintEvent.objects.filter(
            complaint_id__in=ids, action__in=("dispatch", "queue"), actor__isnull=True
        ).values_list("complaint_id", flat=True)
    )
    return {
        "sent": len(ids),
        "routed": sum(1 for pk in ids if per[pk] == 1),
        "duplicated": sum(1 for pk in ids if per[pk] > 1),
        "lost": sum(1 for pk in ids if per[pk] == 0),
        "still_submitted": Complaint.objects.filter(pk__in=ids, status=Status.SUBMITTED).count(),
    }


def wait_until(predicate, *, timeout: float = 60, interval: float = 0.2, message: str = "condition"):
    """Poll ``predicate`` until it returns a truthy value; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {message}")
