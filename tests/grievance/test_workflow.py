"""The workflow table, walked exhaustively: every (status, action, role) is allowed or refused exactly as
the expectations below (written from API.md and DOMAIN.md, independently of grievance/workflow.py) say —
first at the table level, then through ``complaint_transition`` with real users holding those roles."""

import itertools
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.core.management.base import CommandError

from common.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from grievance.management.commands.workflow_diagram import lifecycle_markdown
from grievance.models import Complaint, ComplaintEvent, Disposition, Status
from grievance.services.effects import EFFECTS
from grievance.services.guards import GUARDS
from grievance.services.transition_params import mediation_ticket
from grievance.services.transitions import complaint_transition
from grievance.workflow import (
    ACTIONS,
    DISPOSITION_TARGETS,
    TRANSITIONS,
    ActorRole,
    allowed_actions,
    state_diagram_mermaid,
    transition_for,
)
from tests.grievance.actors import actors, complaint_in, complaint_new, photo_of

S, R = Status, ActorRole
OPEN_BEFORE_DISPATCH = {S.SUBMITTED, S.PENDING_DISPATCH}
UNIT_WORKING = {S.DISPATCHED, S.IN_PROGRESS}
BEFORE_RESULT = OPEN_BEFORE_DISPATCH | UNIT_WORKING

# action → (statuses it may start from, roles that may perform it, target for the params of VALID_PARAMS)
EXPECTED = {
    "queue": ({S.SUBMITTED}, {R.SYSTEM}, S.PENDING_DISPATCH),
    "dispatch": (BEFORE_RESULT, {R.SYSTEM, R.DISPATCHER}, S.DISPATCHED),
    "sign": ({S.DISPATCHED}, {R.LEAD}, S.IN_PROGRESS),
    "return": (UNIT_WORKING, {R.LEAD}, S.PENDING_DISPATCH),
    "request_extension": ({S.IN_PROGRESS}, {R.LEAD}, None),
    "approve_extension": ({S.IN_PROGRESS}, {R.DISPATCHER}, None),
    "reject_extension": ({S.IN_PROGRESS}, {R.DISPATCHER}, None),
    "co_reply": (UNIT_WORKING, {R.CO}, None),
    "submit_result": ({S.IN_PROGRESS}, {R.LEAD}, S.HANDLED),
    "verify": ({S.HANDLED}, {R.DISPATCHER, R.GRID_WORKER}, S.REVIEWING),
    "return_visit": ({S.REVIEWING}, {R.DISPATCHER, R.OPERATOR}, S.CLOSED),
    "reopen": ({S.REVIEWING, S.CLOSED}, {R.DISPATCHER}, S.IN_PROGRESS),
    "close": ({S.HANDLED, S.REVIEWING}, {R.DISPATCHER}, S.CLOSED),
    "answer": (OPEN_BEFORE_DISPATCH, {R.OPERATOR, R.DISPATCHER}, S.ANSWERED),
    "merge": (OPEN_BEFORE_DISPATCH | {S.DISPATCHED}, {R.DISPATCHER}, S.DUPLICATE),
    "dispose": (OPEN_BEFORE_DISPATCH, {R.DISPATCHER, R.OPERATOR}, S.INVALID),
    "escalate": (UNIT_WORKING, {R.LEAD, R.GRID_WORKER}, S.DISPATCHED),  # community → street
    "resolve_on_spot": (BEFORE_RESULT, {R.GRID_WORKER}, S.CLOSED),
    "withdraw": (BEFORE_RESULT, {R.CITIZEN}, S.WITHDRAWN),
    "warn": (UNIT_WORKING, {R.SYSTEM}, None),
    "supervise": (UNIT_WORKING, {R.SYSTEM, R.DISPATCHER}, None),
    "psych_refer": (BEFORE_RESULT, {R.DISPATCHER, R.OPERATOR, R.LEAD}, None),
    # DOMAIN.md §4: a dispatcher or the handling unit turns the dispute into a mediation case; the
    # complaint waits in ``mediating`` and only the case (the system) reports the outcome back.
    "to_mediation": ({S.PENDING_DISPATCH} | UNIT_WORKING, {R.DISPATCHER, R.LEAD}, S.MEDIATING),
    "mediation_result": ({S.MEDIATING}, {R.SYSTEM}, S.CLOSED),
}
VALID_PARAMS = {
    "dispatch": {"unit": "PS-CG", "note": "改派城管"},
    "return": {"reason": "不属于本单位职责"},
    "request_extension": {"days": 3, "reason": "需协调施工队"},
    "approve_extension": {"note": "同意"},
    "reject_extension": {"note": "理由不足"},
    "co_reply": {"reply": "已配合现场查看"},
    "submit_result": {"result": "已修复路灯"},
    "verify": {"passed": True, "note": "现场已修复"},
    "return_visit": {"resolved": True, "satisfaction": "satisfied", "note": "市民满意"},
    "reopen": {"reason": "市民反映仍未修好"},
    "close": {"note": "办结"},
    "answer": {"answer": "办理时间为工作日9:00-17:00"},
    "dispose": {"disposition": "invalid", "note": "无具体内容"},
    "escalate": {"note": "超出社区处置能力"},
    "resolve_on_spot": {"result": "已当场清理"},
    "supervise": {"level": 2},
    "mediation_result": {"outcome": "agreement", "case_number": "〔2026〕坪人调字第1号", "note": "调解成功"},
}


