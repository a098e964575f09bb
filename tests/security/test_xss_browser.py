"""In a real browser (Chromium), complaint text with markup runs nowhere, and the platform's own pages
raise no Content-Security-Policy violation (the policy blocks nothing they need)."""

import pytest

from tests.grievance.factories import PASSWORD
from tests.security.conftest import login
from tests.security.test_xss import xss_complaint

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _visit(page, path: str, dialogs: list) -> tuple[object, list]:
    page.goto(f"{page.base_url}{path}")
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__xss"), page.evaluate("window.__csp")


def test_markup_runs_nowhere_and_pages_raise_no_csp_violation(sw_live, page):
    complaint = xss_complaint(sw_live)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.context.add_init_script(WATCH)
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
        ],
    }
    problems = []
    for username, paths in visits.items():
        if username:
            page.context.clear_cookies()
            login(page, username, PASSWORD)
        for path in paths:
            ran, violations = _visit(page, path, dialogs)
            if ran:
                problems.append(f"{path} as {username}: markup ran ({ran})")
            problems += [f"{path} as {username}: CSP {v}" for v in violations or []]
    assert not dialogs
    assert not problems, "\n".join(problems)
    assert page.outside == []
