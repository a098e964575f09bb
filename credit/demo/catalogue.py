"""The demo ledger's fixed content: our own made-up enterprises, lists, measures and inspection items.

Enterprise names are invented for the demo (not real companies); codes come from credit.demo.codes.
"""

from credit.models import ListKind, MeasureKind

ENTERPRISE_WORDS = [
    "坪兴",
    "山海",
    "聚龙",
    "碧岭",
    "金田",
    "沙湖",
    "汤坑",
    "六和",
    "竹坑",
    "马峦",
    "石井",
    "坑梓",
    "龙田",
    "秀新",
    "南布",
    "和平",
    "江岭",
    "田心",
    "金龟",
    "老坑",
    "新和",
    "六联",
    "坪环",
    "沙坣",
    "金沙",
    "沙田",
    "田头",
    "深坪",
    "东纵",
    "燕子岭",
]
INDUSTRIES = [
    ("餐饮服务", "餐饮管理有限公司"),
    ("制造业", "电子科技有限公司"),
    ("建筑业", "建筑工程有限公司"),
    ("批发和零售业", "商贸有限公司"),
    ("交通运输业", "物流有限公司"),
    ("医药制造业", "生物医药有限公司"),
]
PERSONS = ["陈志强", "林秀英", "黄建华", "吴丽娟"]

LISTS = [
    {
        "code": "BLACK-SERIOUS",
        "name": "严重失信主体名单",
        "kind": ListKind.BLACK,
        "rule": "serious_dishonesty",
        "legal_basis": "有效期内的严重失信行政处罚信息、失信被执行人信息",
        "department_name": "区发展和改革局（社会信用体系建设牵头部门）",
    },
    {
        "code": "RED-TAX-A",
        "name": "纳税信用A级纳税人名单",
        "kind": ListKind.RED,
        "rule": "tax_a_taxpayer",
        "legal_basis": "纳税信用评价结果为A级且无有效失信记录",
        "department_name": "税务部门",
    },
    {
        "code": "WATCH",
        "name": "重点关注名单",
        "kind": ListKind.BLACK,
        "rule": "manual",
        "legal_basis": "信用管理员认定",
        "department_name": "区发展和改革局",
        "is_public": False,
    },
]

# (code, name, kind, list code, application class, legal basis, unit code, department name)
MEASURES = [
    (
        "P-CG-01",
        "限制参与政府采购活动",
        MeasureKind.PUNISHMENT,
        "BLACK-SERIOUS",
        "政府采购",
        "《中华人民共和国政府采购法》第二十二条",
        "PS-CZ",
        "财政局",
    ),
    (
        "P-CZ-01",
        "限制申请财政性资金项目",
        MeasureKind.PUNISHMENT,
        "BLACK-SERIOUS",
        "财政资金",
        "财政资金管理相关规定",
        "PS-CZ",
        "财政局",
    ),
    (
        "P-FG-01",
        "从严审核行政许可审批项目",
        MeasureKind.PUNISHMENT,
        "BLACK-SERIOUS",
        "行政审批",
        "社会信用体系建设相关规定",
        "PS-FG",
        "发展和改革局（统计局）",
    ),
    (
        "P-SC-01",
        "列为重点监管对象，提高抽查比例和频次",
        MeasureKind.PUNISHMENT,
        "BLACK-SERIOUS",
        "日常监管",
        "“双随机、一公开”监管相关规定",
        "PS-SCJG",
        "市市场和质量监管委坪山局",
    ),
    (
        "P-ZJ-01",
        "限制参与工程招投标",
        MeasureKind.PUNISHMENT,
        "BLACK-SERIOUS",
        "招标投标",
        "《中华人民共和国招标投标法实施条例》",
        "PS-ZJ",
        "住房和建设局",
    ),
    (
        "P-RS-01",
        "限制评优评先",
        MeasureKind.PUNISHMENT,
        "BLACK-SERIOUS",
        "评优评先",
        "社会信用体系建设相关规定",
        "PS-RS",
        "人力资源局",
    ),
    (
        "R-SW-01",
        "办税绿色通道",
        MeasureKind.REWARD,
        "RED-TAX-A",
        "税收服务",
        "纳税信用管理相关规定",
        None,
        "税务部门",
    ),
    (
        "R-FG-01",
        "行政审批“容缺受理”",
        MeasureKind.REWARD,
        "RED-TAX-A",
        "行政审批",
        "守信联合激励相关规定",
        "PS-FG",
        "发展和改革局（统计局）",
    ),
    (
        "R-SC-01",
        "降低抽查比例和频次",
        MeasureKind.REWARD,
        "RED-TAX-A",
        "日常监管",
        "“双随机、一公开”监管相关规定",
        "PS-SCJG",
        "市市场和质量监管委坪山局",
    ),
    (
        "R-CZ-01",
        "政府采购中给予信用加分",
        MeasureKind.REWARD,
        "RED-TAX-A",
        "政府采购",
        "守信联合激励相关规定",
        "PS-CZ",
        "财政局",
    ),
]

# (code, name, unit code, method)
INSPECTION_ITEMS = [
    ("SC-SP-01", "食品经营者遵守食品安全法律法规情况的检查", "PS-SCJG", "现场检查"),
    ("SC-DJ-01", "企业登记事项和公示信息情况的检查", "PS-SCJG", "书面检查"),
    ("AJ-AQ-01", "生产经营单位安全生产条件的检查", "PS-AJ", "现场检查"),
]
# (certificate number, name, username to link or None)
INSPECTORS = [
    ("44031001001", "周建国", "h-PS-SCJG"),
    ("44031001002", "郑晓燕", "lead-PS-SCJG"),
    ("44031001003", "何志明", None),
    ("44031001004", "梁海燕", None),
    ("44031001005", "谢永强", "h-PS-AJ"),
    ("44031001006", "罗美玲", None),
]
DEMO_PLAN_CODE = "PS-SCJG-2026-01"
DEMO_SEED = 20260401
