"""Routing (分拨): which matter a text is about, and which unit handles a complaint.

- ``routing_suggest`` ranks the active leaf matters for a title and description with the learned model
  (``grievance.routing_model``: calibrated scores, and the words behind each suggestion); until a model
  was trained and promoted, a simple text matcher answers (matter names of all three levels and the
  leaf's keywords: substring hits and character-bigram overlap). Without a map point, place names in
  the text (the gazetteer) decide the street or community of territorial rules.
- ``complaint_route`` turns a ``submitted`` complaint into ``dispatched`` (confident: matter known, rule
  in force, handling unit found) or ``pending_dispatch`` (unsure: a person in the command centre
  decides). It is idempotent: it locks the row and does nothing unless the complaint is still
  ``submitted``, so a duplicated or replayed task changes nothing.

Crisis signals found at intake (see ``grievance.services.intake``) always send the complaint to the
centre's queue: the psychological referral is a person's decision (``psych_refer`` is a staff action).
"""

import re
import threading
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError
from grids.geo import grid_for_point
from grids.models import Division, Unit
from grids.selectors.units import unit_for_division
from grievance.models import Channel, Complaint, ComplaintEvent, HandlerRule, Matter, MatterRule, Status
from grievance.routing_model.selectors import gazetteer_cache_clear, place_for_text
from grievance.selectors.matters import matter_rule_in_force
from grievance.services.transitions import complaint_transition

# Leaf names that say nothing about the topic: they never match on their own name.
GENERIC_NAMES = frozenset({"其他", "其它", "综合", "其他事项", "其他问题"})
_NON_TEXT_RE = re.compile(r"[^0-9a-zA-Z\u3400-\u9fff]+")
_KEYWORD_SPLIT_RE = re.compile(r"[,，、;；\s]+")
MIN_SUGGESTIONS = 3


def text_normalize(text: str) -> str:
    """Letters, digits and CJK characters only, lower-cased: punctuation and spaces never form bigrams."""
    return _NON_TEXT_RE.sub("", (text or "").lower())


