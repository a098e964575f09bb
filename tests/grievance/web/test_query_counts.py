"""Query budgets of the two busiest reads (issue 10): the complaint detail with its events (≤ 10) and a
unit's inbox page (≤ 15). Counts, not timings: the timings are measured by ``make bench``.

Each budget is checked with a history / page large enough that an N+1 query would break it. The
detail is read through the API, the inbox as a page; both from the ``world`` of this folder's conftest
(which also gives each test a clean cache and media root)."""

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from grievance.models import ComplaintEvent, Status
from tests.grievance.actors import complaint_in

pytestmark = pytest.mark.django_db

DETAIL_MAX_QUERIES = 10
INBOX_MAX_QUERIES = 15


def _with_history(world, notes: int):
    complaint = complaint_in(world, Status.IN_PROGRESS)
    now = timezone.now()
    ComplaintEvent.objects.bulk_create(
        ComplaintEvent(
            complaint=complaint,
            at=now,
            actor=world.lead if i % 2 else world.dispatcher,
            actor_unit=world.community if i % 2 else world.centre,
            action="note",
            from_status=complaint.status,
            to_status=complaint.status,
            note=f"跟进记录 {i}",
        )
        for i in range(notes)
    )
    return complaint


@pytest.mark.parametrize("who", ["dispatcher", "lead", "supervisor"])
def test_detail_with_its_events_stays_within_the_query_budget(world, who, django_assert_max_num_queries):
    complaint = _with_history(world, notes=30)
    client = APIClient()  # authenticated as API clients are, with a token: its lookup is counted
    token, _created = Token.objects.get_or_create(user=getattr(world, who))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    client.get(f"/api/v1/complaints/{complaint.pk}/")  # per-process caches (calendar, grid index) warm

    with django_assert_max_num_queries(DETAIL_MAX_QUERIES):
        response = client.get(f"/api/v1/complaints/{complaint.pk}/")

    assert response.status_code == 200
    assert len(response.json()["events"]) >= 30


@pytest.mark.parametrize("tab", ["sign", "progress"])
def test_unit_inbox_page_stays_within_the_query_budget(world, client, tab, django_assert_max_num_queries):
    status = Status.DISPATCHED if tab == "sign" else Status.IN_PROGRESS
    for i in range(25):
        _ = complaint_in(world, status, title=f"收件箱第{i}件")
    client.force_login(world.lead)  # a session, as in the browser: its lookups are counted
    client.get(f"/work/inbox/?tab={tab}")

    with django_assert_max_num_queries(INBOX_MAX_QUERIES):
        response = client.get(f"/work/inbox/?tab={tab}")

    assert response.status_code == 200
    assert "收件箱第0件" in response.content.decode() or "收件箱第24件" in response.content.decode()
