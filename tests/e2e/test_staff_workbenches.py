"""The staff workbenches in a real browser: the dispatcher dispatches a queued complaint, the handler
signs it and submits a result with a photo, the operator answers a consultation from the knowledge
base, a grid worker resolves a hazard on the spot on a phone, and a handler of another unit cannot
open the complaint. Nothing is loaded from outside the platform; the main forms pass axe."""

import base64
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from grievance.models import Attachment, Complaint, Status
from tests.e2e.conftest import login
from tests.e2e.test_accessibility import AXE, BLOCKING
from tests.grievance.actors import actors, complaint_in, complaint_new
from tests.grievance.factories import PASSWORD, MatterFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A 1×1 PNG (a real image: the complaint page shows it).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations of the current page. axe is evaluated through the
    DevTools protocol: the platform's Content-Security-Policy rightly refuses injected script tags."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "targets": [n["target"] for n in v["nodes"][:3]]}
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def photo_file(tmp_path) -> Path:
    path = tmp_path / "现场.png"
    path.write_bytes(PNG)
    return path


def test_dispatcher_dispatches_a_queued_complaint(page):
    world = actors()
    MatterFactory.leaf(name="路灯维修", keywords="路灯,灯不亮", unit=world.dept_a)
    queued = complaint_in(
        world, Status.PENDING_DISPATCH, dispatch=False, title="小区路灯不亮", description="门口路灯坏了三天"
    )
    login(page, world.dispatcher.username, PASSWORD)

    page.goto(f"{page.base_url}/work/dispatch/")
    card = page.locator(f"#c{queued.pk}")
    expect(card).to_contain_text("小区路灯不亮")
    assert axe_violations(page) == []
    card.get_by_role("button", name=f"派给 {world.dept_a.name}").click()

    expect(page.locator(".messages")).to_contain_text("已完成「派单」")
    expect(page.locator(f"#c{queued.pk}")).to_have_count(0)
    queued.refresh_from_db()
    assert queued.status == Status.DISPATCHED and queued.lead_unit == world.dept_a
    assert page.outside == []


def test_handler_signs_and_submits_a_result_with_a_photo(page, photo_file):
    world = actors()
    complaint = complaint_in(world, Status.DISPATCHED, title="楼道灯坏了")
    login(page, world.lead.username, PASSWORD)

    page.goto(f"{page.base_url}/work/inbox/")
    row = page.locator(f"#c{complaint.pk}")
    expect(row).to_contain_text("楼道灯坏了")
    expect(row.locator(".countdown")).to_contain_text("剩余")
    assert axe_violations(page) == []
    row.get_by_role("button", name="签收").click()

    expect(page.locator(".messages")).to_contain_text("已完成「签收」")
    expect(page.locator(".page-head .badge").first).to_have_text("办理中")
    page.reload()  # the one-time message list is base.html's (checked by its own tests)
    assert axe_violations(page) == []
    form = page.locator("form.action-submit_result")
    form.get_by_label("办理结果").fill("已更换楼道灯，恢复照明")
    form.get_by_label("结果照片（可多选）").set_input_files(str(photo_file))
    form.get_by_role("button", name="提交办理结果").click()

    expect(page.locator(".messages")).to_contain_text("已完成「提交办理结果」")
    expect(page.locator(".photos img")).to_have_count(1)
    complaint.refresh_from_db()
    assert complaint.status == Status.HANDLED and complaint.result == "已更换楼道灯，恢复照明"
    assert Attachment.objects.filter(complaint=complaint, uploaded_by=world.lead).count() == 1
    assert page.outside == []


def test_operator_answers_a_consultation_from_the_knowledge_base(page):
    world = actors()
    complaint_in(world, Status.IN_PROGRESS, title="上次反映的噪音", contact_phone="13900001111")
    complaint_new(
        world,
        kind="consult",
        status=Status.ANSWERED,
        title="办理居住证需要什么材料",
        answer="携带身份证、租房合同到社区工作站办理，5个工作日可领取。",
    )
    login(page, world.operator.username, PASSWORD)

    page.goto(f"{page.base_url}/work/operator/")
    expect(page.locator("#id_contact_phone")).to_be_focused()
    page.keyboard.type("13900001111")
    expect(page.locator("#caller-history")).to_contain_text("上次反映的噪音")
    page.keyboard.press("Enter")
    expect(page.locator("#id_contact_name")).to_be_focused()
    page.keyboard.type("李女士")
    page.get_by_label("标题").fill("居住证怎么办")
    page.get_by_label("搜索以往答复").fill("居住证")
    answer = page.locator("#knowledge-results").get_by_role("button", name="使用此答复")
    answer.first.click()
    expect(page.locator("#id_answer")).to_have_value(
        "携带身份证、租房合同到社区工作站办理，5个工作日可领取。"
    )
    expect(page.locator("#id_kind")).to_have_value("consult")
    assert axe_violations(page) == []
    page.keyboard.press("Control+Enter")

    code = page.locator("#tracking-code")
    expect(code).to_be_visible()
    complaint = Complaint.objects.get(title="居住证怎么办")
    expect(code).to_have_text(complaint.tracking_code)
    assert complaint.status == Status.ANSWERED
    assert complaint.answer == "携带身份证、租房合同到社区工作站办理，5个工作日可领取。"
    assert complaint.contact_phone == "13900001111" and complaint.channel == "hotline"
    assert page.outside == []


def test_grid_worker_resolves_a_hazard_on_the_spot_on_a_phone(page, photo_file):
    world = actors()
    lat, lng = world.territory.inside
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": lat, "longitude": lng})
    login(page, world.grid_worker.username, PASSWORD)

    page.goto(f"{page.base_url}/work/grid/")
    page.get_by_text("上报隐患 / 当场处置").click()
    expect(page.locator(".geo-status")).to_have_text("已使用设备定位")
    page.get_by_label("隐患/问题").fill("井盖缺失")
    page.get_by_label("本人联系电话").fill("13900002222")
    page.get_by_label("现场照片（可拍照或多选）").set_input_files(str(photo_file))
    page.get_by_label("已当场处置（须附处置后照片）").check()
    page.get_by_label("处置情况").fill("已放置临时井盖并设置警示")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    assert axe_violations(page) == []
    page.get_by_role("button", name="上报", exact=True).click()

    expect(page.locator(".messages")).to_contain_text("已当场处置并结案")
    complaint = Complaint.objects.get(title="井盖缺失")
    assert complaint.status == Status.CLOSED and complaint.grid == world.territory.grid
    assert abs(complaint.lat - lat) < 1e-5 and abs(complaint.lng - lng) < 1e-5
    assert complaint.attachments.filter(uploaded_by=world.grid_worker).count() == 1
    assert page.outside == []


def test_handler_of_another_unit_cannot_open_the_complaint(page):
    world = actors()
    complaint = complaint_in(world, Status.IN_PROGRESS, title="社区在办的事")
    login(page, world.other_handler.username, PASSWORD)

    response = page.goto(f"{page.base_url}/work/complaints/{complaint.pk}/")

    assert response.status == 404
    expect(page.get_by_text("社区在办的事")).to_have_count(0)
    page.goto(f"{page.base_url}/work/inbox/?tab=progress")
    expect(page.get_by_text("社区在办的事")).to_have_count(0)
    assert page.outside == []
