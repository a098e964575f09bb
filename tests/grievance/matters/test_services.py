from datetime import date
from decimal import Decimal

import pytest

from common.exceptions import ApplicationError
from grievance.models import Matter, MatterRule
from grievance.selectors.matters import matter_rule_in_force, matter_rule_limits
from grievance.services.matters import MatterNode, matter_rule_set, matter_upsert, matters_tree_sync

JAN = date(2026, 1, 1)
MAR = date(2026, 3, 1)


def fixed_rule(unit, **overrides):
    fields = {
        "kinds": ["complaint", "consult"],
        "handler_rule": "fixed",
        "handling_unit": unit,
        "handle_limit": [15, "working_day"],
        "kind_limits": {"consult": [2, "working_day"]},
    }
    return {**fields, **overrides}


# --- tree ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_upsert_derives_level_and_is_idempotent(leaf):
    assert (leaf.level, leaf.parent.level, leaf.parent.parent.level) == (3, 2, 1)
    assert leaf.keywords == "垃圾,保洁"
    again = matter_upsert(
        code="0101001", name="环境卫生", parent=leaf.parent, keywords=["垃圾", "保洁", "垃圾"]
    )
    assert again.pk == leaf.pk
    assert Matter.objects.count() == 3


@pytest.mark.django_db
def test_upsert_renames_by_code(leaf):
    renamed = matter_upsert(code="0101001", name="市容环境卫生", parent=leaf.parent)
    assert renamed.pk == leaf.pk
    assert Matter.objects.get(code="0101001").name == "市容环境卫生"


@pytest.mark.django_db
def test_tree_refuses_fourth_level(leaf):
    with pytest.raises(ApplicationError) as info:
        matter_upsert(code="0101001001", name="太深", parent=leaf)
    assert "0101001001" in info.value.errors
    assert not Matter.objects.filter(code="0101001001").exists()


@pytest.mark.django_db
def test_tree_refuses_duplicate_name_under_one_parent(leaf):
    with pytest.raises(ApplicationError) as info:
        matter_upsert(code="0101002", name="环境卫生", parent=leaf.parent)
    assert "同名" in info.value.errors["0101002"][0]


@pytest.mark.django_db
def test_tree_refuses_unknown_parent_and_bad_code(db):
    with pytest.raises(ApplicationError) as info:
        matters_tree_sync(nodes=[MatterNode("0909", "孤儿", "09"), MatterNode("坏 编码", "x", None)])
    assert "0909" in info.value.errors and "坏 编码" in info.value.errors
    assert Matter.objects.count() == 0


@pytest.mark.django_db
def test_node_with_children_cannot_change_level(leaf):
    other_top = matter_upsert(code="02", name="环境保护", parent=None)
    with pytest.raises(ApplicationError):
        matter_upsert(code="0101", name="城市建设和市政管理", parent=Matter.objects.get(code="0101001"))
    moved = matter_upsert(code="0101", name="城市建设和市政管理", parent=other_top)  # same level: fine
    assert moved.parent_id == other_top.pk and moved.level == 2


# --- rule versions -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_identical_rule_adds_no_version(leaf, units):
    first = matter_rule_set(matter=leaf, effective_from=JAN, **fixed_rule(units["PS-CG"]))
    same = matter_rule_set(
        matter=leaf, effective_from=MAR, **fixed_rule(units["PS-CG"], kinds=["consult", "complaint"])
    )
    assert same.pk == first.pk and first.version == 1
    assert MatterRule.objects.filter(matter=leaf).count() == 1


@pytest.mark.django_db
def test_changed_rule_adds_version_and_keeps_old(leaf, units):
    v1 = matter_rule_set(matter=leaf, effective_from=JAN, **fixed_rule(units["PS-CG"]))
    v2 = matter_rule_set(
        matter=leaf, effective_from=MAR, **fixed_rule(units["PS-CG"], handle_limit=[10, "working_day"])
    )
    v3 = matter_rule_set(
        matter=leaf,
        effective_from=MAR,
        **fixed_rule(units["PS-CG"], handle_limit=[10, "working_day"], co_units=[units["PS-ZJ"]]),
    )
    assert (v1.version, v2.version, v3.version) == (1, 2, 3)
    assert MatterRule.objects.filter(matter=leaf).count() == 3
    v1.refresh_from_db()
    assert v1.handle_limit_amount == Decimal("15.00")
    assert list(v3.co_units.values_list("code", flat=True)) == ["PS-ZJ"]


