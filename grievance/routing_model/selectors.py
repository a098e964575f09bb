"""Reads the routing model needs from the database: the tree, the territory, the examples, versions."""

import threading
import time

from django.conf import settings
from django.db.models import Count, Max, QuerySet

from grids.models import Division, GridCell
from grievance.models import Matter
from grievance.models.routing import RoutingExample, RoutingExampleKind, RoutingModel
from grievance.routing_model.corpus import Doc
from grievance.routing_model.gazetteer import DivisionRow, Gazetteer, GridRow, Place
from grievance.routing_model.weak import Leaf, Tree, keywords_split


def routing_tree_get() -> Tree:
    """Active leaves whose middle and top classes are active, in code order."""
    leaves = []
    matters = Matter.objects.filter(level=3, is_active=True).select_related("parent__parent").order_by("code")
    for matter in matters:
        middle = matter.parent
        top = middle.parent if middle is not None else None
        if middle is None or top is None or not middle.is_active or not top.is_active:
            continue
        leaves.append(
            Leaf(
                code=matter.code,
                path=(top.name, middle.name, matter.name),
                keywords=tuple(keywords_split(matter.keywords)),
            )
        )
    tops = list(
        Matter.objects.filter(level=1, is_active=True).order_by("code").values_list("name", flat=True)
    )
    used = {leaf.path[0] for leaf in leaves}
    return Tree(leaves, tops=[t for t in tops if t in used])


def routing_examples_docs() -> tuple[list[Doc], list[Doc]]:
    """(confirmed and corrected dispatches with a matter, returned dispatches with a matter)."""
    positives, negatives = [], []
    rows = RoutingExample.objects.filter(matter__isnull=False).select_related("matter").order_by("id")
    for example in rows:
        doc = Doc(
            title=example.title,
            text=example.text,
            leaf=example.matter.code,
            positive=example.kind != RoutingExampleKind.RETURNED,
            ident=f"example:{example.pk}",
        )
        (positives if doc.positive else negatives).append(doc)
    return positives, negatives


def routing_model_active() -> RoutingModel | None:
    return RoutingModel.objects.filter(is_active=True).first()


def routing_model_list() -> QuerySet[RoutingModel]:
    return RoutingModel.objects.order_by("-version")


def territory_signature() -> tuple:
    divisions = Division.objects.aggregate(count=Count("id"), changed=Max("updated_at"))
    cells = GridCell.objects.aggregate(count=Count("id"), changed=Max("updated_at"))
    return (divisions["count"], divisions["changed"], cells["count"], cells["changed"])


def gazetteer_build() -> Gazetteer:
    """The gazetteer of the territory in the database (divisions, active grid cells, their sites)."""
    divisions = [
        DivisionRow(code=d.code, name=d.name, level=d.level, parent_code=d.parent.code if d.parent else None)
        for d in Division.objects.select_related("parent").order_by("code")
    ]
    grids = [
        GridRow(code=code, name=name, community_code=community, site=site)
        for code, name, community, site in GridCell.objects.filter(is_active=True)
        .order_by("code")
        .values_list("code", "name", "community__code", "exclusive_for")
    ]
    return Gazetteer(divisions, grids)


class _GazetteerCache:
    lock = threading.Lock()
    signature: tuple = ()
    gazetteer: Gazetteer | None = None
    checked_at = 0.0


def gazetteer_get() -> Gazetteer:
    """The cached gazetteer, rebuilt when divisions or grid cells changed (checked at most every
    ``ROUTING_MODEL_CHECK_SECONDS``, default 5: two small aggregates)."""
    cache = _GazetteerCache
    check = float(settings.GRIEVANCE.get("ROUTING_MODEL_CHECK_SECONDS", 5.0))
    if cache.gazetteer is not None and time.monotonic() - cache.checked_at < check:
        return cache.gazetteer
    signature = territory_signature()
    with cache.lock:
        if cache.gazetteer is None or cache.signature != signature:
            cache.gazetteer, cache.signature = gazetteer_build(), signature
        cache.checked_at = time.monotonic()
        return cache.gazetteer


def gazetteer_cache_clear() -> None:
    with _GazetteerCache.lock:
        _GazetteerCache.gazetteer, _GazetteerCache.signature, _GazetteerCache.checked_at = None, (), 0.0


def place_for_text(text: str) -> tuple[Division | None, Division | None, Place | None]:
    """(street, community, place) the text names, from the gazetteer; Nones when it names none."""
    place = gazetteer_get().resolve(text)
    if place is None:
        return None, None, None
    codes = [c for c in (place.street, place.community) if c]
    divisions = {d.code: d for d in Division.objects.filter(code__in=codes)}
    return divisions.get(place.street), divisions.get(place.community), place
