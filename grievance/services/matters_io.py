"""Import and export of the responsibility list as one flat table (CSV or XLSX), one row per leaf.

Columns (English keys or the Chinese headers the export writes): ``COLUMNS``. Values may use codes
(``working_day``, ``fixed``, ``complaint``) or their Chinese names (工作日, 固定部门, 投诉); units are
given by unit code (or exact unit name). An import validates every row before writing anything and
writes in one transaction: any bad row means nothing is written. Whatever the file holds, the result
is an ``ImportReport``, never an exception. Export writes the same format, so export → import is a
round trip that adds no rule versions.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError
from grids.models import Unit
from grievance.models import HandlerRule, Matter, UrgencyGrade
from grievance.selectors.matters import matter_leaves_with_latest_rule, matter_path
from grievance.services.matters import (
    MatterNode,
    keywords_normalize,
    matter_rule_spec_build,
    matter_rules_bulk_set,
    matters_tree_sync,
)
from grievance.services.matters_table import (
    COLUMNS,
    LIST_SPLIT_RE,
    RULE_COLUMNS,
    ImportReport,
    file_read_bytes,
    header_key,
    limit_text,
    parse_choice,
    parse_date,
    parse_kind_limits,
    parse_kinds,
    parse_limit,
    table_load,
    value_label,
)

LEAF_CODE_RE = re.compile(r"^\d{7}$")


@dataclass
class _Row:
    line: int
    top: str
    middle: str
    leaf: str
    code: str
    keywords: str | None
    effective_from: date
    spec: object | None


# --- parsing rows --------------------------------------------------------------------------------


def _header(cells: list[str], report: ImportReport) -> dict[str, int] | None:
    positions, labels = {}, {}
    for index, cell in enumerate(cells):
        key = header_key(cell)
        if key is None:
            if cell:
                report.warning(1, cell, _("无法识别的列，已忽略"))
            continue
        if key in positions:
            report.error(1, cell, _("列重复"))
            continue
        positions[key], labels[key] = index, cell
    report.labels.update(labels)
    if not positions:
        report.error(
            1,
            "file",
            _("表头无法识别：第一行应为列名（如 一级分类、二级分类、三级分类 或 top、middle、leaf）"),
        )
        return None
    missing = [COLUMNS[key] for key in ("top", "middle", "leaf") if key not in positions]
    if missing:
        report.error(1, "file", _("缺少必需列：%(cols)s") % {"cols": "、".join(missing)})
        return None
    return positions


class _Units:
    def __init__(self):
        self.by_code = {u.code: u for u in Unit.objects.all()}
        self.by_name: dict[str, list[Unit]] = {}
        for unit in self.by_code.values():
            self.by_name.setdefault(unit.name, []).append(unit)

    def get(self, text: str) -> Unit:
        unit = self.by_code.get(text) or self.by_code.get(text.upper())
        if unit is None and len(self.by_name.get(text, [])) == 1:
            unit = self.by_name[text][0]
        if unit is None:
            raise ValueError(_("未知的单位编码：%(code)s") % {"code": text})
        return unit


def _rule_kwargs(cell, units: _Units, report: ImportReport, line: int) -> dict:
    """The rule columns of one row as ``matter_rule_spec_build`` arguments; errors go to the report."""
    kwargs = {}
    parsers = {
        "kinds": parse_kinds,
        "handler_rule": lambda t: parse_choice(t, HandlerRule),
        "handling_unit": units.get,
        "supervising_unit": units.get,
        "co_units": lambda t: [units.get(part) for part in LIST_SPLIT_RE.split(t) if part.strip()],
        "urgency_grade": lambda t: parse_choice(t, UrgencyGrade),
        "kind_limits": parse_kind_limits,
        "extension_cap_days": str,
        "return_window_days": str,
        **{
            name: parse_limit
            for name in ("sign_limit", "handle_limit", "urgent_sign_limit", "urgent_handle_limit")
        },
    }
    for key, parse in parsers.items():
        text = cell(key)
        if not text:
            continue
        try:
            kwargs[key] = parse(text)
        except ValueError as exc:
            report.error(line, report.label(key), str(exc))
    if "handler_rule" not in kwargs and not cell("handler_rule"):
        if "handling_unit" in kwargs or cell("handling_unit"):
            kwargs["handler_rule"] = HandlerRule.FIXED
        else:
            report.error(
                line, report.label("handler_rule"), _("承办方式必填（固定部门、属地街道或属地社区）")
            )
    return kwargs


def _parse_rows(table, report: ImportReport) -> list[_Row]:
    header_line, header_cells = next(((ln, cells) for ln, cells in table if any(cells)), (1, []))
    positions = _header(header_cells, report)
    if positions is None:
        return []
    units, rows, today = _Units(), [], timezone.localdate()
    for line, cells in table:
        if line <= header_line or not any(cells):
            continue
        report.rows += 1

        def cell(key, cells=cells):
            index = positions.get(key)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        before = len(report.errors)
        names = {key: cell(key) for key in ("top", "middle", "leaf")}
        for key, name in names.items():
            if not name:
                report.error(line, report.label(key), _("不能为空"))
            elif len(name) > 64:
                report.error(line, report.label(key), _("名称不能超过64个字"))
        try:
            effective_from = parse_date(cell("effective_from")) if cell("effective_from") else today
        except ValueError as exc:
            report.error(line, report.label("effective_from"), str(exc))
            effective_from = today
        spec = None
        if any(cell(key) for key in RULE_COLUMNS):
            kwargs = _rule_kwargs(cell, units, report, line)
            if len(report.errors) == before:
                try:
                    spec = matter_rule_spec_build(**kwargs)
                except ApplicationError as exc:
                    for field, messages in exc.errors.items():
                        for message in messages:
                            report.error(line, report.label(field), message)
        if len(report.errors) > before:
            continue  # reported; duplicates among the remaining rows are still checked by _plan
        keywords = keywords_normalize(cell("keywords")) if "keywords" in positions else None
        rows.append(_Row(line, *names.values(), cell("code"), keywords, effective_from, spec))
    if not report.rows and not report.errors:
        report.error(None, "file", _("文件没有数据行"))
    return rows


# --- planning codes and writing ------------------------------------------------------------------


def _next_code(prefix: str, width: int, used: set[str]) -> str:
    """The next free ``prefix`` + ``width``-digit code after the highest one in use."""
    suffixes = (c[len(prefix) :] for c in used if c.startswith(prefix) and len(c) == len(prefix) + width)
    number = max((int(s) for s in suffixes if s.isdigit()), default=0) + 1
    while f"{prefix}{number:0{width}d}" in used:
        number += 1
    return f"{prefix}{number:0{width}d}"


def _plan(rows: list[_Row], report: ImportReport):
    """Give every top, middle and leaf a code: existing by name, else derived from a 7-digit leaf code
    (``0101001`` → ``01``, ``0101``), else the next free one. Returns (nodes, rule items, where)."""
    stored = list(Matter.objects.values_list("code", "name", "parent__code"))
    used = {code for code, *_rest in stored}
    child = {(parent, name): code for code, name, parent in stored}
    nodes: dict[str, MatterNode] = {}
    where: dict[str, tuple[int, str]] = {}
    leaf_lines: dict[str, int] = {}
    path_lines: dict[tuple[str, str], int] = {}
    items = []

    def node(parent: str | None, name: str, derived: str | None, width: int, row: _Row, column: str) -> str:
        code = child.get((parent, name))
        if code is None:
            code = derived if derived and derived not in used else _next_code(parent or "", width, used)
            used.add(code)
            child[(parent, name)] = code
            nodes[code] = MatterNode(code, name, parent)
            where[code] = (row.line, column)
        return code

    for row in rows:
        scheme = bool(LEAF_CODE_RE.match(row.code))
        top = node(None, row.top, row.code[:2] if scheme else None, 2, row, "top")
        middle = node(
            top, row.middle, row.code[:4] if scheme and row.code[:2] == top else None, 2, row, "middle"
        )
        code = row.code or child.get((middle, row.leaf)) or _next_code(middle, 3, used)
        if code in leaf_lines:
            report.error(
                row.line, report.label("code"), _("事项编码与第 %(n)d 行重复") % {"n": leaf_lines[code]}
            )
            continue
        if (middle, row.leaf) in path_lines:
            line = path_lines[(middle, row.leaf)]
            report.error(row.line, report.label("leaf"), _("三级分类与第 %(n)d 行重复") % {"n": line})
            continue
        if code in nodes:
            report.error(row.line, report.label("code"), _("事项编码 %(c)s 已被上级分类占用") % {"c": code})
            continue
        leaf_lines[code], path_lines[(middle, row.leaf)] = row.line, row.line
        used.add(code)
        nodes[code] = MatterNode(code, row.leaf, middle, row.keywords)
        where[code] = (row.line, "code" if row.code else "leaf")
        if row.spec is not None:
            items.append((code, row.effective_from, row.spec))
    return list(nodes.values()), items, where


def matters_import(*, file, format: str | None = None, dry_run: bool = False) -> ImportReport:
    """Import a CSV/XLSX responsibility list (path, bytes or file object). All rows are validated
    first; with any error nothing is written. ``dry_run`` runs everything and rolls back, so its
    counts are exactly what a real import would do."""
    report = ImportReport(dry_run=dry_run)
    if format not in (None, "csv", "xlsx"):
        report.error(None, "format", _("格式应为 csv 或 xlsx"))
        return report
    if format is None and isinstance(file, str | Path):
        format = {".xlsx": "xlsx", ".csv": "csv"}.get(Path(file).suffix.lower())
    try:
        data = file_read_bytes(file)
    except OSError as exc:
        report.error(None, "file", _("无法读取文件：%(e)s") % {"e": exc})
        return report
    table = table_load(data, format, report)
    if table is None or report.errors:
        return report
    rows = _parse_rows(table, report)
    nodes, items, where = _plan(rows, report)
    if report.errors:
        return report
    try:
        with transaction.atomic():
            tree = matters_tree_sync(nodes=nodes)
            rules = matter_rules_bulk_set(items=[(tree.by_code[c], day, spec) for c, day, spec in items])
            if dry_run:
                transaction.set_rollback(True)
    except ApplicationError as exc:
        for code, messages in exc.errors.items():
            line, column = where.get(code, (None, "file"))
            for message in messages:
                report.error(line, report.label(column), message)
        if not exc.errors:
            report.error(None, "file", exc.message)
        return report
    report.matters_created, report.matters_updated = tree.created, tree.updated
    report.rules_added, report.rules_unchanged = rules["added"], rules["unchanged"]
    return report


# --- export --------------------------------------------------------------------------------------


def _export_rows(matters, zh: bool) -> list[list[str]]:
    rows = []
    for leaf, rule in matter_leaves_with_latest_rule(matters=matters):
        row = [*matter_path(leaf), leaf.code, leaf.keywords]
        if rule is not None:
            kind_limits = ";".join(
                f"{value_label(kind, zh)}={limit_text(amount, unit, zh)}"
                for kind, (amount, unit) in (rule.kind_limits or {}).items()
            )
            row += [
                ",".join(value_label(kind, zh) for kind in rule.kinds or []),
                value_label(rule.handler_rule, zh),
                rule.handling_unit.code if rule.handling_unit else "",
                rule.supervising_unit.code if rule.supervising_unit else "",
                ",".join(sorted(u.code for u in rule.co_units.all())),
                value_label(rule.urgency_grade, zh),
                limit_text(rule.sign_limit_amount, rule.sign_limit_unit, zh),
                limit_text(rule.handle_limit_amount, rule.handle_limit_unit, zh),
                kind_limits,
                limit_text(rule.urgent_sign_limit_amount, rule.urgent_sign_limit_unit, zh),
                limit_text(rule.urgent_handle_limit_amount, rule.urgent_handle_limit_unit, zh),
                str(rule.extension_cap_days),
                str(rule.return_window_days),
                rule.effective_from.isoformat(),
            ]
        rows.append(row + [""] * (len(COLUMNS) - len(row)))
    return rows


def matters_export(*, format: str = "xlsx", language: str = "zh", matters=None) -> bytes:
    """The leaves (all, or those under ``matters``) with their newest rule, one row each. ``language``
    ``zh`` writes Chinese headers and value names for staff; ``en`` writes keys and codes."""
    if format not in ("csv", "xlsx") or language not in ("zh", "en"):
        raise ApplicationError(_("导出格式应为 csv 或 xlsx，语言应为 zh 或 en"))
    zh = language == "zh"
    header = list(COLUMNS.values()) if zh else list(COLUMNS)
    rows = _export_rows(matters, zh)
    if format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        return buffer.getvalue().encode("utf-8-sig")  # the BOM lets Excel open Chinese text correctly
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "职责清单"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for index, key in enumerate(COLUMNS, start=1):
        letter = openpyxl.utils.get_column_letter(index)
        sheet.column_dimensions[letter].width = 24 if key in ("kind_limits", "keywords") else 14
        if key == "code":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "@"  # keep leading zeros when staff edit the sheet
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
