"""The data generator: realistic, consistent complaint histories in bulk, and rollups equal to a recount."""

from collections import Counter
from datetime import timedelta
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from common.validators import is_valid_uscc
from grievance.demo.complaints_generator import complaints_generate, tracking_code_for
from grievance.models import Assignment, Complaint, ComplaintEvent
from grievance.selectors.dashboard import dashboard_overview
from grievance.selectors.stats import OVERVIEW_KEYS, stats_overview
from grievance.services.rollups import rollups_rebuild
from tests.grievance.dashboard.conftest import NOW

DAY = timedelta(days=1)


@pytest.fixture
def demo(db, shared_data_dir):
    call_command("load_demo", data_dir=str(shared_data_dir), stdout=open("/dev/null", "w"))  # noqa: SIM115
    return shared_data_dir


@pytest.mark.django_db
def test_generated_complaints_have_consistent_histories(demo):
    made = complaints_generate(count=600, data_dir=demo, end=NOW, days=90, seed=3, batch_size=250)
    assert made == Complaint.objects.count() == 600
    complaints = Complaint.objects.all()
    assert all(NOW - 93 * DAY <= c.received_at < NOW for c in complaints)  # weekends shift a little
    statuses = Counter(complaints.values_list("status", flat=True))
    assert statuses["closed"] > 300 and statuses["in_progress"] > 0 and statuses["answered"] > 0
    channels = Counter(complaints.values_list("channel", flat=True))
    assert 0.5 < channels["hotline"] / 600 < 0.7
    # Every complaint starts with "submit"; every dispatched one has its lead assignment.
    submits = ComplaintEvent.objects.filter(action="submit").values("complaint").distinct().count()
    assert submits == 600
    dispatched = set(ComplaintEvent.objects.filter(action="dispatch").values_list("complaint_id", flat=True))
    assert dispatched == set(Assignment.objects.values_list("complaint_id", flat=True))
    assert all(c.lead_unit_id for c in complaints.filter(status__in=("dispatched", "in_progress", "closed")))
    # Events follow each other in time and statuses chain.
    for complaint in complaints.annotate(n=Count("events")).filter(n__gt=3)[:50]:
        events = list(complaint.events.order_by("at", "pk"))
        assert all(a.to_status == b.from_status for a, b in pairwise(events))
        assert events[-1].to_status == complaint.status
    codes = set(
        complaints.exclude(enterprise_credit_code="").values_list("enterprise_credit_code", flat=True)
    )
    assert codes and all(is_valid_uscc(code) for code in codes)
    assert len(set(complaints.values_list("tracking_code", flat=True))) == 600


@pytest.mark.django_db
def test_rollups_of_generated_data_equal_the_recount(demo):
    complaints_generate(count=500, data_dir=demo, end=NOW, days=60, seed=11, batch_size=500)
    rollups_rebuild()
    for window in ({}, {"date_from": (NOW - 7 * DAY).date(), "date_to": NOW.date()}, {"unit": "PS-CG"}):
        rollup = dashboard_overview(now=NOW, **window)
        assert {k: rollup[k] for k in OVERVIEW_KEYS} == stats_overview(now=NOW, **window)


def _schema_of_generated_tables() -> list[tuple]:
    tables = [m._meta.db_table for m in (Complaint, Assignment, ComplaintEvent)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1, 2",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated "
            "FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) ORDER BY 1, 2",
            [tables],
        )
        return indexes + cursor.fetchall()


def _generated_rows() -> list[list[tuple]]:
    return [list(m.objects.order_by("pk").values_list()) for m in (Complaint, Assignment, ComplaintEvent)]


@pytest.mark.django_db(transaction=True)
def test_bulk_load_writes_the_same_rows_and_builds_every_index_again(require_postgres, shared_data_dir):
    call_command("load_demo", data_dir=str(shared_data_dir), stdout=open("/dev/null", "w"))  # noqa: SIM115
    schema = _schema_of_generated_tables()
    assert len(schema) > 30  # the secondary indexes, the unique tracking code, the foreign keys
    args = {"count": 300, "data_dir": shared_data_dir, "end": NOW, "days": 60, "seed": 5, "batch_size": 70}
    assert complaints_generate(**args, bulk=True) == 300
    assert _schema_of_generated_tables() == schema
    bulk = _generated_rows()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE grievance_complaint, grievance_assignment, grievance_complaintevent CASCADE")
    complaints_generate(**args)
    assert _generated_rows() == bulk
    assert len(bulk[0]) == 300 and len(bulk[2]) > 1000


def test_tracking_codes_from_ids_are_distinct_and_readable():
    codes = {tracking_code_for(pk) for pk in range(1, 20001)}
    assert len(codes) == 20000
    assert all(len(c) == 12 and not set(c) & set("01OIL") for c in codes)