@pytest.mark.django_db
def test_rule_in_force_by_date(leaf, units):
    v1 = matter_rule_set(matter=leaf, effective_from=JAN, **fixed_rule(units["PS-CG"]))
    v2 = matter_rule_set(matter=leaf, effective_from=MAR, **fixed_rule(units["PS-ZJ"]))
    assert matter_rule_in_force(matter=leaf, at=date(2025, 12, 31)) is None
    assert matter_rule_in_force(matter=leaf, at=date(2026, 2, 28)).pk == v1.pk
    assert matter_rule_in_force(matter=leaf, at=MAR).pk == v2.pk
    assert matter_rule_in_force(matter=leaf, at=date(2027, 1, 1)).pk == v2.pk


@pytest.mark.django_db
def test_new_version_cannot_start_before_latest(leaf, units):
    matter_rule_set(matter=leaf, effective_from=MAR, **fixed_rule(units["PS-CG"]))
    with pytest.raises(ApplicationError) as info:
        matter_rule_set(matter=leaf, effective_from=JAN, **fixed_rule(units["PS-ZJ"]))
    assert "effective_from" in info.value.errors
    assert MatterRule.objects.filter(matter=leaf).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"handling_unit": None}, "handling_unit"),
        ({"handler_rule": "street"}, "handling_unit"),
        ({"handler_rule": "nobody"}, "handler_rule"),
        ({"handle_limit": [0, "working_day"]}, "handle_limit"),
        ({"handle_limit": [-3, "working_day"]}, "handle_limit"),
        ({"sign_limit": [1, "fortnight"]}, "sign_limit"),
        ({"urgent_handle_limit": "24h"}, "urgent_handle_limit"),
        ({"kinds": ["complaint", "gossip"]}, "kinds"),
        ({"kind_limits": {"consult": [2, "eon"]}}, "kind_limits"),
        ({"kind_limits": {"report": [2, "working_day"]}}, "kind_limits"),
        ({"urgency_grade": "panic"}, "urgency_grade"),
        ({"extension_cap_days": -1}, "extension_cap_days"),
        ({"return_window_days": "two"}, "return_window_days"),
    ],
)
def test_rule_validation_errors(leaf, units, overrides, field):
    with pytest.raises(ApplicationError) as info:
        matter_rule_set(matter=leaf, effective_from=JAN, **fixed_rule(units["PS-CG"], **overrides))
    assert field in info.value.errors
    assert not MatterRule.objects.exists()


@pytest.mark.django_db
def test_rules_only_on_leaves_and_no_unit_in_co_units(leaf, units):
    with pytest.raises(ApplicationError) as info:
        matter_rule_set(matter=leaf.parent, effective_from=JAN, **fixed_rule(units["PS-CG"]))
    assert "matter" in info.value.errors
    with pytest.raises(ApplicationError) as info:
        matter_rule_set(
            matter=leaf, effective_from=JAN, **fixed_rule(units["PS-CG"], co_units=[units["PS-CG"]])
        )
    assert "co_units" in info.value.errors
    with pytest.raises(ApplicationError) as info:
        matter_rule_set(matter=leaf, effective_from=JAN, colour="red", **fixed_rule(units["PS-CG"]))
    assert "colour" in info.value.errors


@pytest.mark.django_db
def test_street_rule_without_unit_is_valid(leaf, units):
    rule = matter_rule_set(
        matter=leaf, effective_from=JAN, handler_rule="street", supervising_unit=units["PS-CG"]
    )
    assert rule.handling_unit is None and rule.supervising_unit == units["PS-CG"]
    assert rule.kinds == []  # empty: every kind


@pytest.mark.django_db
def test_limits_by_kind_and_urgency(leaf, units):
    rule = matter_rule_set(
        matter=leaf,
        effective_from=JAN,
        **fixed_rule(
            units["PS-CG"],
            kind_limits={"consult": ["0.5", "working_day"]},
            urgent_handle_limit=[2, "natural_hour"],
        ),
    )
    assert matter_rule_limits(rule=rule, kind="consult")["handle"] == (Decimal("0.5"), "working_day")
    assert matter_rule_limits(rule=rule, kind="complaint")["handle"] == (Decimal("15.00"), "working_day")
    urgent = matter_rule_limits(rule=rule, kind="consult", urgency="urgent")
    assert urgent["handle"] == (Decimal("2.00"), "natural_hour")
    assert urgent["sign"] == (Decimal("0.50"), "natural_hour")
