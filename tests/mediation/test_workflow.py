"""The case workflow table, walked exhaustively: every (status, action, role) is allowed or refused as the
expectations below (written from DOMAIN.md §4 and the issue, independently of mediation/workflow.py)
say — first at the table level, then through ``mediation_case_transition`` with real people."""

import itertools
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from common.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from mediation.models import Agreement, CaseEvent, CaseStatus, MediationCase, PerformanceStatus, Session
from mediation.selectors.access import case_actor_roles
from mediation.services.guards import GUARDS
from mediation.services.transitions import EFFECTS, mediation_case_transition
from mediation.workflow import (
    ACTIONS,
    TRANSITIONS,
    CaseRole,
    allowed_actions,
    state_diagram_mermaid,
    transition_for,
)
from tests.mediation.factories import PERSON_C, case_in, membership, person

S, R = CaseStatus, CaseRole
OPEN = {S.APPLIED, S.ACCEPTED, S.MEDIATING}
UNDER_WAY = {S.ACCEPTED, S.MEDIATING}
AFTER = {S.AGREED, S.CLOSED}

# action → (statuses it may start from, roles that may perform it, target status or None = unchanged)
EXPECTED = {
    "accept": ({S.APPLIED}, {R.DIRECTOR, R.MEMBER}, S.ACCEPTED),
    "refuse": ({S.APPLIED}, {R.DIRECTOR, R.MEMBER}, S.REFUSED),
    "add_party": (OPEN, {R.DIRECTOR, R.MEMBER, R.MEDIATOR}, None),
    "update_party": (OPEN, {R.DIRECTOR, R.MEMBER, R.MEDIATOR}, None),
    "assign_mediator": (OPEN, {R.DIRECTOR, R.MEMBER}, None),
    "recuse_mediator": (OPEN, {R.DIRECTOR, R.MEMBER, R.MEDIATOR}, None),
    "start": ({S.ACCEPTED}, {R.MEDIATOR}, S.MEDIATING),
    "schedule_session": (UNDER_WAY, {R.MEDIATOR}, None),
    "record_session": ({S.MEDIATING}, {R.MEDIATOR}, None),
    "cancel_session": (UNDER_WAY, {R.MEDIATOR}, None),
    "extend": (UNDER_WAY, {R.MEDIATOR}, None),
    "draft_agreement": ({S.MEDIATING}, {R.MEDIATOR}, None),
    "agree": ({S.MEDIATING}, {R.MEDIATOR}, S.AGREED),
    "terminate": (UNDER_WAY, {R.MEDIATOR, R.DIRECTOR}, S.FAILED),
    "party_refuses": (OPEN, {R.MEDIATOR, R.DIRECTOR, R.MEMBER}, S.FAILED),
    "withdraw": (OPEN, {R.MEDIATOR, R.DIRECTOR, R.MEMBER}, S.WITHDRAWN),
    "record_performance": ({S.AGREED}, {R.MEDIATOR}, None),
    "record_confirmation": (AFTER, {R.MEDIATOR, R.DIRECTOR}, None),
    "return_visit": (AFTER, {R.MEDIATOR, R.MEMBER}, None),
    "close": ({S.AGREED}, {R.MEDIATOR, R.DIRECTOR}, S.CLOSED),
    "remind_session": (UNDER_WAY, {R.SYSTEM}, None),
    "warn": (OPEN, {R.SYSTEM}, None),
    "note_overdue": (OPEN, {R.SYSTEM}, None),
    "remind_confirmation": ({S.AGREED}, {R.SYSTEM}, None),
    "remind_performance": ({S.AGREED}, {R.SYSTEM}, None),
}


def _expected(status: str, action: str, roles) -> str | int:
    sources, allowed_roles, _target = EXPECTED[action]
    if not set(roles) & allowed_roles:
        return 403
    return "ok" if status in sources else 409


