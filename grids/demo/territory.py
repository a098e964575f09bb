"""The demo territory: Pingshan district, its streets and communities, and generated grid cells.

No street, community or grid polygons of the district are public, so they are generated, deterministically,
inside the real district boundary (pingshan/district_boundary.geojson):

1. the bonded zone is a small rectangle near the centre-north, cut out first;
2. the rest is split into the six streets by k-means over a dense point sample, started from seeds in
   plausible positions (坑梓 north-east, 龙田 north, 坪山 centre-west, 碧岭 west, 马峦 south,
   石井 south-east),
   each street being the Voronoi cell of its centre clipped to the boundary;
3. each street is split the same way into its communities; community codes go north→south, west→east;
4. a regular lattice (``LATTICE_DEGREES``) is intersected with every community, pieces under
   ``SLIVER_SHARE`` of a lattice cell are merged into the same-community neighbour sharing the longest
   border, and each community's cells are numbered west→east, north→south (DOMAIN.md §3).

Communities therefore tile the boundary, streets are unions of their communities and every cell lies in
exactly one community. All randomness uses fixed seeds, so codes are stable across runs and loads upsert.
"""

import csv
import json
import random
from decimal import Decimal
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point, box, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from common.exceptions import ApplicationError
from grids.models import DivisionLevel, GridKind
from grids.services.territory import division_upsert, grid_cells_import_geojson

DISTRICT_CODE = "440310000000"
BONDED_STREET_CODE = "440310401000"
VIRTUAL_COMMUNITY_CODE = "440310401001"
# Lattice step in degrees (≈ 0.82 km east-west, 0.89 km north-south here): about 375 cells in the district.
LATTICE_DEGREES = 0.008
SLIVER_SHARE = 0.05
SAMPLE_DEGREES = 0.0015
# Street seeds as fractions (west→east, south→north) of the district's bounding box.
STREET_SEEDS = {
    "440310001000": (0.42, 0.45),  # 坪山
    "440310002000": (0.42, 0.15),  # 马峦
    "440310003000": (0.12, 0.28),  # 碧岭
    "440310004000": (0.85, 0.42),  # 石井
    "440310005000": (0.78, 0.82),  # 坑梓
    "440310006000": (0.55, 0.72),  # 龙田
}
BONDED_ZONE_CENTRE = (0.58, 0.56)
BONDED_ZONE_HALF_SIZE = (0.008, 0.0045)  # degrees: ≈ 1.6 km × 1.0 km
# One exclusive grid per listed street: the full lattice cell nearest the street's centre.
EXCLUSIVE_SITES = {"440310001000": "坪山区人民医院", "440310004000": "深圳技术大学"}
BONDED_ZONE_SITE = "深圳坪山综合保税区"
SEED = 20260101


def _code12(raw: str) -> str:
    """CSV codes are written as floats (``440310001001.0``); return the 12-digit string, or ''."""
    raw = (raw or "").strip()
    return str(int(Decimal(raw))) if raw else ""


def _divisions_read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["code"] = _code12(row["code12"])
        row["parent"] = _code12(row["parent_code12"])
        row["name"] = row["name"].strip().removesuffix("居委会")
    return rows


def _polygons(geometry: BaseGeometry) -> list[BaseGeometry]:
    if geometry.is_empty:
        return []
    if geometry.geom_type == "Polygon":
        return [geometry]
    return [part for member in getattr(geometry, "geoms", []) for part in _polygons(member)]


def _kmeans(points: np.ndarray, centres: np.ndarray, iterations: int) -> tuple[np.ndarray, np.ndarray]:
    for _ in range(iterations):
        labels = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(-1).argmin(1)
        centres = np.array(
            [points[labels == k].mean(0) if (labels == k).any() else centres[k] for k in range(len(centres))]
        )
    return centres, ((points[:, None, :] - centres[None, :, :]) ** 2).sum(-1).argmin(1)


def _voronoi_clip(centres: np.ndarray, region: BaseGeometry) -> list[BaseGeometry]:
    """The Voronoi cell of each centre, clipped to ``region``, in the order of ``centres``."""
    cells = shapely.voronoi_polygons(MultiPoint([tuple(c) for c in centres]), extend_to=region.envelope)
    out = []
    for centre in centres:
        cell = next(cell for cell in cells.geoms if cell.covers(Point(centre)))
        out.append(cell.intersection(region))
    return out


