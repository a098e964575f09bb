import time

import pytest
from shapely.geometry import shape
from shapely.ops import unary_union

from grids.demo.territory import DISTRICT_CODE, LATTICE_DEGREES, VIRTUAL_COMMUNITY_CODE, demo_territory_load
from grids.geo import grid_for_point, grid_index_invalidate
from grids.models import Division, DivisionLevel, GridCell, GridKind


@pytest.fixture(autouse=True)
def fresh_index():
    grid_index_invalidate()
    yield
    grid_index_invalidate()


@pytest.fixture
def loaded(require_postgres, shared_data_dir) -> dict:
    started = time.perf_counter()
    counts = demo_territory_load(data_dir=shared_data_dir)
    print(f"\ndemo territory loaded in {time.perf_counter() - started:.2f} s: {counts}")
    return counts


def test_divisions_match_the_csv(loaded):
    streets = Division.objects.filter(level=DivisionLevel.STREET)
    communities = Division.objects.filter(level=DivisionLevel.COMMUNITY)

    assert loaded["streets"] == streets.count() == 7
    assert loaded["communities"] == communities.count() == 25
    assert streets.filter(code="440310401000", name="深圳坪山综合保税区").exists()
    district = Division.objects.get(level=DivisionLevel.DISTRICT)
    assert (district.code, district.name, district.parent) == (DISTRICT_CODE, "坪山区", None)
    assert set(streets.values_list("parent__code", flat=True)) == {DISTRICT_CODE}
    virtual = communities.get(code=VIRTUAL_COMMUNITY_CODE)
    assert (virtual.code_status, virtual.parent.code) == ("generated", "440310401000")
    assert communities.get(code="440310001003").name == "坪山社区"
    assert all(community.code.startswith(community.parent.code[:9]) for community in communities)


def test_cells_tile_the_district_one_community_each(loaded, shared_data_dir):
    cells = list(GridCell.objects.select_related("community"))
    assert 300 <= loaded["grids"] == len(cells) <= 450
    communities = {d.code: shape(d.boundary) for d in Division.objects.filter(level=DivisionLevel.COMMUNITY)}
    district = shape(Division.objects.get(code=DISTRICT_CODE).boundary)
    for cell in cells:
        geometry = shape(cell.boundary)
        assert cell.code.startswith(cell.community.code) and len(cell.code) == 15
        assert geometry.difference(communities[cell.community.code]).area < 1e-6 * geometry.area
        overlapping = [
            code for code, polygon in communities.items() if polygon.intersection(geometry).area > 1e-9
        ]
        assert overlapping == [cell.community.code]
    union = unary_union([shape(cell.boundary) for cell in cells])
    assert union.symmetric_difference(district).area < 0.01 * district.area
    assert unary_union(list(communities.values())).symmetric_difference(district).area < 0.01 * district.area


def test_cells_look_like_real_grids(loaded):
    cells = GridCell.objects.all()
    comprehensive = cells.filter(kind=GridKind.COMPREHENSIVE)
    assert all(300 <= cell.households <= 500 for cell in comprehensive)
    assert all(2.3 <= cell.population / cell.households <= 2.9 for cell in comprehensive)
    assert 1 <= cells.filter(kind=GridKind.EXCLUSIVE).exclude(exclusive_for="").count() < 20
    first = cells.get(code="440310001003001")
    assert first.name == "坪山社区第001网格"
    # Numbered west→east, north→south on the lattice anchored at the district's north-west corner.
    west, _south, _east, north = shape(Division.objects.get(code=DISTRICT_CODE).boundary).bounds
    places = []
    for cell in cells.filter(community__code="440310001003").order_by("code"):
        centre = shape(cell.boundary).centroid
        places.append(((north - centre.y) // LATTICE_DEGREES, (centre.x - west) // LATTICE_DEGREES))
    assert len(places) > 5 and places == sorted(places)
    street = Division.objects.get(code="440310001000")
    assert street.households == sum(
        cells.filter(community__parent=street).values_list("households", flat=True)
    )


def test_every_cell_centre_locates_to_its_own_cell(loaded):
    for cell in GridCell.objects.select_related("community__parent")[:400]:
        point = shape(cell.boundary).representative_point()
        hit = grid_for_point(point.y, point.x)
        assert (hit.grid, hit.street, hit.district) == (cell.code, cell.community.parent.code, DISTRICT_CODE)


def test_loading_twice_changes_nothing(loaded, shared_data_dir):
    before = {cell.code: (cell.pk, cell.boundary, cell.households) for cell in GridCell.objects.all()}
    divisions = Division.objects.count()

    again = demo_territory_load(data_dir=shared_data_dir)

    assert again == loaded
    assert Division.objects.count() == divisions
    after = {cell.code: (cell.pk, cell.boundary, cell.households) for cell in GridCell.objects.all()}
    assert after == before
