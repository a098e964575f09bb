import logging
from datetime import timedelta

import pytest
from django.core import mail
from rest_framework.test import APIClient

from grievance.models import Notification, NotificationChannel, NotificationStatus
from grievance.notification_backends import LoggingSmsBackend, NotificationTransientError, SmsBackend
from grievance.services.deadlines import rung_due_at
from grievance.services.notifications import Recipient, notification_create, notification_send
from grievance.services.pipeline import complaint_event_process
from grievance.services.supervision import complaint_check_deadline
from grievance.services.support import complaint_rate, complaint_support_add
from grievance.services.transitions import complaint_transition
from tests.grievance.factories import ComplaintFactory

from .conftest import T0, complaint_dispatched, last_event

SMS_BACKEND = "tests.grievance.services.test_notifications.RecordingSmsBackend"


class RecordingSmsBackend(SmsBackend):
    sent: list[tuple[str, str, str]] = []
    fail_next: int = 0

    def send_sms(self, *, phone: str, text: str, key: str) -> None:
        if RecordingSmsBackend.fail_next:
            RecordingSmsBackend.fail_next -= 1
            raise NotificationTransientError("provider busy")
        RecordingSmsBackend.sent.append((phone, text, key))


@pytest.fixture
def sms(settings):
    settings.GRIEVANCE = {**settings.GRIEVANCE, "SMS_BACKEND": SMS_BACKEND, "NOTIFICATION_MAX_ATTEMPTS": 3}
    RecordingSmsBackend.sent = []
    RecordingSmsBackend.fail_next = 0
    return RecordingSmsBackend


def _rows(**filters) -> list[tuple[str, str, str]]:
    return sorted(
        (n.recipient.username if n.recipient else n.address, n.channel, n.kind)
        for n in Notification.objects.filter(**filters).select_related("recipient")
    )


def _deliver_pending(**filters) -> None:
    pending = Notification.objects.filter(status=NotificationStatus.PENDING, **filters)
    for pk in pending.values_list("pk", flat=True):
        notification_send(notification_id=pk)


@pytest.mark.django_db
def test_dispatch_notifies_lead_and_co_handlers_once_when_replayed(
    world, queued, django_capture_on_commit_callbacks
):
    complaint = complaint_dispatched(world, co_units=[world.co.code])
    event = last_event(complaint, "dispatch")
    for _ in range(2):
        complaint_event_process(event_id=event.pk)
    assert _rows(event=event) == [
        ("cg-handler", NotificationChannel.IN_APP, "dispatch"),
        ("zj-handler", NotificationChannel.IN_APP, "dispatch"),
    ]
    row = Notification.objects.filter(event=event).first()
    assert complaint.tracking_code in row.title
    assert row.status == NotificationStatus.SENT  # in-app: stored is delivered
    assert "2026-03-03 18:00" in row.body  # the sign-off deadline, local time


@pytest.mark.django_db
def test_closing_informs_citizen_supporters_and_merged_complainants(
    world, queued, sms, django_capture_on_commit_callbacks
):
    original = complaint_dispatched(world, citizen=world.citizen, contact_phone="13900001111")
    duplicate = ComplaintFactory(contact_phone="13700002222", received_at=T0)
    complaint_transition(
        complaint_id=duplicate.pk,
        action="merge",
        actor=world.dispatcher,
        params={"into": original.pk},
        now=T0,
    )
    complaint_event_process(event_id=last_event(duplicate, "merge").pk)
    assert _rows(complaint=duplicate) == [("13700002222", NotificationChannel.SMS, "merged")]
    complaint_support_add(complaint_id=original.pk, actor=None, contact_phone="13600003333", now=T0)

    later = T0 + timedelta(days=1)
    for action, actor, params in [
        ("sign", world.handler, {}),
        ("submit_result", world.handler, {"result": "路灯已更换"}),
        ("close", world.dispatcher, {}),
    ]:
        complaint_transition(complaint_id=original.pk, action=action, actor=actor, params=params, now=later)
    close = last_event(original, "close")
    with django_capture_on_commit_callbacks(execute=True):
        complaint_event_process(event_id=close.pk)
        complaint_event_process(event_id=close.pk)  # replayed task

    assert _rows(event=close) == [
        ("13600003333", NotificationChannel.SMS, "outcome"),
        ("13700002222", NotificationChannel.SMS, "outcome"),
        ("citizen", NotificationChannel.IN_APP, "outcome"),
        ("citizen", NotificationChannel.SMS, "outcome"),
    ]
    sends = [name for name, _args, _opts in queued if name == "grievance.notification_send"]
    assert len(sends) == 3  # the SMS rows of the first run only
    _deliver_pending(event=close)
    _deliver_pending(event=close)
    assert sorted(phone for phone, _text, _key in sms.sent) == ["13600003333", "13700002222", "13900001111"]
    assert all("路灯已更换" in text for _phone, text, _key in sms.sent)
    assert original.supports.get().informed_at == close.at
    # Keys never show a phone number.
    assert not Notification.objects.filter(idempotency_key__contains="1370000").exists()


