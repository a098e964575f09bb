"""Security headers (issue 11, §4): a Content-Security-Policy on every answer (pages, API, errors),
strict enough to matter; HSTS and the other production headers in the production settings."""

import importlib
import re

import pytest
from django.test import Client

from common.security import csp_header_value, csp_source_hash
from tests.security.pages import page_routes, page_url


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_every_page_and_api_answer_carries_a_strict_policy(sw, clients):
    responses = [clients["dispatcher"].get(url) for url in ("/api/v1/complaints/", "/healthz", "/nope/")]
    responses += [
        clients[viewer].get(url)
        for route in page_routes()
        if (url := page_url(route, sw)) is not None
        for viewer in ("anonymous", "dispatcher")
    ]
    assert len(responses) > 40
    for response in responses:
        policy = _policy(response)
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
        for directive in ("script-src", "style-src"):
            assert "'unsafe-inline'" not in policy[directive] and "'unsafe-eval'" not in policy[directive]
            assert all(s.startswith("'") for s in policy[directive])  # no host: nothing from outside


def test_inline_handlers_are_allowed_only_by_their_exact_hash():
    policy = csp_header_value(nonce=None, handlers=("this.form.submit()",))
    assert "'unsafe-hashes'" in policy and csp_source_hash("this.form.submit()") in policy
    assert csp_source_hash("this.form.submit()") == "'sha256-" + csp_source_hash("this.form.submit()")[8:]


def test_the_nonce_is_fresh_for_every_request_and_named_only_when_used(sw, rf):
    from django.http import HttpResponse

    from common.security import ContentSecurityPolicyMiddleware

    def view(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    middleware = ContentSecurityPolicyMiddleware(view)
    nonces = {
        re.search(r"'nonce-([^']+)'", middleware(rf.get("/"))["Content-Security-Policy"])[1] for _ in range(5)
    }
    assert len(nonces) == 5 and all(len(n) >= 22 for n in nonces)
    unused = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("x"))(rf.get("/"))
    assert "nonce-" not in unused["Content-Security-Policy"]


def test_api_docs_page_runs_under_the_policy(sw, clients):
    response = clients["dispatcher"].get("/api/docs/")
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
    body = response.content.decode()
    inline = re.findall(r"<(script|style)(?![^>]*\bsrc=)([^>]*)>", body)
    assert inline and all(f'nonce="{nonce}"' in attrs for _tag, attrs in inline)


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 64)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "grievance.example.gov.cn")
    import config.settings.production as production

    return importlib.reload(production)


def test_production_settings_turn_on_https_headers(production):
    assert production.SECURE_HSTS_SECONDS >= 31536000
    assert production.SECURE_HSTS_INCLUDE_SUBDOMAINS and production.SECURE_SSL_REDIRECT
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.X_FRAME_OPTIONS == "DENY" and production.SECURE_CONTENT_TYPE_NOSNIFF
    assert production.DEBUG is False
    assert "common.security.ContentSecurityPolicyMiddleware" in production.MIDDLEWARE
    assert "axes.middleware.AxesMiddleware" in production.MIDDLEWARE
    assert production.AXES_FAILURE_LIMIT <= 10
    assert len(production.AUTH_PASSWORD_VALIDATORS) >= 4


def test_login_is_locked_after_repeated_failures(sw, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    username = sw.world.dispatcher.username
    statuses = [
        client.post("/accounts/login/", {"username": username, "password": f"wrong-{i}"}).status_code
        for i in range(4)
    ]
    assert statuses[-1] == 429
    from tests.grievance.factories import PASSWORD

    locked = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert locked.status_code == 429  # even the right password, until the cool-off ends
