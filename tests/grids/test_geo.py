import random
import time

import pytest
from django.core.cache import cache
from shapely.geometry import box

from grids.geo import (
    GENERATION_CACHE_KEY,
    GridHit,
    GridIndex,
    grid_for_point,
    grid_index_get,
    grid_index_invalidate,
)
from grids.models import DivisionLevel, GridCell
from grids.services.territory import division_upsert, grid_cell_upsert

# A 2×2 block of 0.01° cells; west edge 114.30, north edge 22.70. Codes go west→east, north→south.
WEST, NORTH, SIZE = 114.30, 22.70, 0.01
COMMUNITY = "440310001001"


def square(west: float, south: float, size: float = SIZE) -> dict:
    east, north = west + size, south + size
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


@pytest.fixture(autouse=True)
def fresh_index():
    # The index lives per process; a rolled-back test must not leave its cells in it.
    grid_index_invalidate()
    yield
    grid_index_invalidate()


@pytest.fixture
def community(db):
    district = division_upsert(code="440310000000", name="坪山区", level=DivisionLevel.DISTRICT)
    street = division_upsert(
        code="440310001000", name="坪山街道", level=DivisionLevel.STREET, parent=district
    )
    return division_upsert(code=COMMUNITY, name="六联社区", level=DivisionLevel.COMMUNITY, parent=street)


@pytest.fixture
def block(community):
    # Created in reverse code order, so a correct border answer cannot come from insertion order.
    cells = {}
    for seq, (col, row) in reversed(list(enumerate([(0, 0), (1, 0), (0, 1), (1, 1)], start=1))):
        code = f"{COMMUNITY}{seq:03d}"
        cells[code] = grid_cell_upsert(
            code=code,
            name=f"六联社区第{seq:03d}网格",
            community=community,
            boundary=square(WEST + col * SIZE, NORTH - (row + 1) * SIZE),
        )
    return cells


def test_point_inside_a_cell_gives_every_level_code(block):
    hit = grid_for_point(NORTH - 0.005, WEST + 0.015)

    assert hit == GridHit(
        grid="440310001001002",
        community=COMMUNITY,
        street="440310001000",
        district="440310000000",
        grid_id=block["440310001001002"].pk,
    )


def test_point_outside_every_cell_gives_none(block):
    assert grid_for_point(22.5, 114.0) is None
    assert grid_for_point(NORTH + 0.0001, WEST + 0.005) is None


def test_point_on_a_shared_border_resolves_to_the_lowest_code(block):
    # Edge between 001 (west) and 002 (east), edge between 002 and 004, and the corner all four share.
    assert grid_for_point(NORTH - 0.005, WEST + SIZE).grid == "440310001001001"
    assert grid_for_point(NORTH - SIZE, WEST + 0.015).grid == "440310001001002"
    assert grid_for_point(NORTH - SIZE, WEST + SIZE).grid == "440310001001001"


def test_point_on_an_outer_vertex_belongs_to_its_cell(block):
    assert grid_for_point(NORTH - 2 * SIZE, WEST + 2 * SIZE).grid == "440310001001004"
    assert grid_for_point(NORTH, WEST).grid == "440310001001001"


def test_index_rebuilds_after_a_cell_changes_through_the_service(block, community):
    point = (NORTH - 0.005, WEST + 0.035)  # east of the block
    assert grid_for_point(*point) is None

    grid_cell_upsert(
        code="440310001001002",
        name="六联社区第002网格",
        community=community,
        boundary=square(WEST + 0.03, NORTH - SIZE),
    )

    assert grid_for_point(*point).grid == "440310001001002"
    assert grid_for_point(NORTH - 0.005, WEST + 0.015) is None


def test_other_processes_see_the_change_when_they_check_the_generation(block, settings):
    settings.GRID_INDEX_CHECK_SECONDS = 3600
    point = (NORTH - 0.005, WEST + 0.005)
    assert grid_for_point(*point).grid == "440310001001001"
    # Another process deactivates the cell: the rows change and the shared generation moves,
    # but this process's index is not marked stale.
    GridCell.objects.filter(code="440310001001001").update(is_active=False)
    cache.incr(GENERATION_CACHE_KEY)

    assert grid_for_point(*point).grid == "440310001001001"  # within the check interval
    assert grid_index_get(force_check=True).lookup(lat=point[0], lng=point[1]) is None
    assert grid_for_point(*point) is None


def test_inactive_and_unchanged_cells(block, community):
    grid_cell_upsert(
        code="440310001001001",
        name="六联社区第001网格",
        community=community,
        boundary=square(WEST, NORTH - SIZE),
        is_active=False,
    )

    assert grid_for_point(NORTH - 0.005, WEST + 0.005) is None
    assert len(grid_index_get()) == 3


def test_lookup_speed_with_thousands_of_cells_and_answers_match_brute_force():
    """Benchmark (printed, not asserted): 60×60 = 3,600 cells, 20,000 lookups."""
    size, count = 0.003, 60
    entries = []
    for row in range(count):
        for col in range(count):
            geometry = box(
                WEST + col * size, NORTH - (row + 1) * size, WEST + (col + 1) * size, NORTH - row * size
            )
            entries.append((geometry, GridHit(f"{row:04d}{col:04d}", "c", "s", "d", row * count + col)))
    started = time.perf_counter()
    index = GridIndex(entries)
    built = time.perf_counter() - started
    rng = random.Random(7)
    points = [
        (NORTH - rng.uniform(0, count * size * 1.05), WEST + rng.uniform(-0.01, count * size))
        for _ in range(20_000)
    ]
    started = time.perf_counter()
    hits = [index.lookup(lat=lat, lng=lng) for lat, lng in points]
    per_lookup = (time.perf_counter() - started) / len(points)
    print(
        f"\ngrid index: {len(index)} cells, built in {built * 1000:.1f} ms, {per_lookup * 1e6:.1f} µs/lookup"
    )

    for (lat, lng), hit in list(zip(points, hits, strict=True))[:2000]:
        row, col = int((NORTH - lat) // size), int((lng - WEST) // size)
        inside = 0 <= row < count and 0 <= col < count
        assert (hit.grid if hit else None) == (f"{row:04d}{col:04d}" if inside else None)
