"""The repair workflow table and its conditions, as data."""

from datetime import date

from credit.models import RepairStatus
from credit.workflow import (
    NEW,
    REPAIR_CONDITIONS,
    REPAIR_TRANSITIONS,
    RepairFacts,
    RepairRole,
    repair_actions,
    repair_conditions_check,
    repair_transition_find,
)

S = RepairStatus


def _facts(**changes) -> RepairFacts:
    values = {
        "today": date(2026, 9, 1),
        "repairable": True,
        "min_until": date(2026, 8, 10),
        "public_now": True,
        "duties_fulfilled": True,
        "commitment_text": "本单位承诺依法诚信经营，自觉接受监督。",
        "open_application": False,
    }
    values.update(changes)
    return RepairFacts(**values)


def test_table_paths():
    assert repair_actions(NEW) == ["apply"]
    assert repair_actions(S.SUBMITTED) == ["accept", "reject", "cancel"]
    assert repair_actions(S.REVIEWING) == ["approve", "reject", "cancel"]
    assert repair_actions(S.APPROVED) == [] and repair_actions(S.REJECTED) == []
    assert repair_transition_find(status=S.SUBMITTED, action="approve") is None
    approve = repair_transition_find(status=S.REVIEWING, action="approve")
    assert approve.target == S.APPROVED and approve.withdraws_record
    assert approve.roles == (RepairRole.OFFICER,)


def test_only_officers_decide_and_every_target_is_a_status():
    for transition in REPAIR_TRANSITIONS:
        assert transition.target in S.values
        if transition.action in ("accept", "approve", "reject"):
            assert transition.roles == (RepairRole.OFFICER,)
    assert repair_transition_find(status=S.SUBMITTED, action="reject").required == ("note",)


def test_all_conditions_met():
    checked = repair_conditions_check(_facts())
    assert [c["code"] for c in checked] == [code for code, _ in REPAIR_CONDITIONS]
    assert all(c["met"] for c in checked)


def test_each_condition_can_fail_alone():
    cases = {
        "repairable": {"repairable": False},
        "public": {"public_now": False},
        "minimum_served": {"today": date(2026, 8, 9)},
        "duties_fulfilled": {"duties_fulfilled": False},
        "commitment": {"commitment_text": "承诺"},
        "no_open_application": {"open_application": True},
    }
    for code, change in cases.items():
        unmet = [c["code"] for c in repair_conditions_check(_facts(**change)) if not c["met"]]
        assert unmet == [code]


def test_minimum_is_served_on_its_last_day():
    met = {c["code"]: c["met"] for c in repair_conditions_check(_facts(today=date(2026, 8, 10)))}
    assert met["minimum_served"]
