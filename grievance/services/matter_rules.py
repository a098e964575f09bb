"""Versioned handling rules of leaf matters (职责清单的办理规则).

Invariants: only leaves (level 3) carry rules; a rule is never edited in place — a rule whose fields
differ from the latest version becomes version + 1 and older versions stay, because a complaint keeps
the rule in force when it was received; an identical rule adds nothing (whatever its
``effective_from``); a new version never starts before the latest one, so "the rule in force on a
date" is unambiguous.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError
from grids.models import Unit
from grievance.models import ComplaintKind, HandlerRule, Matter, MatterRule, TimeUnit, UrgencyGrade

LEAF_LEVEL = 3
MAX_AMOUNT = Decimal("99999.99")
CENT = Decimal("0.01")
RULE_FIELDS = (
    "kinds",
    "handler_rule",
    "handling_unit",
    "supervising_unit",
    "co_units",
    "urgency_grade",
    "sign_limit",
    "handle_limit",
    "kind_limits",
    "urgent_sign_limit",
    "urgent_handle_limit",
    "extension_cap_days",
    "return_window_days",
)
LIMIT_FIELDS = ("sign_limit", "handle_limit", "urgent_sign_limit", "urgent_handle_limit")

Limit = tuple[Decimal, str]


@dataclass(frozen=True)
class MatterRuleSpec:
    """A validated rule, not yet stored. Amounts are Decimals with two places; kinds in model order."""

    kinds: tuple[str, ...]
    handler_rule: str
    handling_unit: Unit | None
    supervising_unit: Unit | None
    co_units: tuple[Unit, ...]
    urgency_grade: str
    sign_limit: Limit
    handle_limit: Limit
    kind_limits: tuple[tuple[str, Decimal, str], ...]
    urgent_sign_limit: Limit
    urgent_handle_limit: Limit
    extension_cap_days: int
    return_window_days: int

    def signature(self) -> tuple:
        return (
            self.kinds,
            self.handler_rule,
            self.handling_unit.pk if self.handling_unit else None,
            self.supervising_unit.pk if self.supervising_unit else None,
            tuple(sorted(u.pk for u in self.co_units)),
            self.urgency_grade,
            self.sign_limit,
            self.handle_limit,
            self.kind_limits,
            self.urgent_sign_limit,
            self.urgent_handle_limit,
            self.extension_cap_days,
            self.return_window_days,
        )


def _amount(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT or amount != amount.quantize(CENT):
        return None
    return amount.quantize(CENT)


def _limit(value, errors: list[str], label: str = "") -> Limit | None:
    try:
        raw_amount, unit = value
    except (TypeError, ValueError):
        errors.append(_("%(label)s时限应为 [数量, 单位]") % {"label": label})
        return None
    amount = _amount(raw_amount)
    if amount is None:
        errors.append(_("%(label)s时限数量应大于0、不超过99999.99且最多两位小数") % {"label": label})
    if unit not in TimeUnit.values:
        errors.append(_("%(label)s未知的时限单位：%(unit)s") % {"label": label, "unit": unit})
        return None
    return (amount, str(unit)) if amount is not None else None


def _days(value, errors: list[str]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal | float):
        errors.append(_("应为0至365的整数"))
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = Decimal(-1)
    if not number.is_finite() or number != number.to_integral_value() or not 0 <= number <= 365:
        errors.append(_("应为0至365的整数"))
        return None
    return int(number)


def _unit(value, errors: list[str]) -> Unit | None:
    if value is not None and not isinstance(value, Unit):
        errors.append(_("应为组织单位"))
        return None
    return value


def matter_rule_spec_build(
    *,
    kinds: Iterable[str] = (),
    handler_rule: str = HandlerRule.FIXED,
    handling_unit: Unit | None = None,
    supervising_unit: Unit | None = None,
    co_units: Iterable[Unit] = (),
    urgency_grade: str = UrgencyGrade.NORMAL,
    sign_limit=(1, TimeUnit.WORKING_DAY),
    handle_limit=(15, TimeUnit.WORKING_DAY),
    kind_limits: dict | None = None,
    urgent_sign_limit=("0.5", TimeUnit.NATURAL_HOUR),
    urgent_handle_limit=(24, TimeUnit.NATURAL_HOUR),
    extension_cap_days: int = 10,
    return_window_days: int = 2,
) -> MatterRuleSpec:
    """Validate rule fields (no database writes). Empty ``kinds`` means every kind. Limits are
    ``[amount, unit]``; ``kind_limits`` maps a kind to its own handling limit."""
    errors: dict[str, list[str]] = defaultdict(list)
    order = list(ComplaintKind.values)
    kinds = [kinds] if isinstance(kinds, str) else list(kinds or [])
    unknown = [k for k in kinds if k not in order]
    if unknown:
        errors["kinds"].append(_("未知的诉求类型：%(kinds)s") % {"kinds": "、".join(map(str, unknown))})
    kinds_t = tuple(k for k in order if k in kinds)
    if handler_rule not in HandlerRule.values:
        errors["handler_rule"].append(_("未知的承办方式：%(rule)s") % {"rule": handler_rule})
    handling_unit = _unit(handling_unit, errors["handling_unit"])
    supervising_unit = _unit(supervising_unit, errors["supervising_unit"])
    if handler_rule == HandlerRule.FIXED and handling_unit is None and not errors["handling_unit"]:
        errors["handling_unit"].append(_("固定部门承办时必须指定承办单位"))
    if handler_rule in (HandlerRule.STREET, HandlerRule.COMMUNITY) and handling_unit is not None:
        errors["handling_unit"].append(_("属地街道或社区承办时不能指定承办单位（按地点确定）"))
    co_list: dict[int, Unit] = {}
    for unit in co_units or ():
        if _unit(unit, errors["co_units"]) is not None:
            co_list[unit.pk] = unit
    if handling_unit is not None and handling_unit.pk in co_list:
        errors["co_units"].append(_("协办单位不能包含承办单位"))
    if urgency_grade not in UrgencyGrade.values:
        errors["urgency_grade"].append(_("未知的紧急程度：%(grade)s") % {"grade": urgency_grade})
    limits = {
        name: _limit(value, errors[name])
        for name, value in zip(
            LIMIT_FIELDS, (sign_limit, handle_limit, urgent_sign_limit, urgent_handle_limit), strict=True
        )
    }
    kind_rows = []
    if kind_limits is not None and not isinstance(kind_limits, dict):
        errors["kind_limits"].append(_("应为 {诉求类型: [数量, 单位]}"))
        kind_limits = {}
    for kind, value in (kind_limits or {}).items():
        if kind not in order:
            errors["kind_limits"].append(_("未知的诉求类型：%(kind)s") % {"kind": kind})
            continue
        if kinds_t and kind not in kinds_t:
            errors["kind_limits"].append(_("诉求类型 %(kind)s 不在适用诉求类型中") % {"kind": kind})
        limit = _limit(value, errors["kind_limits"], label=f"{kind}: ")
        if limit:
            kind_rows.append((kind, *limit))
    kind_rows.sort(key=lambda row: order.index(row[0]))
    extension = _days(extension_cap_days, errors["extension_cap_days"])
    return_window = _days(return_window_days, errors["return_window_days"])
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise ApplicationError(_("事项规则有误"), errors=errors)
    return MatterRuleSpec(
        kinds=kinds_t,
        handler_rule=str(handler_rule),
        handling_unit=handling_unit,
        supervising_unit=supervising_unit,
        co_units=tuple(co_list.values()),
        urgency_grade=str(urgency_grade),
        kind_limits=tuple(kind_rows),
        extension_cap_days=extension,
        return_window_days=return_window,
        **limits,
    )


def _json_amount(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _rule_signature(rule: MatterRule) -> tuple:
    kind_limits = []
    for kind, (amount, unit) in (rule.kind_limits or {}).items():
        kind_limits.append((kind, Decimal(str(amount)).quantize(CENT), unit))
    order = list(ComplaintKind.values)
    kind_limits.sort(key=lambda row: order.index(row[0]) if row[0] in order else len(order))
    return (
        tuple(k for k in order if k in (rule.kinds or [])),
        rule.handler_rule,
        rule.handling_unit_id,
        rule.supervising_unit_id,
        tuple(sorted(u.pk for u in rule.co_units.all())),
        rule.urgency_grade,
        (rule.sign_limit_amount.quantize(CENT), rule.sign_limit_unit),
        (rule.handle_limit_amount.quantize(CENT), rule.handle_limit_unit),
        tuple(kind_limits),
        (rule.urgent_sign_limit_amount.quantize(CENT), rule.urgent_sign_limit_unit),
        (rule.urgent_handle_limit_amount.quantize(CENT), rule.urgent_handle_limit_unit),
        rule.extension_cap_days,
        rule.return_window_days,
    )


def _rule_model(matter: Matter, version: int, effective_from: date, spec: MatterRuleSpec) -> MatterRule:
    return MatterRule(
        matter=matter,
        version=version,
        effective_from=effective_from,
        kinds=list(spec.kinds),
        handler_rule=spec.handler_rule,
        handling_unit=spec.handling_unit,
        supervising_unit=spec.supervising_unit,
        urgency_grade=spec.urgency_grade,
        sign_limit_amount=spec.sign_limit[0],
        sign_limit_unit=spec.sign_limit[1],
        handle_limit_amount=spec.handle_limit[0],
        handle_limit_unit=spec.handle_limit[1],
        kind_limits={kind: [_json_amount(amount), unit] for kind, amount, unit in spec.kind_limits},
        urgent_sign_limit_amount=spec.urgent_sign_limit[0],
        urgent_sign_limit_unit=spec.urgent_sign_limit[1],
        urgent_handle_limit_amount=spec.urgent_handle_limit[0],
        urgent_handle_limit_unit=spec.urgent_handle_limit[1],
        extension_cap_days=spec.extension_cap_days,
        return_window_days=spec.return_window_days,
    )


@transaction.atomic
def matter_rules_bulk_set(*, items: Sequence[tuple[Matter, date, MatterRuleSpec]]) -> dict:
    """Set the rules of many leaves at once; all or nothing. Errors are keyed by matter code.

    Returns ``{"added": n, "unchanged": n, "rules": {matter pk: the rule now latest}}``.
    """
    errors: dict[str, list[str]] = defaultdict(list)
    seen: set[int] = set()
    for matter, effective_from, _spec in items:
        if matter.level != LEAF_LEVEL:
            errors[matter.code].append(_("只有小类（第三级）事项可以设置规则"))
        if not isinstance(effective_from, date) or isinstance(effective_from, datetime):
            errors[matter.code].append(_("生效日期无效"))
        if matter.pk in seen:
            errors[matter.code].append(_("同一事项重复设置规则"))
        seen.add(matter.pk)
    if errors:
        raise ApplicationError(_("事项规则有误"), errors=dict(errors))
    # Lock the leaves so two concurrent writers cannot both create the same next version.
    list(Matter.objects.select_for_update().filter(pk__in=seen).values_list("pk", flat=True))
    latest: dict[int, MatterRule] = {}
    rules = MatterRule.objects.filter(matter_id__in=seen).prefetch_related("co_units")
    for rule in rules.order_by("matter_id", "-version"):
        latest.setdefault(rule.matter_id, rule)
    new_rules, result_rules, unchanged = [], {}, 0
    for matter, effective_from, spec in items:
        current = latest.get(matter.pk)
        if current is not None and _rule_signature(current) == spec.signature():
            result_rules[matter.pk] = current
            unchanged += 1
            continue
        if current is not None and effective_from < current.effective_from:
            errors[matter.code].append(
                _("生效日期不得早于最新版本（第%(v)d版，%(d)s 起）")
                % {"v": current.version, "d": current.effective_from.isoformat()}
            )
            continue
        version = current.version + 1 if current else 1
        new_rules.append((_rule_model(matter, version, effective_from, spec), spec))
    if errors:
        raise ApplicationError(_("事项规则有误"), errors=dict(errors))
    created = MatterRule.objects.bulk_create([rule for rule, _spec in new_rules])
    through = MatterRule.co_units.through
    links = [
        through(matterrule_id=rule.pk, unit_id=unit.pk)
        for rule, (_model, spec) in zip(created, new_rules, strict=True)
        for unit in spec.co_units
    ]
    through.objects.bulk_create(links)
    for rule in created:
        result_rules[rule.matter_id] = rule
    return {"added": len(created), "unchanged": unchanged, "rules": result_rules}


def matter_rule_set(*, matter: Matter, effective_from: date, **rule_fields) -> MatterRule:
    """Give a leaf a rule from ``effective_from`` on (fields: ``RULE_FIELDS``; see
    ``matter_rule_spec_build``). Returns the new version, or the latest one when nothing changed."""
    unknown = sorted(set(rule_fields) - set(RULE_FIELDS))
    if unknown:
        raise ApplicationError(_("未知的规则字段"), errors={field: [_("未知字段")] for field in unknown})
    if matter.level != LEAF_LEVEL:
        raise ApplicationError(
            _("事项规则有误"), errors={"matter": [_("只有小类（第三级）事项可以设置规则")]}
        )
    spec = matter_rule_spec_build(**rule_fields)
    try:
        result = matter_rules_bulk_set(items=[(matter, effective_from, spec)])
    except ApplicationError as exc:
        messages = [m for msgs in exc.errors.values() for m in msgs]
        raise ApplicationError(exc.message, errors={"effective_from": messages}) from exc
    return result["rules"][matter.pk]
