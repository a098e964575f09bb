"""The transition service: event and status in one transaction, row lock, rights following the work,
and the effects of dispatch, reopen, merge and escalation."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from guardian.core import ObjectPermissionChecker

from grids.models import UnitKind
from grievance.models import Assignment, AssignmentRole, Complaint, ComplaintEvent, Status
from grievance.services import effects, transitions
from grievance.services.permissions import unit_group
from grievance.services.transitions import complaint_transition
from tests.grievance.actors import actors, complaint_in, complaint_new
from tests.grievance.factories import UnitFactory, UserFactory, membership

S = Status


@pytest.fixture
def people(db):
    return actors()


def _perms(unit, complaint) -> set[str]:
    """Object permissions of the unit's group on the complaint (a fresh checker: no cache)."""
    return set(ObjectPermissionChecker(unit_group(unit)).get_perms(complaint))


def _active(complaint, role=None) -> set[str]:
    rows = Assignment.objects.filter(complaint=complaint, active=True)
    if role:
        rows = rows.filter(role=role)
    return set(rows.values_list("unit__code", flat=True))


@pytest.mark.django_db
def test_the_event_records_from_to_actor_and_note(people):
    complaint = complaint_in(people, S.DISPATCHED)
    complaint_transition(complaint_id=complaint.pk, action="sign", actor=people.lead)
    complaint_transition(
        complaint_id=complaint.pk, action="return", actor=people.lead, params={"reason": "属于住建职责"}
    )
    sign, returned = ComplaintEvent.objects.filter(
        complaint=complaint, action__in=["sign", "return"]
    ).order_by("id")
    assert (sign.from_status, sign.to_status, sign.actor, sign.actor_unit) == (
        S.DISPATCHED,
        S.IN_PROGRESS,
        people.lead,
        people.community,
    )
    assert (returned.from_status, returned.to_status, returned.note) == (
        S.IN_PROGRESS,
        S.PENDING_DISPATCH,
        "属于住建职责",
    )
    assert returned.payload == {"unit": people.community.code}
    complaint.refresh_from_db()
    assert complaint.status == S.PENDING_DISPATCH and complaint.lead_unit is None


@pytest.mark.django_db
def test_a_failing_effect_rolls_back_status_event_assignments_and_rights(people, monkeypatch):
    complaint = complaint_new(people)
    real_dispatch = effects.EFFECTS["dispatch"]

    def dispatch_then_fail(c, p, now):
        real_dispatch(c, p, now)  # writes assignments and guardian rights first
        raise RuntimeError("effect failed")

    monkeypatch.setitem(effects.EFFECTS, "dispatch", dispatch_then_fail)
    with pytest.raises(RuntimeError):
        complaint_transition(
            complaint_id=complaint.pk, action="dispatch", params={"unit": people.community.code}
        )

    complaint.refresh_from_db()
    assert (
        complaint.status == S.SUBMITTED and complaint.lead_unit is None and complaint.handle_deadline is None
    )
    assert not ComplaintEvent.objects.filter(complaint=complaint).exists()
    assert not Assignment.objects.filter(complaint=complaint).exists()
    assert _perms(people.community, complaint) == set()


@pytest.mark.django_db
def test_a_failure_writing_the_event_leaves_the_status_unchanged(people, monkeypatch):
    complaint = complaint_in(people, S.DISPATCHED)
    events = ComplaintEvent.objects.filter(complaint=complaint).count()

    def refuse(**kwargs):
        raise RuntimeError("database refused the event")

    monkeypatch.setattr(ComplaintEvent.objects, "create", refuse)
    with pytest.raises(RuntimeError):
        complaint_transition(complaint_id=complaint.pk, action="sign", actor=people.lead)
    monkeypatch.undo()
    complaint.refresh_from_db()
    assert complaint.status == S.DISPATCHED and complaint.signed_at is None
    assert ComplaintEvent.objects.filter(complaint=complaint).count() == events