def _points_in(region: BaseGeometry, bounds: tuple) -> np.ndarray:
    minx, miny, maxx, maxy = bounds
    xs, ys = np.meshgrid(
        np.arange(minx + SAMPLE_DEGREES / 2, maxx, SAMPLE_DEGREES),
        np.arange(miny + SAMPLE_DEGREES / 2, maxy, SAMPLE_DEGREES),
    )
    points = np.column_stack([xs.ravel(), ys.ravel()])
    return points[shapely.contains_xy(region, points[:, 0], points[:, 1])]


def territory_layout(
    *, boundary: BaseGeometry, communities_per_street: dict[str, int]
) -> tuple[dict[str, list[BaseGeometry]], BaseGeometry]:
    """Split ``boundary`` into streets and communities: ({street code: [community polygons north→south]},
    bonded zone). Community lists follow the order in which codes are handed out."""
    minx, miny, maxx, maxy = boundary.bounds

    def at(u: float, v: float) -> tuple[float, float]:
        return minx + u * (maxx - minx), miny + v * (maxy - miny)

    bx, by = at(*BONDED_ZONE_CENTRE)
    half_x, half_y = BONDED_ZONE_HALF_SIZE
    bonded = box(bx - half_x, by - half_y, bx + half_x, by + half_y).intersection(boundary)
    rest = boundary.difference(bonded)
    shapely.prepare(rest)
    points = _points_in(rest, boundary.bounds)
    codes = sorted(communities_per_street)
    centres, _labels = _kmeans(points, np.array([at(*STREET_SEEDS[code]) for code in codes]), iterations=5)
    layout = {}
    for position, (code, street) in enumerate(zip(codes, _voronoi_clip(centres, rest), strict=True)):
        count = communities_per_street[code]
        inside = _points_in(street, street.bounds)
        start = inside[np.random.default_rng(SEED + position).choice(len(inside), count, replace=False)]
        community_centres, _labels = _kmeans(inside, start, iterations=15)
        # Hand out codes north→south, then west→east.
        community_centres = community_centres[np.lexsort((community_centres[:, 0], -community_centres[:, 1]))]
        layout[code] = _voronoi_clip(community_centres, street)
    return layout, bonded


def _merge_slivers(pieces: list[list], threshold: float) -> list[list]:
    """Merge each piece smaller than ``threshold`` into the piece sharing its longest border (smallest first).

    A sliver with no neighbour in its community stays a cell of its own, so coverage is never lost.
    """
    kept: list[list] = []
    while True:
        small = [i for i, (_key, piece) in enumerate(pieces) if piece.area < threshold]
        if not small:
            return pieces + kept
        index = min(small, key=lambda i: pieces[i][1].area)
        _key, piece = pieces.pop(index)
        shared = [
            (piece.boundary.intersection(other.boundary).length, i) for i, (_k, other) in enumerate(pieces)
        ]
        length, best = max(shared, default=(0.0, None))
        if best is None or length <= 0:
            kept.append([_key, piece])
            continue
        pieces[best][1] = unary_union([pieces[best][1], piece])


