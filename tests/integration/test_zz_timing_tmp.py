import time
import pytest
from grievance.models import Complaint, Status, Notification, ComplaintEvent
from tests.integration.conftest import api_as, broker_client, wait_until
from tests.integration.test_worker_crash import burst_submit
pytestmark = pytest.mark.integration
N = 600
WORKER_CONCURRENCY = 3

def test_timing(lifecycle_world, celery_worker_process):
    w = lifecycle_world
    op = w.operator
    answers = []
    t0 = time.monotonic()
    threads = burst_submit(op, w, N, 4, answers)
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

def test_task_times(lifecycle_world, celery_worker_process):
    import re, collections
    w = lifecycle_world
    answers = []
    threads = burst_submit(w.operator, w, 150, 4, answers)
    for t in threads: t.join()
    c = broker_client()
    wait_until(lambda: c.llen("celery") == 0 and c.hlen("unacked") == 0 and not Complaint.objects.filter(status=Status.SUBMITTED).exists(), timeout=300)
    time.sleep(1)
    text = "".join(p.read_text() for p in celery_worker_process.log_dir.glob("worker-*.log"))
    d = collections.defaultdict(list)
    for name, sec in re.findall(r"Task (\S+)\[[^\]]+\] succeeded in ([0-9.]+)s", text):
        d[name].append(float(sec))
    print({k: (len(v), round(sum(v)/len(v)*1000,1)) for k, v in d.items()})
    print(text[-3000:])