def _expected(status: str, action: str, role: str):
    sources, roles, _target = EXPECTED[action]
    if role not in roles:
        return 403
    if status not in sources:
        return 409
    return "ok"


TRIPLES = list(itertools.product(Status.values, ACTIONS, R.ALL))
ALLOWED = [(s, a, r) for s, a, r in TRIPLES if _expected(s, a, r) == "ok"]


def test_expectations_cover_exactly_the_actions_of_the_table():
    assert set(EXPECTED) == set(ACTIONS)
    assert len(ACTIONS) == len(TRANSITIONS)  # one row per action: sources listed in the row


@pytest.mark.parametrize(("status", "action", "role"), TRIPLES)
def test_table_allows_exactly_the_expected_triples(status, action, role):
    transition = transition_for(action, status)
    allowed = transition is not None and role in transition.roles
    assert allowed == (_expected(status, action, role) == "ok")
    assert (action in allowed_actions(status, {role})) == allowed


def test_every_action_has_an_effect_and_known_guards():
    assert set(ACTIONS) <= set(EFFECTS)
    for t in TRANSITIONS:
        for guard in t.guards:
            assert guard in GUARDS, (t.action, guard)


def test_branching_targets_cover_every_parameter_value():
    assert set(DISPOSITION_TARGETS) == set(Disposition.values)
    verify = transition_for("verify", S.HANDLED)
    assert verify.target_for({"passed": True}, S.HANDLED) == S.REVIEWING
    assert verify.target_for({"passed": False}, S.HANDLED) == S.IN_PROGRESS
    visit = transition_for("return_visit", S.REVIEWING)
    assert visit.target_for({"_visit_ok": False}, S.REVIEWING) == S.REVIEWING


def test_terminal_statuses_only_allow_reopening_a_closed_complaint():
    roles = set(R.ALL)
    for status in (S.ANSWERED, S.TRANSFERRED, S.REFERRED, S.DUPLICATE, S.INVALID, S.WITHDRAWN):
        assert allowed_actions(status, roles) == []
    assert allowed_actions(S.CLOSED, roles) == ["reopen"]


def test_the_supervisor_reads_but_never_acts():
    for status in Status.values:
        assert allowed_actions(status, {R.SUPERVISOR}) == []


# --- through the transition service, with real users ------------------------------------------------


@pytest.fixture
def world(db):
    return actors()