def text_bigrams(text: str) -> frozenset[str]:
    """Character bigrams of the normalized text (a single character counts as its own unigram)."""
    clean = text_normalize(text)
    if len(clean) == 1:
        return frozenset({clean})
    return frozenset(clean[i : i + 2] for i in range(len(clean) - 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def routing_confidence_threshold() -> float:
    return float(settings.GRIEVANCE.get("ROUTING_CONFIDENCE", 0.5))


def routing_confidence_margin() -> float:
    return float(settings.GRIEVANCE.get("ROUTING_MARGIN", 0.05))


# --- the matter index (per process) -----------------------------------------------------------------


@dataclass(frozen=True)
class _Leaf:
    pk: int
    code: str
    path: tuple[str, str, str]
    name: str
    name_bigrams: frozenset[str]
    middle_bigrams: frozenset[str]
    top_bigrams: frozenset[str]
    keywords: tuple[str, ...]


@dataclass
class _Index:
    signature: tuple = ()
    leaves: list[_Leaf] = field(default_factory=list)


_index = _Index()
_index_lock = threading.Lock()


def _index_signature() -> tuple:
    stats = Matter.objects.aggregate(count=Count("id"), changed=Max("updated_at"))
    return (stats["count"], stats["changed"])


def _index_build() -> list[_Leaf]:
    leaves = []
    matters = Matter.objects.filter(level=3, is_active=True).select_related("parent__parent").order_by("code")
    for leaf in matters:
        middle = leaf.parent
        top = middle.parent if middle is not None else None
        if middle is None or top is None or not middle.is_active or not top.is_active:
            continue
        keywords = tuple(
            dict.fromkeys(
                k for k in (text_normalize(w) for w in _KEYWORD_SPLIT_RE.split(leaf.keywords)) if len(k) >= 2
            )
        )
        generic = leaf.name in GENERIC_NAMES
        leaves.append(
            _Leaf(
                pk=leaf.pk,
                code=leaf.code,
                path=(top.name, middle.name, leaf.name),
                name=text_normalize(leaf.name),
                name_bigrams=frozenset() if generic else text_bigrams(leaf.name),
                middle_bigrams=frozenset() if middle.name in GENERIC_NAMES else text_bigrams(middle.name),
                top_bigrams=text_bigrams(top.name),
                keywords=keywords,
            )
        )
    return leaves


def _leaves() -> list[_Leaf]:
    """The cached leaf index, rebuilt when the matter table changed (one small aggregate query a call:
    an import or an admin edit is visible to the next suggestion in every process)."""
    signature = _index_signature()
    if signature == _index.signature and _index.leaves:
        return _index.leaves
    with _index_lock:
        if signature != _index.signature or not _index.leaves:
            _index.leaves = _index_build()
            _index.signature = signature
        return _index.leaves


def routing_index_clear() -> None:
    """Forget the cached index, model and gazetteer (tests; an import that must be visible at once)."""
    from grievance.routing_model import store

    with _index_lock:
        _index.leaves, _index.signature = [], ()
    store.active_cache_clear()
    gazetteer_cache_clear()


# --- scoring ---------------------------------------------------------------------------------------


def _coverage(part: frozenset[str], whole: frozenset[str]) -> float:
    return len(part & whole) / len(part) if part else 0.0


def _score(leaf: _Leaf, text: str, bigrams: frozenset[str], chars: frozenset[str]) -> float:
    """In [0, 1]: the leaf name (exact or by bigrams), keyword hits, then the middle and top names.

    A whole leaf name in the text gives 0.5, each keyword hit halves the remaining distance of the
    keyword part (1 hit 0.25, 2 hits 0.375, ...); one keyword plus the leaf name is confident (≥ 0.5 by
    default). Single shared characters add a tiny tie-breaker so an unmatched text still ranks leaves."""
    name_part = 1.0 if leaf.name_bigrams and leaf.name in text else _coverage(leaf.name_bigrams, bigrams)
    hits = sum(1 for keyword in leaf.keywords if keyword in text)
    keyword_part = 1.0 - 0.5**hits
    context = 0.6 * _coverage(leaf.middle_bigrams, bigrams) + 0.4 * _coverage(leaf.top_bigrams, bigrams)
    char_part = len(set(leaf.name) & chars) / max(len(leaf.name), 1)
    score = 0.5 * name_part + 0.5 * keyword_part + 0.15 * context + 0.02 * char_part
    return round(min(score, 1.0), 4)


@dataclass(frozen=True)
class Suggestion:
    """One routing suggestion: the leaf matter, its path [top, middle, leaf], the unit, a score in
    [0, 1] (the model's probability of the leaf; the matcher's match strength) and ``why``: the words
    of the text that speak most for it."""

    matter: str
    path: list[str]
    unit: str | None
    score: float
    why: list[str] = field(default_factory=list)


def _suggestion_units(pks: list[int], street: Division | None, community: Division | None) -> dict:
    """Matter pk → code of the unit its rule in force today names (None if it names none), in one
    rule query plus at most one unit query per division."""
    rules: dict[int, MatterRule] = {}
    in_force = (
        MatterRule.objects.filter(matter_id__in=pks, effective_from__lte=timezone.localdate())
        .select_related("handling_unit")
        .order_by("matter_id", "-effective_from", "-version")
    )
    for rule in in_force:
        rules.setdefault(rule.matter_id, rule)
    division_units: dict = {}

    def division_unit(division: Division | None) -> Unit | None:
        if division is None:
            return None
        if division.pk not in division_units:
            division_units[division.pk] = unit_for_division(division)
        return division_units[division.pk]

    units = {}
    for pk in pks:
        rule = rules.get(pk)
        unit = None
        if rule is not None and rule.handler_rule == HandlerRule.FIXED:
            unit = rule.handling_unit if rule.handling_unit and rule.handling_unit.is_active else None
        elif rule is not None:
            unit = division_unit(street if rule.handler_rule == HandlerRule.STREET else community)
        units[pk] = unit.code if unit is not None else None
    return units


def _divisions_for_point(lat, lng) -> tuple[Division | None, Division | None]:
    if lat is None or lng is None:
        return None, None
    hit = grid_for_point(lat, lng)
    if hit is None:
        return None, None
    divisions = {
        d.code: d for d in Division.objects.filter(code__in=[c for c in (hit.street, hit.community) if c])
    }
    return divisions.get(hit.street), divisions.get(hit.community)


def _matcher_ranked(text: str, leaves: list[_Leaf], count: int) -> list[tuple[float, _Leaf, list[str]]]:
    bigrams = text_bigrams(text)
    chars = frozenset(text)
    scored = sorted(
        ((_score(leaf, text, bigrams, chars), leaf) for leaf in leaves),
        key=lambda item: (-item[0], item[1].code),
    )
    return [
        (score, leaf, list(dict.fromkeys(w for w in (leaf.name, *leaf.keywords) if w and w in text))[:5])
        for score, leaf in scored[:count]
    ]


def _model_ranked(artefact, title: str, description: str, leaves: list[_Leaf], count: int):
    """Leaves by the model's score; leaves the model does not know (added since training) are skipped."""
    prediction = artefact.predict(title or "", description or "")
    by_code = {leaf.code: leaf for leaf in leaves}
    ranked = []
    for i in np.argsort(-prediction.leaf, kind="stable"):
        leaf = by_code.get(artefact.tree.leaves[i].code)
        if leaf is not None:
            ranked.append((round(float(prediction.leaf[i]), 4), leaf, artefact.why(prediction, int(i))))
            if len(ranked) >= count:
                break
    return ranked


def routing_suggest(*, title: str, description: str, lat=None, lng=None, limit: int = 5) -> list[Suggestion]:
    """Leaf matters best first (at least three when the catalogue has them), each with the unit its
    rule in force today names: FIXED → the handling unit; STREET/COMMUNITY → the unit of the street or
    community at (lat, lng) or, without a point, of the place the text names (None if neither)."""
    from grievance.routing_model import store  # numpy/scipy/scikit-learn/jieba only where a model is used

    count = max(int(limit), MIN_SUGGESTIONS)
    leaves = _leaves()
    artefact = store.active_artefact()
    if artefact is not None:
        ranked = _model_ranked(artefact, title, description, leaves, count)
    else:
        ranked = _matcher_ranked(text_normalize(f"{title or ''} {description or ''}"), leaves, count)
    street, community = _divisions_for_point(lat, lng)
    if street is None and community is None and (lat is None or lng is None):
        street, community, _place = place_for_text(f"{title or ''} {description or ''}")
    units = _suggestion_units([leaf.pk for _score, leaf, _why in ranked], street, community)
    return [
        Suggestion(matter=leaf.code, path=list(leaf.path), unit=units[leaf.pk], score=score, why=why)
        for score, leaf, why in ranked
    ]


def suggestion_confident(suggestions: list[Suggestion]) -> Suggestion | None:
    """The best suggestion when it is clear enough to act on: score at or above the threshold and ahead
    of the runner-up by the margin (two leaves matching equally is a reason to ask a person)."""
    if not suggestions:
        return None
    best = suggestions[0]
    if best.score < routing_confidence_threshold():
        return None
    if len(suggestions) > 1 and best.score - suggestions[1].score < routing_confidence_margin():
        return None
    return best


# --- routing a complaint ---------------------------------------------------------------------------


def _unit_for_rule(rule: MatterRule, *, street: Division | None, community: Division | None) -> Unit | None:
    if rule.handler_rule == HandlerRule.FIXED:
        unit = rule.handling_unit
        return unit if unit is not None and unit.is_active else None
    division = street if rule.handler_rule == HandlerRule.STREET else community
    return unit_for_division(division) if division is not None else None


def _grid_report_unit(complaint: Complaint) -> Unit | None:
    """The community workstation for a grid worker's report: of the complaint's community, else of the
    reporter's first grid cell (three-level loop: escalation then moves it to the street)."""
    community = complaint.community
    if community is None and complaint.created_by_id:
        cell = complaint.created_by.grid_cells.filter(is_active=True).select_related("community").first()
        community = cell.community if cell is not None else None
    return unit_for_division(community) if community is not None else None


def _crisis_flagged(complaint: Complaint) -> bool:
    submit = ComplaintEvent.objects.filter(complaint=complaint, action="submit").only("payload").first()
    return bool(submit and submit.payload.get("crisis_signals"))


def _complaint_divisions(complaint: Complaint) -> tuple[Division | None, Division | None]:
    """The complaint's street and community; without any, the place its text or address names."""
    if complaint.street_id or complaint.community_id:
        return complaint.street, complaint.community
    street, community, _place = place_for_text(
        f"{complaint.address} {complaint.title} {complaint.description}"
    )
    return street, community


def matter_unit(*, complaint: Complaint) -> Unit | None:
    """The unit the complaint's matter rule names for its place (None without a rule or a place)."""
    rule = complaint.matter_rule or (
        matter_rule_in_force(matter=complaint.matter, at=timezone.localdate())
        if complaint.matter_id
        else None
    )
    if rule is None:
        return None
    street, community = _complaint_divisions(complaint)
    return _unit_for_rule(rule, street=street, community=community)


def matter_for_unit(*, complaint: Complaint, unit: Unit) -> Matter | None:
    """The matter a dispatcher's choice of ``unit`` implies: of the suggestions for the complaint's text
    (best first, 30 deep), the first whose rule names ``unit`` for the complaint's place."""
    for suggestion in routing_suggest(title=complaint.title, description=complaint.description, limit=30):
        matter = Matter.objects.filter(code=suggestion.matter).first()
        rule = matter_rule_in_force(matter=matter, at=timezone.localdate()) if matter else None
        if rule is None:
            continue
        street, community = _complaint_divisions(complaint)
        chosen = _unit_for_rule(rule, street=street, community=community)
        if chosen is not None and chosen.pk == unit.pk:
            return matter
    return None


def complaint_route_decision(*, complaint: Complaint) -> tuple[str, dict]:
    """("dispatch", params) when routing is confident, else ("queue", {"note": why}). Reads only."""
    if _crisis_flagged(complaint):
        return "queue", {"note": _("需人工研判")}
    if complaint.channel == Channel.GRID:
        unit = _grid_report_unit(complaint)
        if unit is None:
            return "queue", {"note": _("未找到网格所属社区工作站")}
        return "dispatch", {"unit": unit.code, "co_units": []}
    if complaint.matter_id is None:
        return "queue", {"note": _("未能确定诉求事项")}
    rule = complaint.matter_rule
    if rule is None:
        return "queue", {"note": _("事项没有生效的办理规则")}
    street, community = _complaint_divisions(complaint)
    if rule.handler_rule != HandlerRule.FIXED and street is None and community is None:
        return "queue", {"note": _("属地事项缺少位置")}
    unit = _unit_for_rule(rule, street=street, community=community)
    if unit is None:
        return "queue", {"note": _("未能确定承办单位")}
    co_units = [u.code for u in rule.co_units.filter(is_active=True).order_by("code") if u.pk != unit.pk]
    return "dispatch", {"unit": unit.code, "co_units": co_units}


def complaint_route(*, complaint_id: int) -> None:
    """Dispatch or queue a ``submitted`` complaint as the system; any other status: do nothing."""
    with transaction.atomic():
        complaint = (
            Complaint.objects.select_for_update(of=("self",))
            .select_related("matter_rule__handling_unit", "street", "community", "created_by")
            .filter(pk=complaint_id)
            .first()
        )
        if complaint is None or complaint.status != Status.SUBMITTED:
            return
        action, params = complaint_route_decision(complaint=complaint)
        if action == "dispatch":
            try:
                complaint_transition(complaint_id=complaint.pk, action="dispatch", actor=None, params=params)
                return
            except ApplicationError as exc:  # a guard refused (e.g. unit inactive): a person decides
                params = {"note": _("自动派单未成功：%(reason)s") % {"reason": exc.message}}
        complaint_transition(complaint_id=complaint.pk, action="queue", actor=None, params=params)
