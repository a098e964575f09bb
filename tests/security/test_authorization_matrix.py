"""Authorization matrix (issue 11, §3), generated from the URL configuration: every API endpoint and
every page, as every role, on objects of another unit, grid, organisation or citizen.

For a route with object parameters each prober a target names as refused must get a refusal — 403 or
404 (401 or a redirect to the login page when anonymous; 405 when the method does not exist) — for GET
and POST, and not one of the object's markers (its title, contact, tracking code, the parties' ID
numbers...) in the answer. A parameter ``tests.security.routes.TARGETS`` does not describe yet gets
an id that names no object: any answer but a success or a server error passes there.
Public-by-design targets (tracking codes, Open311) are checked for personal
data only. Routes without parameters (lists, workbenches, dashboards) are fetched by everyone: no 5xx
and no marker of an object the prober may not see. The figures are printed and recorded.
"""

from collections import Counter

import pytest
from django.conf import settings

from tests.security.conftest import body_of
from tests.security.routes import routes, url_for
from tests.security.world import FOREIGN_NAME, FOREIGN_PHONE, PROBERS

PERSONAL = (FOREIGN_NAME, FOREIGN_PHONE)


def _refused(response, prober: str) -> bool:
    status = response.status_code
    if status in (403, 404, 405):
        return True
    if prober == "anonymous":
        if status == 401:
            return True
        if status == 302 and response["Location"].startswith(str(settings.LOGIN_URL_PATH)):
            return True
    return False


def _leaked(body: str, markers) -> list[str]:
    return [m for m in markers if m and m in body]


@pytest.fixture(autouse=True)
def _login_path(settings):
    from django.urls import reverse

    settings.LOGIN_URL_PATH = reverse(settings.LOGIN_URL)


def test_every_route_refuses_objects_of_others_and_leaks_nothing(sw, clients, record_property):
    figures = Counter()
    failures = []
    for route in routes():
        url, targets = url_for(route, sw)
        figures["routes"] += 1
        figures["routes_with_objects" if route.params else "routes_without_objects"] += 1
        methods = ("get", "post") if route.params else ("get",)
        for prober in PROBERS:
            client = clients[prober]
            for method in methods:
                response = getattr(client, method)(url)
                body = body_of(response)
                figures["cells"] += 1
                where = f"{method.upper()} {url} as {prober} → {response.status_code}"
                if response.status_code >= 500:
                    failures.append(f"{where}: server error")
                    continue
                if route.params:
                    for target in targets:
                        if prober not in target.refused:
                            continue
                        markers = sw.markers.get(target.markers, ())
                        if target.public:
                            figures["public_cells"] += 1
                            if leaked := _leaked(body, PERSONAL):
                                failures.append(f"{where}: personal data {leaked}")
                            continue
                        figures["refusal_cells"] += 1
                        if target.missing:
                            figures["missing_object_cells"] += 1
                            if 200 <= response.status_code < 300:
                                failures.append(f"{where}: success on an object that does not exist")
                        elif not _refused(response, prober):
                            failures.append(f"{where}: not refused")
                        elif leaked := _leaked(body, markers):
                            failures.append(f"{where}: refusal leaks {leaked}")
                else:
                    for key, markers in sw.markers.items():
                        refused = _refusers(key)
                        if prober in refused:
                            figures["leak_checks"] += 1
                            if leaked := _leaked(body, markers):
                                failures.append(f"{where}: shows {key} markers {leaked}")
    report = dict(figures)
    for key, value in report.items():
        record_property(key, value)
    print(f"\nauthorization matrix: {report}")
    assert not failures, f"{len(failures)} failing cells:\n" + "\n".join(failures[:80])
    assert report["refusal_cells"] > 500 and report["routes_with_objects"] >= 20


def _refusers(markers_key: str) -> frozenset:
    from tests.security.routes import TARGETS

    sets = [t.refused for t in TARGETS.values() if t.markers == markers_key and not t.public]
    return frozenset.intersection(*sets) if sets else frozenset()


def test_their_complaint_with_someone_elses_attachment_is_404(sw, clients):
    """Mixing ids: ``lead`` may see ``own`` but not the foreign complaint's attachment."""
    url = f"/api/v1/complaints/{sw.own.pk}/attachments/{sw.foreign_attachment.pk}/"
    assert clients["handler"].get(f"/api/v1/complaints/{sw.own.pk}/").status_code == 200
    response = clients["handler"].get(url)
    assert response.status_code == 404
