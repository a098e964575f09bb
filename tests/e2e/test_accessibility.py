"""Automated accessibility check (axe-core, from npm, injected into the page) on the main forms: no
violation of serious or critical impact. Add pages to ``PAGES`` (same shape as
``test_no_outside_requests.PAGES``)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.test_portal import click_map_at, open_submit_form
from tests.grievance.factories import PASSWORD, ComplaintFactory
from tests.grievance.web.test_portal_views import complaint_with_result, portal_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

PAGES: list[tuple[str, str | None]] = [
    ("/", None),
    ("/submit/", None),
    ("/track/", None),
    ("/track/{code}/", None),  # with the rating form: the complaint has a result
    ("/submitted/{code}/", None),
    ("/my/", "citizen1"),
    ("/work/operator/", "operator"),
    ("/work/dispatch/", "dispatcher"),
    ("/work/inbox/", "h-community"),
    ("/work/complaints/{id}/", "dispatcher"),
]


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def axe_violations(page) -> list[dict]:
    """Serious and critical axe violations of the current page (rule id, impact, first targets)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `bash scripts/bootstrap.sh` (npm ci) or `make test`")
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;void 0")  # CSP forbids injected script tags
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"][:3]],
        }
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize(("path", "username"), PAGES, ids=[f"{p} as {u or 'anonymous'}" for p, u in PAGES])
def test_page_passes_axe(page, path, username):
    complaint = complaint_with_result(portal_world())
    if username:
        login(page, username, PASSWORD)
    page.goto(page.base_url + path.format(code=complaint.tracking_code, id=complaint.pk))
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []


def test_submit_form_with_errors_passes_axe(page):
    portal_world()
    page.goto(f"{page.base_url}/submit/")
    page.get_by_label("标题").fill("路灯不亮")
    page.get_by_role("button", name="提交诉求").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#error-summary").is_visible()
    assert axe_violations(page) == []


def test_rating_form_with_errors_passes_axe(page):
    complaint = complaint_with_result(portal_world())
    page.goto(f"{page.base_url}/track/{complaint.tracking_code}/")
    page.locator("#rating").get_by_role("button", name="提交评价").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#resolved-error").is_visible()
    assert axe_violations(page) == []


def test_submit_form_with_live_hints_passes_axe(page):
    """The htmx partials too: suggestions, category results, similar complaints and the picked place."""
    pw = portal_world()
    lat, lng = pw.inside
    ComplaintFactory(title="幸福路路灯不亮", matter=pw.matter, lat=lat, lng=lng, grid=pw.world.territory.grid)
    open_submit_form(page)
    page.get_by_label("标题").fill("幸福路的路灯不亮")
    page.locator("#id_matter").fill("路灯")
    click_map_at(page, lat, lng)
    expect(page.locator("#similar")).to_contain_text("这也是我要反映的")
    expect(page.locator("#suggestions")).to_contain_text("您要反映的可能是")
    expect(page.locator("#matter-results")).to_contain_text("路灯照明")
    assert axe_violations(page) == []
