"""No page loads anything from outside the platform (no CDN, no map tiles, no web fonts), and no page
has a script error. Every page the browser can open is listed in ``PAGES``: add yours there.

An entry is ``(path, username)``: ``username`` None visits anonymously, otherwise the browser signs in
first (users of ``tests.grievance.actors.actors()``, e.g. "dispatcher", "operator", "h-community",
"lead-community", "grid-1", "citizen1"; password ``tests.grievance.factories.PASSWORD``). Paths may use
``{code}`` (tracking code) and ``{id}`` (id) of a complaint that has a result, located in the first
grid cell and handled by the community workstation.
"""

import pytest
from django.core.cache import cache

from tests.e2e.conftest import login
from tests.grievance.factories import PASSWORD
from tests.grievance.web.test_portal_views import complaint_with_result, portal_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES: list[tuple[str, str | None]] = [
    # Citizen portal
    ("/", None),
    ("/submit/", None),
    ("/track/", None),
    ("/track/{code}/", None),
    ("/submitted/{code}/", None),
    ("/my/", "citizen1"),
    ("/submit/", "citizen1"),
    ("/accounts/login/", None),
    # Staff workbenches
    ("/work/operator/", "operator"),
    ("/work/dispatch/", "dispatcher"),
    ("/work/inbox/", "h-community"),
    ("/work/inbox/?tab=unit", "lead-community"),
    ("/work/grid/", "grid-1"),
    ("/work/complaints/{id}/", "dispatcher"),
    ("/work/complaints/", "supervisor"),
    # Other public pages
    ("/credit/", None),
    ("/open311/", None),
]


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(("path", "username"), PAGES, ids=[f"{p} as {u or 'anonymous'}" for p, u in PAGES])
def test_page_loads_nothing_from_outside(page, path, username):
    complaint = complaint_with_result(portal_world())
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    if username:
        login(page, username, PASSWORD)
    url = page.base_url + path.format(code=complaint.tracking_code, id=complaint.pk)
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert response is not None and response.status < 400, f"{url} answered {response and response.status}"
    assert page.outside == [], f"{path} requested {page.outside}"
    assert errors == [], f"{path} had script errors: {errors}"