@pytest.mark.django_db
@pytest.mark.parametrize("status", Status.values)
def test_refused_triples_are_refused_by_the_service_with_a_reason(world, status):
    complaint = complaint_in(world, status)
    events_before = ComplaintEvent.objects.filter(complaint=complaint).count()
    label = str(Status(status).label)
    checked = 0
    for action, role in itertools.product(ACTIONS, R.ALL):
        expected = _expected(status, action, role)
        if expected == "ok":
            continue
        with pytest.raises(ApplicationError) as caught:
            complaint_transition(
                complaint_id=complaint.pk,
                action=action,
                actor=world.by_role[role],
                params=VALID_PARAMS.get(action, {}),
            )
        error = caught.value
        if expected == 403:
            assert type(error) is PermissionDeniedError, (action, role)
            assert error.status == 403 and "无权" in error.message
        else:
            assert type(error) is ConflictError, (action, role)
            assert error.status == 409 and label in error.message and action in error.message
        checked += 1
    assert checked == sum(1 for a, r in itertools.product(ACTIONS, R.ALL) if _expected(status, a, r) != "ok")
    complaint.refresh_from_db()
    assert complaint.status == status
    assert ComplaintEvent.objects.filter(complaint=complaint).count() == events_before


def _setup_for(world, status: str, action: str) -> tuple[Complaint, dict]:
    fields = {}
    if action == "answer":
        fields["kind"] = "consult"
    if action in ("approve_extension", "reject_extension"):
        fields["pending_extension_days"] = 2
    complaint = complaint_in(world, status, **fields)
    params = dict(VALID_PARAMS.get(action, {}))
    if action == "merge":
        params["into"] = complaint_new(world).pk
    if action == "resolve_on_spot":
        params["photos"] = [photo_of(complaint).pk]
    if action == "to_mediation":
        params["mediation_ticket"] = mediation_ticket(
            complaint_id=complaint.pk, case_number="〔2026〕坪人调字第1号"
        )
    return complaint, params


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "action", "role"), ALLOWED)
def test_allowed_triples_succeed_through_the_service(world, status, action, role):
    complaint, params = _setup_for(world, status, action)
    actor = world.by_role[role]
    result = complaint_transition(complaint_id=complaint.pk, action=action, actor=actor, params=params)

    target = EXPECTED[action][2] or status
    result.refresh_from_db()
    assert result.status == target
    event = ComplaintEvent.objects.filter(complaint=complaint).order_by("-id").first()
    assert (event.action, event.from_status, event.to_status) == (action, status, target)
    assert event.actor == actor


def test_allowed_triples_are_a_real_share_of_the_table():
    # A regression guard on the expectations themselves: the walk must exercise every action.
    assert {a for _s, a, _r in ALLOWED} == set(ACTIONS)
    assert len(ALLOWED) > 60


@pytest.mark.django_db
def test_anonymous_callers_are_refused_every_action(world):
    complaint = complaint_in(world, S.IN_PROGRESS)
    for action in ACTIONS:
        with pytest.raises(PermissionDeniedError):
            complaint_transition(complaint_id=complaint.pk, action=action, actor=AnonymousUser(), params={})


@pytest.mark.django_db
def test_unknown_action_and_missing_params_are_bad_requests(world):
    complaint = complaint_in(world, S.IN_PROGRESS)
    with pytest.raises(ApplicationError) as caught:
        complaint_transition(complaint_id=complaint.pk, action="approve_everything", actor=world.dispatcher)
    assert caught.value.status == 400 and "action" in caught.value.errors
    with pytest.raises(ApplicationError) as caught:
        complaint_transition(complaint_id=complaint.pk, action="request_extension", actor=world.lead)
    assert caught.value.status == 400 and set(caught.value.errors) == {"days", "reason"}


# --- guards: each refusal reason -------------------------------------------------------------------


def _refusal(**kwargs) -> ConflictError:
    with pytest.raises(ConflictError) as caught:
        complaint_transition(**kwargs)
    return caught.value


