"""Browser test of the command centre's big screen with the demo district and generated complaints:
the charts and the map render, the map drills down, and the live figures change by themselves when a
new complaint arrives (no reload). Nothing is requested outside the platform."""

import os

import pytest
from django.core.management import call_command
from django.utils import timezone

from grids.models import GridCell
from grievance.demo.complaints_generator import complaints_generate
from grievance.services.intake import complaint_submit
from grievance.services.rollups import rollups_catch_up, rollups_rebuild
from tests.e2e.conftest import login
from tests.e2e.test_accessibility import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DEMO_PASSWORD = "demo-pass-2026"


@pytest.fixture
def demo(shared_data_dir):
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", data_dir=str(shared_data_dir), stdout=quiet)
    complaints_generate(count=400, data_dir=shared_data_dir, end=timezone.now(), days=40, seed=5)
    rollups_rebuild()
    return shared_data_dir


def _today_received(page) -> int:
    return int(page.locator('[data-kpi="today-received"]').inner_text().replace(",", ""))


def test_dashboard_renders_drills_down_and_updates_live(page, demo):
    login(page, "dispatcher", DEMO_PASSWORD)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{page.base_url}/dashboard/")
    assert page.get_by_role("heading", name="指挥中心驾驶舱").is_visible()
    assert page.locator(".dash-charts svg.chart").count() >= 5
    assert page.locator(".chart-lines polyline").count() == 3
    assert page.locator('[data-ranking="street"] tbody tr').count() >= 6
    page.wait_for_selector("#district-map[data-map-ready]")
    assert page.locator("#district-map path.leaflet-interactive").count() >= 7  # the streets, coloured
    assert axe_violations(page) == []

    # Drill-down: a street on the map → its communities → a community's grid cells (table link).
    page.locator("#district-map path.leaflet-interactive").first.click(force=True)
    page.wait_for_selector('#district-map[data-level="community"][data-map-ready]')
    assert page.locator("#district-map path.leaflet-interactive").count() >= 3
    page.locator("#map-panel table a", has_text="下钻").first.click()
    page.wait_for_selector('#district-map[data-level="grid"][data-map-ready]')
    page.locator("#map-panel table a", has_text="诉求").first.click()
    page.wait_for_selector("[data-area-complaints]")

    # A new complaint arrives while the page is open: the live figures change without a reload.
    before = _today_received(page)
    cell = GridCell.objects.order_by("code").first()
    complaint_submit(
        actor=None,
        data={
            "title": "小区门口路灯不亮",
            "description": "晚上一片漆黑，请尽快维修",
            "kind": "complaint",
            "lat": (cell.min_lat + cell.max_lat) / 2,
            "lng": (cell.min_lng + cell.max_lng) / 2,
            "contact_name": "王先生",
            "contact_phone": "13800138000",
        },
    )
    assert rollups_catch_up() >= 1  # what the beat task does every few seconds
    counter = "document.querySelector('[data-kpi=\"today-received\"]').textContent.replace(/,/g, '')"
    page.wait_for_function(f"before => Number({counter}) > before", arg=before, timeout=20_000)
    assert _today_received(page) == before + 1
    assert page.outside == []


def test_a_phone_sized_screen_still_reads(page, demo):
    login(page, "supervisor", DEMO_PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/dashboard/")
    assert page.locator('[data-kpi="period-received"]').is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400  # no sideways scrolling of the page itself
    assert page.outside == []


@pytest.mark.parametrize("path", ["/dashboard/warnings/", "/dashboard/reports/"])
def test_warnings_and_reports_pages_pass_axe(page, demo, path):
    from grievance.services.warnings import warnings_scan

    warnings_scan()
    login(page, "dispatcher", DEMO_PASSWORD)
    page.goto(f"{page.base_url}{path}")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").is_visible()
    assert axe_violations(page) == []
    assert page.outside == []