TRIPLES = list(itertools.product(CaseStatus.values, ACTIONS, R.ALL))


def test_expectations_cover_exactly_the_actions_of_the_table():
    assert set(EXPECTED) == set(ACTIONS)
    assert len(ACTIONS) == len(TRANSITIONS)


@pytest.mark.parametrize(("status", "action", "role"), TRIPLES)
def test_table_allows_exactly_the_expected_triples(status, action, role):
    entry = transition_for(action, status)
    allowed = entry is not None and role in entry.roles
    assert allowed == (_expected(status, action, {role}) == "ok")
    assert (action in allowed_actions(status, {role})) == allowed
    if allowed:
        assert entry.target == EXPECTED[action][2]


def test_every_action_has_an_effect_and_known_guards():
    assert set(ACTIONS) == set(EFFECTS)
    for entry in TRANSITIONS:
        assert set(entry.guards) <= set(GUARDS), entry.action


def test_ended_cases_allow_nothing_and_the_supervisor_never_acts():
    everyone = set(R.ALL)
    for status in (S.REFUSED, S.FAILED, S.WITHDRAWN):
        assert allowed_actions(status, everyone) == []
    assert set(allowed_actions(S.CLOSED, everyone)) == {"record_confirmation", "return_visit"}
    for status in CaseStatus.values:
        assert allowed_actions(status, {R.SUPERVISOR}) == []


def test_state_diagram_has_every_status_change():
    diagram = state_diagram_mermaid()
    assert "applied --> accepted: accept 受理" in diagram
    assert "mediating --> failed: terminate 终止调解 / party_refuses 当事人明确拒绝调解" in diagram
    assert "agreed --> closed: close 结案" in diagram


# --- through the service, with real people --------------------------------------------------------


def _actors(world) -> dict:
    """Label → user. The case's mediator comes from the hub, so that person holds only ``mediator``."""
    return {
        "system": None,
        "director": world.director,  # director + member
        "member": world.member,  # member only
        "case_mediator": world.hub_mediator,  # mediator only
        "supervisor": world.supervisor,
        "other_organisation": world.other_mediator,  # nothing
        "citizen": world.citizen,
    }


def _case(world, status: str, action: str) -> tuple[MediationCase, dict]:
    """A case in ``status`` where ``action``'s guards hold, and valid parameters for it."""
    now = timezone.now()
    draft = action == "agree"
    case = case_in(world, status, draft=draft, mediator=world.hub_mediator)
    params: dict = {}
    if action in ("refuse", "withdraw", "terminate"):
        params = {"reason": "双方分歧过大", "legal_channels": "已告知可向人民法院起诉"}
    elif action == "add_party":
        params = {"party": person("third_party", name="赵敏", id_number=PERSON_C)}
    elif action == "update_party":
        params = {"party": case.parties.first().pk, "fields": {"phone": "13700002222", "occupation": "教师"}}
    elif action == "assign_mediator":
        params = {"mediator": membership(world, world.mediator2).pk, "how": "chosen"}
    elif action == "recuse_mediator":
        params = {"mediator": membership(world, world.hub_mediator).pk, "reason": "与当事人有亲属关系"}
    elif action == "schedule_session":
        params = {"starts_at": (now + timedelta(days=2)).isoformat(), "place": "街道调解室"}
    elif action == "record_session":
        params = {
            "minutes": "双方陈述意见，初步同意赔偿。",
            "place": "街道调解室",
            "attendees": [case.parties.first().pk],
        }
    elif action in ("cancel_session", "remind_session"):
        session = Session.objects.create(
            case=case, sequence=1, starts_at=now + timedelta(hours=3), place="调解室"
        )
        params = {"session": session.pk}
    elif action == "extend":
        params = {
            "days": 10,
            "reason": "需等待鉴定结果",
            "consents": list(case.parties.values_list("pk", flat=True)),
            "consent_record": "双方当事人在延期确认书上签字",
        }
    elif action == "draft_agreement":
        params = {
            "facts": "事实",
            "terms": "赔偿3000元",
            "performance_method": "转账",
            "performance_deadline": (now + timedelta(days=5)).date().isoformat(),
        }
    elif action == "agree":
        params = {"signed_by_parties": True, "signed_by_mediator": True, "sealed": True}
    elif action == "party_refuses":
        params = {"party": case.parties.first().pk, "reason": "被申请人明确表示不同意调解"}
    elif action == "record_performance":
        params = {"performance": "performed", "note": "已转账"}
    elif action == "record_confirmation":
        params = {"confirmation": "applied", "court": "坪山区人民法院"}
    elif action == "return_visit":
        params = {"method": "phone", "note": "已履行，双方满意", "satisfied": True}
    elif action == "close":
        Agreement.objects.filter(case=case).update(performance_status=PerformanceStatus.PERFORMED)
    elif action == "warn":
        MediationCase.objects.filter(pk=case.pk).update(due_at=now + timedelta(days=1))
    elif action == "note_overdue":
        MediationCase.objects.filter(pk=case.pk).update(due_at=now - timedelta(hours=1))
    elif action == "remind_confirmation":
        Agreement.objects.filter(case=case).update(confirmation_deadline=now + timedelta(days=2))
    elif action == "remind_performance":
        Agreement.objects.filter(case=case).update(performance_deadline=(now - timedelta(days=2)).date())
    return case, params


