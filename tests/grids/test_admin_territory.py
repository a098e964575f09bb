import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role, User
from grids.geo import grid_index_invalidate
from grids.models import DivisionLevel, GridCell
from grids.services.territory import division_upsert

RING = [[114.30, 22.69], [114.31, 22.69], [114.31, 22.70], [114.30, 22.70], [114.30, 22.69]]
BOWTIE = [[114.30, 22.69], [114.31, 22.70], [114.31, 22.69], [114.30, 22.70], [114.30, 22.69]]


@pytest.fixture(autouse=True)
def fresh_index():
    grid_index_invalidate()
    yield
    grid_index_invalidate()


@pytest.fixture
def community(db):
    district = division_upsert(code="440310000000", name="坪山区", level=DivisionLevel.DISTRICT)
    street = division_upsert(
        code="440310001000", name="坪山街道", level=DivisionLevel.STREET, parent=district
    )
    return division_upsert(code="440310001001", name="六联社区", level="community", parent=street)


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x", role=Role.ADMIN))
    return client


def cell_form(community, ring, **overrides) -> dict:
    return {
        "code": "440310001001001",
        "name": "六联社区第001网格",
        "community": community.pk,
        "kind": "comprehensive",
        "exclusive_for": "",
        "households": 400,
        "population": 1040,
        "boundary": json.dumps({"type": "Polygon", "coordinates": [ring]}),
        "is_active": "on",
        **overrides,
    }


def test_add_form_rejects_bad_geometry_with_the_reason(admin_client, community):
    response = admin_client.post(reverse("admin:grids_gridcell_add"), cell_form(community, BOWTIE))

    assert response.status_code == 200
    assert "Self-intersection" in response.content.decode()
    assert not GridCell.objects.exists()


def test_add_form_saves_through_the_service(admin_client, community):
    response = admin_client.post(reverse("admin:grids_gridcell_add"), cell_form(community, RING))

    assert response.status_code == 302
    cell = GridCell.objects.get()
    assert (cell.min_lng, cell.max_lat) == pytest.approx((114.30, 22.70))


def test_import_view_reports_bad_features_and_writes_nothing(admin_client, community):
    url = reverse("admin:grids_gridcell_import_geojson")
    features = [
        {
            "type": "Feature",
            "properties": {"code": f"440310001001{seq:03d}", "name": "a", "community": community.code},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }
        for seq, ring in [(1, RING), (2, BOWTIE)]
    ]
    upload = json.dumps({"type": "FeatureCollection", "features": features}).encode()

    page = admin_client.get(reverse("admin:grids_gridcell_changelist"))
    response = admin_client.post(url, {"file": SimpleUploadedFile("cells.geojson", upload)})

    assert url in page.content.decode()
    assert response.status_code == 200
    assert "features[1]" in response.content.decode()
    assert not GridCell.objects.exists()
    features.pop()
    upload = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    admin_client.post(url, {"file": SimpleUploadedFile("cells.geojson", upload)})
    assert GridCell.objects.count() == 1


def test_export_action_downloads_the_selected_cells(admin_client, community):
    admin_client.post(reverse("admin:grids_gridcell_add"), cell_form(community, RING))
    cell = GridCell.objects.get()

    response = admin_client.post(
        reverse("admin:grids_gridcell_changelist"),
        {"action": "export_geojson", "_selected_action": [cell.pk]},
    )

    assert response["Content-Disposition"].startswith("attachment")
    assert [f["properties"]["code"] for f in json.loads(response.content)["features"]] == [cell.code]


def test_division_form_rejects_a_bad_boundary_with_the_reason(admin_client, community):
    data = {
        "name": "六联社区",
        "level": "community",
        "parent": community.parent.pk,
        "code_status": "verified",
        "households": 0,
        "population": 0,
        "boundary": json.dumps({"type": "Polygon", "coordinates": [BOWTIE]}),
    }

    response = admin_client.post(reverse("admin:grids_division_change", args=[community.pk]), data)

    assert response.status_code == 200
    assert "Self-intersection" in response.content.decode()
    community.refresh_from_db()
    assert community.boundary is None
