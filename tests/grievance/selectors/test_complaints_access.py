"""Who sees which complaint, filters, contact masking and offered actions (grievance.selectors.complaints)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from common.exceptions import ApplicationError, NotFoundError
from grievance.models import Complaint, Status
from grievance.selectors.complaints import (
    complaint_allowed_actions_for,
    complaint_contact_visible,
    complaint_get_for_actor,
    complaint_list_for_actor,
)
from grievance.services.transitions import complaint_transition
from tests.grievance.actors import actors, complaint_in, complaint_new
from tests.grievance.factories import UserFactory, membership

S = Status


@pytest.fixture
def people(db):
    return actors()


@pytest.fixture
def cases(people):
    """mine: citizen1's complaint in grid 1, handled by the community (lead) and department B (co);
    theirs: citizen2's complaint in grid 2, handled by department A;
    moved: citizen1's complaint in grid 1, dispatched to the community and then re-dispatched to A."""
    t = people.territory
    mine = complaint_in(people, S.IN_PROGRESS)
    theirs = complaint_in(
        people,
        S.DISPATCHED,
        lead=people.dept_a,
        co_units=[],
        citizen=people.other_citizen,
        grid=t.other_grid,
        community=t.other_community,
    )
    moved = complaint_in(people, S.DISPATCHED)
    complaint_transition(complaint_id=moved.pk, action="dispatch", params={"unit": people.dept_a.code})
    return {"mine": mine, "theirs": theirs, "moved": moved}


def _ids(qs) -> set[int]:
    return {c.pk for c in qs}


VISIBLE = {
    "dispatcher": {"mine", "theirs", "moved"},
    "operator": {"mine", "theirs", "moved"},
    "supervisor": {"mine", "theirs", "moved"},
    "admin": {"mine", "theirs", "moved"},
    "citizen": {"mine", "moved"},
    "other_citizen": {"theirs"},
    "lead": {"mine"},
    "leader": {"mine"},
    "co": {"mine"},
    "other_handler": {"theirs", "moved"},
    "grid_worker": {"mine", "moved"},
    "other_grid_worker": {"theirs"},
    "street_handler": set(),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "expected"), sorted(VISIBLE.items()))
def test_each_actor_sees_exactly_their_complaints(people, cases, who, expected):
    user = getattr(people, who)
    visible = complaint_list_for_actor(user=user, filters={})
    assert _ids(visible) == {cases[name].pk for name in expected}
    assert visible.count() == len(expected)  # no duplicate rows from the joins
    for name, complaint in cases.items():
        if name in expected:
            assert complaint_get_for_actor(user=user, complaint_id=complaint.pk).pk == complaint.pk
        else:
            with pytest.raises(NotFoundError):
                complaint_get_for_actor(user=user, complaint_id=complaint.pk)


@pytest.mark.django_db
def test_nobody_without_an_active_account_sees_anything(people, cases):
    inactive = UserFactory(username="gone", role=Role.DISPATCHER, is_active=False)
    for user in (None, AnonymousUser(), inactive):
        assert list(complaint_list_for_actor(user=user, filters={})) == []
        with pytest.raises(NotFoundError):
            complaint_get_for_actor(user=user, complaint_id=cases["mine"].pk)


@pytest.mark.django_db
def test_a_superuser_reads_everything_whatever_the_role(people, cases):
    root = UserFactory(username="root", role=Role.CITIZEN, is_superuser=True)
    assert _ids(complaint_list_for_actor(user=root, filters={})) == {c.pk for c in cases.values()}


@pytest.mark.django_db
def test_invisible_and_missing_complaints_answer_the_same(people, cases):
    with pytest.raises(NotFoundError) as hidden:
        complaint_get_for_actor(user=people.other_citizen, complaint_id=cases["mine"].pk)
    for bad in (10**9, "abc", None, -1, "1; drop table"):
        with pytest.raises(NotFoundError) as missing:
            complaint_get_for_actor(user=people.dispatcher, complaint_id=bad)
        assert missing.value.message == hidden.value.message and missing.value.status == 404


@pytest.mark.django_db
def test_unit_members_lose_sight_when_the_complaint_is_returned(people):
    complaint = complaint_in(people, S.IN_PROGRESS, co_units=[])
    assert _ids(complaint_list_for_actor(user=people.lead, filters={})) == {complaint.pk}
    complaint_transition(
        complaint_id=complaint.pk, action="return", actor=people.lead, params={"reason": "x"}
    )
    assert _ids(complaint_list_for_actor(user=people.lead, filters={})) == set()