@pytest.mark.django_db
@pytest.mark.parametrize("status", CaseStatus.values)
def test_every_action_by_every_actor_is_allowed_or_refused_as_expected(world, status):
    label = str(CaseStatus(status).label)
    checked_ok = checked_refused = 0
    for action in ACTIONS:
        shared, shared_params = _case(world, status, action)  # refusals change nothing: one case serves them
        for name, actor in _actors(world).items():
            expected = _expected(status, action, case_actor_roles(case=shared, user=actor))
            case, params = _case(world, status, action) if expected == "ok" else (shared, shared_params)
            events = CaseEvent.objects.filter(case=case).count()
            if expected == "ok":
                result = mediation_case_transition(case_id=case.pk, action=action, actor=actor, params=params)
                target = EXPECTED[action][2] or status
                assert result.status == target, (action, name)
                event = CaseEvent.objects.filter(case=case).order_by("-id").first()
                assert (event.action, event.from_status, event.to_status) == (action, status, target)
                checked_ok += 1
                continue
            with pytest.raises(ApplicationError) as caught:
                mediation_case_transition(case_id=case.pk, action=action, actor=actor, params=params)
            if expected == 403:
                assert type(caught.value) is PermissionDeniedError, (action, name)
            else:
                assert type(caught.value) is ConflictError, (action, name)
                assert label in caught.value.message and action in caught.value.message
            case.refresh_from_db()
            assert case.status == status
            assert CaseEvent.objects.filter(case=case).count() == events
            checked_refused += 1
    assert checked_refused > 0
    if status not in (S.REFUSED, S.FAILED, S.WITHDRAWN):
        assert checked_ok > 0


@pytest.mark.django_db
def test_anonymous_callers_and_unknown_actions(world):
    case = case_in(world, S.MEDIATING)
    for action in ACTIONS:
        with pytest.raises(PermissionDeniedError):
            mediation_case_transition(case_id=case.pk, action=action, actor=AnonymousUser(), params={})
    with pytest.raises(ApplicationError) as caught:
        mediation_case_transition(case_id=case.pk, action="approve_everything", actor=world.mediator)
    assert caught.value.status == 400 and "action" in caught.value.errors
    with pytest.raises(ApplicationError) as caught:
        mediation_case_transition(case_id=case.pk, action="terminate", actor=world.mediator, params={})
    assert caught.value.status == 400 and set(caught.value.errors) == {"reason", "legal_channels"}
