import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from grids.geo import grid_index_invalidate
from grids.models import DivisionLevel
from grids.services.territory import division_upsert, grid_cell_upsert

URL = "/api/v1/grids/locate/"


@pytest.fixture(autouse=True)
def fresh_cache():
    # Anonymous throttling counts in the cache; the grid index is per process.
    cache.clear()
    grid_index_invalidate()
    yield
    grid_index_invalidate()


@pytest.fixture
def cell(db):
    district = division_upsert(code="440310000000", name="坪山区", level=DivisionLevel.DISTRICT)
    street = division_upsert(
        code="440310001000", name="坪山街道", level=DivisionLevel.STREET, parent=district
    )
    community = division_upsert(code="440310001003", name="坪山社区", level="community", parent=street)
    ring = [[114.33, 22.68], [114.34, 22.68], [114.34, 22.69], [114.33, 22.69], [114.33, 22.68]]
    return grid_cell_upsert(
        code="440310001003003",
        name="坪山社区第003网格",
        community=community,
        boundary={"type": "Polygon", "coordinates": [ring]},
    )


def test_locate_answers_the_codes_of_every_level_anonymously(cell):
    response = APIClient().get(URL, {"lat": "22.685", "lng": "114.335"})

    assert response.status_code == 200
    assert response.json() == {
        "grid": "440310001003003",
        "community": "440310001003",
        "street": "440310001000",
        "district": "440310000000",
    }


def test_locate_outside_every_cell_is_404_with_the_project_error_shape(cell):
    response = APIClient().get(URL, {"lat": "22.5", "lng": "114.0"})

    assert response.status_code == 404
    assert response.json() == {"message": "该位置不在本区网格范围内", "errors": {}}


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({}, {"lat", "lng"}),
        ({"lat": "22.685"}, {"lng"}),
        ({"lat": "north", "lng": "114.335"}, {"lat"}),
        ({"lat": "nan", "lng": "114.335"}, {"lat"}),
        ({"lat": "91", "lng": "114.335"}, {"lat"}),
        ({"lat": "22.685", "lng": "-181"}, {"lng"}),
    ],
)
def test_locate_bad_parameters_are_400_with_field_errors(db, params, fields):
    response = APIClient().get(URL, params)

    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == fields and body["message"]
