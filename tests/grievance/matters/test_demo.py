import time
from datetime import date
from decimal import Decimal

import pytest

from grievance.demo.matters import demo_matters_load
from grievance.models import Matter, MatterRule
from grievance.services.matters import matter_rule_set, matter_upsert


@pytest.mark.django_db
def test_demo_load_builds_the_whole_list_and_is_idempotent(require_postgres, shared_data_dir, units):
    started = time.monotonic()
    counts = demo_matters_load(data_dir=shared_data_dir)
    assert time.monotonic() - started < 5
    assert counts == {"top": 15, "middle": counts["middle"], "leaves": 517}
    assert Matter.objects.filter(level=1).count() == 15
    assert Matter.objects.filter(level=2).count() == counts["middle"] > 100
    assert Matter.objects.filter(level=3).count() == 517
    assert Matter.objects.filter(level=3, rules__isnull=True).count() == 0
    assert list(Matter.objects.filter(level=1).values_list("code", "name")[:2]) == [
        ("01", "城乡建设"),
        ("02", "党务政务"),
    ]
    assert Matter.objects.get(code="0101001").name == "事故处理"
    rows = (
        Matter.objects.count(),
        MatterRule.objects.count(),
        MatterRule.objects.filter(version__gt=1).count(),
    )

    assert demo_matters_load(data_dir=shared_data_dir) == counts
    assert (
        Matter.objects.count(),
        MatterRule.objects.count(),
        MatterRule.objects.filter(version__gt=1).count(),
    ) == rows
    assert rows[1] == 517


@pytest.mark.django_db
def test_demo_rules_follow_the_catalogue(require_postgres, shared_data_dir, units):
    demo_matters_load(data_dir=shared_data_dir)

    def rule(middle, leaf, top="城乡建设"):
        return MatterRule.objects.get(
            matter__name=leaf, matter__parent__name=middle, matter__parent__parent__name=top
        )

    cleaning = rule("城市建设和市政管理", "环境卫生")
    assert cleaning.handler_rule == "street" and cleaning.handling_unit is None
    assert cleaning.supervising_unit.code == "PS-CG"
    assert (cleaning.handle_limit_amount, cleaning.handle_limit_unit) == (Decimal("4.00"), "working_hour")
    assert cleaning.kind_limits["consult"] == [2, "working_day"]
    assert cleaning.kind_limits["complaint"] == [4, "working_hour"]
    park = rule("城市建设和市政管理", "公园管理")
    assert park.handler_rule == "fixed" and park.handling_unit.code == "PS-CG"
    gas = rule("城市建设和市政管理", "燃气供应")
    assert gas.handling_unit.code == "PS-ZJ" and gas.urgency_grade == "urgent"
    assert (gas.urgent_handle_limit_amount, gas.urgent_handle_limit_unit) == (
        Decimal("24.00"),
        "natural_hour",
    )
    hazard = rule("安全生产", "安全隐患")
    assert hazard.urgency_grade == "urgent" and hazard.urgent_handle_limit_amount == Decimal("2.00")
    assert hazard.handling_unit.code == "PS-ZHZX"  # 安全生产监督管理局 not loaded: the centre
    assert rule("住房保障与房地产", "物业服务").handler_rule == "community"
    normal = rule("住房保障与房地产", "房屋评估")
    assert normal.kind_limits == {
        "consult": [2, "working_day"],
        "help": [10, "working_day"],
        "complaint": [15, "working_day"],
        "report": [15, "working_day"],
        "suggestion": [10, "working_day"],
    }
    assert (normal.sign_limit_amount, normal.extension_cap_days, normal.return_window_days) == (1, 10, 2)
    assert str(normal.effective_from) == "2026-01-01"
    keywords = Matter.objects.get(name="环境卫生", level=3).keywords.split(",")
    assert "暴露垃圾" in keywords and "环境卫生" in keywords


@pytest.mark.django_db
def test_demo_without_units_falls_back_to_street(require_postgres, shared_data_dir):
    demo_matters_load(data_dir=shared_data_dir)
    assert MatterRule.objects.count() == 517
    assert not MatterRule.objects.filter(handler_rule="fixed").exists()


@pytest.mark.django_db
def test_demo_reload_keeps_later_staff_changes(require_postgres, shared_data_dir, units):
    demo_matters_load(data_dir=shared_data_dir)
    leaf = Matter.objects.get(code="0101001")
    staff = matter_rule_set(
        matter=leaf, effective_from=date(2026, 6, 1), handler_rule="fixed", handling_unit=units["PS-ZJ"]
    )
    matter_upsert(code=leaf.code, name=leaf.name, parent=leaf.parent, keywords="员工关键词")
    assert staff.version == 2
    demo_matters_load(data_dir=shared_data_dir)
    assert leaf.rules.order_by("-version").first().pk == staff.pk
    assert Matter.objects.get(code="0101001").keywords == "员工关键词"
    assert MatterRule.objects.count() == 518
