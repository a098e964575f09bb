"""The citizen portal's views (no browser): the complaint form and its server-side checks, photos checked
by content, support instead of a duplicate, tracking without personal data, the rating, "my
complaints", and the map layers (GeoJSON) every map page draws.

``portal_world()`` and ``complaint_with_result()`` are reused by the browser tests (tests/e2e).
"""

import struct
import zlib
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

from grids.models import DivisionLevel
from grids.services.territory import division_upsert
from grievance.models import Attachment, Complaint, ComplaintSupport, Matter, Status
from grievance.services.actions import complaint_action
from grievance.services.intake import complaint_submit
from tests.grievance.actors import World, actors
from tests.grievance.factories import ComplaintFactory, MatterFactory, square

PHONE = "13812345678"
NAME = "张三丰"


def png_bytes(width: int = 8, height: int = 8) -> bytes:
    """A small but real PNG image (red pixels)."""
    raw = b"".join(b"\x00" + bytes([200, 30, 30] * width) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@dataclass
class PortalWorld:
    world: World
    matter: Matter

    @property
    def inside(self) -> tuple[float, float]:
        return self.world.territory.inside


def portal_world() -> PortalWorld:
    """``actors()`` plus boundaries for the district, street and both communities (two 0.01° squares side
    by side at lng 114.30–114.32, lat 22.60–22.61) and a street-light matter handled by the community."""
    world = actors()
    t = world.territory
    whole = {
        "type": "Polygon",
        "coordinates": [
            [[114.30, 22.60], [114.32, 22.60], [114.32, 22.61], [114.30, 22.61], [114.30, 22.60]]
        ],
    }
    district = division_upsert(
        code=t.district.code, name="坪山区", level=DivisionLevel.DISTRICT, boundary=whole
    )
    street = division_upsert(
        code=t.street.code, name="坪山街道", level=DivisionLevel.STREET, parent=district, boundary=whole
    )
    for community, lng in ((t.community, 114.30), (t.other_community, 114.31)):
        division_upsert(
            code=community.code,
            name=community.name,
            level=DivisionLevel.COMMUNITY,
            parent=street,
            boundary=square(lng, 22.60),
        )
    matter = MatterFactory.leaf(
        name="路灯照明", keywords="路灯,照明,灯不亮", middle="市政设施", unit=world.community, code="0199001"
    )
    return PortalWorld(world=world, matter=matter)


def complaint_with_result(pw: PortalWorld, *, result: str = "已更换损坏的灯具，恢复照明。") -> Complaint:
    """A web complaint taken through the workflow as the right people: dispatched by the dispatcher,
    signed and answered with a result by the community's handler."""
    lat, lng = pw.inside
    complaint = complaint_submit(
        actor=AnonymousUser(),
        data={
            "kind": "complaint",
            "title": "路灯不亮",
            "description": "幸福路12号门口的路灯坏了",
            "lat": lat,
            "lng": lng,
            "contact_name": NAME,
            "contact_phone": PHONE,
        },
    )
    world = pw.world
    complaint_action(
        complaint_id=complaint.pk,
        action="dispatch",
        actor=world.dispatcher,
        params={"unit": world.community.code},
    )
    complaint_action(complaint_id=complaint.pk, action="sign", actor=world.lead)
    return complaint_action(
        complaint_id=complaint.pk, action="submit_result", actor=world.lead, params={"result": result}
    )


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Anonymous writes are throttled per address through the cache: start and end clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def pw(db):
    return portal_world()


def _form(pw: PortalWorld, **changes) -> dict:
    lat, lng = pw.inside
    data = {
        "kind": "complaint",
        "title": "小区门口路灯不亮",
        "description": "幸福路12号门口的路灯坏了一个星期",
        "matter": pw.matter.code,
        "lat": str(lat),
        "lng": str(lng),
        "address": "幸福路12号",
        "contact_name": "李四",
        "contact_phone": "13900002222",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- start page and form --------------------------------------------------------------------------


@pytest.mark.django_db
def test_start_page_offers_submitting_tracking_and_staff_login(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("portal:submit") in html and reverse("portal:track") in html
    assert reverse("accounts:login") in html
    assert reverse("home") == "/"


@pytest.mark.django_db
def test_submit_page_has_every_kind_the_map_and_htmx(client):
    html = client.get(reverse("portal:submit")).content.decode()
    for kind in ("consult", "help", "complaint", "report", "suggestion", "thanks"):
        assert f'value="{kind}"' in html
    assert 'id="submit-map"' in html and "vendor/leaflet/leaflet.js" in html
    assert "vendor/htmx/htmx.min.js" in html and "X-CSRFToken" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_empty_form_shows_the_services_errors_next_to_the_fields(client, pw):
    response = client.post(reverse("portal:submit"), {"title": "", "description": "留着的内容"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="kind-error"' in html and 'id="title-error"' in html
    assert 'id="address-error"' in html  # no location: the map and the address field say so
    assert 'id="contact_phone-error"' in html
    assert "留着的内容" in html  # nothing typed is lost
    assert Complaint.objects.count() == 0


def test_too_long_description_is_refused_with_its_field_error(client, pw):
    response = client.post(reverse("portal:submit"), _form(pw, description="长" * 4001))
    assert response.status_code == 400
    assert 'id="description-error"' in response.content.decode()
    assert Complaint.objects.count() == 0


def test_anonymous_citizen_submits_with_a_photo_and_gets_the_code(client, pw):
    photo = SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png")
    response = client.post(reverse("portal:submit"), {**_form(pw), "photos": [photo]})
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:submitted", kwargs={"code": complaint.tracking_code})
    assert complaint.grid == pw.world.territory.grid and complaint.community == pw.world.territory.community
    assert complaint.matter == pw.matter and complaint.channel == "web" and complaint.citizen is None
    attachment = Attachment.objects.get(complaint=complaint)
    assert attachment.content_type == "image/png" and attachment.uploaded_by is None

    page = client.get(response["Location"]).content.decode()
    assert complaint.tracking_code[:4] in page and f'data-copy="{complaint.tracking_code}"' in page


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(client, pw):
    fake = SimpleUploadedFile("photo.png", b"this is not an image at all", content_type="image/png")
    response = client.post(reverse("portal:submit"), {**_form(pw), "photos": [fake]})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="photos-error"' in html and "重新选择" in html  # the citizen is told to pick photos again
    assert "小区门口路灯不亮" in html
    assert Complaint.objects.count() == 0 and Attachment.objects.count() == 0


def test_more_than_five_photos_are_refused(client, pw):
    photos = [SimpleUploadedFile(f"p{i}.png", png_bytes(), content_type="image/png") for i in range(6)]
    response = client.post(reverse("portal:submit"), {**_form(pw), "photos": photos})
    assert response.status_code == 400
    assert "最多上传5张照片" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_signed_in_citizen_submits_as_themselves(client, pw):
    citizen = pw.world.citizen
    client.force_login(citizen)
    form_page = client.get(reverse("portal:submit")).content.decode()
    assert citizen.phone in form_page  # their contact details are filled in
    photo = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
    client.post(reverse("portal:submit"), {**_form(pw, contact_name="", contact_phone=""), "photos": [photo]})
    complaint = Complaint.objects.get()
    assert complaint.citizen == citizen and complaint.contact_phone == citizen.phone
    assert Attachment.objects.get().uploaded_by == citizen


def test_anonymous_submission_needs_no_contact(client, pw):
    response = client.post(
        reverse("portal:submit"), _form(pw, contact_name="", contact_phone="", anonymous="true")
    )
    assert response.status_code == 302
    assert Complaint.objects.get().anonymous is True


def test_anonymous_submissions_are_throttled_like_the_api(client, pw, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1/min"})
    assert client.post(reverse("portal:submit"), _form(pw)).status_code == 302
    response = client.post(reverse("portal:submit"), _form(pw))
    assert response.status_code == 429
    assert Complaint.objects.count() == 1


def test_tracking_pages_are_throttled_for_anonymous_callers(client, pw, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1/min"})
    code = ComplaintFactory().tracking_code
    assert client.get(reverse("portal:track_detail", args=[code])).status_code == 200
    assert client.get(reverse("portal:track_detail", args=[code])).status_code == 429
    client.force_login(pw.world.citizen)  # signed-in users are not counted
    assert client.get(reverse("portal:track_detail", args=[code])).status_code == 200


# --- live hints: category search, suggestion, similar complaints ---------------------------------


def test_category_search_lists_leaves_matching_the_words(client, pw):
    html = client.get(reverse("portal:matter_search"), {"q": "路灯"}).content.decode()
    assert f'data-matter-code="{pw.matter.code}"' in html and "路灯照明" in html
    assert "没有找到" in client.get(reverse("portal:matter_search"), {"q": "不存在的词"}).content.decode()


def test_text_suggestion_names_the_likely_category(client, pw):
    html = client.post(reverse("portal:suggest"), {"title": "路灯不亮", "description": ""}).content.decode()
    assert "您要反映的可能是" in html and f'data-matter-code="{pw.matter.code}"' in html
    assert (
        client.post(reverse("portal:suggest"), {"title": "", "description": ""}).content.decode().strip()
        == ""
    )


def test_similar_open_complaints_nearby_are_offered_for_support(client, pw):
    lat, lng = pw.inside
    other = ComplaintFactory(
        title="幸福路路灯不亮",
        description="路灯坏了好几天",
        matter=pw.matter,
        lat=lat,
        lng=lng,
        grid=pw.world.territory.grid,
        contact_phone=PHONE,
        contact_name=NAME,
    )
    fields = {"title": "幸福路的路灯不亮", "description": "路灯坏了", "matter": pw.matter.code}
    html = client.post(reverse("portal:similar"), {**fields, "lat": lat, "lng": lng}).content.decode()
    assert "幸福路路灯不亮" in html and reverse("portal:support", args=[other.pk]) in html
    assert "这也是我要反映的" in html and PHONE not in html
    unlocated = client.post(reverse("portal:similar"), fields).content.decode()
    assert "选择位置后" in unlocated and reverse("portal:support", args=[other.pk]) not in unlocated


def test_support_joins_the_open_complaint_instead_of_a_duplicate(client, pw):
    other = ComplaintFactory(title="路灯不亮", contact_phone=PHONE)
    response = client.post(
        reverse("portal:support", args=[other.pk]),
        {"contact_name": "王五", "contact_phone": "13700003333"},
        HTTP_HX_REQUEST="true",
    )
    other.refresh_from_db()
    assert response.status_code == 200 and "已附议" in response.content.decode()
    assert other.support_count == 1 and ComplaintSupport.objects.get().contact_phone == "13700003333"
    assert Complaint.objects.count() == 1  # no new complaint

    again = client.post(reverse("portal:support", args=[other.pk]), {"contact_phone": "13700003333"})
    assert again.status_code == 409 and "已附议过" in again.content.decode()


def test_support_needs_a_phone_to_report_back(client, pw):
    other = ComplaintFactory(title="路灯不亮")
    response = client.post(reverse("portal:support", args=[other.pk]), {}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and "请填写联系电话" in response.content.decode()
    assert ComplaintSupport.objects.count() == 0


def test_a_closed_complaint_takes_no_support(client, pw):
    closed = ComplaintFactory(title="路灯不亮", status=Status.CLOSED)
    response = client.post(reverse("portal:support", args=[closed.pk]), {"contact_phone": "13700003333"})
    assert response.status_code == 409 and ComplaintSupport.objects.count() == 0


# --- tracking and rating --------------------------------------------------------------------------


def test_tracking_page_shows_no_name_or_phone(client, pw):
    complaint = complaint_with_result(pw, result=f"已联系{NAME}（{PHONE}），更换了灯具。")
    html = client.get(reverse("portal:track_detail", args=[complaint.tracking_code])).content.decode()
    assert "路灯不亮" in html and "更换了灯具" in html
    assert PHONE not in html and NAME not in html
    assert "138****5678" in html  # the phone inside the result text is masked
    assert "六和社区工作站" in html  # units are named, people never
    assert "提交办理结果" in html and "签收" in html  # the public timeline
    assert "幸福路12号门口的路灯坏了" not in html  # the description stays with the staff


def test_track_form_goes_to_the_canonical_code_and_unknown_codes_get_404(client, pw):
    complaint = ComplaintFactory()
    code = complaint.tracking_code
    spaced = f"{code[:4].lower()} {code[4:8]}-{code[8:]}"
    response = client.get(reverse("portal:track"), {"code": spaced})
    assert response.status_code == 302 and response["Location"] == reverse("portal:track_detail", args=[code])
    missing = client.get(reverse("portal:track"), {"code": "ABCDEFGHJKMN"}, follow=True)
    assert missing.status_code == 404 and "没有找到" in missing.content.decode()
    assert client.get(reverse("portal:track"), {"code": "0OIL"}).status_code == 404  # malformed: same answer
    assert client.get(reverse("portal:track_detail", args=["nonsense"])).status_code == 404


def test_rating_form_appears_once_a_result_exists_and_records_the_rating(client, pw):
    waiting = ComplaintFactory()
    assert (
        'name="satisfaction"'
        not in client.get(reverse("portal:track_detail", args=[waiting.tracking_code])).content.decode()
    )
    refused = client.post(
        reverse("portal:track_rate", args=[waiting.tracking_code]),
        {"resolved": "true", "satisfaction": "satisfied"},
    )
    assert refused.status_code == 409 and "尚未办结" in refused.content.decode()

    complaint = complaint_with_result(pw)
    url = reverse("portal:track_detail", args=[complaint.tracking_code])
    assert 'name="satisfaction"' in client.get(url).content.decode()
    response = client.post(
        reverse("portal:track_rate", args=[complaint.tracking_code]),
        {"resolved": "true", "satisfaction": "basically_satisfied", "comment": "谢谢"},
        follow=True,
    )
    complaint.refresh_from_db()
    assert complaint.resolved is True and complaint.satisfaction == "basically_satisfied"
    assert complaint.citizen_rated_at is not None
    html = response.content.decode()
    assert "感谢您的评价" in html and 'name="satisfaction"' not in html


def test_rating_without_choices_says_what_is_missing(client, pw):
    complaint = complaint_with_result(pw)
    response = client.post(reverse("portal:track_rate", args=[complaint.tracking_code]), {})
    html = response.content.decode()
    assert response.status_code == 400
    assert "请选择问题是否已解决" in html and "请选择满意程度" in html
    complaint.refresh_from_db()
    assert complaint.citizen_rated_at is None


# --- my complaints --------------------------------------------------------------------------------


def test_my_complaints_lists_only_the_citizens_own(client, pw):
    world = pw.world
    mine = ComplaintFactory(citizen=world.citizen, title="我的路灯诉求")
    ComplaintFactory(citizen=world.other_citizen, title="别人的诉求")
    assert client.get(reverse("portal:my")).status_code == 302  # sign in first
    client.force_login(world.citizen)
    html = client.get(reverse("portal:my")).content.decode()
    assert "我的路灯诉求" in html and mine.tracking_code in html and "别人的诉求" not in html
    client.force_login(world.dispatcher)
    assert "工作台" in client.get(reverse("portal:my")).content.decode()


# --- the map layers -------------------------------------------------------------------------------


def _features(client, **params):
    response = client.get(reverse("api-grids-geojson"), params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/geo+json")
    return response.json()["features"]


def test_geojson_layers_carry_code_name_and_parent(client, pw):
    t = pw.world.territory
    district = _features(client, level="district")
    assert [f["properties"]["code"] for f in district] == [t.district.code]
    assert district[0]["geometry"]["type"] == "Polygon"
    communities = _features(client, level="community", parent=t.street.code)
    assert {f["properties"]["name"] for f in communities} == {"六和社区", "六联社区"}
    assert {f["properties"]["parent"] for f in communities} == {t.street.code}
    cells = _features(client, level="grid", parent=t.community.code)
    assert [(f["id"], f["properties"]["parent"]) for f in cells] == [(t.grid.code, t.community.code)]
    assert len(_features(client, level="grid", parent=t.district.code)) == 2


def test_geojson_follows_territory_changes_despite_the_cache(client, pw):
    t = pw.world.territory
    assert _features(client, level="street")[0]["properties"]["name"] == "坪山街道"
    division_upsert(
        code=t.street.code,
        name="坪山新街道",
        level=DivisionLevel.STREET,
        parent=t.district,
        boundary=square(114.30, 22.60),
    )
    assert _features(client, level="street")[0]["properties"]["name"] == "坪山新街道"


@pytest.mark.django_db
def test_geojson_refuses_bad_parameters_with_the_error_shape(client):
    response = client.get(reverse("api-grids-geojson"), {"level": "planet"})
    assert response.status_code == 400 and "level" in response.json()["errors"]
    response = client.get(reverse("api-grids-geojson"), {"level": "grid", "parent": "440310999999"})
    assert response.status_code == 400 and "parent" in response.json()["errors"]
