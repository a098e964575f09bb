"""Routing: the text matcher's suggestions and complaint_route (dispatch when confident, queue when not,
idempotent)."""

import pytest

from accounts.models import Role
from grids.models import Unit, UnitKind
from grievance.models import AssignmentRole, Complaint, ComplaintEvent, HandlerRule, Status
from grievance.services.intake import complaint_submit
from grievance.services.routing import (
    Suggestion,
    complaint_route,
    routing_index_clear,
    routing_suggest,
    suggestion_confident,
)
from tests.grievance.factories import ComplaintFactory, MatterFactory, UnitFactory, UserFactory, territory


@pytest.fixture(autouse=True)
def fresh_routing_index():
    routing_index_clear()
    yield
    routing_index_clear()


@pytest.fixture
def place(db):
    return territory()


@pytest.fixture
def catalogue(db):
    """Four leaves under two top classes: a fixed-unit one with a co-handler, a street and a community one."""
    cg = UnitFactory(code="PS-CG", name="城市管理局", kind=UnitKind.DEPARTMENT)
    gd = UnitFactory(code="PS-GD", name="供电局", kind=UnitKind.UTILITY)
    return {
        "lamp": MatterFactory.leaf(
            name="路灯维修", keywords="路灯,灯杆", unit=cg, co_units=[gd], code="L-LAMP"
        ),
        "stall": MatterFactory.leaf(
            name="占道经营", keywords="摆摊,占道", handler_rule=HandlerRule.STREET, code="L-STALL"
        ),
        "dispute": MatterFactory.leaf(
            name="邻里纠纷",
            keywords="邻居,纠纷",
            top="政法",
            middle="社会治安",
            handler_rule=HandlerRule.COMMUNITY,
            code="L-DISPUTE",
        ),
        "noise": MatterFactory.leaf(name="噪音污染", keywords="噪音,扰民", top="环境保护", middle="污染防治"),
    }


def submit(data: dict, actor=None) -> Complaint:
    return complaint_submit(
        actor=actor, data={"contact_name": "王五", "contact_phone": "13812345678", **data}
    )


def events_of(complaint: Complaint) -> list[str]:
    return list(
        ComplaintEvent.objects.filter(complaint=complaint).order_by("id").values_list("action", flat=True)
    )


# --- suggestions ---------------------------------------------------------------------------------


def test_suggestions_best_first_with_paths_and_units(catalogue):
    suggestions = routing_suggest(title="路灯不亮", description="小区门口路灯坏了，灯杆歪了")
    assert len(suggestions) >= 3
    best = suggestions[0]
    assert best.matter == "L-LAMP"
    assert best.path == ["城乡建设", "城市建设和市政管理", "路灯维修"]
    assert best.unit == "PS-CG"
    scores = [s.score for s in suggestions]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)


def test_at_least_three_even_without_any_match(catalogue):
    suggestions = routing_suggest(title="abc", description="")
    assert len(suggestions) >= 3
    assert all(len(s.path) == 3 for s in suggestions)


def test_territorial_unit_needs_a_location(catalogue, place):
    without = {s.matter: s.unit for s in routing_suggest(title="有人摆摊占道", description="")}
    assert without["L-STALL"] is None
    lat, lng = place.inside
    located = {
        s.matter: s.unit for s in routing_suggest(title="有人摆摊占道", description="", lat=lat, lng=lng)
    }
    assert located["L-STALL"] == "PS-PSJD"


def test_community_rule_names_the_community_unit(catalogue, place):
    lat, lng = place.inside_other
    suggestions = routing_suggest(title="邻居纠纷", description="楼上邻居天天吵架", lat=lat, lng=lng)
    assert (suggestions[0].matter, suggestions[0].unit) == ("L-DISPUTE", "PS-LLSQ")


def test_index_sees_new_matters(catalogue):
    assert routing_suggest(title="井盖丢失", description="")[0].matter != "L-COVER"
    MatterFactory.leaf(name="井盖缺失", keywords="井盖", code="L-COVER")
    assert routing_suggest(title="井盖丢失", description="")[0].matter == "L-COVER"


def test_confidence_needs_threshold_and_margin():
    clear = [Suggestion("A", [], None, 0.8), Suggestion("B", [], None, 0.2)]
    tie = [Suggestion("A", [], None, 0.8), Suggestion("B", [], None, 0.79)]
    weak = [Suggestion("A", [], None, 0.3), Suggestion("B", [], None, 0.0)]
    assert suggestion_confident(clear).matter == "A"
    assert suggestion_confident(tie) is None
    assert suggestion_confident(weak) is None
    assert suggestion_confident([]) is None


# --- complaint_route -------------------------------------------------------------------------------


