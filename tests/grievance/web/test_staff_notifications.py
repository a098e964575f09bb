"""The header: the bell (unread count, drop-down, mark read) and the navigation by role."""

import pytest

from grievance.models import Status
from grievance.models.notifications import Notification, NotificationChannel, NotificationStatus
from tests.grievance.actors import complaint_in

pytestmark = pytest.mark.django_db


def notify(user, title, complaint=None, channel=NotificationChannel.IN_APP):
    return Notification.objects.create(
        recipient=user,
        complaint=complaint,
        kind="dispatch",
        channel=channel,
        title=title,
        body=f"{title}：请及时办理",
        status=NotificationStatus.SENT,
        idempotency_key=f"{user.pk}-{title}-{channel}",
    )


def test_bell_counts_unread_in_app_notifications_and_marks_them_read(world, client_as):
    complaint = complaint_in(world, Status.DISPATCHED)
    first = notify(world.lead, "新派单一", complaint)
    notify(world.lead, "新派单二")
    notify(world.lead, "短信不算", channel=NotificationChannel.SMS)
    notify(world.other_handler, "别人的通知")
    client = client_as(world.lead)

    bell = client.get("/work/notifications/bell/").content.decode()
    assert 'class="bell-count" aria-hidden="true">2<' in bell
    assert "新派单一" in bell and "别人的通知" not in bell and "短信不算" not in bell

    after = client.post(f"/work/notifications/{first.pk}/read/", HTTP_HX_REQUEST="true").content.decode()
    assert 'aria-hidden="true">1<' in after
    first.refresh_from_db()
    assert first.read_at is not None


def test_mark_read_without_js_goes_to_the_complaint(world, client_as):
    complaint = complaint_in(world, Status.DISPATCHED)
    note = notify(world.lead, "新派单", complaint)

    response = client_as(world.lead).post(f"/work/notifications/{note.pk}/read/")

    assert response["Location"] == f"/work/complaints/{complaint.pk}/"


def test_someone_elses_notification_is_404(world, client_as):
    note = notify(world.other_handler, "别人的通知")

    assert client_as(world.lead).post(f"/work/notifications/{note.pk}/read/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_notification_list_filters_unread(world, client_as):
    notify(world.lead, "未读的")
    read = notify(world.lead, "读过的")
    client = client_as(world.lead)
    client.post(f"/work/notifications/{read.pk}/read/")

    unread_page = client.get("/work/notifications/?unread=1").content.decode()

    assert "未读的" in unread_page and "读过的" not in unread_page


def test_header_shows_the_bell_and_the_links_of_the_role(world, client_as):
    operator = client_as(world.operator).get("/work/operator/").content.decode()
    handler = client_as(world.lead).get("/work/inbox/").content.decode()
    worker = client_as(world.grid_worker).get("/work/grid/").content.decode()

    assert 'hx-get="/work/notifications/bell/"' in operator
    assert 'href="/work/operator/"' in operator and 'href="/work/inbox/"' not in operator
    assert 'href="/work/inbox/"' in handler and 'href="/work/operator/"' not in handler
    assert 'href="/work/grid/"' in worker and 'href="/work/dispatch/"' not in worker
