"""The demo district's unit code table: our own hand-made content, not shared data.

Scheme (codes are uppercase ASCII, ≤ 32 characters, stable — never derived at run time):

- ``PS`` the district government; ``PS-ZHZX`` the command centre; ``PS-XLFW`` the psychological
  service centre; ``PS-<initials>`` a district department or a utility (pinyin initials of the core
  name: 城市管理局 → ``PS-CG``);
- ``PS-<street initials>JD`` a street office (``PS-ZBQ`` the bonded zone);
- ``<street code>-<initials>SQ`` a community workstation (六和社区 → ``PS-PSJD-LHSQ``); the ``SQ``
  suffix keeps them apart from the street's own offices;
- ``<street code>-<initials>`` a street's internal office (劳动办（坑梓街道办事处） → ``PS-KZJD-LD``).

Community codes are not built from the 12-digit division codes on purpose: those are partly inferred
(divisions.csv ``status``) and may be corrected, and a unit code must not change when they are.
"""

from typing import NamedTuple

from grids.models import UnitKind

DISTRICT_CODE = "PS"
CENTRE_CODE = "PS-ZHZX"
PSYCH_CENTRE_CODE = "PS-XLFW"
DISTRICT_DIVISION_CODE = "440310000000"


class UnitSpec(NamedTuple):
    code: str
    kind: str
    parent: str | None


#: The units that exist whatever the observed names say: code → (name, kind, parent code).
FIXED_UNITS: dict[str, tuple[str, str, str | None]] = {
    DISTRICT_CODE: ("坪山区人民政府", UnitKind.DISTRICT, None),
    CENTRE_CODE: ("区政府值班应急与智慧管理指挥中心", UnitKind.CENTRE, DISTRICT_CODE),
    PSYCH_CENTRE_CODE: ("区社会心理服务指导中心", UnitKind.PSYCH_CENTRE, DISTRICT_CODE),
}

#: Street divisions (divisions.csv name) → (unit code, unit name).
STREET_UNITS: dict[str, tuple[str, str]] = {
    "坪山街道": ("PS-PSJD", "坪山街道办事处"),
    "马峦街道": ("PS-MLJD", "马峦街道办事处"),
    "碧岭街道": ("PS-BLJD", "碧岭街道办事处"),
    "石井街道": ("PS-SJJD", "石井街道办事处"),
    "坑梓街道": ("PS-KZJD", "坑梓街道办事处"),
    "龙田街道": ("PS-LTJD", "龙田街道办事处"),
    "深圳坪山综合保税区": ("PS-ZBQ", "深圳坪山综合保税区管理机构"),
}

#: Community divisions (divisions.csv name) → community workstation unit code.
COMMUNITY_UNITS: dict[str, str] = {
    "六联社区居委会": "PS-PSJD-LLSQ",
    "六和社区居委会": "PS-PSJD-LHSQ",
    "坪山社区居委会": "PS-PSJD-PSSQ",
    "和平社区居委会": "PS-PSJD-HPSQ",
    "新和社区居委会": "PS-PSJD-XHSQ",
    "坪环社区居委会": "PS-MLJD-PHSQ",
    "江岭社区居委会": "PS-MLJD-JLSQ",
    "马峦社区居委会": "PS-MLJD-MLSQ",
    "沙坣社区居委会": "PS-MLJD-STSQ",
    "碧岭社区居委会": "PS-BLJD-BLSQ",
    "汤坑社区居委会": "PS-BLJD-TKSQ",
    "沙湖社区居委会": "PS-BLJD-SHSQ",
    "金龟社区居委会": "PS-SJJD-JGSQ",
    "石井社区居委会": "PS-SJJD-SJSQ",
    "田头社区居委会": "PS-SJJD-TTSQ",
    "田心社区居委会": "PS-SJJD-TXSQ",
    "坑梓社区居委会": "PS-KZJD-KZSQ",
    "秀新社区居委会": "PS-KZJD-XXSQ",
    "金沙社区居委会": "PS-KZJD-JSSQ",
    "沙田社区居委会": "PS-KZJD-STSQ",
    "龙田社区居委会": "PS-LTJD-LTSQ",
    "南布社区居委会": "PS-LTJD-NBSQ",
    "竹坑社区居委会": "PS-LTJD-ZKSQ",
    "老坑社区居委会": "PS-LTJD-LKSQ",
    "深圳坪山综合保税区虚拟社区": "PS-ZBQ-XNSQ",
}

_D, _SO, _C, _U = UnitKind.DEPARTMENT, UnitKind.STREET_OFFICE, UnitKind.COMMUNITY, UnitKind.UTILITY

