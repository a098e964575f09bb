"""Reads of the responsibility list: the matter tree, search, and the rule in force on a date."""

from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from grievance.models import ComplaintKind, Matter, MatterRule, UrgencyGrade


def matter_get(*, code: str) -> Matter | None:
    return Matter.objects.select_related("parent__parent").filter(code=code).first()


def matter_path(matter: Matter) -> list[str]:
    """Names from the top class down to ``matter`` (select ``parent__parent`` to avoid queries)."""
    path, node = [], matter
    while node is not None:
        path.append(node.name)
        node = node.parent
    return path[::-1]


def _rules_in_force(at: date) -> Prefetch:
    rules = (
        MatterRule.objects.filter(effective_from__lte=at)
        .select_related("handling_unit", "supervising_unit")
        .prefetch_related("co_units")
        .order_by("-effective_from", "-version")
    )
    return Prefetch("rules", queryset=rules, to_attr="rules_in_force")


def matter_list(
    *,
    q: str | None = None,
    level: int | None = None,
    top: str | None = None,
    active_only: bool = True,
    at: date | None = None,
) -> QuerySet[Matter]:
    """Matters in tree order (by code). ``q``: every word must match the name, a parent's name or the
    keywords; ``top``: a top class code or name. Each item has ``rules_in_force`` (newest first, in
    force on ``at``, default today) prefetched, so listing costs a constant number of queries."""
    matters = Matter.objects.select_related("parent__parent").order_by("code")
    if active_only:
        matters = matters.filter(is_active=True)
    if level:
        matters = matters.filter(level=level)
    if top:
        matters = matters.filter(
            (Q(level=1) & (Q(code=top) | Q(name=top)))
            | (Q(level=2) & (Q(parent__code=top) | Q(parent__name=top)))
            | (Q(level=3) & (Q(parent__parent__code=top) | Q(parent__parent__name=top)))
        )
    for word in (q or "").split():
        matters = matters.filter(
            Q(name__icontains=word)
            | Q(keywords__icontains=word)
            | Q(parent__name__icontains=word)
            | Q(parent__parent__name__icontains=word)
        )
    return matters.prefetch_related(_rules_in_force(at or timezone.localdate()))


def matter_rule_in_force(*, matter: Matter, at: date) -> MatterRule | None:
    """The rule that applies to something received on ``at``: the latest-starting version with
    ``effective_from <= at`` (the highest version wins when two start on the same day)."""
    return (
        MatterRule.objects.filter(matter=matter, effective_from__lte=at)
        .select_related("handling_unit", "supervising_unit")
        .order_by("-effective_from", "-version")
        .first()
    )


def matter_rule_latest(*, matter: Matter) -> MatterRule | None:
    """The newest version, whether or not it is in force yet."""
    return matter.rules.select_related("handling_unit", "supervising_unit").order_by("-version").first()


def matter_rule_history(*, matter: Matter) -> QuerySet[MatterRule]:
    return matter.rules.select_related("handling_unit", "supervising_unit").prefetch_related("co_units")


def matter_rule_limits(*, rule: MatterRule, kind: str, urgency: str | None = None) -> dict:
    """``{"sign": (amount, unit), "handle": (amount, unit)}`` for a complaint of ``kind``. Urgency
    defaults to the rule's grade; urgent and emergency use the urgent limits, otherwise the kind's own
    handling limit applies, else the rule's default."""
    grade = urgency or rule.urgency_grade
    if grade in (UrgencyGrade.URGENT, UrgencyGrade.EMERGENCY):
        return {
            "sign": (rule.urgent_sign_limit_amount, rule.urgent_sign_limit_unit),
            "handle": (rule.urgent_handle_limit_amount, rule.urgent_handle_limit_unit),
        }
    own = (rule.kind_limits or {}).get(kind)
    handle = (Decimal(str(own[0])), own[1]) if own else (rule.handle_limit_amount, rule.handle_limit_unit)
    return {"sign": (rule.sign_limit_amount, rule.sign_limit_unit), "handle": handle}


def matter_rule_kinds(rule: MatterRule) -> list[str]:
    """The kinds a rule applies to; an empty list in the rule means every kind."""
    return list(rule.kinds) if rule.kinds else list(ComplaintKind.values)


def matter_leaves_with_latest_rule(*, matters=None) -> list[tuple[Matter, MatterRule | None]]:
    """Leaves (under ``matters`` when given: the nodes themselves or their descendants) with their
    newest rule version, in code order — what an export writes."""
    leaves = Matter.objects.filter(level=3).select_related("parent__parent").order_by("code")
    if matters is not None:
        ids = [m.pk for m in matters]
        leaves = leaves.filter(Q(pk__in=ids) | Q(parent_id__in=ids) | Q(parent__parent_id__in=ids))
    rules = (
        MatterRule.objects.select_related("handling_unit", "supervising_unit")
        .prefetch_related("co_units")
        .order_by("-version")
    )
    leaves = leaves.prefetch_related(Prefetch("rules", queryset=rules, to_attr="rules_newest_first"))
    return [(leaf, leaf.rules_newest_first[0] if leaf.rules_newest_first else None) for leaf in leaves]
