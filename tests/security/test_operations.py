"""The monitoring read (docs/operations.md): stuck work and overdue complaints are counted."""

import io
import json
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from grievance.models import Complaint
from grievance.selectors.operations import operations_status
from tests.grievance.actors import complaint_new


def test_status_counts_stuck_submissions_and_overdue(sw):
    stuck = complaint_new(sw.world)
    Complaint.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(hours=1))
    Complaint.objects.filter(pk=sw.own.pk).update(handle_deadline=timezone.now() - timedelta(days=2))
    status = operations_status()
    assert status["submitted_stuck"] == 1
    assert status["overdue"] >= 1
    assert set(status) >= {"queue_length", "worker_heartbeat_age_s", "events_unprocessed"}
    out = io.StringIO()
    call_command("ops_status", stdout=out)
    assert json.loads(out.getvalue())["submitted_stuck"] == 1
