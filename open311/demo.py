"""Demo service definitions for a handful of leaf matters of the demo responsibility list.

Matters are found by (middle class, leaf) names, so the loader works whatever codes the catalogue got;
leaves that do not exist are skipped. Loading twice changes nothing (definitions are replaced whole).
"""

from grievance.models import Matter
from open311.services.definitions import service_definition_set

LIST = "singlevaluelist"
MULTI = "multivaluelist"


def _values(*pairs: tuple[str, str]) -> list[dict]:
    return [{"key": key, "name": name} for key, name in pairs]


DEMO_DEFINITIONS: dict[tuple[str, str], list[dict]] = {
    # 城管执法 covers 占道经营 (street vending) in the demo catalogue.
    ("城市建设和市政管理", "城管执法"): [
        {
            "code": "stall_type",
            "datatype": LIST,
            "required": True,
            "order": 1,
            "description": "占道经营类型",
            "values": _values(
                ("mobile", "流动摊贩"),
                ("fixed", "固定摊点占道"),
                ("shop_overflow", "店外经营"),
                ("other", "其他"),
            ),
        },
        {"code": "stall_count", "datatype": "number", "order": 2, "description": "摊点数量（约）"},
        {"code": "seen_at", "datatype": "datetime", "order": 3, "description": "发现时间"},
    ],
    ("城市建设和市政管理", "环境卫生"): [
        {
            "code": "waste_type",
            "datatype": MULTI,
            "required": True,
            "order": 1,
            "description": "垃圾类型（可多选）",
            "values": _values(
                ("household", "生活垃圾"),
                ("construction", "建筑垃圾"),
                ("sewage", "污水"),
                ("dead_animal", "动物尸体"),
            ),
        },
        {"code": "area_m2", "datatype": "number", "order": 2, "description": "面积（平方米，约）"},
    ],
    ("城市建设和市政管理", "城市公共设施"): [
        {
            "code": "facility",
            "datatype": LIST,
            "required": True,
            "order": 1,
            "description": "设施类型",
            "values": _values(
                ("streetlight", "路灯"),
                ("manhole", "井盖"),
                ("guardrail", "护栏"),
                ("bench", "座椅"),
                ("other", "其他"),
            ),
        },
        {
            "code": "component_code",
            "datatype": "string",
            "order": 2,
            "description": "部件编码",
            "datatype_description": "设施上标牌的16位部件编码（6位区县+2位大类+2位小类+6位流水号），可不填",
        },
    ],
    ("环境污染", "噪音污染"): [
        {
            "code": "emergency_note",
            "datatype": "text",
            "variable": False,
            "order": 1,
            "description": "正在发生的打架、斗殴等紧急情况请直接拨打110。",
        },
        {
            "code": "noise_source",
            "datatype": LIST,
            "required": True,
            "order": 2,
            "description": "噪音来源",
            "values": _values(
                ("construction", "建筑施工"),
                ("business", "商业经营"),
                ("traffic", "交通"),
                ("industrial", "工业生产"),
                ("residential", "社会生活"),
            ),
        },
        {
            "code": "period",
            "datatype": LIST,
            "order": 3,
            "description": "发生时段",
            "values": _values(("day", "昼间（6:00-22:00）"), ("night", "夜间（22:00-次日6:00）")),
        },
        {"code": "details", "datatype": "text", "order": 4, "description": "补充说明"},
    ],
    ("城乡规划", "违章建筑"): [
        {
            "code": "stage",
            "datatype": LIST,
            "required": True,
            "order": 1,
            "description": "建设状态",
            "values": _values(("building", "正在施工"), ("built", "已建成")),
        },
        {"code": "floors", "datatype": "number", "order": 2, "description": "层数"},
    ],
}


def open311_demo_definitions_load() -> int:
    """Set the demo definitions on the leaves that exist; returns how many were set."""
    count = 0
    for (middle, leaf), attributes in DEMO_DEFINITIONS.items():
        matters = Matter.objects.filter(level=3, name=leaf, parent__name=middle)
        for matter in matters:
            service_definition_set(matter=matter, attributes=attributes)
            count += 1
    return count