@pytest.mark.django_db
def test_return_after_the_window_is_refused(world):
    complaint = complaint_in(world, S.IN_PROGRESS)
    later = complaint.dispatched_at + timedelta(days=10)
    error = _refusal(
        complaint_id=complaint.pk, action="return", actor=world.lead, params={"reason": "否"}, now=later
    )
    assert "退单时限" in error.message
    # Within the window the same return goes through.
    complaint_transition(complaint_id=complaint.pk, action="return", actor=world.lead, params={"reason": "x"})
    complaint.refresh_from_db()
    assert complaint.status == S.PENDING_DISPATCH and complaint.return_count == 1


@pytest.mark.django_db
def test_extension_beyond_the_cap_is_refused(world):
    complaint = complaint_in(world, S.IN_PROGRESS, extension_days_total=9)
    base = {"complaint_id": complaint.pk, "action": "request_extension", "actor": world.lead}
    error = _refusal(**base, params={"days": 2, "reason": "x"})
    assert "10" in error.message and "已延期9" in error.message
    complaint_transition(**base, params={"days": 1, "reason": "x"})
    error = _refusal(**base, params={"days": 1, "reason": "x"})
    assert "待审批" in error.message


@pytest.mark.django_db
def test_extension_after_the_deadline_is_refused(world):
    complaint = complaint_in(world, S.IN_PROGRESS)
    error = _refusal(
        complaint_id=complaint.pk,
        action="request_extension",
        actor=world.lead,
        params={"days": 1, "reason": "x"},
        now=complaint.handle_deadline + timedelta(minutes=1),
    )
    assert "期限届满前" in error.message


@pytest.mark.django_db
def test_merge_into_itself_or_a_closed_complaint_is_refused(world):
    complaint = complaint_in(world, S.PENDING_DISPATCH)
    base = {"complaint_id": complaint.pk, "action": "merge", "actor": world.dispatcher}
    error = _refusal(**base, params={"into": complaint.pk})
    assert "自身" in error.message
    closed = complaint_in(world, S.CLOSED)
    error = _refusal(**base, params={"into": closed.pk})
    assert "办理中" in error.message
    error = _refusal(**base, params={"into": 10**9})
    assert "不存在" in error.message


@pytest.mark.django_db
def test_answering_a_non_consultation_is_refused(world):
    complaint = complaint_in(world, S.PENDING_DISPATCH, kind="complaint")
    error = _refusal(complaint_id=complaint.pk, action="answer", actor=world.operator, params={"answer": "x"})
    assert "咨询" in error.message


@pytest.mark.django_db
def test_escalating_from_a_department_is_refused(world):
    complaint = complaint_in(world, S.IN_PROGRESS, lead=world.dept_a, co_units=[])
    error = _refusal(complaint_id=complaint.pk, action="escalate", actor=world.other_handler, params={})
    assert "网格、社区、街道" in error.message


@pytest.mark.django_db
def test_resolving_on_the_spot_needs_a_photo_of_this_complaint(world):
    complaint = complaint_in(world, S.SUBMITTED, dispatch=False)
    base = {"complaint_id": complaint.pk, "action": "resolve_on_spot", "actor": world.grid_worker}
    error = _refusal(**base, params={"result": "已清理"})
    assert "照片" in error.message
    # An internal flag sent by the caller is ignored: it cannot forge the photo.
    error = _refusal(**base, params={"result": "已清理", "_has_photo": True})
    assert "照片" in error.message
    other = photo_of(complaint_new(world))
    document = photo_of(complaint, content_type="application/pdf")
    for bad in ([other.pk], [document.pk], ["abc"]):
        with pytest.raises(ApplicationError) as caught:
            complaint_transition(**base, params={"result": "已清理", "photos": bad})
        assert caught.value.status == 400 and "photos" in caught.value.errors
    photo = photo_of(complaint)
    complaint_transition(**base, params={"result": "已清理", "photos": [photo.pk]})
    complaint.refresh_from_db()
    assert complaint.status == S.CLOSED and complaint.resolved is True