@pytest.mark.django_db
def test_send_retries_transient_failures_and_never_sends_twice(world, sms):
    complaint = complaint_dispatched(world)
    [sms_row] = notification_create(
        recipients=[Recipient(phone="13812345678", channels=(NotificationChannel.SMS,))],
        complaint=complaint,
        event=None,
        template="outcome",
    )
    sms.fail_next = 1
    with pytest.raises(NotificationTransientError):
        notification_send(notification_id=sms_row.pk)
    sms_row.refresh_from_db()
    assert (sms_row.status, sms_row.attempts, sms_row.last_error) == (
        NotificationStatus.PENDING,
        1,
        "provider busy",
    )
    assert notification_send(notification_id=sms_row.pk) == NotificationStatus.SENT
    assert notification_send(notification_id=sms_row.pk) == NotificationStatus.SENT
    assert len(sms.sent) == 1


@pytest.mark.django_db
def test_send_gives_up_after_max_attempts(world, sms):
    complaint = complaint_dispatched(world)
    [row] = notification_create(
        recipients=[Recipient(phone="13812345678", channels=(NotificationChannel.SMS,))],
        complaint=complaint,
        event=None,
        template="outcome",
    )
    sms.fail_next = 10
    for _ in range(2):
        with pytest.raises(NotificationTransientError):
            notification_send(notification_id=row.pk)
    assert notification_send(notification_id=row.pk) == NotificationStatus.FAILED  # the third of three
    assert notification_send(notification_id=row.pk) == NotificationStatus.FAILED
    assert sms.sent == []


def test_logging_sms_backend_masks_the_phone(caplog):
    notification = Notification(
        address="13812345678", title="您的诉求已办结", body="查询码 ABC", idempotency_key="e1:u1:sms"
    )
    with caplog.at_level(logging.INFO, logger="grievance.notification_backends"):
        LoggingSmsBackend().send(notification)
    assert "138****5678" in caplog.text
    assert "13812345678" not in caplog.text
    assert "您的诉求已办结" in caplog.text


@pytest.mark.django_db
def test_supervision_rungs_reach_the_right_people(world, queued, django_capture_on_commit_callbacks):
    complaint = complaint_dispatched(world)
    complaint_transition(complaint_id=complaint.pk, action="sign", actor=world.handler, now=T0)
    late = rung_due_at(complaint=complaint, level=5) + timedelta(hours=1)
    complaint_check_deadline(complaint_id=complaint.pk, now=late)
    for event in complaint.events.filter(action__in=["warn", "supervise"]):
        complaint_event_process(event_id=event.pk)

    def recipients(kind):
        return sorted(
            set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))
        )

    assert recipients("warn") == ["cg-handler"]
    assert recipients("supervise_2") == ["cg-handler"]
    assert recipients("supervise_3") == ["cg-leader"]
    assert recipients("supervise_4") == ["cg-leader", "dispatcher"]
    assert recipients("supervise_5") == ["dispatcher", "supervisor"]
    # Written notices also go by e-mail to staff with an address.
    assert _rows(kind="supervise_3", channel=NotificationChannel.EMAIL) == [
        ("cg-leader", NotificationChannel.EMAIL, "supervise_3")
    ]
    _deliver_pending()
    assert [m.to for m in mail.outbox] == [["leader@cg.example"], ["leader@cg.example"]]
    assert sorted(m.subject.split("：")[0] for m in mail.outbox) == ["书面督办", "催办通知书"]