# --- filters -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_filters_by_status_kind_unit_grid_and_street(people, cases):
    d = people.dispatcher

    def found(**filters) -> set[int]:
        return _ids(complaint_list_for_actor(user=d, filters=filters))

    assert found(status="in_progress") == {cases["mine"].pk}
    assert found(status="in_progress,dispatched") == {c.pk for c in cases.values()}
    assert found(kind="consult") == set()
    assert found(kind="complaint, consult") == {c.pk for c in cases.values()}
    assert found(unit=people.community.code) == {cases["mine"].pk}  # "moved" left the community
    assert found(unit=people.dept_b.code) == {cases["mine"].pk}
    assert found(unit=people.dept_a.code) == {cases["theirs"].pk, cases["moved"].pk}
    assert found(grid=people.territory.other_grid.code) == {cases["theirs"].pk}
    assert found(street=people.territory.street.code) == {c.pk for c in cases.values()}
    assert found(street="440310999000") == set()
    assert found(page="2", page_size="10") == {c.pk for c in cases.values()}  # not filters: ignored


@pytest.mark.django_db
def test_overdue_filter_uses_the_running_clock(people, cases):
    past = timezone.now() - timedelta(hours=1)
    Complaint.objects.filter(pk=cases["theirs"].pk).update(handle_deadline=past)
    handled_late = complaint_in(people, S.HANDLED)
    Complaint.objects.filter(pk=handled_late.pk).update(handle_deadline=past)  # handled: clock stopped
    d = people.dispatcher
    assert _ids(complaint_list_for_actor(user=d, filters={"overdue": "true"})) == {cases["theirs"].pk}
    not_overdue = _ids(complaint_list_for_actor(user=d, filters={"overdue": False}))
    assert not_overdue == {cases["mine"].pk, cases["moved"].pk, handled_late.pk}


@pytest.mark.django_db
def test_received_window_with_dates_and_datetimes(people):
    tz = timezone.get_current_timezone()
    day = timezone.datetime(2026, 3, 10, tzinfo=tz)
    early = complaint_new(people, received_at=day.replace(hour=0, minute=0))
    late = complaint_new(people, received_at=day.replace(hour=23, minute=59))
    before = complaint_new(people, received_at=day - timedelta(minutes=1))
    after = complaint_new(people, received_at=day + timedelta(days=1))
    d = people.dispatcher

    def found(**filters) -> set[int]:
        return _ids(complaint_list_for_actor(user=d, filters=filters))

    assert found(**{"from": "2026-03-10", "to": "2026-03-10"}) == {early.pk, late.pk}  # the whole day
    assert found(**{"from": "2026-03-10T12:00:00+08:00"}) >= {late.pk, after.pk}
    assert early.pk not in found(**{"from": "2026-03-10T12:00:00+08:00"})
    assert found(to="2026-03-09") & {early.pk, late.pk, before.pk, after.pk} == {before.pk}
    # "+08:00" sent unencoded in a query string arrives as " 08:00"
    query = QueryDict("from=2026-03-10T12:00:00+08:00&to=2026-03-10")
    assert _ids(complaint_list_for_actor(user=d, filters=query)) == {late.pk}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"status": "finished"}, "status"),
        ({"kind": "praise"}, "kind"),
        ({"overdue": "maybe"}, "overdue"),
        ({"from": "10/03/2026"}, "from"),
        ({"to": "2026-02-30"}, "to"),
        ({"from": "2026-03-10", "to": "2026-03-01"}, "to"),
    ],
)
def test_bad_filter_values_are_field_errors(people, filters, field):
    with pytest.raises(ApplicationError) as caught:
        list(complaint_list_for_actor(user=people.dispatcher, filters=filters))
    assert caught.value.status == 400 and field in caught.value.errors


@pytest.mark.django_db
def test_newest_first(people):
    now = timezone.now()
    older = complaint_new(people, received_at=now - timedelta(days=2))
    newer = complaint_new(people, received_at=now - timedelta(days=1))
    newest = complaint_new(people, received_at=now)
    rows = list(complaint_list_for_actor(user=people.citizen, filters={}))
    assert [c.pk for c in rows] == [newest.pk, newer.pk, older.pk]


