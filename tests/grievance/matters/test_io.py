import io

import openpyxl
import pytest

from grievance.models import Matter, MatterRule
from grievance.services.matters_io import matters_export, matters_import

HEADER_EN = (
    "top,middle,leaf,code,keywords,kinds,handler_rule,handling_unit,supervising_unit,co_units,urgency_grade,"
    "sign_limit,handle_limit,kind_limits,urgent_sign_limit,urgent_handle_limit,extension_cap_days,"
    "return_window_days,effective_from"
)
GOOD_ROWS = [
    ",".join(
        [
            "城乡建设,城市建设和市政管理,环境卫生,0101001",
            '"垃圾,保洁","consult,complaint",street,,PS-CG,,normal,1 working_day,4 working_hour',
            "consult=2 working_day;complaint=4 working_hour,0.5 natural_hour,24 natural_hour,10,2,2026-01-01",
        ]
    ),
    ",".join(
        [
            "城乡建设,城市建设和市政管理,燃气供应,0101002,燃气,,fixed,PS-ZJ,,PS-HB,urgent",
            "1 working_day,15 working_day,,0.5 natural_hour,24 natural_hour,10,2,2026-01-01",
        ]
    ),
    "环境保护,环境污染,水污染,0201001,污水,投诉,固定部门,PS-HB,,,一般,"
    "1 工作日,15 工作日,投诉=15 工作日,,,,,2026-01-01",
]


def csv_bytes(rows, header=HEADER_EN, encoding="utf-8") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def counts() -> tuple[int, int]:
    return Matter.objects.count(), MatterRule.objects.count()


@pytest.mark.django_db
def test_csv_import_happy_path(units):
    report = matters_import(file=csv_bytes(GOOD_ROWS), format="csv")
    assert report.ok, report.as_text()
    assert (report.rows, report.matters_created, report.rules_added) == (3, 7, 3)
    assert counts() == (7, 3)
    gas = MatterRule.objects.get(matter__code="0101002")
    assert gas.handling_unit.code == "PS-ZJ" and gas.urgency_grade == "urgent"
    assert list(gas.co_units.values_list("code", flat=True)) == ["PS-HB"]
    cleaning = MatterRule.objects.get(matter__code="0101001")
    assert cleaning.handler_rule == "street" and cleaning.handling_unit is None
    assert cleaning.kind_limits == {"consult": [2, "working_day"], "complaint": [4, "working_hour"]}
    assert Matter.objects.get(code="0101001").keywords == "垃圾,保洁"
    # Codes of new top and middle classes follow the 7-digit leaf codes.
    assert Matter.objects.get(code="02").name == "环境保护"
    assert Matter.objects.get(code="0201").name == "环境污染"
    again = matters_import(file=csv_bytes(GOOD_ROWS), format="csv")
    assert again.ok and again.rules_added == 0 and again.rules_unchanged == 3
    assert counts() == (7, 3)


@pytest.mark.django_db
def test_xlsx_import_with_chinese_headers(units):
    rows = [
        ["一级分类", "二级分类", "三级分类", "事项编码", "承办方式", "承办单位编码", "办理时限", "生效日期"],
        ["城乡建设", "城乡规划", "违章建筑", "0102001", "属地街道", None, "4 工作小时", "2026-01-01"],
        ["城乡建设", "城乡规划", "规划方案", None, "固定部门", "城市管理局", "15 工作日", None],
    ]
    report = matters_import(file=xlsx_bytes(rows), format="xlsx")
    assert report.ok, report.as_text()
    assert report.format == "xlsx" and report.rules_added == 2
    plan = Matter.objects.get(name="规划方案")
    assert plan.code == "0102002"  # generated under the middle class
    assert plan.rules.get().handling_unit.code == "PS-CG"  # unit given by its exact name


@pytest.mark.django_db
def test_dry_run_writes_nothing_but_counts(units):
    report = matters_import(file=csv_bytes(GOOD_ROWS), format="csv", dry_run=True)
    assert report.ok and report.dry_run
    assert (report.matters_created, report.rules_added) == (7, 3)
    assert counts() == (0, 0)


