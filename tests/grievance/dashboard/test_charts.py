"""Rankings, trends, Top-N, mixes, handling times and the map, from the rollups."""

from datetime import date, timedelta

import pytest

from common.exceptions import ApplicationError
from grievance.models import Assignment, AssignmentRole, ComplaintEvent, RollupGrain, Status
from grievance.selectors.dashboard import Scope, rollup_grain
from grievance.selectors.dashboard_charts import (
    dashboard_area_complaints,
    dashboard_handling_times,
    dashboard_map,
    dashboard_mix,
    dashboard_rankings,
    dashboard_top_matters,
    dashboard_trend,
    map_shapes,
)
from tests.grievance.actors import complaint_new
from tests.grievance.dashboard.conftest import NOW, refresh_all
from tests.grievance.factories import MatterFactory

DAY = timedelta(days=1)


def scope(start=None, end=None, **kw) -> Scope:
    return Scope(start or (NOW - 30 * DAY).date(), end or NOW.date(), kw.get("street"), kw.get("unit"), NOW)


@pytest.fixture
def world(people):
    """Dept A: 6 complaints, one returned and one reworked; the community: 2; one in the other grid."""
    t, lamp = people.territory, MatterFactory.leaf(name="路灯不亮", unit=people.dept_a)
    noise = MatterFactory.leaf(name="噪音", top="环境保护", middle="噪声污染", unit=people.dept_a)
    for i in range(6):
        c = complaint_new(people, received_at=NOW - (i + 1) * DAY, matter=lamp if i < 4 else noise)
        Assignment.objects.create(complaint=c, unit=people.dept_a, role=AssignmentRole.LEAD)
        c.status, c.handled_at = (
            Status.CLOSED,
            c.received_at + timedelta(hours=[10, 30, 100, 200, 400, 900][i]),
        )
        c.closed_at, c.resolved, c.satisfaction = c.handled_at, True, "satisfied" if i else "unsatisfied"
        c.save()
        ComplaintEvent.objects.create(complaint=c, at=c.handled_at, action="submit_result")
        if i == 0:
            ComplaintEvent.objects.create(
                complaint=c, at=c.received_at, action="return", payload={"unit": "PS-CG"}
            )
        if i == 1:
            c.reopen_count = 1
            c.save()
    for _i in range(2):
        c = complaint_new(people, received_at=NOW - DAY, channel="grid", kind="help")
        Assignment.objects.create(complaint=c, unit=people.community, role=AssignmentRole.LEAD)
    complaint_new(
        people,
        received_at=NOW - 2 * DAY,
        grid=t.other_grid,
        community=t.other_community,
        status=Status.IN_PROGRESS,
        handle_deadline=NOW - DAY,
    )
    refresh_all()
    return people


@pytest.mark.django_db
def test_units_are_ranked_with_their_return_and_rework_rates(world):
    rows = dashboard_rankings(scope=scope(), by="unit", order="return_rate", min_volume=1)
    by_code = {r["code"]: r for r in rows}
    a = by_code["PS-CG"]
    assert (a["received"], a["return_rate"], a["rework_rate"]) == (
        6,
        pytest.approx(1 / 6),
        pytest.approx(1 / 6),
    )
    assert rows[0]["code"] == world.community.code  # 0 % returns ranks first
    assert [r["rank"] for r in rows] == [1, 2]
    unranked = dashboard_rankings(scope=scope(), by="unit", order="score")
    assert {r["code"]: r["rank"] for r in unranked} == {"PS-CG": 1, world.community.code: None}  # 2 < 5
    with pytest.raises(ApplicationError):
        dashboard_rankings(scope=scope(), by="grid")


@pytest.mark.django_db
def test_trend_fills_empty_days_and_buckets_weeks(world):
    days = dashboard_trend(scope=scope(NOW.date() - 9 * DAY, NOW.date()), period="day")
    assert len(days) == 10 and days[-1]["received"] == 0  # nothing received today
    assert sum(d["received"] for d in days) == 9
    assert [d["received"] for d in days if d["period"] == (NOW - DAY).date()] == [3]
    weeks = dashboard_trend(scope=scope(date(2026, 3, 1), date(2026, 3, 20)), period="week")
    assert weeks[0]["period"] == date(2026, 2, 23) and all(w["period"].weekday() == 0 for w in weeks)
    assert sum(w["received"] for w in weeks) == 9
    assert sum(w["overdue"] for w in weeks) == 1


@pytest.mark.django_db
def test_top_matters_and_mixes(world):
    top = dashboard_top_matters(scope=scope(), limit=3)
    assert [(m["name"], m["received"]) for m in top] == [("城乡建设", 4), ("未分类", 3), ("环境保护", 2)]
    assert top[0]["share"] == pytest.approx(4 / 9)  # of everything received, unclassified included
    channels = {r["key"]: r for r in dashboard_mix(scope=scope(), by="channel")}
    assert (channels["grid"]["received"], channels["web"]["received"], channels["sensor"]["received"]) == (
        2,
        7,
        0,
    )
    kinds = dashboard_mix(scope=scope(), by="kind")
    assert kinds[0]["key"] == "complaint" and sum(k["share"] or 0 for k in kinds) == pytest.approx(1)


@pytest.mark.django_db
def test_handling_time_distribution(world):
    data = dashboard_handling_times(scope=scope())
    assert data["finished"] == 6
    assert [b["count"] for b in data["buckets"]] == [1, 1, 1, 1, 1, 1]
    assert data["average_hours"] == pytest.approx((10 + 30 + 100 + 200 + 400 + 900) / 6, abs=0.1)


@pytest.mark.django_db
def test_map_values_per_level_with_density_overdue_and_satisfaction(world):
    t = world.territory
    streets = dashboard_map(scope=scope(), level="street")
    assert [(s["code"], s["received"]) for s in streets] == [(t.street.code, 9)]
    cells = {c["code"]: c for c in dashboard_map(scope=scope(), level="grid", parent=t.street.code)}
    assert cells[t.grid.code]["received"] == 8 and cells[t.other_grid.code]["overdue"] == 1
    assert cells[t.grid.code]["satisfaction_rate"] == pytest.approx(5 / 6)
    assert cells[t.grid.code]["density"] == pytest.approx(8 / (1.11 * 1.026), rel=0.05)  # 0.01° square
    communities = dashboard_map(scope=scope(), level="community", parent=t.street.code)
    assert {c["code"] for c in communities} == {t.community.code, t.other_community.code}
    area = dashboard_area_complaints(scope=scope(), level="grid", code=t.other_grid.code)
    assert area["total"] == 1 and area["complaints"][0]["overdue"] is True
    shapes = map_shapes(level="grid", parent=t.street.code)
    assert len(shapes["shapes"]) == 2 and shapes["shapes"][0]["path"].startswith("M")


def test_the_narrowest_grain_that_keeps_the_dimensions():
    assert rollup_grain(set()) == RollupGrain.STREET
    assert rollup_grain({"street"}) == RollupGrain.STREET
    assert rollup_grain({"grid"}) == RollupGrain.GRID
    assert rollup_grain({"unit"}) == RollupGrain.UNIT
    assert rollup_grain({"unit", "matter"}) == RollupGrain.UNIT_MATTER
    assert rollup_grain({"kind"}) == RollupGrain.CHANNEL
    with pytest.raises(ApplicationError):
        rollup_grain({"unit", "grid"})