def _page_queries(user) -> int:
    with CaptureQueriesContext(connection) as queries:
        for c in complaint_list_for_actor(user=user, filters={}):
            _ = (c.matter, c.grid, c.community, c.street, c.lead_unit, c.citizen, c.merged_into)
            _ = [a.unit.code for a in c.active_assignments]
            complaint_contact_visible(user=user, complaint=c)
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["dispatcher", "lead", "grid_worker", "citizen", "supervisor"])
def test_a_page_costs_the_same_queries_whatever_its_size(people, who):
    user = getattr(people, who)
    complaint_in(people, S.IN_PROGRESS)
    few = _page_queries(user)
    for _ in range(6):
        complaint_in(people, S.IN_PROGRESS)
    assert _page_queries(user) == few
    assert few <= 5  # which branches apply (≤ 3), the page, the assignments


# --- contact details and actions -------------------------------------------------------------------

CONTACT = {
    "dispatcher": True,
    "operator": True,
    "lead": True,
    "leader": True,
    "co": True,
    "supervisor": False,
    "admin": False,
    "grid_worker": False,
    "citizen": False,
    "other_handler": False,
    "street_handler": False,
}


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "visible"), sorted(CONTACT.items()))
def test_contact_details_only_for_the_centre_and_the_handling_units(people, who, visible):
    user = getattr(people, who)
    complaint = complaint_in(people, S.IN_PROGRESS)
    assert complaint_contact_visible(user=user, complaint=Complaint.objects.get(pk=complaint.pk)) is visible
    if who in ("dispatcher", "operator", "lead", "leader", "co", "grid_worker", "citizen"):
        listed = complaint_list_for_actor(user=user, filters={}).get(pk=complaint.pk)
        assert complaint_contact_visible(user=user, complaint=listed) is visible
        detail = complaint_get_for_actor(user=user, complaint_id=complaint.pk)
        assert complaint_contact_visible(user=user, complaint=detail) is visible


@pytest.mark.django_db
def test_a_copied_unit_and_a_former_lead_see_the_contact_masked(people):
    district_member = UserFactory(username="h-district")
    membership(district_member, people.territory.district_unit)
    complaint = complaint_new(people)
    complaint_transition(complaint_id=complaint.pk, action="dispatch", params={"unit": people.street.code})
    assert complaint_get_for_actor(user=district_member, complaint_id=complaint.pk)  # sees the copy
    assert complaint_contact_visible(user=district_member, complaint=complaint) is False
    assert complaint_contact_visible(user=people.street_handler, complaint=complaint) is True
    complaint_transition(complaint_id=complaint.pk, action="dispatch", params={"unit": people.dept_a.code})
    assert complaint_contact_visible(user=people.street_handler, complaint=complaint) is False


@pytest.mark.django_db
def test_an_annotated_row_is_not_reused_for_another_user(people):
    complaint = complaint_in(people, S.IN_PROGRESS)
    listed = complaint_list_for_actor(user=people.dispatcher, filters={}).get(pk=complaint.pk)
    assert complaint_contact_visible(user=people.grid_worker, complaint=listed) is False


ACTIONS_ON_DISPATCHED = {
    "dispatcher": ["dispatch", "merge", "supervise", "psych_refer", "to_mediation"],
    "operator": ["psych_refer"],
    "lead": ["sign", "return", "escalate", "psych_refer", "to_mediation"],
    "co": ["co_reply"],
    "grid_worker": ["escalate", "resolve_on_spot"],
    "citizen": ["withdraw"],
    "supervisor": [],
    "other_handler": [],
}


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "expected"), sorted(ACTIONS_ON_DISPATCHED.items()))
def test_allowed_actions_follow_the_table_and_the_actor(people, who, expected):
    complaint = complaint_in(people, S.DISPATCHED)
    assert complaint_allowed_actions_for(user=getattr(people, who), complaint=complaint) == expected


@pytest.mark.django_db
def test_no_actions_for_anonymous_callers_and_never_system_ones(people):
    complaint = complaint_in(people, S.IN_PROGRESS)
    assert complaint_allowed_actions_for(user=AnonymousUser(), complaint=complaint) == []
    assert complaint_allowed_actions_for(user=None, complaint=complaint) == []
    offered = complaint_allowed_actions_for(user=people.dispatcher, complaint=complaint)
    assert "approve_extension" in offered and "warn" not in offered and "queue" not in offered
