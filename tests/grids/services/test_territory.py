import copy
import json

import pytest
from django.core.management import CommandError, call_command
from shapely.geometry import shape

from accounts.models import Role, User
from common.exceptions import ApplicationError
from grids.geo import grid_for_point, grid_index_invalidate
from grids.models import Division, DivisionLevel, GridCell, GridKind
from grids.selectors.territory import division_tree, grid_cells_for_worker
from grids.services.territory import (
    division_upsert,
    grid_cell_upsert,
    grid_cells_export_geojson,
    grid_cells_import_geojson,
)

WEST, SOUTH, SIZE = 114.30, 22.69, 0.01


def square(west: float, south: float, size: float = SIZE) -> dict:
    east, north = west + size, south + size
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[114.3, 22.6], [114.4, 22.7], [114.4, 22.6], [114.3, 22.7], [114.3, 22.6]]],
}


@pytest.fixture(autouse=True)
def fresh_index():
    grid_index_invalidate()
    yield
    grid_index_invalidate()


@pytest.fixture
def territory(db) -> dict[str, Division]:
    district = division_upsert(code="440310000000", name="坪山区", level=DivisionLevel.DISTRICT)
    street = division_upsert(
        code="440310001000", name="坪山街道", level=DivisionLevel.STREET, parent=district
    )
    other_street = division_upsert(
        code="440310002000", name="马峦街道", level=DivisionLevel.STREET, parent=district
    )
    return {
        "district": district,
        "street": street,
        "liulian": division_upsert(code="440310001001", name="六联社区", level="community", parent=street),
        "liuhe": division_upsert(code="440310001002", name="六和社区", level="community", parent=street),
        "pinghuan": division_upsert(
            code="440310002001", name="坪环社区", level="community", parent=other_street
        ),
    }


def feature(code: str, community: str, geometry: dict, **properties) -> dict:
    return {
        "type": "Feature",
        "properties": {
            "code": code,
            "name": f"网格{code[-3:]}",
            "community": community,
            "kind": "comprehensive",
            "households": 400,
            "population": 1040,
            **properties,
        },
        "geometry": geometry,
    }


