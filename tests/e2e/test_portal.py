"""The citizen portal in a real browser: submit with a map click and a photo, get the code, follow it;
support a similar complaint instead of filing it again; rate once a result exists; the phone layout."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from grievance.models import Attachment, Complaint, ComplaintSupport
from tests.e2e.conftest import ARTIFACTS
from tests.grievance.factories import ComplaintFactory
from tests.grievance.web.test_portal_views import complaint_with_result, png_bytes, portal_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """The anonymous rate is counted per address in the cache, across tests: start clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "现场照片.png"
    path.write_bytes(png_bytes(32, 24))
    return path


def open_submit_form(page):
    page.goto(f"{page.base_url}/submit/")
    page.wait_for_function("() => document.querySelector('#submit-map').districtMap")


def click_map_at(page, lat: float, lng: float) -> None:
    """Click the form's map where (lat, lng) is drawn (the map fits our territory, so compute it)."""
    point = page.evaluate(
        """([lat, lng]) => {
            const map = document.querySelector('#submit-map').districtMap;
            return map.ready.then(() => {
                const p = map.leaflet.latLngToContainerPoint([lat, lng]);
                return {x: p.x, y: p.y};
            });
        }""",
        [lat, lng],
    )
    page.locator("#submit-map").click(position=point)


def test_citizen_submits_with_map_click_and_photo_then_follows_it(page, photo):
    pw = portal_world()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=page.base_url)
    open_submit_form(page)
    page.get_by_text("投诉", exact=True).click()
    page.get_by_label("标题").fill("幸福路12号路灯不亮")
    page.get_by_label("诉求内容").fill("门口的路灯坏了一个星期，晚上很黑，老人出行不便。")
    expect(page.locator("#suggestions")).to_contain_text("您要反映的可能是")
    page.locator("#id_matter").fill("路灯")
    page.locator("#matter-results").get_by_role("button", name="路灯照明").click()
    expect(page.locator("#matter-chosen")).to_contain_text("市政设施 › 路灯照明")

    click_map_at(page, *pw.inside)
    expect(page.locator("#location-status")).to_contain_text("六和社区")
    page.set_input_files("#id_photos", str(photo))
    expect(page.locator("#photo-previews img")).to_have_count(1)
    page.get_by_label("联系人").fill("李四")
    page.get_by_label("联系电话").fill("13900002222")
    page.get_by_role("button", name="提交诉求").click()

    expect(page).to_have_url(f"{page.base_url}/submitted/{Complaint.objects.get().tracking_code}/")
    complaint = Complaint.objects.get()
    code_box = page.locator("#tracking-code")
    expect(code_box).to_have_attribute("data-code", complaint.tracking_code)
    assert code_box.inner_text().replace(" ", "") == complaint.tracking_code
    page.get_by_role("button", name="复制查询码").click()
    expect(page.locator("#copy-status")).to_have_text("已复制")
    assert page.evaluate("navigator.clipboard.readText()") == complaint.tracking_code
    assert complaint.grid == pw.world.territory.grid and complaint.matter == pw.matter
    assert Attachment.objects.filter(complaint=complaint, content_type="image/png").count() == 1

    page.get_by_role("link", name="查看办理进度").click()
    expect(page.locator("h1")).to_have_text("办理进度")
    expect(page.locator("#complaint-title")).to_have_text("幸福路12号路灯不亮")
    expect(page.locator("#status-badge")).to_have_text("已受理")
    assert "13900002222" not in page.content() and "李四" not in page.content()
    assert page.outside == []


def test_form_errors_keep_what_was_typed(page):
    portal_world()
    open_submit_form(page)
    page.get_by_label("标题").fill("路灯不亮")
    page.get_by_label("诉求内容").fill("写了很多内容")
    page.get_by_role("button", name="提交诉求").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("诉求类型")
    expect(page.get_by_label("标题")).to_have_value("路灯不亮")
    expect(page.get_by_label("诉求内容")).to_have_value("写了很多内容")
    assert Complaint.objects.count() == 0
    assert page.outside == []


def test_citizen_supports_a_similar_complaint_instead_of_a_duplicate(page):
    pw = portal_world()
    lat, lng = pw.inside
    existing = ComplaintFactory(
        title="幸福路路灯不亮",
        description="路灯坏了好几天",
        matter=pw.matter,
        lat=lat,
        lng=lng,
        grid=pw.world.territory.grid,
    )
    open_submit_form(page)
    page.get_by_label("标题").fill("幸福路的路灯不亮")
    page.get_by_label("诉求内容").fill("路灯坏了")
    click_map_at(page, lat + 0.0005, lng + 0.0005)
    similar = page.locator("#similar")
    expect(similar).to_contain_text("幸福路路灯不亮")
    page.get_by_label("联系电话").fill("13700003333")
    similar.get_by_role("button", name="这也是我要反映的").click()
    expect(similar).to_contain_text("已附议")
    existing.refresh_from_db()
    assert existing.support_count == 1
    assert ComplaintSupport.objects.get().contact_phone == "13700003333"
    assert Complaint.objects.count() == 1
    assert page.outside == []


def test_citizen_rates_once_a_result_exists(page):
    pw = portal_world()
    complaint = complaint_with_result(pw, result="已更换损坏的灯具，恢复照明。")
    page.goto(f"{page.base_url}/track/{complaint.tracking_code}/")
    expect(page.locator("#result-text")).to_contain_text("已更换损坏的灯具")
    rating = page.locator("#rating")
    rating.get_by_text("已解决", exact=True).click()
    rating.get_by_text("满意", exact=True).click()
    page.get_by_label("意见或建议（选填）").fill("很及时，谢谢")
    rating.get_by_role("button", name="提交评价").click()
    expect(page.locator(".messages")).to_contain_text("感谢您的评价")
    expect(page.locator("#rating")).to_contain_text("您已评价")
    complaint.refresh_from_db()
    assert complaint.resolved is True and complaint.satisfaction == "satisfied"
    assert page.outside == []


def test_submit_page_fits_a_phone(page):
    portal_world()
    page.set_viewport_size({"width": 390, "height": 844})
    open_submit_form(page)
    page.locator("#submit-map").scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing scrolls sideways
    box = page.locator("#submit-map").bounding_box()
    assert box["width"] >= 300 and box["height"] >= 250
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "portal_submit_phone.png"), full_page=True)
    assert page.outside == []


def test_photos_are_checked_in_the_browser_before_sending(page, tmp_path):
    portal_world()
    open_submit_form(page)
    images = []
    for i in range(6):
        path = tmp_path / f"p{i}.png"
        path.write_bytes(png_bytes())
        images.append(str(path))
    text = tmp_path / "说明.txt"
    text.write_text("不是图片")
    page.set_input_files("#id_photos", [*images, str(text)])
    check = page.locator("#photos-check")
    expect(check).to_be_visible()
    expect(check).to_contain_text("说明.txt：只接受 JPEG、PNG、WebP 图片")
    expect(check).to_contain_text("p5.png 未选入")
    expect(page.locator("#photo-previews img")).to_have_count(5)
    assert page.evaluate("document.querySelector('#id_photos').files.length") == 5
    assert page.outside == []
