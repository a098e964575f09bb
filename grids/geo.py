"""Geometry for the territory: the boundary checks every writer shares, and point → grid cell lookup
through an in-memory spatial index of the active grid cells.

Invariants:
- The index holds every active ``GridCell`` whose boundary parses as a polygonal geometry, with the codes of
  its community, street and district resolved once at build time, so a lookup touches no database.
- A point on a border shared by several cells resolves to the cell with the lowest code among those whose
  boundary ``covers`` the point (interior or boundary), so the answer never depends on build order.
- Each process builds its index lazily on first use. Services call ``grid_index_invalidate()`` after writing
  cells or divisions: it bumps a generation counter in the Django cache (shared by every process) and marks
  this process's index stale. Other processes compare their index's generation with the cache at most once
  every ``GRID_INDEX_CHECK_SECONDS`` (setting, default 5 s) and rebuild when it moved.
"""

import logging
import threading
import time
from dataclasses import dataclass

import numpy as np
import shapely
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

logger = logging.getLogger(__name__)

GENERATION_CACHE_KEY = "grids:territory:generation"
DEFAULT_CHECK_SECONDS = 5.0
# Without a reachable cache no process can hear of changes; rebuild at least this often instead.
FALLBACK_MAX_AGE_SECONDS = 300.0
POLYGON_TYPES = ("Polygon", "MultiPolygon")