@pytest.mark.django_db
def test_side_effects_are_queued_only_on_commit(people, monkeypatch, django_capture_on_commit_callbacks):
    complaint = complaint_in(people, S.DISPATCHED)
    queued = []
    monkeypatch.setattr(transitions, "enqueue", lambda task, *args: queued.append((task.name, args)))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        complaint_transition(complaint_id=complaint.pk, action="sign", actor=people.lead)
    assert queued == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    event = ComplaintEvent.objects.filter(complaint=complaint, action="sign").get()
    assert queued == [("grievance.complaint_event_committed", (event.pk, True))]


def test_the_row_is_locked_for_update(require_postgres, people):
    complaint = complaint_in(people, S.DISPATCHED)
    with CaptureQueriesContext(connection) as queries:
        complaint_transition(complaint_id=complaint.pk, action="sign", actor=people.lead)
    first = next(q["sql"] for q in queries.captured_queries if 'FROM "grievance_complaint"' in q["sql"])
    assert "FOR UPDATE OF" in first


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_transition_waits_for_the_lock(require_postgres):
    people = actors()
    complaint = complaint_in(people, S.DISPATCHED)
    done = threading.Event()
    outcome = {}

    def sign_in_another_connection():
        try:
            complaint_transition(complaint_id=complaint.pk, action="sign", actor=people.lead)
            outcome["ok"] = True
        except Exception as exc:  # reported to the main thread
            outcome["error"] = exc
        finally:
            connection.close()
            done.set()

    with transaction.atomic():
        Complaint.objects.select_for_update().get(pk=complaint.pk)
        worker = threading.Thread(target=sign_in_another_connection)
        worker.start()
        time.sleep(0.5)
        assert not done.is_set(), "the transition did not wait for the row lock"
    worker.join(timeout=10)
    assert outcome == {"ok": True}
    complaint.refresh_from_db()
    assert complaint.status == S.IN_PROGRESS


@pytest.mark.django_db
def test_dispatch_grants_rights_and_redispatch_and_return_revoke_them(people):
    complaint = complaint_in(people, S.DISPATCHED)  # lead: community, co: department B
    assert _perms(people.community, complaint) == {"handle_complaint", "view_complaint"}
    assert _perms(people.dept_b, complaint) == {"cohandle_complaint", "view_complaint"}
    assert ObjectPermissionChecker(people.lead).has_perm("grievance.handle_complaint", complaint)
    assert not ObjectPermissionChecker(people.other_handler).has_perm("grievance.view_complaint", complaint)

    complaint_transition(
        complaint_id=complaint.pk,
        action="dispatch",
        actor=people.dispatcher,
        params={"unit": people.dept_a.code},
    )
    assert _perms(people.community, complaint) == set()
    assert _perms(people.dept_b, complaint) == set()
    assert _perms(people.dept_a, complaint) == {"handle_complaint", "view_complaint"}
    assert _active(complaint) == {people.dept_a.code}
    assert Assignment.objects.filter(complaint=complaint, active=False).count() == 2

    complaint_transition(
        complaint_id=complaint.pk, action="return", actor=people.other_handler, params={"reason": "x"}
    )
    assert _perms(people.dept_a, complaint) == set()
    assert _active(complaint) == set()


@pytest.mark.django_db
def test_a_street_level_dispatch_is_copied_to_the_district(people):
    complaint = complaint_new(people)
    complaint_transition(
        complaint_id=complaint.pk,
        action="dispatch",
        actor=people.dispatcher,
        params={"unit": people.street.code},
    )
    district = people.territory.district_unit
    assert _active(complaint, AssignmentRole.LEAD) == {people.street.code}
    assert _active(complaint, AssignmentRole.COPY) == {district.code}
    assert _perms(district, complaint) == {"view_complaint"}  # informed, not handling
    event = ComplaintEvent.objects.get(complaint=complaint, action="dispatch")
    assert event.payload["copied_to"] == district.code
    # A department dispatch is not copied.
    other = complaint_new(people)
    complaint_transition(complaint_id=other.pk, action="dispatch", params={"unit": people.dept_a.code})
    assert _active(other, AssignmentRole.COPY) == set()


