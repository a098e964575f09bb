"""Writes to the responsibility list (职责清单): the matter tree (here) and the versioned rules of its
leaves (``grievance.services.matter_rules``, re-exported).

Invariants kept here:
- a node's level is its parent's level + 1 (1 top class, 2 middle class, 3 leaf); codes are unique and
  names are unique under one parent; a node with children or rules never changes level;
- only leaves carry rules; a rule is never edited in place: a rule whose fields differ from the latest
  version becomes version + 1 and older versions stay, because a complaint keeps the rule that was in
  force when it was received; an identical rule adds nothing (whatever its ``effective_from``);
- a new version never starts before the latest one, so "the rule in force on a date" is unambiguous.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError
from grievance.models import Matter, MatterRule

# Rules live in their own module; re-exported so callers import every matter write from here.
from grievance.services.matter_rules import (  # noqa: F401
    RULE_FIELDS,
    MatterRuleSpec,
    matter_rule_set,
    matter_rule_spec_build,
    matter_rules_bulk_set,
)

CODE_RE = re.compile(r"^[0-9A-Za-z_.-]{1,16}$")
KEYWORD_SPLIT_RE = re.compile(r"[,，、;；\s]+")
MAX_LEVEL = 3
MAX_NAME_LENGTH = 64
MAX_KEYWORDS_LENGTH = 512


def keywords_normalize(keywords: str | Iterable[str] | None) -> str:
    """Comma-joined, de-duplicated keywords; accepts a string split on commas/spaces or a list."""
    if not keywords:
        return ""
    items = [keywords] if isinstance(keywords, str) else [str(k) for k in keywords]
    parts = [p.strip() for item in items for p in KEYWORD_SPLIT_RE.split(item)]
    return ",".join(dict.fromkeys(p for p in parts if p))


# --- the tree ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatterNode:
    """What one node should look like after a sync. ``None`` keeps the stored value."""

    code: str
    name: str
    parent_code: str | None
    keywords: str | None = None
    is_active: bool | None = None


@dataclass
class MatterTreeResult:
    created: int
    updated: int
    unchanged: int
    by_code: dict[str, Matter]


def _tree_plan(nodes: Sequence[MatterNode]):
    """Validate the nodes against the stored tree; return (wanted, levels, existing, errors by code)."""
    existing = {m.code: m for m in Matter.objects.all()}
    code_by_id = {m.pk: code for code, m in existing.items()}
    with_rules = set(MatterRule.objects.values_list("matter_id", flat=True).distinct())
    errors: dict[str, list[str]] = defaultdict(list)
    wanted: dict[str, MatterNode] = {}
    for node in nodes:
        code = (node.code or "").strip()
        name = (node.name or "").strip()
        key = code or "?"
        if not CODE_RE.match(code):
            errors[key].append(_("事项编码应为1至16位字母、数字、点、横线或下划线"))
            continue
        if code in wanted:
            errors[code].append(_("事项编码重复"))
            continue
        if not name or len(name) > MAX_NAME_LENGTH:
            errors[code].append(_("事项名称不能为空且不超过%(n)d个字") % {"n": MAX_NAME_LENGTH})
            continue
        keywords = None if node.keywords is None else keywords_normalize(node.keywords)
        if keywords and len(keywords) > MAX_KEYWORDS_LENGTH:
            errors[code].append(_("关键词过长（最多%(n)d个字符）") % {"n": MAX_KEYWORDS_LENGTH})
        parent_code = (node.parent_code or "").strip() or None
        wanted[code] = MatterNode(code, name, parent_code, keywords, node.is_active)

    def parent_of(code: str) -> str | None:
        if code in wanted:
            return wanted[code].parent_code
        return code_by_id.get(existing[code].parent_id)

    def name_of(code: str) -> str:
        return wanted[code].name if code in wanted else existing[code].name

    levels: dict[str, int] = {}
    for code in wanted:
        level, cursor = 1, parent_of(code)
        while cursor is not None and level <= MAX_LEVEL:
            if cursor not in wanted and cursor not in existing:
                errors[code].append(_("上级事项 %(code)s 不存在") % {"code": cursor})
                break
            level, cursor = level + 1, parent_of(cursor)
        if level > MAX_LEVEL:
            errors[code].append(_("事项最多三级（大类、中类、小类）"))
        levels[code] = level
    parents_named = {node.parent_code for node in wanted.values()}
    parents_stored = {m.parent_id for m in existing.values()}
    for code, level in levels.items():
        old = existing.get(code)
        changes_level = old is not None and old.level != level
        if changes_level and (old.pk in parents_stored or code in parents_named or old.pk in with_rules):
            errors[code].append(_("已有下级事项或规则的事项不能改变层级"))
    seen: dict[tuple[str | None, str], str] = {}
    for code in sorted(set(existing) | set(wanted)):
        key = (parent_of(code), name_of(code))
        other = seen.setdefault(key, code)
        if other != code:
            culprit = code if code in wanted else other
            errors[culprit].append(_("同一上级事项下已有同名事项（编码 %(code)s）") % {"code": other})
    return wanted, levels, existing, dict(errors)


def matters_tree_validate(*, nodes: Sequence[MatterNode]) -> dict[str, list[str]]:
    """The errors ``matters_tree_sync`` would raise, by node code (``{}`` when the nodes are fine)."""
    return _tree_plan(nodes)[3]


@transaction.atomic
def matters_tree_sync(*, nodes: Sequence[MatterNode]) -> MatterTreeResult:
    """Create or update many nodes at once (bulk), keyed by code. All or nothing."""
    wanted, levels, existing, errors = _tree_plan(nodes)
    if errors:
        raise ApplicationError(_("事项树数据有误"), errors=errors)
    by_code = dict(existing)
    now = timezone.now()
    created, to_update, unchanged = 0, [], 0
    for level in range(1, MAX_LEVEL + 1):
        new = [
            Matter(
                code=code,
                name=node.name,
                level=level,
                parent=by_code[node.parent_code] if node.parent_code else None,
                keywords=node.keywords or "",
                is_active=True if node.is_active is None else node.is_active,
            )
            for code, node in wanted.items()
            if levels[code] == level and code not in existing
        ]
        for matter in Matter.objects.bulk_create(new):
            by_code[matter.code] = matter
        created += len(new)
    for code, node in wanted.items():
        matter = existing.get(code)
        if matter is None:
            continue
        parent = by_code[node.parent_code] if node.parent_code else None
        values = {
            "name": node.name,
            "level": levels[code],
            "parent_id": parent.pk if parent else None,
            "keywords": matter.keywords if node.keywords is None else node.keywords,
            "is_active": matter.is_active if node.is_active is None else node.is_active,
        }
        if all(getattr(matter, field) == value for field, value in values.items()):
            unchanged += 1
            continue
        for field, value in values.items():
            setattr(matter, field, value)
        matter.updated_at = now
        to_update.append(matter)
    try:
        Matter.objects.bulk_update(
            to_update, ["name", "level", "parent", "keywords", "is_active", "updated_at"]
        )
    except IntegrityError as exc:
        # Two nodes swapping names in one batch: refuse rather than guess an order.
        raise ApplicationError(_("事项名称冲突，请分两次导入"), errors={"code": [str(exc)]}) from exc
    return MatterTreeResult(created=created, updated=len(to_update), unchanged=unchanged, by_code=by_code)


def matter_upsert(
    *,
    code: str,
    name: str,
    parent: Matter | None,
    keywords: str | Iterable[str] | None = None,
    is_active: bool | None = None,
) -> Matter:
    """Create or update one node by code; its level follows from ``parent``."""
    node = MatterNode(code, name, parent.code if parent else None, keywords, is_active)
    result = matters_tree_sync(nodes=[node])
    return result.by_code[(code or "").strip()]


def matter_node_errors(*, code: str, name: str, parent: Matter | None) -> dict[str, list[str]]:
    """Field errors (code/name/parent) that ``matter_upsert`` would refuse — for forms."""
    errors = matters_tree_validate(nodes=[MatterNode(code, name, parent.code if parent else None)])
    messages = [m for msgs in errors.values() for m in msgs]
    return {"name": messages} if messages else {}