@pytest.mark.django_db
def test_dispatch_to_the_centre_or_to_the_lead_as_co_unit_is_refused(world):
    complaint = complaint_in(world, S.PENDING_DISPATCH, dispatch=False)
    base = {"complaint_id": complaint.pk, "action": "dispatch", "actor": world.dispatcher}
    error = _refusal(**base, params={"unit": world.centre.code})
    assert "指挥中心" in error.message
    error = _refusal(**base, params={"unit": "PS-CG", "co_units": ["PS-CG"]})
    assert "协办" in error.message


@pytest.mark.django_db
def test_to_mediation_needs_the_ticket_of_a_registered_case_for_this_complaint(world):
    complaint = complaint_in(world, S.IN_PROGRESS)
    base = {"complaint_id": complaint.pk, "action": "to_mediation", "actor": world.dispatcher}
    error = _refusal(**base, params={})
    assert "登记调解案件" in error.message
    other = complaint_in(world, S.IN_PROGRESS)
    for ticket in ("forged", mediation_ticket(complaint_id=other.pk, case_number="〔2026〕坪人调字第9号")):
        error = _refusal(**base, params={"mediation_ticket": ticket, "_case_number": "x"})
        assert "登记调解案件" in error.message
    complaint.refresh_from_db()
    assert complaint.status == S.IN_PROGRESS


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("outcome", "had_lead", "target"),
    [
        ("agreement", True, S.CLOSED),
        ("withdrawn", True, S.CLOSED),
        ("failed", True, S.IN_PROGRESS),
        ("refused", False, S.PENDING_DISPATCH),
    ],
)
def test_mediation_result_closes_or_gives_the_complaint_back(world, outcome, had_lead, target):
    complaint = complaint_in(world, S.MEDIATING, dispatch=had_lead)
    params = {"outcome": outcome, "case_number": "〔2026〕坪人调字第2号", "note": "调解结果"}
    complaint_transition(complaint_id=complaint.pk, action="mediation_result", params=params)
    complaint.refresh_from_db()
    assert complaint.status == target
    if target == S.IN_PROGRESS:
        assert complaint.handle_deadline > complaint.signed_at  # a fresh clock for the unit
    if target == S.CLOSED:
        assert complaint.closed_at is not None and complaint.resolved is (outcome == "agreement")
    with pytest.raises(ApplicationError) as caught:
        complaint_transition(
            complaint_id=complaint_in(world, S.MEDIATING).pk,
            action="mediation_result",
            params={"outcome": "x"},
        )
    assert caught.value.status == 400 and "outcome" in caught.value.errors


@pytest.mark.django_db
def test_supervise_level_must_be_a_rung(world):
    complaint = complaint_in(world, S.IN_PROGRESS)
    for bad in ("high", 9):
        with pytest.raises(ApplicationError) as caught:
            complaint_transition(complaint_id=complaint.pk, action="supervise", params={"level": bad})
        assert caught.value.status == 400 and "level" in caught.value.errors


# --- the generated documentation -------------------------------------------------------------------


def test_lifecycle_doc_is_generated_from_the_table():
    committed = Path(settings.BASE_DIR) / "docs" / "lifecycle.md"
    assert committed.read_text(encoding="utf-8") == lifecycle_markdown(), (
        "docs/lifecycle.md is stale: run `python manage.py workflow_diagram`"
    )


def test_lifecycle_doc_lists_every_action_and_edge():
    doc = lifecycle_markdown()
    diagram = state_diagram_mermaid()
    assert diagram in doc
    for t in TRANSITIONS:
        assert f"| `{t.action}` | {t.label} |" in doc
    assert "submitted --> dispatched: dispatch 派单" in diagram
    assert 'state "待回访" as reviewing' in diagram


def test_workflow_diagram_check_fails_on_a_stale_file(tmp_path):
    stale = tmp_path / "lifecycle.md"
    stale.write_text("old", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("workflow_diagram", "--check", "--output", str(stale))
    call_command("workflow_diagram", "--output", str(stale))
    call_command("workflow_diagram", "--check", "--output", str(stale))
    assert stale.read_text(encoding="utf-8") == lifecycle_markdown()
