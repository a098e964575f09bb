"""Fixtures of the Open311 tests: a small district with two services and a partner key.

``world`` builds ``tests.grievance.factories.territory()`` (grid 440310001001001 around (22.605, 114.305)
in 六和社区, whose workstation PS-LHSQ handles territorial matters) plus:

- ``STALL`` 占道经营 (COMMUNITY rule → PS-LHSQ) with a service definition: ``stall_type``
  (singlevaluelist, required), ``stall_count`` (number), ``seen_at`` (datetime), ``goods``
  (multivaluelist), ``plate`` (string), ``notes`` (text) and an informational ``notice``;
- ``LAMP`` 路灯维修 (FIXED → PS-CG 城市管理局), no definition;
- the key ``随手拍`` (``world.raw_key``) and a revoked key ``旧系统`` (``world.revoked_raw``).

``api`` is a Django test client with helpers: ``api.get(path, **params)`` and ``api.post(path, data,
query=None)`` against ``/open311/v2/``.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import Client

from grids.models import Unit, UnitKind
from grids.selectors.calendar import work_calendar_cache_clear
from grievance.models import HandlerRule, Matter
from grievance.services.routing import routing_index_clear
from open311.models import ApiKey
from open311.services.definitions import service_definition_set
from open311.services.keys import api_key_create, api_key_revoke
from tests.grievance.factories import MatterFactory, Territory, UnitFactory, territory

BASE = "/open311/v2/"
STALL = "0102002"
LAMP = "0102005"
INSIDE = (22.605, 114.305)

STALL_ATTRIBUTES = [
    {
        "code": "notice",
        "datatype": "text",
        "variable": False,
        "order": 1,
        "description": "紧急情况请拨打110",
    },
    {
        "code": "stall_type",
        "datatype": "singlevaluelist",
        "required": True,
        "order": 2,
        "description": "占道经营类型",
        "values": [{"key": "mobile", "name": "流动摊贩"}, {"key": "fixed", "name": "固定摊点占道"}],
    },
    {"code": "stall_count", "datatype": "number", "order": 3, "description": "摊点数量"},
    {"code": "seen_at", "datatype": "datetime", "order": 4, "description": "发现时间"},
    {
        "code": "goods",
        "datatype": "multivaluelist",
        "order": 5,
        "description": "经营品类",
        "values": [{"key": "fruit", "name": "水果"}, {"key": "food", "name": "熟食"}],
    },
    {
        "code": "plate",
        "datatype": "string",
        "order": 6,
        "description": "车牌",
        "datatype_description": "如 粤B12345",
    },
    {"code": "notes", "datatype": "text", "order": 7, "description": "补充说明"},
]


@dataclass
class World:
    place: Territory
    dept: Unit
    stall: Matter
    lamp: Matter
    key: ApiKey
    raw_key: str
    revoked_raw: str


def world_build() -> World:
    work_calendar_cache_clear()
    cache.clear()  # rate-limit counters live in the cache
    place = territory()
    dept = UnitFactory(code="PS-CG", name="城市管理局", kind=UnitKind.DEPARTMENT)
    stall = MatterFactory.leaf(
        name="占道经营",
        keywords="摆摊,占道,流动摊贩",
        handler_rule=HandlerRule.COMMUNITY,
        code=STALL,
    )
    lamp = MatterFactory.leaf(name="路灯维修", keywords="路灯,灯不亮", unit=dept, code=LAMP)
    service_definition_set(matter=stall, attributes=STALL_ATTRIBUTES)
    routing_index_clear()
    key, raw = api_key_create(name="随手拍", contact="王工 13900000000")
    _old, revoked_raw = api_key_create(name="旧系统")
    api_key_revoke(name="旧系统")
    return World(
        place=place, dept=dept, stall=stall, lamp=lamp, key=key, raw_key=raw, revoked_raw=revoked_raw
    )


@pytest.fixture
def world(db) -> World:
    return world_build()


class Api:
    def __init__(self):
        self.client = Client()

    def get(self, path: str, **params):
        return self.client.get(BASE + path, params)

    def post(self, path: str, data: dict | list, *, query: dict | None = None):
        """A form-encoded POST (a list of pairs repeats a parameter)."""
        body = urlencode(data, doseq=True) if isinstance(data, dict) else urlencode(data)
        url = BASE + path + (f"?{urlencode(query)}" if query else "")
        return self.client.post(url, body, content_type="application/x-www-form-urlencoded")


@pytest.fixture
def api() -> Api:
    return Api()


def stall_request(world: World, **overrides) -> dict:
    """A valid POST body for 占道经营 at a point inside the grid."""
    data = {
        "api_key": world.raw_key,
        "service_code": STALL,
        "lat": str(INSIDE[0]),
        "long": str(INSIDE[1]),
        "description": "六和路口有流动摊贩占道经营，影响通行",
        "attribute[stall_type]": "mobile",
        "first_name": "小明",
        "last_name": "王",
        "phone": "13812345678",
        "email": "xiaoming@example.org",
        "media_url": "https://img.example.org/p/1.jpg",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
