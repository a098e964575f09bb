from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from grievance.services.matters import matter_rule_set, matter_upsert

URL = "/api/v1/matters/"


@pytest.fixture
def catalogue(leaf, units):
    """Two top classes, four leaves; one leaf has a future rule version that must not show yet."""
    matter_rule_set(
        matter=leaf,
        effective_from=date(2026, 1, 1),
        handler_rule="street",
        supervising_unit=units["PS-CG"],
        kinds=["consult", "complaint"],
        handle_limit=[4, "working_hour"],
        kind_limits={"consult": [2, "working_day"], "complaint": [4, "working_hour"]},
    )
    gas = matter_upsert(code="0101002", name="燃气供应", parent=leaf.parent, keywords="漏气,天然气")
    matter_rule_set(
        matter=gas,
        effective_from=date(2026, 1, 1),
        handler_rule="fixed",
        handling_unit=units["PS-ZJ"],
        co_units=[units["PS-HB"]],
        urgency_grade="urgent",
        urgent_handle_limit=[24, "natural_hour"],
    )
    matter_rule_set(
        matter=gas,
        effective_from=timezone.localdate() + timedelta(days=30),
        handler_rule="fixed",
        handling_unit=units["PS-CG"],
    )
    env = matter_upsert(code="02", name="环境保护", parent=None)
    pollution = matter_upsert(code="0201", name="环境污染", parent=env)
    for index, name in enumerate(["噪音污染", "水污染"], start=1):
        node = matter_upsert(
            code=f"020100{index}", name=name, parent=pollution, keywords="扰民" if index == 1 else ""
        )
        matter_rule_set(
            matter=node, effective_from=date(2026, 1, 1), handler_rule="fixed", handling_unit=units["PS-HB"]
        )
    return leaf


@pytest.mark.django_db
def test_anonymous_list_shape(catalogue):
    response = APIClient().get(URL, {"level": 3})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 4
    first = body["results"][0]
    assert first["code"] == "0101001"
    assert first["path"] == ["城乡建设", "城市建设和市政管理", "环境卫生"]
    assert first["keywords"] == ["垃圾", "保洁"]
    assert first["handler_rule"] == "street" and first["unit"] is None
    assert first["sign_limit"] == [1, "working_day"] and first["handle_limit"] == [4, "working_hour"]
    assert first["kind_defaults"] == {
        "consult": {"sign": [1, "working_day"], "handle": [2, "working_day"]},
        "complaint": {"sign": [1, "working_day"], "handle": [4, "working_hour"]},
    }
    gas = body["results"][1]
    # The rule in force today, not the future version.
    assert gas["unit"] == "PS-ZJ" and gas["co_units"] == ["PS-HB"] and gas["rule_version"] == 1
    assert gas["kind_defaults"]["report"]["handle"] == [24, "natural_hour"]  # urgent by default
    assert gas["kind_defaults"]["report"]["sign"] == [0.5, "natural_hour"]


@pytest.mark.django_db
def test_filters(catalogue):
    client = APIClient()

    def codes(**params):
        return [item["code"] for item in client.get(URL, params).json()["results"]]

    assert codes(q="天然气") == ["0101002"]  # keyword
    assert codes(q="环境污染", level=3) == ["0201001", "0201002"]  # a parent's name
    assert codes(q="扰民 噪音") == ["0201001"]  # every word must match
    assert codes(top="02") == ["02", "0201", "0201001", "0201002"]
    assert codes(top="城乡建设", level=3) == ["0101001", "0101002"]
    assert codes(level=1) == ["01", "02"]
    assert len(codes(level="", q="")) == 8  # blank filters are no filters
    top = client.get(URL, {"level": 1}).json()["results"][0]
    assert top["path"] == ["城乡建设"] and top["unit"] is None and top["kind_defaults"] == {}


@pytest.mark.django_db
def test_bad_filter_is_400(catalogue):
    response = APIClient().get(URL, {"level": "7"})
    assert response.status_code == 400
    assert "level" in response.json()["errors"]


@pytest.mark.django_db
def test_query_count_is_constant(catalogue, units):
    client = APIClient()
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200
    middle = catalogue.parent
    for index in range(3, 13):
        node = matter_upsert(code=f"0101{index:03d}", name=f"事项{index}", parent=middle)
        matter_rule_set(
            matter=node, effective_from=date(2026, 1, 1), handler_rule="fixed", handling_unit=units["PS-CG"],
            co_units=[units["PS-HB"], units["PS-ZJ"]],
        )  # fmt: skip
    with CaptureQueriesContext(connection) as large:
        body = client.get(URL).json()
    assert body["count"] == 18
    assert len(large.captured_queries) == len(small.captured_queries)