@pytest.mark.django_db
def test_bad_rows_are_reported_with_lines_and_nothing_is_written(units):
    matters_import(file=csv_bytes(GOOD_ROWS[:1]), format="csv")
    before = counts()
    rows = [
        GOOD_ROWS[1],
        "城乡建设,城市建设和市政管理,路灯,0101003,,,fixed,PS-NOPE,,,,,,,,,,,",
        "城乡建设,城市建设和市政管理,井盖,0101004,,,fixed,PS-CG,,,,1 fortnight,,,,,,,",
        "城乡建设,城市建设和市政管理,,0101005,,,street,,,,,,,,,,,,",
        "城乡建设,城市建设和市政管理,燃气供应,0101006,,,street,,,,,,,,,,,,",
        "城乡建设,城市建设和市政管理,树木,0101007,,,street,PS-CG,,,,,,,,,,,",
        "城乡建设,城市建设和市政管理,桥梁,0101008,,,fixed,PS-CG,,,,,,consult:two days,,,,,2026-02-30",
    ]
    report = matters_import(file=csv_bytes(rows), format="csv")
    assert not report.ok
    found = {(e.line, e.column) for e in report.errors}
    assert (3, "handling_unit") in found  # unknown unit code
    assert (4, "sign_limit") in found  # bad limit
    assert (5, "leaf") in found  # missing leaf
    assert (6, "leaf") in found  # duplicate leaf (same path as line 2)
    assert (7, "handling_unit") in found  # a street rule naming a unit
    assert (8, "kind_limits") in found and (8, "effective_from") in found
    assert (2, "handling_unit") not in found
    assert counts() == before
    assert "第3行" in report.as_text()


@pytest.mark.django_db
def test_rule_starting_before_latest_version_is_a_row_error(units):
    matters_import(file=csv_bytes(GOOD_ROWS), format="csv")
    changed = GOOD_ROWS[2].replace("15 工作日,投诉", "10 工作日,投诉").replace("2026-01-01", "2025-06-01")
    before = counts()
    report = matters_import(file=csv_bytes([GOOD_ROWS[0], changed]), format="csv")
    assert not report.ok
    assert [(e.line, e.column) for e in report.errors] == [(3, "code")]
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "format", "needle"),
    [
        (b"", None, "空"),
        (b"   \n\n", "csv", "空"),
        (bytes(range(256)) * 20, None, "二进制"),
        (b"\x89PNG\r\n\x1a\n" + b"\xff\xfe\xfd" * 200, "csv", "编码"),
        (b"PK\x03\x04 this is not really a zip", None, "XLSX"),
        (b"name,colour\nfoo,red\n", "csv", "表头"),
        ("一级分类,二级分类\n城乡建设,安全生产\n".encode(), "csv", "缺少必需列"),
        (b"top,middle,leaf\n", "csv", "没有数据行"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, None, ".xls"),
        (b'top,middle,leaf\n"unterminated\n', "csv", ""),
        (b"top,middle,leaf\n", "xml", "格式"),
    ],
)
def test_garbage_gives_a_report_never_an_exception(units, data, format, needle):
    report = matters_import(file=data, format=format)
    assert not report.ok
    assert needle in report.as_text()
    assert counts() == (0, 0)


@pytest.mark.django_db
def test_gbk_csv_is_detected(units):
    data = csv_bytes(GOOD_ROWS[2:], encoding="gbk")
    report = matters_import(file=data, format="csv")
    assert report.ok, report.as_text()
    assert report.encoding == "gb18030" and report.warnings
    assert Matter.objects.filter(name="水污染", level=3).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("format", "language"), [("csv", "zh"), ("xlsx", "zh"), ("csv", "en"), ("xlsx", "en")]
)
def test_export_import_round_trip(units, format, language):
    matters_import(file=csv_bytes(GOOD_ROWS), format="csv")
    exported = matters_export(format=format, language=language)

    def snapshot():
        rows = []
        for rule in MatterRule.objects.select_related("matter__parent__parent").prefetch_related("co_units"):
            m = rule.matter
            co_units = tuple(u.pk for u in rule.co_units.all())
            unit_ids = (rule.handling_unit_id, rule.supervising_unit_id, co_units)
            names = (m.parent.parent.name, m.parent.name, m.name, m.code, m.keywords)
            limits = (rule.kind_limits, rule.handle_limit_amount, rule.urgent_handle_limit_unit)
            how = (rule.version, tuple(rule.kinds), rule.handler_rule, rule.effective_from)
            rows.append((*names, *how, unit_ids, limits))
        return sorted(rows)

    original = snapshot()
    report = matters_import(file=exported, format=format)
    assert report.ok, report.as_text()
    assert report.rules_added == 0 and report.rules_unchanged == 3 and report.matters_created == 0
    # Into an empty database the export rebuilds the same tree and rules.
    MatterRule.objects.all().delete()
    Matter.objects.filter(level=3).delete()
    Matter.objects.filter(level=2).delete()
    Matter.objects.all().delete()
    report = matters_import(file=exported, format=format)
    assert report.ok, report.as_text()
    assert snapshot() == original


@pytest.mark.django_db
def test_export_uses_chinese_headers_and_labels(units):
    matters_import(file=csv_bytes(GOOD_ROWS), format="csv")
    text = matters_export(format="csv").decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header.startswith("一级分类,二级分类,三级分类,事项编码")
    assert "属地街道" in first and "4 工作小时" in first and "咨询=2 工作日" in first
    sheet = openpyxl.load_workbook(io.BytesIO(matters_export(format="xlsx"))).active
    assert sheet["A1"].value == "一级分类" and sheet["D2"].value == "0101001"