def community_cells(
    community: BaseGeometry, *, origin: tuple[float, float], size: float
) -> list[BaseGeometry]:
    """Lattice cells (west edge ``origin[0]``, north edge ``origin[1]``) ∩ community, numbered order."""
    west, north = origin
    x0, y0, x1, y1 = community.bounds
    shapely.prepare(community)
    pieces = []
    for row in range(int((north - y1) // size), int((north - y0) // size) + 1):
        for col in range(int((x0 - west) // size), int((x1 - west) // size) + 1):
            square = box(
                west + col * size, north - (row + 1) * size, west + (col + 1) * size, north - row * size
            )
            if community.intersects(square):
                for piece in _polygons(community.intersection(square)):
                    pieces.append([(row, col, round(piece.centroid.x, 9)), piece])
    pieces = _merge_slivers(pieces, SLIVER_SHARE * size * size)
    return [piece for _key, piece in sorted(pieces, key=lambda item: item[0])]


def _cell_feature(*, code: str, name: str, community: str, geometry: BaseGeometry, site: str) -> dict:
    rng = random.Random(f"{SEED}:{code}")
    households = 0 if site else rng.randint(300, 500)
    properties = {
        "code": code,
        "name": name,
        "community": community,
        "kind": GridKind.EXCLUSIVE.value if site else GridKind.COMPREHENSIVE.value,
        "exclusive_for": site,
        "households": households,
        "population": round(households * rng.uniform(2.4, 2.8)),
    }
    return {"type": "Feature", "properties": properties, "geometry": mapping(geometry)}


def _exclusive_cell(cells: list[tuple[str, BaseGeometry]], centre: Point, size: float) -> str | None:
    full = [
        (geometry.centroid.distance(centre), code)
        for code, geometry in cells
        if geometry.area > 0.9 * size**2
    ]
    return min(full)[1] if full else None


def _grid_features(
    layout: dict[str, list[BaseGeometry]], by_street: dict[str, list[dict]], *, origin: tuple[float, float]
) -> tuple[list[dict], dict[str, tuple[int, int]]]:
    """GeoJSON features of every cell, and (households, population) totals per division code."""
    features, totals = [], {}
    for street_code, polygons in layout.items():
        street_cells = []
        for row, polygon in zip(by_street[street_code], polygons, strict=True):
            for seq, geometry in enumerate(
                community_cells(polygon, origin=origin, size=LATTICE_DEGREES), start=1
            ):
                street_cells.append((f"{row['code']}{seq:03d}", geometry, row))
        site_code = _exclusive_cell(
            [(code, geometry) for code, geometry, _row in street_cells],
            unary_union(polygons).centroid,
            LATTICE_DEGREES,
        )
        for code, geometry, row in street_cells:
            site = BONDED_ZONE_SITE if street_code == BONDED_STREET_CODE else ""
            if code == site_code and street_code in EXCLUSIVE_SITES:
                site = EXCLUSIVE_SITES[street_code]
            name = f"{row['name']}第{code[-3:]}网格"
            feature = _cell_feature(code=code, name=name, community=row["code"], geometry=geometry, site=site)
            features.append(feature)
            properties = feature["properties"]
            for key in (row["code"], street_code, DISTRICT_CODE):
                households, population = totals.get(key, (0, 0))
                totals[key] = (households + properties["households"], population + properties["population"])
    return features, totals


def demo_territory_load(*, data_dir) -> dict:
    """Upsert the district, its streets, communities (with generated boundaries) and grid cells.

    Idempotent: everything is keyed by code and generated deterministically. Returns counts.
    """
    data_dir = Path(data_dir) / "pingshan"
    rows = _divisions_read(data_dir / "divisions.csv")
    with (data_dir / "district_boundary.geojson").open(encoding="utf-8") as handle:
        collection = json.load(handle)
    boundary = unary_union([shape(feature["geometry"]) for feature in collection["features"]])
    district_row = next(row for row in rows if row["level"] == DivisionLevel.DISTRICT)
    district_row["code"] = DISTRICT_CODE
    streets = [row for row in rows if row["level"] == DivisionLevel.STREET]
    communities = [row for row in rows if row["level"] == DivisionLevel.COMMUNITY]
    for row in communities:
        if not row["code"] and row["parent"] == BONDED_STREET_CODE:
            row["code"], row["status"] = VIRTUAL_COMMUNITY_CODE, "generated"
    by_street: dict[str, list[dict]] = {}
    for row in sorted(communities, key=lambda row: row["code"]):
        by_street.setdefault(row["parent"], []).append(row)
    layout, bonded = territory_layout(
        boundary=boundary,
        communities_per_street={code: len(by_street.get(code, [])) for code in STREET_SEEDS},
    )
    layout[BONDED_STREET_CODE] = [bonded]
    minx, _miny, _maxx, maxy = boundary.bounds
    features, totals = _grid_features(layout, by_street, origin=(minx, maxy))

    def upsert(row: dict, *, level: str, parent, geometry: BaseGeometry):
        households, population = totals.get(row["code"], (0, 0))
        return division_upsert(
            code=row["code"],
            name=row["name"],
            level=level,
            parent=parent,
            code_status=row["status"],
            households=households,
            population=population,
            boundary=mapping(geometry),
        )

    district = upsert(district_row, level=DivisionLevel.DISTRICT, parent=None, geometry=boundary)
    for street_row in streets:
        members = by_street[street_row["code"]]
        polygons = dict(zip((row["code"] for row in members), layout[street_row["code"]], strict=True))
        street = upsert(
            street_row,
            level=DivisionLevel.STREET,
            parent=district,
            geometry=unary_union(list(polygons.values())),
        )
        for row in members:
            upsert(row, level=DivisionLevel.COMMUNITY, parent=street, geometry=polygons[row["code"]])
    report = grid_cells_import_geojson(data={"type": "FeatureCollection", "features": features})
    if not report.ok:
        raise ApplicationError(
            "演示网格生成有误：" + "；".join(str(problem) for problem in report.errors[:5])
        )
    return {"streets": len(streets), "communities": len(communities), "grids": len(features)}
