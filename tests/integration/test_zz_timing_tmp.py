import time
import pytest
from grievance.models import Complaint, Status, Notification, ComplaintEvent
from tests.integration.conftest import api_as, broker_client, wait_until
from tests.integration.test_worker_crash import burst_submit
pytestmark = pytest.mark.integration
N = 400

def test_timing(lifecycle_world, celery_worker_process):
    w = lifecycle_world
    op = api_as(w.operator)
    answers = []
    t0 = time.monotonic()
    threads = burst_submit(op, w, N, 8, answers)
    marks = []
    while any(t.is_alive() for t in threads):
        time.sleep(2)
        marks.append((round(time.monotonic()-t0,1), len(answers), Complaint.objects.exclude(status=Status.SUBMITTED).count(), broker_client().llen("celery")))
    t1 = time.monotonic()
    c = broker_client()
    wait_until(lambda: c.llen("celery") == 0 and c.hlen("unacked") == 0 and not Complaint.objects.filter(status=Status.SUBMITTED).exists(), timeout=300)
    t2 = time.monotonic()
    print("\nmarks", marks)
    print("intake", round(t1-t0,1), "drain", round(t2-t1,1), "notifications", Notification.objects.count(), "events", ComplaintEvent.objects.count())
    print(Counter := __import__("collections").Counter(Notification.objects.values_list("channel", flat=True)))
