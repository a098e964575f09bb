"""The flat table format of the responsibility list: columns, header aliases, reading CSV/XLSX bytes
into rows, cell parsers and the import report. No database access (``matters_io`` uses them)."""

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
from django.utils import translation
from django.utils.translation import gettext as _

from grievance.models import ComplaintKind, HandlerRule, TimeUnit, UrgencyGrade

#: Column key → the Chinese header the export writes. The order is the file's column order.
COLUMNS: dict[str, str] = {
    "top": "一级分类",
    "middle": "二级分类",
    "leaf": "三级分类",
    "code": "事项编码",
    "keywords": "关键词",
    "kinds": "适用诉求类型",
    "handler_rule": "承办方式",
    "handling_unit": "承办单位编码",
    "supervising_unit": "主管部门编码",
    "co_units": "协办单位编码",
    "urgency_grade": "紧急程度",
    "sign_limit": "签收时限",
    "handle_limit": "办理时限",
    "kind_limits": "分类型办理时限",
    "urgent_sign_limit": "紧急签收时限",
    "urgent_handle_limit": "紧急办理时限",
    "extension_cap_days": "延期上限（工作日）",
    "return_window_days": "退单时限（工作日）",
    "effective_from": "生效日期",
}
RULE_COLUMNS = tuple(COLUMNS)[5:18]
EXTRA_ALIASES = {
    "大类": "top",
    "一级": "top",
    "中类": "middle",
    "二级": "middle",
    "小类": "leaf",
    "三级": "leaf",
    "事项名称": "leaf",
    "编码": "code",
    "诉求类型": "kinds",
    "承办单位确定方式": "handler_rule",
    "承办单位": "handling_unit",
    "主管部门": "supervising_unit",
    "主管单位": "supervising_unit",
    "主管单位编码": "supervising_unit",
    "协办单位": "co_units",
    "延期上限": "extension_cap_days",
    "退单时限": "return_window_days",
    "按诉求类型的办理时限": "kind_limits",
}
LIST_SPLIT_RE = re.compile(r"[,，、;；\n]+")
KIND_LIMIT_SPLIT_RE = re.compile(r"[;；\n]+")
KIND_LIMIT_RE = re.compile(r"^\s*([^=:：]+?)\s*[=:：]\s*(.+?)\s*$")
LIMIT_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([^\d\s].*?)\s*$")
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20000
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")


def _normalize_header(text: str) -> str:
    text = (text or "").replace("\ufeff", "").replace("（", "(").replace("）", ")")
    return re.sub(r"[\s*＊]", "", text).lower()


_HEADERS = {
    **{_normalize_header(key): key for key in COLUMNS},
    **{_normalize_header(label): key for key, label in COLUMNS.items()},
    **{_normalize_header(label): key for label, key in EXTRA_ALIASES.items()},
}


def header_key(text: str) -> str | None:
    """The column key of a header cell (English key or Chinese alias), or None."""
    return _HEADERS.get(_normalize_header(text))


def _names(choices) -> dict[str, str]:
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in choices.choices}


_CHOICE_CLASSES = (ComplaintKind, HandlerRule, UrgencyGrade, TimeUnit)
_ZH_NAMES = {value: name for cls in _CHOICE_CLASSES for value, name in _names(cls).items()}
_ALIASES = {HandlerRule: {"部门": "fixed", "固定": "fixed", "街道": "street", "社区": "community"}}


def value_label(value: str, zh: bool) -> str:
    """How the export writes a choice value: its Chinese name (zh) or the code itself."""
    return _ZH_NAMES.get(value, value) if zh else value


def parse_choice(text: str, choices) -> str:
    text = text.strip()
    lookup = {value: value for value in choices.values}
    lookup.update({name: value for value, name in _names(choices).items()})
    lookup.update(_ALIASES.get(choices, {}))
    value = lookup.get(text) or lookup.get(text.lower())
    if value is None:
        allowed = "、".join(f"{name}（{value}）" for value, name in _names(choices).items())
        raise ValueError(_("无法识别“%(text)s”，可填：%(allowed)s") % {"text": text, "allowed": allowed})
    return value


