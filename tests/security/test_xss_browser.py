"""In a real browser (Debian's Chromium), complaint text with markup runs nowhere, and the platform's
own pages raise no Content-Security-Policy violation (the policy blocks nothing they need).

Playwright runs in a thread of its own: the e2e suite's session-wide browser (tests/e2e/conftest.py)
keeps an event loop running in the main thread, and a second sync Playwright cannot start there.
"""

import threading

import pytest

from tests.e2e.conftest import ARTIFACTS, CHROMIUM_FLAGS, chromium_path
from tests.grievance.factories import PASSWORD
from tests.security.test_xss import xss_complaint

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def browse(base_url: str, visits: dict, result: dict) -> None:
    """Visit ``visits`` (username or None → paths) and collect what ran, CSP violations, dialogs and
    requests that left the platform into ``result``."""
    from playwright.sync_api import sync_playwright

    problems, dialogs, outside = [], [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
        try:
            for username, paths in visits.items():
                context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
                context.add_init_script(WATCH)
                page = context.new_page()
                page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
                page.on(
                    "request",
                    lambda req: (
                        None if req.url.startswith((base_url, "data:", "blob:")) else outside.append(req.url)
                    ),
                )
                if username:
                    page.goto(f"{base_url}/accounts/login/")
                    page.get_by_label("用户名").fill(username)
                    page.get_by_label("密码").fill(PASSWORD)
                    page.get_by_role("button", name="登录").click()
                    page.wait_for_load_state("networkidle")
                for path in paths:
                    page.goto(f"{base_url}{path}")
                    page.wait_for_load_state("networkidle")
                    if ran := page.evaluate("window.__xss"):
                        problems.append(f"{path} as {username}: markup ran ({ran})")
                    problems += [
                        f"{path} as {username}: CSP {v}" for v in page.evaluate("window.__csp") or []
                    ]
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(
                    path=str(ARTIFACTS / f"security-xss-{username or 'anonymous'}.png"), full_page=True
                )
                context.close()
        finally:
            browser.close()
    result.update(problems=problems, dialogs=dialogs, outside=outside)


def test_markup_runs_nowhere_and_pages_raise_no_csp_violation(sw_live, live_server):
    complaint = xss_complaint(sw_live)
    visits = {
        None: [f"/track/{complaint.tracking_code}/", "/", "/submit/", "/track/"],
        sw_live.world.other_handler.username: [
            f"/work/complaints/{complaint.pk}/",
            "/work/inbox/",
            "/work/notifications/",
            "/work/complaints/",
        ],
        sw_live.world.dispatcher.username: [
            f"/work/complaints/{complaint.pk}/",
            "/work/dispatch/",
            "/work/complaints/",
            "/dashboard/",
            "/api/docs/",
        ],
    }
    result: dict = {}
    errors: list = []

    def run() -> None:
        try:
            browse(live_server.url, visits, result)
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=240)
    if errors:
        raise errors[0]
    assert result, "the browser thread did not finish"
    assert not result["dialogs"]
    assert not result["problems"], "\n".join(result["problems"])
    assert result["outside"] == []