def _as_lists(value):
    if isinstance(value, dict):
        return {key: _as_lists(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_lists(item) for item in value]
    return value


def boundary_geometry(boundary) -> tuple[BaseGeometry | None, list[str]]:
    """Parse and check a GeoJSON boundary: (geometry, []) when usable, else (None, [reasons])."""
    if not isinstance(boundary, dict):
        return None, [_("边界应为 GeoJSON 几何对象")]
    kind = boundary.get("type")
    if kind not in POLYGON_TYPES:
        return None, [_("边界必须是 Polygon 或 MultiPolygon，而不是 %(kind)s") % {"kind": kind}]
    try:
        geometry = shape(boundary)
    except Exception as exc:  # shapely raises several types (KeyError, ValueError, GeometryTypeError...)
        return None, [_("无法解析的 GeoJSON 几何：%(reason)s") % {"reason": exc}]
    if geometry.is_empty:
        return None, [_("边界为空")]
    coordinates = shapely.get_coordinates(geometry)
    if not np.isfinite(coordinates).all():
        return None, [_("坐标含有非数值")]
    if (abs(coordinates[:, 0]) > 180).any() or (abs(coordinates[:, 1]) > 90).any():
        return None, [_("坐标超出范围：经度应在 -180～180，纬度应在 -90～90（GeoJSON 顺序为经度、纬度）")]
    if not geometry.is_valid:
        return None, [_("边界几何无效：%(reason)s") % {"reason": explain_validity(geometry)}]
    return geometry, []


def boundary_geojson(geometry: BaseGeometry) -> dict:
    """The canonical stored form of a boundary: plain GeoJSON with lists and full float precision."""
    return _as_lists(mapping(geometry))


@dataclass(frozen=True)
class GridHit:
    """Where a point lies: codes of the grid cell and of its community, street and district."""

    grid: str
    community: str
    street: str | None
    district: str | None
    grid_id: int


class GridIndex:
    """An immutable STRtree over prepared cell geometries, sorted by code (lowest code wins on borders)."""

    def __init__(self, entries: list[tuple[object, GridHit]]):
        entries = sorted(entries, key=lambda entry: entry[1].grid)
        self.hits = [hit for _, hit in entries]
        self.geometries = np.array([geometry for geometry, _ in entries], dtype=object)
        shapely.prepare(self.geometries)
        self.tree = shapely.STRtree(self.geometries)

    def __len__(self) -> int:
        return len(self.hits)

    def lookup(self, *, lat: float, lng: float) -> GridHit | None:
        point = shapely.Point(lng, lat)
        # query() returns candidates whose bounding box meets the point; check them in code order.
        for position in np.sort(self.tree.query(point)):
            if self.geometries[position].covers(point):
                return self.hits[position]
        return None


def _ancestor_codes(community) -> tuple[str | None, str | None]:
    """(street code, district code) above a community; walks parents so a missing level gives None."""
    street = district = None
    node = community.parent
    while node is not None:
        if node.level == "street" and street is None:
            street = node.code
        elif node.level == "district":
            district = node.code
            break
        node = node.parent
    return street, district


def grid_index_build() -> GridIndex:
    """Read the active cells (one query) and build an index; unreadable boundaries are logged, skipped."""
    from grids.models import GridCell

    cells = GridCell.objects.filter(is_active=True).select_related("community__parent__parent__parent")
    entries = []
    for cell in cells.iterator(chunk_size=1000):
        try:
            geometry = shape(cell.boundary)
        except Exception:  # any malformed JSON geometry; the service never stores one, an import might
            logger.warning("grid cell %s has an unreadable boundary; left out of the index", cell.code)
            continue
        if geometry.is_empty or geometry.geom_type not in ("Polygon", "MultiPolygon"):
            logger.warning("grid cell %s boundary is not a polygon; left out of the index", cell.code)
            continue
        street, district = _ancestor_codes(cell.community)
        hit = GridHit(
            grid=cell.code, community=cell.community.code, street=street, district=district, grid_id=cell.pk
        )
        entries.append((geometry, hit))
    return GridIndex(entries)


class _IndexHolder:
    """The per-process index plus the bookkeeping that decides when to rebuild it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.index: GridIndex | None = None
        self.generation: int | None = None
        self.built_at = 0.0
        self.checked_at = 0.0
        self.stale = True

    def check_seconds(self) -> float:
        return float(getattr(settings, "GRID_INDEX_CHECK_SECONDS", DEFAULT_CHECK_SECONDS))

    def get(self, *, force_check: bool = False) -> GridIndex:
        now = time.monotonic()
        index = self.index
        if (
            index is not None
            and not self.stale
            and not force_check
            and now - self.checked_at < self.check_seconds()
        ):
            return index
        with self.lock:
            now = time.monotonic()
            generation = _generation_read()
            self.checked_at = now
            unchanged = generation is not None and generation == self.generation
            if generation is None:
                unchanged = now - self.built_at < FALLBACK_MAX_AGE_SECONDS
            if self.index is not None and not self.stale and unchanged:
                return self.index
            self.index = grid_index_build()
            self.generation = generation
            self.built_at = now
            self.stale = False
            return self.index


_holder = _IndexHolder()


def _generation_read() -> int | None:
    try:
        value = cache.get(GENERATION_CACHE_KEY)
        if value is None:
            cache.add(GENERATION_CACHE_KEY, 0, timeout=None)
            value = cache.get(GENERATION_CACHE_KEY, 0)
        return int(value)
    except Exception:  # cache backend down: keep serving, rebuild on age instead
        logger.warning("grid index: cannot read the generation counter from the cache", exc_info=True)
        return None


def grid_index_invalidate() -> None:
    """Tell every process that cells changed: bump the shared generation, mark this index stale."""
    _holder.stale = True
    try:
        cache.add(GENERATION_CACHE_KEY, 0, timeout=None)
        cache.incr(GENERATION_CACHE_KEY)
    except Exception:  # a missing cache must not fail the write that changed the cells
        logger.warning("grid index: cannot bump the generation counter in the cache", exc_info=True)


def grid_index_get(*, force_check: bool = False) -> GridIndex:
    """The current process's index, (re)built when needed; ``force_check`` skips the check interval."""
    return _holder.get(force_check=force_check)


def grid_for_point(lat: float, lng: float) -> GridHit | None:
    """The grid cell covering (lat, lng) in WGS-84-style degrees as stored (GeoJSON lng/lat), or None."""
    return grid_index_get().lookup(lat=lat, lng=lng)
