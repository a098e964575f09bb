"""A real Celery worker process for the integration suite, on the test PostgreSQL database and Redis.

The worker runs in a subprocess with the test settings and the *test* database (pytest-django's
``test_<name>``), so tests must use ``transactional_db``: the worker only sees committed rows.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

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

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.fail("the integration suite needs PostgreSQL and Redis: run it through `make test`")
    from config.celery import app

    app.control.purge()
    worker = WorkerProcess(tmp_path)
    worker.start()
    yield worker
    worker.stop()
    app.control.purge()


def wait_until(predicate, *, timeout: float = 60, interval: float = 0.2, message: str = "condition"):
    """Poll ``predicate`` until it returns a truthy value; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {message}")
