"""A mediator in a real browser: from the workbench to the case, schedules and records a session, drafts
the agreement, records that it was reached, and opens the printable agreement — nothing loaded from
outside the platform. Also the workbench on a phone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from grids.selectors.calendar import work_calendar_cache_clear
from mediation.models import Agreement, CaseStatus, Session
from tests.e2e.conftest import login
from tests.grievance.factories import PASSWORD
from tests.mediation.factories import case_in, mediation_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _open_panel(page, action: str):
    panel = page.locator(f"details#{action}")
    panel.locator("summary").click()
    return panel


def test_a_mediator_records_a_session_and_an_agreement(page):
    work_calendar_cache_clear()
    world = mediation_world()
    case = case_in(world, CaseStatus.MEDIATING)
    login(page, "m-one", PASSWORD)

    page.goto(f"{page.base_url}/mediation/")
    assert page.get_by_role("heading", name="调解工作台").is_visible()
    page.get_by_role("link", name=case.number).first.click()
    page.wait_for_load_state("networkidle")
    assert case.number in page.locator("h1").inner_text()

    when = timezone.localtime(timezone.now() + timedelta(days=1)).replace(hour=9, minute=30)
    panel = _open_panel(page, "schedule_session")
    panel.get_by_label("时间").fill(when.strftime("%Y-%m-%dT%H:%M"))
    panel.get_by_label("地点").fill("坪山街道第一调解室")
    panel.get_by_role("button", name="安排调解会").click()
    page.wait_for_load_state("networkidle")
    assert "已办理：安排调解会" in page.locator(".messages").inner_text()

    panel = _open_panel(page, "record_session")
    panel.get_by_label("申请人：张三丰").check()
    panel.get_by_label("被申请人：王芳").check()
    panel.get_by_label("调解笔录").fill("双方到场陈述意见，被申请人同意赔偿维修费用3000元。")
    panel.get_by_role("button", name="记录调解会").click()
    page.wait_for_load_state("networkidle")
    assert "被申请人同意赔偿维修费用3000元" in page.locator("#sessions").inner_text()

    panel = _open_panel(page, "draft_agreement")
    panel.get_by_label("纠纷主要事实、争议事项").fill("楼上装修漏水致楼下天花板受损。")
    panel.get_by_label("协议内容").fill("被申请人赔偿申请人维修费用人民币3000元。")
    panel.get_by_label("履行方式").fill("银行转账")
    panel.get_by_label("履行期限").fill((timezone.localdate() + timedelta(days=7)).isoformat())
    panel.get_by_label("协议金额（元）").fill("3000")
    panel.get_by_role("button", name="拟定调解协议").click()
    page.wait_for_load_state("networkidle")

    panel = _open_panel(page, "agree")
    panel.get_by_label("各方当事人已签名").check()
    panel.get_by_label("调解员已签名").check()
    panel.get_by_label("已加盖调解组织印章").check()
    panel.get_by_role("button", name="达成调解协议").click()
    page.wait_for_load_state("networkidle")
    assert "达成协议" in page.locator("h1").inner_text()

    session = Session.objects.get(case=case)
    assert session.status == "held" and session.attendees.count() == 2
    agreement = Agreement.objects.get(case=case)
    assert agreement.effective_at is not None and agreement.sealed

    page.get_by_role("link", name="查看/打印协议书").click()
    page.wait_for_load_state("networkidle")
    document = page.locator("main").inner_text()
    assert "人民调解协议书" in document and case.number in document and "3000元" in document
    assert page.outside == []


def test_the_workbench_on_a_phone(page):
    work_calendar_cache_clear()
    world = mediation_world()
    case = case_in(world, CaseStatus.MEDIATING)
    Session.objects.create(
        case=case, sequence=1, starts_at=timezone.now() + timedelta(hours=3), place="六和社区调解室"
    )
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "m-one", PASSWORD)
    page.goto(f"{page.base_url}/mediation/")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name=f"{case.number}").first.is_visible()
    assert page.locator(".calendar .session").first.is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400  # nothing forces sideways scrolling
    assert page.outside == []
