"""Reads of the territory that interfaces use: point lookup, the division tree, a worker's grids."""

from django.db.models import Count, Q, QuerySet

from grids.geo import GridHit, grid_for_point
from grids.models import Division, GridCell

__all__ = ["GridHit", "division_tree", "grid_cells_for_worker", "grid_for_point"]


def division_tree() -> list[dict]:
    """Every division as nested dicts (roots first, children by code), with active grid counts per node.

    Each node: ``{"code", "name", "level", "code_status", "grid_count", "children": [...]}``; ``grid_count``
    counts the active cells of the node and everything below it.
    """
    rows = Division.objects.order_by("code").annotate(
        own_grids=Count("grid_cells", filter=Q(grid_cells__is_active=True))
    )
    nodes: dict[int, dict] = {}
    parents: dict[int, int | None] = {}
    for division in rows:
        nodes[division.pk] = {
            "code": division.code,
            "name": division.name,
            "level": division.level,
            "code_status": division.code_status,
            "grid_count": division.own_grids,
            "children": [],
        }
        parents[division.pk] = division.parent_id
    roots = []
    for pk, node in nodes.items():
        parent = nodes.get(parents[pk])
        (parent["children"] if parent is not None else roots).append(node)

    def total(node: dict) -> int:
        node["grid_count"] += sum(total(child) for child in node["children"])
        return node["grid_count"]

    for root in roots:
        total(root)
    return roots


def grid_cells_for_worker(user) -> QuerySet[GridCell]:
    """The active grid cells a grid worker is assigned to, by code; none for anonymous users."""
    if user is None or not getattr(user, "is_authenticated", False):
        return GridCell.objects.none()
    return (
        GridCell.objects.filter(workers=user, is_active=True)
        .select_related("community__parent")
        .order_by("code")
    )
