"""Load the demo responsibility list: the taxonomy tree from ``taxonomy.csv`` and a rule for every leaf.

Codes: top classes ``01``..``15`` in the order they first appear in the file, middle classes
``0101``.., leaves ``0101001``... Rules come from ``matters_catalogue`` (our own table); units are
resolved by name, a missing unit falls back to the command centre (``PS-ZHZX``), else to territorial
(street) handling. Idempotent and bulk: a second run adds no rows and no rule versions; keywords of
existing nodes and rules that staff changed after ``EFFECTIVE_FROM`` are left as they are.
"""

import csv
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

from grids.models import Unit
from grievance.demo.matters_catalogue import (
    CENTRE,
    COMMUNITY,
    LEAF_KEYWORDS,
    LEAF_TARGETS,
    MIDDLE_TARGETS,
    STREET,
    TOP_TARGETS,
    URGENT_HOURS,
    WORKING_HOUR_LIMITS,
)
from grievance.models import ComplaintKind, HandlerRule, Matter, MatterRule, TimeUnit, UrgencyGrade
from grievance.services.matters import (
    MatterNode,
    keywords_normalize,
    matter_rule_spec_build,
    matter_rules_bulk_set,
    matters_tree_sync,
)

EFFECTIVE_FROM = date(2026, 1, 1)
CENTRE_CODE = "PS-ZHZX"
KINDS = [
    ComplaintKind.CONSULT,
    ComplaintKind.HELP,
    ComplaintKind.COMPLAINT,
    ComplaintKind.REPORT,
    ComplaintKind.SUGGESTION,
]
#: DOMAIN.md §2 (Guangdong 2022): consult 2, help/suggestion 10, complaint/report 15 working days.
KIND_DAYS = {"consult": 2, "help": 10, "suggestion": 10, "complaint": 15, "report": 15}
NAME_SPLIT_RE = re.compile(r"[和及与、，,]")
GENERIC_WORDS = {"其他", "管理", "办理", "问题", "工作", "事务", "政策"}


def _name_keywords(name: str) -> list[str]:
    if name in GENERIC_WORDS:
        return []
    parts = [p for p in NAME_SPLIT_RE.split(name) if len(p) >= 2 and p not in GENERIC_WORDS]
    return [name, *parts]


def _taxonomy(data_dir: Path) -> list[tuple[str, str, str]]:
    with open(Path(data_dir) / "taxonomy.csv", encoding="utf-8-sig", newline="") as handle:
        return [(r["top"].strip(), r["middle"].strip(), r["leaf"].strip()) for r in csv.DictReader(handle)]


def _tree_nodes(rows) -> tuple[list[MatterNode], list[tuple[str, str, str, str]]]:
    """Nodes in file order with generated codes, and (leaf code, top, middle, leaf) per row."""
    tops: dict[str, str] = {}
    middles: dict[tuple[str, str], str] = {}
    leaf_count: dict[str, int] = {}
    nodes, leaves = [], []
    for top, middle, leaf in rows:
        if top not in tops:
            tops[top] = f"{len(tops) + 1:02d}"
            nodes.append(MatterNode(tops[top], top, None, ""))
        if (top, middle) not in middles:
            count = sum(1 for key in middles if key[0] == top)
            middles[(top, middle)] = f"{tops[top]}{count + 1:02d}"
            keywords = ",".join(_name_keywords(middle)[1:])
            nodes.append(MatterNode(middles[(top, middle)], middle, tops[top], keywords))
        middle_code = middles[(top, middle)]
        leaf_count[middle_code] = leaf_count.get(middle_code, 0) + 1
        code = f"{middle_code}{leaf_count[middle_code]:03d}"
        words = [*_name_keywords(leaf), *_name_keywords(middle)[:1]]
        words += LEAF_KEYWORDS.get(leaf, "").split(",")
        nodes.append(MatterNode(code, leaf, middle_code, keywords_normalize(words)))
        leaves.append((code, top, middle, leaf))
    return nodes, leaves


def _rule_fields(top: str, middle: str, leaf: str, units: dict[str, Unit], centre: Unit | None) -> dict:
    target, co_names = LEAF_TARGETS.get((middle, leaf), (None, ()))
    department = MIDDLE_TARGETS.get((top, middle)) or TOP_TARGETS[top]
    target = target or department
    fields: dict = {"kinds": KINDS, "co_units": [units[n] for n in co_names if n in units]}
    if target in (STREET, COMMUNITY):
        fields["handler_rule"] = HandlerRule.STREET if target == STREET else HandlerRule.COMMUNITY
        supervisor = department if department not in (STREET, COMMUNITY) else TOP_TARGETS[top]
        fields["supervising_unit"] = units.get(supervisor)
    else:
        unit = centre if target == CENTRE else units.get(target, centre)
        if unit is None:
            fields["handler_rule"] = HandlerRule.STREET
        else:
            fields["handler_rule"], fields["handling_unit"] = HandlerRule.FIXED, unit
            fields["co_units"] = [u for u in fields["co_units"] if u.pk != unit.pk]
    hours = WORKING_HOUR_LIMITS.get((middle, leaf))
    limits = {kind: [days, TimeUnit.WORKING_DAY] for kind, days in KIND_DAYS.items()}
    if hours:
        for kind in ("help", "complaint", "report"):
            limits[kind] = [hours, TimeUnit.WORKING_HOUR]
    fields["kind_limits"] = limits
    fields["handle_limit"] = [hours, TimeUnit.WORKING_HOUR] if hours else [15, TimeUnit.WORKING_DAY]
    fields["sign_limit"] = [1, TimeUnit.WORKING_DAY]
    fields["urgent_sign_limit"] = ["0.5", TimeUnit.NATURAL_HOUR]
    urgent_hours = URGENT_HOURS.get((middle, leaf))
    fields["urgency_grade"] = UrgencyGrade.URGENT if urgent_hours else UrgencyGrade.NORMAL
    fields["urgent_handle_limit"] = [urgent_hours or 24, TimeUnit.NATURAL_HOUR]
    fields["extension_cap_days"], fields["return_window_days"] = 10, 2
    return fields


def demo_matters_load(*, data_dir) -> dict:
    """Upsert the demo tree and rules; returns ``{"top", "middle", "leaves"}`` counts."""
    rows = _taxonomy(data_dir)
    nodes, leaves = _tree_nodes(rows)
    # Staff edits win over the demo: stored keywords stay, and so do rules changed after the demo date.
    stored = set(Matter.objects.values_list("code", flat=True))
    tree = matters_tree_sync(nodes=[replace(n, keywords=None) if n.code in stored else n for n in nodes])
    edited = set(
        MatterRule.objects.filter(effective_from__gt=EFFECTIVE_FROM).values_list("matter_id", flat=True)
    )
    units: dict[str, Unit] = {}
    for unit in Unit.objects.filter(is_active=True).order_by("code"):
        units.setdefault(unit.name, unit)
    centre = Unit.objects.filter(code=CENTRE_CODE).first()
    items = [
        (
            tree.by_code[code],
            EFFECTIVE_FROM,
            matter_rule_spec_build(**_rule_fields(top, middle, leaf, units, centre)),
        )
        for code, top, middle, leaf in leaves
        if tree.by_code[code].pk not in edited
    ]
    matter_rules_bulk_set(items=items)
    levels = [len(node.code) for node in nodes]
    return {"top": levels.count(2), "middle": levels.count(4), "leaves": levels.count(7)}