def parse_kinds(text: str) -> list[str]:
    """Comma list of kinds; ``全部``/``all`` means every kind (stored as an empty list)."""
    parts = [p.strip() for p in re.split(r"[,，、;；\s]+", text) if p.strip()]
    if any(p in ("全部", "all") for p in parts):
        return []
    return [parse_choice(p, ComplaintKind) for p in parts]


def parse_limit(text: str) -> tuple[Decimal, str]:
    """``1 working_day``, ``4工作小时``, ``0.5 自然小时`` → (amount, unit)."""
    match = LIMIT_RE.match(text or "")
    if not match:
        raise ValueError(_("时限格式应为“数量 单位”，如“1 工作日”或“4 working_hour”：%(t)s") % {"t": text})
    return Decimal(match.group(1)), parse_choice(match.group(2), TimeUnit)


def parse_kind_limits(text: str) -> dict[str, tuple[Decimal, str]]:
    """``consult=2 working_day;complaint=15 working_day`` (``:`` or Chinese punctuation also work)."""
    limits = {}
    for part in KIND_LIMIT_SPLIT_RE.split(text):
        if not part.strip():
            continue
        match = KIND_LIMIT_RE.match(part)
        if not match:
            raise ValueError(_("分类型时限应写成“类型=数量 单位”：%(t)s") % {"t": part.strip()})
        kind, limit = match.groups()
        key = parse_choice(kind, ComplaintKind)
        if key in limits:
            raise ValueError(_("诉求类型重复：%(k)s") % {"k": kind.strip()})
        limits[key] = parse_limit(limit)
    return limits


def parse_date(text: str) -> date:
    match = DATE_RE.match(text.strip())
    try:
        if not match:
            raise ValueError
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise ValueError(_("日期格式应为 2026-01-01：%(t)s") % {"t": text}) from None


def limit_text(amount, unit: str, zh: bool) -> str:
    number = format(Decimal(str(amount)).normalize(), "f")
    return f"{number} {value_label(unit, zh)}"


@dataclass
class ImportIssue:
    line: int | None
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    """What an import did or would do. ``ok`` is False when any error was found (then nothing was
    written). Lines are the file's line numbers (1 = the header row)."""

    dry_run: bool = False
    format: str = ""
    encoding: str = ""
    rows: int = 0
    matters_created: int = 0
    matters_updated: int = 0
    rules_added: int = 0
    rules_unchanged: int = 0
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, line: int | None, column: str, message: str) -> None:
        self.errors.append(ImportIssue(line, column, str(message)))

    def warning(self, line: int | None, column: str, message: str) -> None:
        self.warnings.append(ImportIssue(line, column, str(message)))

    def label(self, key: str) -> str:
        """The header the file used for a column key (or the Chinese one)."""
        return self.labels.get(key) or COLUMNS.get(key, key)

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "format": self.format,
            "encoding": self.encoding,
            "rows": self.rows,
            "matters_created": self.matters_created,
            "matters_updated": self.matters_updated,
            "rules_added": self.rules_added,
            "rules_unchanged": self.rules_unchanged,
            "errors": [issue.as_dict() for issue in self.errors],
            "warnings": [issue.as_dict() for issue in self.warnings],
        }

    def as_text(self) -> str:
        def where(issue: ImportIssue) -> str:
            return f"第{issue.line}行 " if issue.line else ""

        lines = [
            _("数据行 %(rows)d；新增事项 %(c)d，更新事项 %(u)d；新增规则版本 %(a)d，规则未变 %(s)d%(dry)s")
            % {
                "rows": self.rows,
                "c": self.matters_created,
                "u": self.matters_updated,
                "a": self.rules_added,
                "s": self.rules_unchanged,
                "dry": _("（试导入，未写入）") if self.dry_run else "",
            }
        ]
        warning_label, error_label = _("警告"), _("错误")
        lines += [f"{warning_label}：{where(w)}[{w.column}] {w.message}" for w in self.warnings]
        lines += [f"{error_label}：{where(e)}[{e.column}] {e.message}" for e in self.errors]
        if self.errors:
            lines.append(_("共 %(n)d 处错误，未写入任何数据") % {"n": len(self.errors)})
        return "\n".join(lines)


