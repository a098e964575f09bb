"""The embedded default really runs Celery: beat and a worker over the filesystem broker in var/."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


@pytest.mark.integration
def test_worker_and_beat_run_on_the_filesystem_broker(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "VAR_DIR": str(tmp_path),
            "HEARTBEAT_SECONDS": "1",
        }
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=120
    )
    common = ["-A", "config", "--workdir", str(ROOT)]
    worker = subprocess.Popen(
        [CELERY, *common, "worker", "--pool", "solo", "--loglevel", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    beat = subprocess.Popen(
        [
            CELERY,
            *common,
            "beat",
            "--max-interval",
            "1",
            "--loglevel",
            "WARNING",
            "-s",
            str(tmp_path / "beat"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    read_heartbeat = (
        "import django; django.setup(); from django.core.cache import cache; "
        "from common.tasks import HEARTBEAT_KEY; print(cache.get(HEARTBEAT_KEY) or '')"
    )
    try:
        stamp = ""
        deadline = time.monotonic() + 60
        while not stamp and time.monotonic() < deadline:
            time.sleep(1)
            assert worker.poll() is None, worker.stderr.read().decode()
            assert beat.poll() is None, beat.stderr.read().decode()
            stamp = subprocess.run(
                [sys.executable, "-c", read_heartbeat],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            ).stdout.strip()
        assert stamp, "beat sent no heartbeat that the worker consumed within 60 s"
    finally:
        for proc in (beat, worker):
            proc.terminate()
        for proc in (beat, worker):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
