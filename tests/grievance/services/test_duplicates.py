"""Duplicate candidates (same matter, within 250 m or the same grid, similar text) and citizen support."""

import math

import pytest

from accounts.models import Role
from common.exceptions import ApplicationError
from grievance.models import ComplaintSupport, Status
from grievance.services.duplicates import complaint_duplicates, haversine_m
from grievance.services.support import complaint_support_add
from tests.grievance.factories import ComplaintFactory, MatterFactory, UserFactory, territory

LAMP_TEXT = "小区门口的路灯坏了很多天，晚上一片漆黑"
# Near the east edge of ``territory().grid`` (lng 114.30–114.31): 300 m east lies in the other grid.
BASE = (22.605, 114.3095)


def moved(point, *, east_m: float = 0.0, north_m: float = 0.0) -> tuple[float, float]:
    lat, lng = point
    return lat + north_m / 111_320, lng + east_m / (111_320 * math.cos(math.radians(lat)))


@pytest.fixture
def place(db):
    return territory()


@pytest.fixture
def lamp(db):
    return MatterFactory.leaf(name="路灯维修")


def complaint_at(point, *, grid, matter, **fields):
    lat, lng = point
    return ComplaintFactory(lat=lat, lng=lng, grid=grid, matter=matter, **fields)


def test_haversine_is_metres():
    assert haversine_m(22.6, 114.3, 22.6, 114.3) == 0
    assert 110_000 < haversine_m(22.0, 114.0, 23.0, 114.0) < 112_000


def test_within_250_m_found_300_m_away_not(place, lamp):
    new = complaint_at(BASE, grid=place.grid, matter=lamp, description=LAMP_TEXT)
    near = complaint_at(moved(BASE, east_m=-200), grid=place.grid, matter=lamp, description=LAMP_TEXT)
    far = complaint_at(moved(BASE, east_m=300), grid=place.other_grid, matter=lamp, description=LAMP_TEXT)
    found = complaint_duplicates(complaint=new)
    assert found == [near]
    assert 190 < found[0].distance_m < 210
    assert far not in found


def test_same_grid_counts_even_farther_away(place, lamp):
    new = complaint_at(BASE, grid=place.grid, matter=lamp, description=LAMP_TEXT)
    same_grid = complaint_at(moved(BASE, east_m=-600), grid=place.grid, matter=lamp, description=LAMP_TEXT)
    assert complaint_duplicates(complaint=new) == [same_grid]


def test_other_matter_closed_or_dissimilar_text_are_not_duplicates(place, lamp):
    noise = MatterFactory.leaf(name="噪音污染")
    new = complaint_at(BASE, grid=place.grid, matter=lamp, description=LAMP_TEXT)
    complaint_at(BASE, grid=place.grid, matter=noise, description=LAMP_TEXT)
    complaint_at(BASE, grid=place.grid, matter=lamp, description=LAMP_TEXT, status=Status.CLOSED)
    complaint_at(BASE, grid=place.grid, matter=lamp, title="井盖", description="人行道井盖丢失，有人掉下去")
    assert complaint_duplicates(complaint=new) == []


def test_newest_first_and_at_most_limit(place, lamp):
    new = complaint_at(BASE, grid=place.grid, matter=lamp, description=LAMP_TEXT)
    others = [complaint_at(BASE, grid=None, matter=lamp, description=LAMP_TEXT) for _ in range(7)]
    found = complaint_duplicates(complaint=new)
    assert len(found) == 5
    assert [c.pk for c in found] == sorted((c.pk for c in others), reverse=True)[:5]


def test_report_not_yet_stored_by_fields(place, lamp):
    existing = complaint_at(BASE, grid=place.grid, matter=lamp, description=LAMP_TEXT)
    lat, lng = moved(BASE, north_m=100)
    found = complaint_duplicates(matter=lamp, lat=lat, lng=lng, title="路灯坏了", description=LAMP_TEXT)
    assert found == [existing]
    assert complaint_duplicates(matter=lamp, title="路灯坏了", description=LAMP_TEXT) == []  # no location


# --- support ---------------------------------------------------------------------------------------


@pytest.fixture
def open_complaint(place, lamp):
    return complaint_at(
        BASE, grid=place.grid, matter=lamp, description=LAMP_TEXT, contact_phone="13812345678"
    )


def test_support_adds_count_row_and_event(open_complaint):
    supporter = UserFactory(role=Role.CITIZEN, phone="13700002222", display_name="钱七")
    support = complaint_support_add(complaint_id=open_complaint.pk, actor=supporter)
    open_complaint.refresh_from_db()
    assert open_complaint.support_count == 1
    assert (support.supporter, support.contact_name, support.contact_phone) == (
        supporter,
        "钱七",
        "13700002222",
    )
    event = open_complaint.events.get(action="support")
    assert event.from_status == event.to_status == open_complaint.status
    assert "13700002222" not in str(event.payload) + event.note


def test_anonymous_support_needs_a_valid_phone(open_complaint):
    with pytest.raises(ApplicationError) as error:
        complaint_support_add(complaint_id=open_complaint.pk, actor=None, contact_phone="12")
    assert error.value.status == 400 and "contact_phone" in error.value.errors
    complaint_support_add(
        complaint_id=open_complaint.pk, actor=None, contact_name="孙八", contact_phone="13600003333"
    )
    assert ComplaintSupport.objects.filter(complaint=open_complaint).count() == 1


def test_same_phone_supports_once_and_not_its_own(open_complaint):
    complaint_support_add(complaint_id=open_complaint.pk, actor=None, contact_phone="13600003333")
    with pytest.raises(ApplicationError) as again:
        complaint_support_add(complaint_id=open_complaint.pk, actor=None, contact_phone="136 0000 3333")
    with pytest.raises(ApplicationError) as own:
        complaint_support_add(complaint_id=open_complaint.pk, actor=None, contact_phone="13812345678")
    assert again.value.status == own.value.status == 409
    open_complaint.refresh_from_db()
    assert open_complaint.support_count == 1


def test_closed_complaint_takes_no_support(place, lamp):
    closed = complaint_at(BASE, grid=place.grid, matter=lamp, status=Status.CLOSED)
    with pytest.raises(ApplicationError) as error:
        complaint_support_add(complaint_id=closed.pk, actor=None, contact_phone="13600003333")
    assert error.value.status == 409
    with pytest.raises(ApplicationError) as missing:
        complaint_support_add(complaint_id=10**9, actor=None, contact_phone="13600003333")
    assert missing.value.status == 404