def collection(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def upsert_errors(territory, **overrides) -> dict:
    values = {
        "code": "440310001001001",
        "name": "六联社区第001网格",
        "community": territory["liulian"],
        "boundary": square(WEST, SOUTH),
        **overrides,
    }
    with pytest.raises(ApplicationError) as caught:
        grid_cell_upsert(**values)
    assert not GridCell.objects.exists()
    return caught.value.errors


def test_grid_cell_upsert_stores_bbox_and_updates_by_code(territory):
    cell = grid_cell_upsert(
        code="440310001001001",
        name="六联社区第001网格",
        community=territory["liulian"],
        boundary=square(WEST, SOUTH),
        households=420,
        population=1100,
    )
    assert (cell.min_lng, cell.min_lat, cell.max_lng, cell.max_lat) == pytest.approx(
        (114.30, 22.69, 114.31, 22.70)
    )

    moved = grid_cell_upsert(
        code="440310001001001", name="改名", community=territory["liulian"], boundary=square(WEST + 1, SOUTH)
    )

    assert moved.pk == cell.pk and GridCell.objects.count() == 1
    assert moved.name == "改名" and moved.min_lng == pytest.approx(115.30)


def test_self_intersecting_bowtie_is_refused_with_the_reason(territory):
    errors = upsert_errors(territory, boundary=BOWTIE)

    assert "Self-intersection" in errors["boundary"][0]


@pytest.mark.parametrize(
    "boundary",
    [
        {"type": "Point", "coordinates": [114.3, 22.6]},
        {"type": "LineString", "coordinates": [[114.3, 22.6], [114.4, 22.7]]},
        "not a geometry",
    ],
)
def test_non_polygon_boundaries_are_refused(territory, boundary):
    errors = upsert_errors(territory, boundary=boundary)

    assert errors["boundary"]


def test_empty_and_unparseable_polygons_are_refused(territory):
    assert "为空" in upsert_errors(territory, boundary={"type": "Polygon", "coordinates": []})["boundary"][0]
    assert upsert_errors(territory, boundary={"type": "Polygon"})["boundary"]


def test_out_of_range_coordinates_are_refused(territory):
    # Latitude and longitude swapped, as a careless export would write them.
    swapped = {"type": "Polygon", "coordinates": [[[y, x] for x, y in square(WEST, SOUTH)["coordinates"][0]]]}

    errors = upsert_errors(territory, boundary=swapped)

    assert "超出范围" in errors["boundary"][0]


def test_code_must_start_with_the_community_code(territory):
    errors = upsert_errors(territory, code="440310001002001")

    assert "440310001001" in errors["code"][0]


def test_malformed_code_wrong_level_and_exclusive_without_object_are_refused(territory):
    assert upsert_errors(territory, code="44031000100100")["code"]
    assert upsert_errors(territory, code="440310001001000")["code"]
    assert upsert_errors(territory, community=territory["street"])["community"]
    assert upsert_errors(territory, kind=GridKind.EXCLUSIVE)["exclusive_for"]
    assert upsert_errors(territory, households=-1)["households"]


def test_division_upsert_checks_parent_level_and_code_prefix(territory):
    with pytest.raises(ApplicationError) as wrong_level:
        division_upsert(code="440310001003", name="新社区", level="community", parent=territory["district"])
    with pytest.raises(ApplicationError) as wrong_prefix:
        division_upsert(code="440310002009", name="新社区", level="community", parent=territory["street"])

    assert "parent" in wrong_level.value.errors
    assert "code" in wrong_prefix.value.errors
    assert not Division.objects.filter(name="新社区").exists()


def test_import_creates_cells_and_reports_counts(territory):
    data = collection(
        feature("440310001001001", "440310001001", square(WEST, SOUTH)),
        feature(
            "440310002001001",
            "440310002001",
            square(WEST + SIZE, SOUTH),
            kind="exclusive",
            exclusive_for="学校",
        ),
    )

    report = grid_cells_import_geojson(data=data)

    assert report.ok and (report.total, report.created, report.updated) == (2, 2, 0)
    assert GridCell.objects.get(code="440310002001001").exclusive_for == "学校"
    assert grid_for_point(SOUTH + 0.005, WEST + 0.015).grid == "440310002001001"


def test_import_with_a_bad_feature_writes_nothing_and_reports_index_and_reason(territory):
    grid_cell_upsert(
        code="440310001001001", name="原名", community=territory["liulian"], boundary=square(WEST, SOUTH)
    )
    data = collection(
        feature("440310001001001", "440310001001", square(WEST, SOUTH), name="新名"),
        feature("440310001001002", "440310001001", BOWTIE),
        feature("440310001001003", "440310001001", square(WEST + 2 * SIZE, SOUTH)),
        feature("440310009009001", "440310009009", square(WEST + 3 * SIZE, SOUTH)),
    )

    report = grid_cells_import_geojson(data=data)

    assert not report.ok and not report.written
    problems = {(problem.index, problem.field): problem.message for problem in report.errors}
    assert "Self-intersection" in problems[(1, "boundary")]
    assert "440310009009" in problems[(3, "community")]
    assert {index for index, _field in problems} == {1, 3}
    assert list(GridCell.objects.values_list("code", "name")) == [("440310001001001", "原名")]
    assert any("features[1]" in line for line in report.lines())


def test_import_refuses_duplicate_codes_and_non_collections(territory):
    twice = collection(
        feature("440310001001001", "440310001001", square(WEST, SOUTH)),
        feature("440310001001001", "440310001001", square(WEST + SIZE, SOUTH)),
    )

    duplicate = grid_cells_import_geojson(data=twice)
    not_a_collection = grid_cells_import_geojson(data={"type": "Feature"})

    assert [(problem.index, problem.field) for problem in duplicate.errors] == [(1, "code")]
    assert not not_a_collection.ok
    assert not GridCell.objects.exists()


def test_dry_run_reports_but_writes_nothing(territory):
    report = grid_cells_import_geojson(
        data=collection(feature("440310001001001", "440310001001", square(WEST, SOUTH))), dry_run=True
    )

    assert report.ok and report.created == 1 and not report.written
    assert not GridCell.objects.exists()


def test_export_import_round_trip_restores_every_cell(territory):
    grid_cell_upsert(
        code="440310001001001",
        name="六联社区第001网格",
        community=territory["liulian"],
        boundary={"type": "MultiPolygon", "coordinates": [square(WEST, SOUTH)["coordinates"]]},
        households=333,
        population=866,
    )
    grid_cell_upsert(
        code="440310002001001",
        name="坪环社区第001网格",
        community=territory["pinghuan"],
        boundary=square(WEST + SIZE, SOUTH),
        kind=GridKind.EXCLUSIVE,
        exclusive_for="坪山区人民医院",
        is_active=False,
    )
    exported = json.loads(json.dumps(grid_cells_export_geojson()))
    before = {cell.code: cell for cell in GridCell.objects.all()}

    assert grid_cells_import_geojson(data=exported).unchanged == 2
    GridCell.objects.all().delete()
    report = grid_cells_import_geojson(data=copy.deepcopy(exported))

    assert report.ok and report.created == 2
    for cell in GridCell.objects.all():
        old = before[cell.code]
        fields = ("name", "community_id", "kind", "exclusive_for", "households", "population", "is_active")
        assert [getattr(cell, name) for name in fields] == [getattr(old, name) for name in fields]
        assert shape(cell.boundary).equals(shape(old.boundary))
        assert cell.min_lng == old.min_lng and cell.max_lat == old.max_lat


def test_export_filters_by_division(territory):
    for code, community, col in [("440310001001001", "liulian", 0), ("440310002001001", "pinghuan", 1)]:
        grid_cell_upsert(
            code=code, name=code, community=territory[community], boundary=square(WEST + col * SIZE, SOUTH)
        )

    by_community = grid_cells_export_geojson(community="440310002001")
    by_street = grid_cells_export_geojson(community=territory["street"])

    assert [f["properties"]["code"] for f in by_community["features"]] == ["440310002001001"]
    assert [f["properties"]["code"] for f in by_street["features"]] == ["440310001001001"]
    with pytest.raises(ApplicationError):
        grid_cells_export_geojson(community="440310999999")


def test_division_tree_nests_levels_and_counts_active_cells(territory):
    grid_cell_upsert(
        code="440310001001001", name="a", community=territory["liulian"], boundary=square(WEST, SOUTH)
    )
    grid_cell_upsert(
        code="440310001001002",
        name="b",
        community=territory["liulian"],
        boundary=square(WEST + SIZE, SOUTH),
        is_active=False,
    )

    (district,) = division_tree()

    assert district["code"] == "440310000000" and district["grid_count"] == 1
    street = district["children"][0]
    assert [child["code"] for child in district["children"]] == ["440310001000", "440310002000"]
    assert [(c["code"], c["grid_count"]) for c in street["children"]] == [
        ("440310001001", 1),
        ("440310001002", 0),
    ]


def test_grid_cells_for_worker_lists_only_their_active_cells(territory):
    worker = User.objects.create_user(username="grid-w", password="x", role=Role.GRID_WORKER)
    other = User.objects.create_user(username="grid-o", password="x", role=Role.GRID_WORKER)
    mine = grid_cell_upsert(
        code="440310001001001",
        name="a",
        community=territory["liulian"],
        boundary=square(WEST, SOUTH),
        workers=[worker],
    )
    grid_cell_upsert(
        code="440310001001002",
        name="b",
        community=territory["liulian"],
        boundary=square(WEST + SIZE, SOUTH),
        workers=[worker],
        is_active=False,
    )
    grid_cell_upsert(
        code="440310001001003",
        name="c",
        community=territory["liulian"],
        boundary=square(WEST + 2 * SIZE, SOUTH),
        workers=[other],
    )

    assert list(grid_cells_for_worker(worker)) == [mine]
    assert not grid_cells_for_worker(None).exists()


def test_command_exports_and_imports_and_fails_on_bad_files(territory, tmp_path):
    grid_cell_upsert(
        code="440310001001001", name="a", community=territory["liulian"], boundary=square(WEST, SOUTH)
    )
    exported = tmp_path / "cells.geojson"
    call_command("grids_geojson", "export", "--community", "440310001001", "--output", str(exported))
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert [f["properties"]["code"] for f in data["features"]] == ["440310001001001"]

    data["features"][0]["properties"]["name"] = "改名"
    data["features"][0]["geometry"] = BOWTIE
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("grids_geojson", "import", str(bad))
    assert GridCell.objects.get().name == "a"

    data["features"][0]["geometry"] = square(WEST, SOUTH)
    bad.write_text(json.dumps(data), encoding="utf-8")
    call_command("grids_geojson", "import", str(bad), "--dry-run")
    assert GridCell.objects.get().name == "a"
    call_command("grids_geojson", "import", str(bad))
    assert GridCell.objects.get().name == "改名"