# --- reading a file into a table of (line, cells) ---------------------------------------------------


def file_read_bytes(file) -> bytes:
    if isinstance(file, bytes | bytearray):
        return bytes(file[: MAX_BYTES + 1])
    if isinstance(file, str | Path):
        with open(file, "rb") as handle:
            return handle.read(MAX_BYTES + 1)
    data = file.read(MAX_BYTES + 1)
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def _decode(data: bytes, report: ImportReport) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        data, encodings = data[len(codecs.BOM_UTF8) :], ["utf-8"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif b"\x00" in data:
        report.error(None, "file", _("文件含有二进制内容，不是 CSV 文本文件"))
        return None
    else:
        encodings = ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        report.encoding = encoding
        if encoding == "gb18030":
            report.warning(None, "file", _("文件不是 UTF-8 编码，已按 GBK/GB18030 读取，请核对汉字是否正确"))
        controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t")
        if controls > max(2, len(text) // 100):
            report.error(None, "file", _("文件含有大量控制字符，不是 CSV 文本文件"))
            return None
        return text
    report.error(None, "file", _("无法识别文件编码（应为 UTF-8 或 GBK）"))
    return None


def _csv_table(text: str, report: ImportReport) -> list[tuple[int, list[str]]] | None:
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",\t;", key=lambda d: sum(1 for cell in first.split(d) if header_key(cell)))
    table, previous_end = [], 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            table.append((previous_end + 1, [cell.strip() for cell in record]))
            previous_end = reader.line_num
            if len(table) > MAX_ROWS + 1:
                report.error(None, "file", _("数据行超过上限 %(n)d 行") % {"n": MAX_ROWS})
                return None
    except csv.Error as exc:
        report.error(previous_end + 1, "file", _("CSV 格式错误：%(e)s") % {"e": exc})
        return None
    return table


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):  # datetime is a date too
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_table(data: bytes, report: ImportReport) -> list[tuple[int, list[str]]] | None:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many different errors on junk; all mean "unreadable"
        report.error(None, "file", _("无法读取 XLSX 文件（%(e)s）") % {"e": exc.__class__.__name__})
        return None
    try:
        sheet = workbook.worksheets[0]
        table = []
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            table.append((line, [_cell_text(v) for v in values]))
            if len(table) > MAX_ROWS + 1:
                report.error(None, "file", _("数据行超过上限 %(n)d 行") % {"n": MAX_ROWS})
                return None
        return table
    except Exception as exc:  # a corrupt sheet inside a valid zip
        report.error(None, "file", _("无法读取 XLSX 工作表（%(e)s）") % {"e": exc.__class__.__name__})
        return None
    finally:
        workbook.close()


def table_load(data: bytes, format: str | None, report: ImportReport):
    if not data.strip():
        report.error(None, "file", _("文件为空"))
        return None
    if len(data) > MAX_BYTES:
        report.error(None, "file", _("文件超过 %(n)d MB") % {"n": MAX_BYTES // (1024 * 1024)})
        return None
    if data.startswith(XLS_MAGIC):
        report.error(None, "file", _("不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV"))
        return None
    if data.startswith(XLSX_MAGIC):
        if format == "csv":
            report.warning(None, "file", _("文件内容是 XLSX，已按 XLSX 读取"))
        report.format = "xlsx"
        return _xlsx_table(data, report)
    if format == "xlsx":
        report.error(None, "file", _("不是有效的 XLSX 文件"))
        return None
    report.format = "csv"
    text = _decode(data, report)
    return None if text is None else _csv_table(text, report)