def test_fixed_rule_dispatches_to_the_unit_with_co_units(catalogue):
    complaint = submit({"title": "路灯坏了", "kind": "complaint", "address": "坪山大道", "matter": "L-LAMP"})
    complaint_route(complaint_id=complaint.pk)
    complaint.refresh_from_db()
    assert complaint.status == Status.DISPATCHED
    assert complaint.lead_unit.code == "PS-CG"
    roles = {(a.unit.code, a.role) for a in complaint.assignments.filter(active=True)}
    assert roles == {("PS-CG", AssignmentRole.LEAD), ("PS-GD", AssignmentRole.CO)}
    dispatch = complaint.events.get(action="dispatch")
    assert dispatch.actor is None and dispatch.from_status == "submitted"
    assert complaint.handle_deadline is not None


def test_street_rule_goes_to_the_street_of_the_location(catalogue, place):
    lat, lng = place.inside
    complaint = submit({"title": "占道经营", "kind": "report", "lat": lat, "lng": lng, "matter": "L-STALL"})
    complaint_route(complaint_id=complaint.pk)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.lead_unit) == (Status.DISPATCHED, place.street_unit)
    # street-level dispatches are copied to the district
    assert complaint.assignments.filter(
        role=AssignmentRole.COPY, unit=place.district_unit, active=True
    ).exists()


def test_community_rule_goes_to_the_community_workstation(catalogue, place):
    lat, lng = place.inside_other
    complaint = submit({"title": "纠纷", "kind": "help", "lat": lat, "lng": lng, "matter": "L-DISPUTE"})
    complaint_route(complaint_id=complaint.pk)
    complaint.refresh_from_db()
    assert complaint.lead_unit == place.other_community_unit


def test_no_matter_goes_to_the_queue(catalogue):
    complaint = submit({"title": "有事情", "kind": "complaint", "address": "某地"})
    assert complaint.matter is None
    complaint_route(complaint_id=complaint.pk)
    complaint.refresh_from_db()
    assert complaint.status == Status.PENDING_DISPATCH and complaint.lead_unit is None
    assert events_of(complaint) == ["submit", "queue"]


def test_territorial_rule_without_location_goes_to_the_queue(catalogue):
    complaint = submit({"title": "占道", "kind": "report", "address": "某路口", "matter": "L-STALL"})
    complaint_route(complaint_id=complaint.pk)
    complaint.refresh_from_db()
    assert complaint.status == Status.PENDING_DISPATCH


def test_inactive_fixed_unit_goes_to_the_queue(catalogue):
    Unit.objects.filter(code="PS-CG").update(is_active=False)
    complaint = submit({"title": "路灯", "kind": "complaint", "address": "x", "matter": "L-LAMP"})
    complaint_route(complaint_id=complaint.pk)
    complaint.refresh_from_db()
    assert complaint.status == Status.PENDING_DISPATCH


def test_consultation_with_known_matter_is_dispatched(catalogue):
    complaint = submit({"title": "路灯归谁管", "kind": "consult", "matter": "L-LAMP"})
    complaint_route(complaint_id=complaint.pk)
    complaint.refresh_from_db()
    assert complaint.status == Status.DISPATCHED


def test_crisis_signal_goes_to_a_person(catalogue):
    complaint = submit(
        {
            "title": "路灯",
            "description": "再不修我就跳楼",
            "kind": "complaint",
            "address": "x",
            "matter": "L-LAMP",
        },
    )
    complaint_route(complaint_id=complaint.pk)
    complaint.refresh_from_db()
    assert complaint.status == Status.PENDING_DISPATCH


def test_grid_worker_report_goes_to_the_community_of_the_grid(catalogue, place):
    worker = UserFactory(role=Role.GRID_WORKER)
    place.grid.workers.add(worker)
    lat, lng = place.inside
    complaint = complaint_submit(
        actor=worker, data={"title": "路灯坏了", "kind": "report", "lat": lat, "lng": lng, "matter": "L-LAMP"}
    )
    assert complaint.channel == "grid"
    complaint_route(complaint_id=complaint.pk)
    complaint.refresh_from_db()
    assert complaint.lead_unit == place.community_unit  # not the fixed department: three-level loop


def test_route_is_idempotent(catalogue):
    complaint = submit({"title": "路灯", "kind": "complaint", "address": "x", "matter": "L-LAMP"})
    complaint_route(complaint_id=complaint.pk)
    complaint_route(complaint_id=complaint.pk)
    assert events_of(complaint) == ["submit", "dispatch"]


def test_route_ignores_other_statuses_and_missing_rows(db):
    complaint = ComplaintFactory(status=Status.PENDING_DISPATCH)
    complaint_route(complaint_id=complaint.pk)
    complaint_route(complaint_id=10**9)
    assert events_of(complaint) == []
