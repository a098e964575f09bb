from datetime import timedelta

import pytest
from django.utils import timezone

from grievance.models import Complaint, Notification, NotificationChannel, NotificationStatus
from grievance.services.notifications import Recipient, notification_create
from grievance.services.sweeper import (
    complaints_requeue_stuck,
    events_requeue_unprocessed,
    notifications_requeue_pending,
    stuck_work_requeue,
)
from tests.grievance.factories import ComplaintFactory


def _aged(complaint: Complaint, seconds: int) -> Complaint:
    Complaint.objects.filter(pk=complaint.pk).update(created_at=timezone.now() - timedelta(seconds=seconds))
    return complaint


@pytest.mark.django_db
def test_requeues_only_old_submitted_complaints(queued):
    stuck = _aged(ComplaintFactory(), 600)
    fresh = _aged(ComplaintFactory(), 30)
    _aged(ComplaintFactory(status="pending_dispatch"), 600)
    # Back-dated call time does not make a fresh row stuck: the row's age counts.
    ComplaintFactory(received_at=timezone.now() - timedelta(hours=5))

    assert complaints_requeue_stuck() == 1
    assert queued == [("grievance.complaint_route", (stuck.pk,), {})]
    assert complaints_requeue_stuck(now=timezone.now() + timedelta(minutes=5)) == 3
    assert ("grievance.complaint_route", (fresh.pk,), {}) in queued


@pytest.mark.django_db
def test_stuck_threshold_is_configurable(queued, settings):
    _aged(ComplaintFactory(), 200)
    assert complaints_requeue_stuck() == 1
    settings.GRIEVANCE = {**settings.GRIEVANCE, "STUCK_AFTER_SECONDS": 300}
    assert complaints_requeue_stuck() == 0


@pytest.mark.django_db
def test_requeues_unsent_notifications_without_attempts(queued):
    complaint = _aged(ComplaintFactory(), 600)
    rows = notification_create(
        recipients=[
            Recipient(phone="13812345678", channels=(NotificationChannel.SMS,)),
            Recipient(phone="13912345678", channels=(NotificationChannel.SMS,)),
        ],
        complaint=complaint,
        event=None,
        template="outcome",
    )
    old = timezone.now() - timedelta(minutes=10)
    Notification.objects.filter(pk__in=[n.pk for n in rows]).update(created_at=old)
    Notification.objects.filter(pk=rows[1].pk).update(attempts=1)  # in Celery's retry backoff

    assert notifications_requeue_pending() == 1
    assert queued == [("grievance.notification_send", (rows[0].pk,), {})]
    Notification.objects.filter(pk=rows[0].pk).update(status=NotificationStatus.SENT)
    assert stuck_work_requeue() == {"complaints": 1, "events": 0, "notifications": 0}


@pytest.mark.django_db
def test_requeues_events_whose_follow_up_never_ran(queued):
    from grievance.models import ComplaintEvent, EventProcessed
    from grievance.services.pipeline import complaint_event_process

    complaint = ComplaintFactory()
    at = timezone.now() - timedelta(minutes=10)
    lost = ComplaintEvent.objects.create(complaint=complaint, at=at, action="sign", to_status="in_progress")
    done = ComplaintEvent.objects.create(complaint=complaint, at=at, action="sign", to_status="in_progress")
    complaint_event_process(event_id=done.pk, notifies=True)
    assert EventProcessed.objects.filter(event=done).exists()
    ComplaintEvent.objects.create(complaint=complaint, at=timezone.now(), action="sign")  # too recent
    old = ComplaintEvent.objects.create(complaint=complaint, at=at - timedelta(days=2), action="sign")

    queued.clear()
    assert events_requeue_unprocessed() == 1
    assert queued == [("grievance.complaint_event_committed", (lost.pk, True), {})]
    complaint_event_process(event_id=lost.pk, notifies=True)
    assert events_requeue_unprocessed() == 0
    assert not EventProcessed.objects.filter(event=old).exists()  # outside the sweep window
