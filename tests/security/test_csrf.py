"""CSRF on every form (issue 11, §4): the middleware is on, no page view is exempt, every POST form of
every page (rendered as the people who see most of them) carries the token, and a POST without the
token is refused with 403 — pages and the session-authenticated API alike."""

from html.parser import HTMLParser

from django.conf import settings
from django.test import Client

from tests.security.conftest import body_of
from tests.security.pages import VIEWERS, page_routes, page_url
from tests.security.routes import _walk
from tests.security.world import FOREIGN_TITLE

# API views rely on DRF's SessionAuthentication (which enforces CSRF for session users) or on keys.
EXEMPT_PREFIXES = ("api/", "open311/")


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"method": (attrs.get("method") or "get").lower(), "token": False, **attrs})
        elif tag == "input" and self.forms and attrs.get("name") == "csrfmiddlewaretoken":
            self.forms[-1]["token"] = bool(attrs.get("value"))


def test_csrf_middleware_is_on_and_no_page_is_exempt():
    from django.urls import get_resolver

    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE
    exempt = [
        route
        for route, _name, pattern in _walk(get_resolver().url_patterns)
        if getattr(pattern.callback, "csrf_exempt", False) and not route.startswith(EXEMPT_PREFIXES)
    ]
    assert exempt == []


def test_every_post_form_on_every_page_carries_the_token(sw, clients, record_property):
    pages = forms = 0
    missing = []
    for route in page_routes():
        for viewer in VIEWERS:
            url = page_url(route, sw)
            if url is None:
                continue
            response = clients[viewer].get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            pages += 1
            parser = _Forms()
            parser.feed(body_of(response))
            for form in parser.forms:
                if form["method"] == "post":
                    forms += 1
                    if not form["token"]:
                        missing.append(f"{url} as {viewer}: form {form.get('action') or form.get('id')}")
    record_property("pages_rendered", pages)
    record_property("post_forms_checked", forms)
    print(f"\ncsrf: {pages} pages rendered, {forms} post forms carry the token")
    assert pages >= 30 and forms >= 30
    assert not missing, "\n".join(missing)


def test_posts_without_the_token_are_refused(sw):
    w = sw.world
    for user, url, data in [
        (w.lead, f"/work/complaints/{sw.own.pk}/act/", {"action": "sign"}),
        (None, "/submit/", {"title": FOREIGN_TITLE}),
        (w.lead, f"/api/v1/complaints/{sw.own.pk}/actions/", {"action": "sign"}),
    ]:
        client = Client(enforce_csrf_checks=True)
        if user is not None:
            client.force_login(user)
        response = client.post(url, data)
        assert response.status_code == 403, (url, response.status_code)
    sw.own.refresh_from_db()
    assert sw.own.status == "in_progress"  # nothing happened
