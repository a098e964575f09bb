"""Rollups equal a recount after a seeded random mix of real transitions.

Complaints are submitted through intake, then driven by ``complaint_transition`` (and the citizen's
rating and the deadline sweep) along a simulated clock; each committed event goes through the
pipeline (which refreshes the rollups), submit events through the catch-up sweep. The rollup overview
must equal ``stats_overview`` for every window and filter; replayed events, a second catch-up and a
rebuild must change nothing.
"""

import random
from datetime import timedelta

import pytest

from common.exceptions import ApplicationError
from grievance.models import TERMINAL_STATUSES, Complaint, DailyRollup, DueRollup, Status
from grievance.selectors.dashboard import dashboard_overview
from grievance.selectors.stats import OVERVIEW_KEYS, stats_overview
from grievance.services.intake import complaint_submit
from grievance.services.rollup_facts import DAILY_KEY, DAILY_VALUES, DUE_KEY, DUE_VALUES
from grievance.services.rollups import rollups_catch_up, rollups_rebuild
from grievance.services.supervision import complaints_sweep_deadlines
from grievance.services.support import complaint_rate
from grievance.workflow import ACTIONS, transition_for
from tests.grievance.actors import photo_of
from tests.grievance.dashboard.conftest import NOW

DAY = timedelta(days=1)
SATISFACTIONS = ("satisfied", "basically_satisfied", "unsatisfied")
# Progress is likelier than detours, so complaints travel the whole lifecycle.
WEIGHTS = {
    "dispatch": 6,
    "sign": 8,
    "submit_result": 8,
    "verify": 6,
    "return_visit": 6,
    "close": 2,
    "psych_refer": 0.2,
}
DISPOSITIONS = ("invalid", "referred", "transferred_110", "repeat", "out_of_scope")


def _snapshot() -> tuple[set, set]:
    """Every rollup row that is not all zeros (a refresh may leave zero rows behind; a rebuild not)."""
    daily = {
        r for r in DailyRollup.objects.values_list(*DAILY_KEY, *DAILY_VALUES) if any(r[len(DAILY_KEY) :])
    }
    due = {r for r in DueRollup.objects.values_list(*DUE_KEY, *DUE_VALUES) if any(r[len(DUE_KEY) :])}
    return daily, due


