"""The restore drill (issue 11, §6): ``scripts/restore_drill.sh`` backs up the test database with
pg_dump, restores it into a fresh database and finds every table's count and checksum identical."""

import os
import re
import subprocess

import pytest

from grievance.models import Complaint, ComplaintEvent
from tests.integration.conftest import ROOT, _database_url
from tests.integration.test_worker_crash import burst_submit

pytestmark = pytest.mark.integration


def test_backup_restores_into_a_fresh_database_identically(lifecycle_world, tmp_path, record_property):
    answers: list = []
    for thread in burst_submit(lifecycle_world.operator, lifecycle_world, 40, 2, answers):
        thread.join(timeout=120)
    assert Complaint.objects.count() == 40 and ComplaintEvent.objects.count() >= 40

    backup = tmp_path / "nightly.dump"
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "restore_drill.sh"), str(backup)],
        env={**os.environ, "DATABASE_URL": _database_url(), "VERBOSE": "1"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    print(done.stdout[-3000:], done.stderr[-3000:])
    assert done.returncode == 0, done.stderr
    summary = re.search(r"identical — (\d+) tables, (\d+) rows", done.stdout)
    assert summary and int(summary[1]) >= 30 and int(summary[2]) >= 80
    assert re.search(r"^grievance_complaint\|40\|[0-9a-f]{32}$", done.stdout, re.MULTILINE)
    assert backup.stat().st_size > 0  # the backup given by path is kept
    record_property("restore_tables", int(summary[1]))
    record_property("restore_rows", int(summary[2]))

    # a restored copy that differs is caught: restore last night's backup after a new complaint
    Complaint.objects.filter(pk=answers[0][1]).update(title="changed after the backup")
    stale = subprocess.run(
        ["bash", str(ROOT / "scripts" / "restore_drill.sh"), str(backup)],
        env={**os.environ, "DATABASE_URL": _database_url()},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert stale.returncode == 1 and "MISMATCH" in stale.stderr and "grievance_complaint" in stale.stderr