#: Every name of units_observed.txt → (code, kind, parent code). A name whose code is a fixed, street
#: or community unit is an alias of that unit (e.g. "六和社区" is the 六和 community workstation);
#: every other name becomes a unit of its own, named exactly as observed.
OBSERVED_UNITS: dict[str, UnitSpec] = {
    name: UnitSpec(*spec)
    for name, spec in {
        # --- the command centre and its street sub-centres
        "区指挥中心处置": (CENTRE_CODE, UnitKind.CENTRE, DISTRICT_CODE),
        "值班应急与智慧管理指挥分中心（马峦街道办事处）": ("PS-MLJD-FZX", _SO, "PS-MLJD"),
        "值班应急与智慧管理指挥分中心（龙田街道办事处）": ("PS-LTJD-FZX", _SO, "PS-LTJD"),
        "坑梓街道分中心处置（坑梓街道办事处）": ("PS-KZJD-FZX", _SO, "PS-KZJD"),
        # --- district departments
        "交通轨道办": ("PS-JTGD", _D, DISTRICT_CODE),
        "人力资源局": ("PS-RS", _D, DISTRICT_CODE),
        "住房和建设局": ("PS-ZJ", _D, DISTRICT_CODE),
        "区委宣传部（文体旅游局）": ("PS-XCB", _D, DISTRICT_CODE),
        "区委政法委": ("PS-ZFW", _D, DISTRICT_CODE),
        "区委组织部": ("PS-ZZB", _D, DISTRICT_CODE),
        "区委（区政府）办公室": ("PS-BGS", _D, DISTRICT_CODE),
        "卫生和计划生育局": ("PS-WJ", _D, DISTRICT_CODE),
        "发展和改革局（统计局）": ("PS-FG", _D, DISTRICT_CODE),
        "土地整备局": ("PS-TDZB", _D, DISTRICT_CODE),
        "坪山交通运输局": ("PS-JT", _D, DISTRICT_CODE),
        "坪山公安分局": ("PS-GA", _D, DISTRICT_CODE),
        "坪山区城中村综合整治办": ("PS-CZC", _D, DISTRICT_CODE),
        "城市更新局": ("PS-CSGX", _D, DISTRICT_CODE),
        "城市管理局": ("PS-CG", _D, DISTRICT_CODE),
        # Observed without a street name: kept at district level rather than guessing a street.
        "城建办": ("PS-CJB", _D, DISTRICT_CODE),
        "安全生产监督管理局": ("PS-AJ", _D, DISTRICT_CODE),
        "市交警支队坪山大队": ("PS-JJ", _D, DISTRICT_CODE),
        "市市场和质量监管委坪山局": ("PS-SCJG", _D, DISTRICT_CODE),
        "市规划国土委坪山管理局": ("PS-GHGT", _D, DISTRICT_CODE),
        "建筑工务局": ("PS-GW", _D, DISTRICT_CODE),
        "政府投资项目前期工作管理办公室": ("PS-QQB", _D, DISTRICT_CODE),
        "教育局": ("PS-JY", _D, DISTRICT_CODE),
        "机关事务中心": ("PS-JGSWZX", _D, DISTRICT_CODE),
        "机关事务管理局": ("PS-JGSW", _D, DISTRICT_CODE),
        "民政局": ("PS-MZ", _D, DISTRICT_CODE),
        "消防安全委员会办公室": ("PS-XAW", _D, DISTRICT_CODE),
        "消防安全管理委员会办公室": ("PS-XGW", _D, DISTRICT_CODE),
        "环境保护和水务局": ("PS-HBSW", _D, DISTRICT_CODE),
        "环境水政监察大队": ("PS-HJSZ", _D, DISTRICT_CODE),
        "社保坪山分局": ("PS-SB", _D, DISTRICT_CODE),
        "科技创新服务署": ("PS-KCS", _D, DISTRICT_CODE),
        "经济和科技促进局": ("PS-JK", _D, DISTRICT_CODE),
        "群团工作部": ("PS-QTB", _D, DISTRICT_CODE),
        "规划土地监察大队": ("PS-GTJC", _D, DISTRICT_CODE),
        "财政局（国资办）": ("PS-CZ", _D, DISTRICT_CODE),
        # --- utilities and companies
        "坑梓自来水公司（坑梓辖区）": ("PS-KZZLS", _U, DISTRICT_CODE),
        "坪山供电局": ("PS-GDJ", _U, DISTRICT_CODE),
        "坪山联通营业中心": ("PS-LT", _U, DISTRICT_CODE),
        "坪山自来水有限公司": ("PS-ZLS", _U, DISTRICT_CODE),
        "坪山街道电信营业中心": ("PS-DX", _U, DISTRICT_CODE),
        "城投公司": ("PS-CT", _U, DISTRICT_CODE),
        "大工业区水务有限公司": ("PS-DGYSW", _U, DISTRICT_CODE),
        "天隆广播电视网络有限公司": ("PS-TLGD", _U, DISTRICT_CODE),
        "广东移动深圳公司": ("PS-YD", _U, DISTRICT_CODE),
        # --- 坪山街道
        "劳动办（坪山街道办事处）": ("PS-PSJD-LD", _SO, "PS-PSJD"),
        "土地整备中心（坪山街道办事处）": ("PS-PSJD-TDZB", _SO, "PS-PSJD"),
        "城建办公室（坪山街道办事处）": ("PS-PSJD-CJ", _SO, "PS-PSJD"),
        "安全生产监督管理办公室（坪山街道办事处）": ("PS-PSJD-AJ", _SO, "PS-PSJD"),
        "市政服务中心（坪山街道办事处）": ("PS-PSJD-SZFW", _SO, "PS-PSJD"),
        "消安委办（坪山街道办事处）": ("PS-PSJD-XAW", _SO, "PS-PSJD"),
        "纪律检查工作委员会（坪山街道办事处）": ("PS-PSJD-JGW", _SO, "PS-PSJD"),
        "坪山街道综合执法队": ("PS-PSJD-ZF", _SO, "PS-PSJD"),
        # --- 马峦街道
        "公共服务办公室（马峦街道办事处）": ("PS-MLJD-GGFW", _SO, "PS-MLJD"),
        "劳动管理办公室（马峦街道办事处）": ("PS-MLJD-LD", _SO, "PS-MLJD"),
        "土地整备中心（马峦）": ("PS-MLJD-TDZB", _SO, "PS-MLJD"),
        "城市管理办公室（马峦街道办事处）": ("PS-MLJD-CG", _SO, "PS-MLJD"),
        "城建办公室（马峦街道办事处）": ("PS-MLJD-CJ", _SO, "PS-MLJD"),
        "市政服务中心（马峦街道办事处）": ("PS-MLJD-SZFW", _SO, "PS-MLJD"),
        "机关事务服务中心（马峦街道办事处）": ("PS-MLJD-JGSW", _SO, "PS-MLJD"),
        "综治维稳办公室（马峦街道办事处）": ("PS-MLJD-ZZWW", _SO, "PS-MLJD"),
        "街区发展办公室（马峦街道办事处）": ("PS-MLJD-JQFZ", _SO, "PS-MLJD"),
        "马峦办事处综合执法队": ("PS-MLJD-ZF", _SO, "PS-MLJD"),
        # --- 碧岭街道
        "公共服务办（碧岭街道办事处）": ("PS-BLJD-GGFW", _SO, "PS-BLJD"),
        "办公室（碧岭街道办事处）": ("PS-BLJD-BGS", _SO, "PS-BLJD"),
        "土地整备中心（碧岭办）": ("PS-BLJD-TDZB", _SO, "PS-BLJD"),
        "城建办公室（碧岭街道办事处）": ("PS-BLJD-CJ", _SO, "PS-BLJD"),
        "城管办（碧岭街道办事处）": ("PS-BLJD-CG", _SO, "PS-BLJD"),
        "消安委办（碧岭街道办事处）": ("PS-BLJD-XAW", _SO, "PS-BLJD"),
        "碧岭办事处市政服务中心": ("PS-BLJD-SZFW", _SO, "PS-BLJD"),
        "综治维稳办公室（碧岭街道办事处）": ("PS-BLJD-ZZWW", _SO, "PS-BLJD"),
        # --- 石井街道
        "公共服务办（石井街道办事处）": ("PS-SJJD-GGFW", _SO, "PS-SJJD"),
        "土地整备中心（石井街道办事处）": ("PS-SJJD-TDZB", _SO, "PS-SJJD"),
        "城建办公室（石井街道办事处）": ("PS-SJJD-CJ", _SO, "PS-SJJD"),
        "消安委办（石井街道办事处）": ("PS-SJJD-XAW", _SO, "PS-SJJD"),
        "石井办事处市政服务中心": ("PS-SJJD-SZFW", _SO, "PS-SJJD"),
        "石井办事处综合执法队": ("PS-SJJD-ZF", _SO, "PS-SJJD"),
        # --- 坑梓街道
        "劳动办（坑梓街道办事处）": ("PS-KZJD-LD", _SO, "PS-KZJD"),
        "城管办（坑梓街道办事处）": ("PS-KZJD-CG", _SO, "PS-KZJD"),
        "安监办（坑梓街道办事处）": ("PS-KZJD-AJ", _SO, "PS-KZJD"),
        "市政服务中心（坑梓街道办事处）": ("PS-KZJD-SZFW", _SO, "PS-KZJD"),
        "纪工委（坑梓街道办事处）": ("PS-KZJD-JGW", _SO, "PS-KZJD"),
        "组织部（坑梓街道办事处）": ("PS-KZJD-ZZB", _SO, "PS-KZJD"),
        "综治维稳办（坑梓街道办事处）": ("PS-KZJD-ZZWW", _SO, "PS-KZJD"),
        # --- 龙田街道
        "劳动办（龙田街道办事处）": ("PS-LTJD-LD", _SO, "PS-LTJD"),
        "土地整备中心（龙田街道办事处）": ("PS-LTJD-TDZB", _SO, "PS-LTJD"),
        "宣传统战办公室（龙田街道办事处）": ("PS-LTJD-XCTZ", _SO, "PS-LTJD"),
        "市政服务中心（龙田街道办事处）": ("PS-LTJD-SZFW", _SO, "PS-LTJD"),
        "武装部（龙田街道办事处）": ("PS-LTJD-WZB", _SO, "PS-LTJD"),
        "纪工委（龙田街道办事处）": ("PS-LTJD-JGW", _SO, "PS-LTJD"),
        "组织部（龙田街道办事处）": ("PS-LTJD-ZZB", _SO, "PS-LTJD"),
        "龙田街道综合执法队": ("PS-LTJD-ZF", _SO, "PS-LTJD"),
        # --- community workstations, as observed (aliases of the units built from divisions.csv)
        "六和社区": ("PS-PSJD-LHSQ", _C, "PS-PSJD"),
        "六联社区": ("PS-PSJD-LLSQ", _C, "PS-PSJD"),
        "和平社区": ("PS-PSJD-HPSQ", _C, "PS-PSJD"),
        "坪山社区": ("PS-PSJD-PSSQ", _C, "PS-PSJD"),
        "坪环社区": ("PS-MLJD-PHSQ", _C, "PS-MLJD"),
        "江岭社区": ("PS-MLJD-JLSQ", _C, "PS-MLJD"),
        "沙坣社区": ("PS-MLJD-STSQ", _C, "PS-MLJD"),
        "碧岭社区": ("PS-BLJD-BLSQ", _C, "PS-BLJD"),
        "汤坑社区": ("PS-BLJD-TKSQ", _C, "PS-BLJD"),
        "沙湖社区": ("PS-BLJD-SHSQ", _C, "PS-BLJD"),
        "金龟社区工作站": ("PS-SJJD-JGSQ", _C, "PS-SJJD"),
        "石井社区工作站": ("PS-SJJD-SJSQ", _C, "PS-SJJD"),
        "田头社区工作站（石井街道办事处）": ("PS-SJJD-TTSQ", _C, "PS-SJJD"),
        "田心社区工作站（石井街道办事处）": ("PS-SJJD-TXSQ", _C, "PS-SJJD"),
        "坑梓社区": ("PS-KZJD-KZSQ", _C, "PS-KZJD"),
        "秀新社区": ("PS-KZJD-XXSQ", _C, "PS-KZJD"),
        "金沙社区": ("PS-KZJD-JSSQ", _C, "PS-KZJD"),
        "沙田社区": ("PS-KZJD-STSQ", _C, "PS-KZJD"),
        "龙田社区": ("PS-LTJD-LTSQ", _C, "PS-LTJD"),
        "南布社区": ("PS-LTJD-NBSQ", _C, "PS-LTJD"),
        "竹坑社区": ("PS-LTJD-ZKSQ", _C, "PS-LTJD"),
        "老坑社区": ("PS-LTJD-LKSQ", _C, "PS-LTJD"),
    }.items()
}


def community_unit_name(division_name: str) -> str:
    """六和社区居委会 → 六和社区工作站 (the workstation, not the residents' committee)."""
    base = division_name.removesuffix("居委会")
    return f"{base}工作站"


def observed_unit_code(name: str) -> str:
    """The unit code of a name from units_observed.txt (or of any name in the table).

    Other demo loaders use it to turn a handling-unit name of the records into a unit.
    Raises ``KeyError`` naming the unknown unit.
    """
    try:
        return OBSERVED_UNITS[name.strip()].code
    except KeyError:
        raise KeyError(f"单位名称不在演示单位编码表（grids/demo/unit_codes.py）中：{name}") from None