@pytest.mark.django_db
def test_sign_overdue_reminds_the_handlers(world, queued):
    complaint = complaint_dispatched(world)
    complaint_check_deadline(complaint_id=complaint.pk, now=complaint.sign_deadline)
    complaint_event_process(event_id=last_event(complaint, "sign_overdue").pk)
    assert _rows(kind="sign_overdue") == [("cg-handler", NotificationChannel.IN_APP, "sign_overdue")]


@pytest.mark.django_db
def test_return_extension_and_psych_referral_recipients(world, queued):
    complaint = complaint_dispatched(world)
    complaint_transition(complaint_id=complaint.pk, action="sign", actor=world.handler, now=T0)
    complaint_transition(
        complaint_id=complaint.pk,
        action="request_extension",
        actor=world.handler,
        params={"days": 2, "reason": "等待材料"},
        now=T0,
    )
    complaint_transition(complaint_id=complaint.pk, action="psych_refer", actor=world.dispatcher, now=T0)
    complaint_transition(
        complaint_id=complaint.pk,
        action="return",
        actor=world.handler,
        params={"reason": "非本单位职责"},
        now=T0,
    )
    for event in complaint.events.all():
        complaint_event_process(event_id=event.pk)
    assert _rows(kind="request_extension") == [
        ("dispatcher", NotificationChannel.IN_APP, "request_extension")
    ]
    assert _rows(kind="return") == [("dispatcher", NotificationChannel.IN_APP, "return")]
    assert _rows(kind="psych_refer") == []  # the psych centre unit has no member yet


@pytest.mark.django_db
def test_notification_api_lists_own_and_marks_read(world, queued):
    complaint = complaint_dispatched(world)
    complaint_event_process(event_id=last_event(complaint, "dispatch").pk)
    own = Notification.objects.get(recipient=world.handler)
    client = APIClient()
    client.force_authenticate(world.handler)

    listed = client.get("/api/v1/notifications/")
    assert listed.status_code == 200
    assert [n["id"] for n in listed.json()["results"]] == [own.pk]
    assert listed.json()["results"][0]["tracking_code"] == complaint.tracking_code
    assert listed.json()["results"][0]["read"] is False

    read = client.post(f"/api/v1/notifications/{own.pk}/read/")
    assert read.status_code == 200 and read.json()["read"] is True
    assert client.get("/api/v1/notifications/?unread=true").json()["count"] == 0
    assert client.get("/api/v1/notifications/?unread=maybe").status_code == 400

    other = APIClient()
    other.force_authenticate(world.co_handler)
    assert other.get("/api/v1/notifications/").json()["count"] == 0
    refused = other.post(f"/api/v1/notifications/{own.pk}/read/")
    assert refused.status_code == 404
    assert set(refused.json()) == {"message", "errors"}
    assert APIClient().get("/api/v1/notifications/").status_code in (401, 403)


@pytest.mark.django_db
def test_unhappy_rating_reaches_the_centre(world, queued):
    complaint = complaint_dispatched(world, citizen=world.citizen)
    complaint_transition(complaint_id=complaint.pk, action="sign", actor=world.handler, now=T0)
    complaint_transition(
        complaint_id=complaint.pk,
        action="submit_result",
        actor=world.handler,
        params={"result": "已处理"},
        now=T0,
    )
    complaint_rate(
        complaint_id=complaint.pk, resolved=False, satisfaction="unsatisfied", comment="没修好", now=T0
    )
    complaint_event_process(event_id=last_event(complaint, "rate").pk)
    [row] = Notification.objects.filter(kind="rating_unhappy")
    assert row.recipient == world.dispatcher
    assert "没修好" in row.body and "未解决" in row.body