class Simulation:
    def __init__(self, people, pipeline, seed: int):
        self.p, self.pipe, self.rng = people, pipeline, random.Random(seed)
        self.clock = NOW - 25 * DAY
        self.handlers = {
            people.community.pk: people.lead,
            people.dept_a.pk: people.other_handler,
            people.street.pk: people.street_handler,
        }
        self.units = [people.community, people.dept_a, people.street]
        self.applied: list[str] = []

    def submit(self) -> None:
        t, citizen = self.p.territory, self.rng.random() < 0.4
        lat, lng = t.inside if self.rng.random() < 0.7 else t.inside_other
        kind = self.rng.choice(["complaint", "complaint", "help", "consult", "report", "suggestion"])
        data = {"title": f"路灯不亮{self.rng.randint(1, 999)}", "description": "晚上没有路灯", "kind": kind}
        data |= {"lat": lat, "lng": lng, "contact_name": "王五", "contact_phone": "13800138000"}
        actor = self.p.citizen if citizen else None
        with self.pipe.capture(execute=True):
            complaint_submit(actor=actor, data=data, now=self.clock)
        self.pipe.drain()

    def params_for(self, action: str, c: Complaint) -> tuple[object, dict]:
        rng, p = self.rng, self.p
        handler = self.handlers.get(c.lead_unit_id)
        if action == "dispatch":
            co = [p.dept_b.code] if rng.random() < 0.3 else []
            return None, {"unit": rng.choice(self.units).code, "co_units": co}
        if action in ("sign", "submit_result", "return", "request_extension", "escalate"):
            return handler, {"reason": "不属于本单位职责", "result": "已处理", "days": rng.randint(1, 3)}
        if action == "return_visit":
            return p.dispatcher, {"resolved": rng.random() < 0.8, "satisfaction": rng.choice(SATISFACTIONS)}
        if action == "verify":
            return p.dispatcher, {"passed": rng.random() < 0.75}
        if action == "merge":
            other = Complaint.objects.exclude(pk=c.pk).order_by("?").first()
            return p.dispatcher, {"into": other.pk if other else 0}
        if action == "dispose":
            return p.dispatcher, {"disposition": rng.choice(DISPOSITIONS)}
        if action == "answer":
            return p.operator, {"answer": "已答复"}
        if action == "withdraw":
            return p.citizen, {}
        if action == "resolve_on_spot":
            return p.grid_worker, {"result": "现场处置完毕", "photos": [photo_of(c).pk]}
        if action in ("warn", "supervise", "queue"):
            return None, {}
        return p.dispatcher, {"reason": "市民不满意", "level": rng.randint(2, 5)}

    def open_one(self) -> Complaint | None:
        return Complaint.objects.exclude(status__in=TERMINAL_STATUSES).order_by("?").first()

    def act(self) -> None:
        rng = self.rng
        c = Complaint.objects.order_by("?").first() if rng.random() < 0.5 else self.open_one()
        if c is None:
            return
        if c.status in (Status.REVIEWING, Status.CLOSED, Status.HANDLED) and rng.random() < 0.15:
            try:
                with self.pipe.capture(execute=True):
                    complaint_rate(
                        complaint_id=c.pk,
                        resolved=rng.random() < 0.7,
                        satisfaction=rng.choice(SATISFACTIONS),
                        now=self.clock,
                    )
                self.pipe.drain()
                self.applied.append("rate")
            except ApplicationError:
                pass
            return
        possible = [a for a in ACTIONS if transition_for(a, c.status)]
        if not possible or rng.random() < 0.1:
            possible = list(ACTIONS)  # now and then an action the state refuses (409): nothing changes
        waiting = c.status in (Status.SUBMITTED, Status.PENDING_DISPATCH)
        weights = [WEIGHTS.get(a, 1) if a != "dispatch" or waiting else 0.5 for a in possible]
        action = rng.choices(possible, weights=weights)[0]
        actor, params = self.params_for(action, c)
        try:
            self.pipe.transition(complaint_id=c.pk, action=action, actor=actor, params=params, now=self.clock)
            self.applied.append(action)
        except ApplicationError:
            pass

    def run(self, steps: int) -> None:
        for step in range(steps):
            self.clock = min(self.clock + timedelta(minutes=self.rng.randint(0, 180)), NOW)
            if step % 6 == 0:
                self.submit()
            else:
                self.act()
            if step % 25 == 0:
                with self.pipe.capture(execute=True):
                    complaints_sweep_deadlines(now=self.clock)
                self.pipe.drain()


def _windows(people) -> list[dict]:
    today, t = NOW.date(), people.territory
    return [
        {},
        {"date_from": today, "date_to": today},
        {"date_from": today - 6 * DAY, "date_to": today},
        {"date_from": today - 20 * DAY, "date_to": today - 10 * DAY},
        {"date_to": today - 12 * DAY},
        {"date_from": today - 12 * DAY},
        {"street": t.street.code},
        {"street": t.street.code, "date_from": today - 6 * DAY},
        {"unit": people.community.code},
        {"unit": people.dept_a.code, "date_from": today - 15 * DAY},
        {"unit": people.street.code, "street": t.street.code},
    ]


def _assert_equal_to_recount(people, *, now) -> None:
    for window in _windows(people):
        rollup = dashboard_overview(now=now, **window)
        assert {k: rollup[k] for k in OVERVIEW_KEYS} == stats_overview(now=now, **window), window


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [7, 2026])
def test_rollups_equal_the_recount_after_random_transitions(people, pipeline, seed):
    sim = Simulation(people, pipeline, seed)
    sim.run(200)
    rollups_catch_up()
    _assert_equal_to_recount(people, now=NOW)
    sim.run(200)
    rollups_catch_up()
    assert {"dispatch", "sign", "submit_result", "verify", "return_visit", "return", "reopen"} <= set(
        sim.applied
    )  # the mix really covered the workflow
    totals = stats_overview(now=NOW)
    assert totals["received"] > 50 and totals["dispatched"] > 10 and totals["closed"] > 0
    for now in (NOW, NOW + 3 * DAY, NOW + 30 * DAY):
        _assert_equal_to_recount(people, now=now)

    before = _snapshot()
    for event_id in sim.rng.sample(sim.pipe.processed, min(40, len(sim.pipe.processed))):
        sim.pipe.replay(event_id)  # a replayed event changes nothing
    assert rollups_catch_up() == 0  # nothing new past the high-water mark
    assert _snapshot() == before
    rollups_rebuild(batch_size=7)
    assert _snapshot() == before  # the rebuild recounts the same rows
    _assert_equal_to_recount(people, now=NOW)