def _through_review(people, complaint):
    complaint_transition(
        complaint_id=complaint.pk, action="submit_result", actor=people.lead, params={"result": "修"}
    )
    complaint_transition(
        complaint_id=complaint.pk, action="verify", actor=people.grid_worker, params={"passed": True}
    )


@pytest.mark.django_db
def test_reopening_twice_escalates_to_the_top_rung(people):
    complaint = complaint_in(people, S.REVIEWING)
    first = complaint_transition(
        complaint_id=complaint.pk, action="reopen", actor=people.dispatcher, params={"reason": "未修好"}
    )
    assert (first.status, first.reopen_count, first.supervision_level) == (S.IN_PROGRESS, 1, 0)
    assert first.handled_at is None and first.handle_deadline is not None and first.signed_at is not None

    _through_review(people, complaint)
    second = complaint_transition(
        complaint_id=complaint.pk, action="reopen", actor=people.dispatcher, params={"reason": "仍未修好"}
    )
    assert (second.status, second.reopen_count, second.supervision_level) == (S.IN_PROGRESS, 2, 5)
    event = ComplaintEvent.objects.filter(complaint=complaint, action="reopen").latest("id")
    assert event.payload["escalated"] and event.payload["reopen_count"] == 2


@pytest.mark.django_db
def test_merge_informs_the_target(people):
    target = complaint_in(people, S.IN_PROGRESS)
    duplicate = complaint_in(people, S.DISPATCHED, citizen=people.other_citizen, support_count=2)
    merged = complaint_transition(
        complaint_id=duplicate.pk, action="merge", actor=people.dispatcher, params={"into": target.pk}
    )
    assert merged.status == S.DUPLICATE and merged.merged_into == target and merged.closed_at is not None
    assert _active(merged) == set()
    target.refresh_from_db()
    assert target.status == S.IN_PROGRESS and target.support_count == 3
    informed = ComplaintEvent.objects.get(complaint=target, action="merged_in")
    assert informed.payload == {"merged": duplicate.pk}
    assert (informed.from_status, informed.to_status, informed.actor) == (
        S.IN_PROGRESS,
        S.IN_PROGRESS,
        people.dispatcher,
    )
    assert duplicate.tracking_code in informed.note


@pytest.mark.django_db
def test_escalation_climbs_grid_community_street_then_the_centre_queue(people):
    grid_team = UnitFactory(code="PS-LH-WG1", kind=UnitKind.GRID_TEAM, parent=people.community)
    team_member = UserFactory(username="team-1")
    membership(team_member, grid_team)
    complaint = complaint_in(people, S.IN_PROGRESS, lead=grid_team, co_units=[])

    to_community = complaint_transition(
        complaint_id=complaint.pk, action="escalate", actor=people.grid_worker
    )
    assert (to_community.status, to_community.lead_unit) == (S.DISPATCHED, people.community)
    assert _perms(grid_team, complaint) == set()

    to_street = complaint_transition(complaint_id=complaint.pk, action="escalate", actor=people.lead)
    assert (to_street.status, to_street.lead_unit) == (S.DISPATCHED, people.street)
    assert _active(complaint, AssignmentRole.LEAD) == {people.street.code}
    assert _perms(people.community, complaint) == set()
    assert "handle_complaint" in _perms(people.street, complaint)
    assert to_street.signed_at is None and to_street.handle_deadline is not None

    to_centre = complaint_transition(
        complaint_id=complaint.pk, action="escalate", actor=people.street_handler
    )
    assert (to_centre.status, to_centre.lead_unit, to_centre.handle_deadline) == (
        S.PENDING_DISPATCH,
        None,
        None,
    )
    assert _active(complaint) == set()
    hops = ComplaintEvent.objects.filter(complaint=complaint, action="escalate").order_by("id")
    assert [(e.payload.get("from_unit"), e.payload.get("to_unit")) for e in hops] == [
        (grid_team.code, people.community.code),
        (people.community.code, people.street.code),
        (people.street.code, None),
    ]
