"""The credit pages in a real browser: the public lookup shows only what is public now, and a credit
officer records a penalty through the form. Nothing is loaded from outside the platform."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import Role
from credit.demo.codes import uscc_make
from credit.models import CreditRecord, SubjectKind
from credit.services.facts import credit_fact_record
from credit.services.subjects import subject_create
from grids.models import Division, GridCell, Unit, UnitKind
from tests.credit.conftest import make_user, penalty
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


def serious_axe_violations(page) -> list[str]:
    """Rule ids of serious or critical accessibility violations on the current page (axe-core from npm)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make test` (it installs the npm packages)")
    # Evaluated through the DevTools protocol, not as a <script>: the pages' Content-Security-Policy
    # rightly refuses inline scripts, and axe is the test's, not the page's.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;void 0")
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture
def ledger(db):
    department = Unit.objects.create(code="T-SCJG", name="市场监督管理局（测试）", kind=UnitKind.DEPARTMENT)
    officer = make_user("credit-e2e", Role.CREDIT_OFFICER)
    company = subject_create(
        kind=SubjectKind.LEGAL, code=uscc_make(901), name="深圳市浏览器测试有限公司", actor=None
    )
    today = timezone.localdate()
    penalty(company, actor=officer, department=department, decided=today, title="公示中的处罚")
    penalty(
        company, actor=officer, department=department, decided=today, severity="minor", title="轻微不公示"
    )
    penalty(
        company, actor=officer, department=department, decided=today - timedelta(days=400), title="已届满"
    )
    credit_fact_record(
        subject_code=company.code,
        kind="complaint_upheld",
        source="grievance",
        source_ref="e2e-1",
        title="内部的投诉查实",
        occurred_on=today,
    )
    return {"department": department, "officer": officer, "company": company}


def test_public_lookup_finds_the_subject_and_shows_only_public_records(page, ledger):
    page.goto(f"{page.base_url}/credit/")
    page.get_by_label("统一社会信用代码、身份证号或企业名称").fill("浏览器测试")
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name="深圳市浏览器测试有限公司").click()
    page.wait_for_load_state("networkidle")
    records = page.locator("#main").inner_text()
    assert "公示中的处罚" in records
    for hidden in ("轻微不公示", "已届满", "内部的投诉查实", "信用等级"):
        assert hidden not in records
    assert page.locator("tr.record-row").count() == 1
    # The same subject found by its code.
    page.goto(f"{page.base_url}/credit/?q={ledger['company'].code}")
    assert page.get_by_role("link", name="深圳市浏览器测试有限公司").is_visible()
    assert page.outside == []


def test_credit_officer_records_a_penalty_through_the_page(page, ledger):
    login(page, "credit-e2e")
    page.goto(f"{page.base_url}/credit/staff/penalties/new/")
    page.get_by_label("行政相对人代码").fill(ledger["company"].code)
    page.get_by_label("处罚机关").select_option(str(ledger["department"].pk))
    page.get_by_label("违法行为类型").fill("未按规定公示食品经营许可证")
    page.get_by_label("行政处罚决定书文号").fill("深坪市监罚〔2026〕777号")
    page.get_by_label("处罚决定日期").fill(str(timezone.localdate()))
    page.get_by_label("失信程度").select_option("general")
    page.get_by_label("处罚类别").select_option("警告")
    page.get_by_label("违法事实").fill("未在经营场所显著位置悬挂食品经营许可证")
    page.get_by_label("处罚依据").fill("《食品经营许可管理办法》第二十六条")
    page.get_by_label("处罚内容").fill("警告")
    page.get_by_role("button", name="保存并公示").click()
    page.wait_for_load_state("networkidle")
    assert "/credit/subjects/" in page.url
    body = page.locator("#main").inner_text()
    assert "已录入行政处罚" in body and "未按规定公示食品经营许可证" in body
    record = CreditRecord.objects.get(decision_number="深坪市监罚〔2026〕777号")
    assert record.recorded_by == ledger["officer"] and record.is_public()
    # The public now sees it too.
    page.goto(f"{page.base_url}/credit/publicity/?kind=penalty")
    assert "未按规定公示食品经营许可证" in page.locator("#main").inner_text()
    assert page.outside == []


def test_credit_map_draws_the_grid_cells_without_a_map_library(page, ledger):
    community = Division.objects.create(code="440310001001", name="测试社区", level="community")
    ring = [[114.3, 22.6], [114.31, 22.6], [114.31, 22.61], [114.3, 22.61], [114.3, 22.6]]
    cell = GridCell.objects.create(
        code="440310001001001",
        name="测试网格",
        community=community,
        boundary={"type": "Polygon", "coordinates": [ring]},
    )
    ledger["company"].grid = cell
    ledger["company"].save()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, "credit-e2e")
    page.goto(f"{page.base_url}/credit/map/")
    page.wait_for_selector("#credit-map svg path")
    assert page.locator("#credit-map svg path").count() == 1
    ledger["company"].refresh_from_db()
    assert ledger["company"].grade == "C"  # 100 − 10 − 10 (penalties) − 2 (complaint upheld)
    assert page.locator('#credit-map path[data-grid="440310001001001"]').get_attribute("fill") == "#e0a100"
    assert "测试网格" in page.locator("#credit-map-table").inner_text()
    assert errors == [] and page.outside == []


def test_credit_pages_pass_axe(page, ledger):
    page.goto(f"{page.base_url}/credit/?q=浏览器测试")
    assert serious_axe_violations(page) == []
    page.goto(f"{page.base_url}/credit/subjects/{ledger['company'].pk}/")
    assert serious_axe_violations(page) == []
    login(page, "credit-e2e")
    page.goto(f"{page.base_url}/credit/staff/penalties/new/")
    page.get_by_role("button", name="保存并公示").click()  # every required field empty: errors shown
    page.wait_for_load_state("networkidle")
    assert page.locator(".error").count() > 0
    assert serious_axe_violations(page) == []
    assert page.outside == []
