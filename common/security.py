"""Content-Security-Policy for every response (our own middleware, no third-party package), and
the refusal of NUL characters in requests.

Invariants:
- Scripts and styles come from the platform itself (``'self'``): no CDN, no inline ``<script>`` or
  ``<style>`` without the per-request nonce. Templates that need an inline block write
  ``<script nonce="{{ request.csp_nonce }}">``; the nonce is fresh for every request.
- Inline event-handler attributes are refused except the exact snippets listed in
  ``CSP_INLINE_HANDLERS`` (allowed by their SHA-256 hashes with ``'unsafe-hashes'``): each stays
  a short, constant piece of code, never anything built from data.
- ``object-src 'none'``, ``base-uri 'self'``, ``form-action 'self'``, ``frame-ancestors 'none'``: no
  plugins, no base-tag hijack, forms post only to the platform, no framing (clickjacking).
- A response that already carries a policy (a view that knows better) keeps it.

``NulCharacterMiddleware``: PostgreSQL cannot store or compare a NUL character, and psycopg2 raises
``ValueError`` for one in any query parameter — a 500 wherever a view passes request text to the
database unchecked (found by fuzzing). A request whose path, query string or (small JSON or
form-encoded) body contains one is answered 400 in the API error shape before any view runs.

Settings (all optional): ``CSP_DIRECTIVES`` (dict directive → list of sources, merged over the
defaults below), ``CSP_INLINE_HANDLERS`` (tuple of handler snippets), ``CSP_REPORT_ONLY`` (bool:
send ``Content-Security-Policy-Report-Only`` instead, to trial a stricter policy).
"""

import base64
import hashlib
import secrets
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import JsonResponse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

HEADER = "Content-Security-Policy"
REPORT_ONLY_HEADER = "Content-Security-Policy-Report-Only"
NONCE_DIRECTIVES = ("script-src", "style-src")

DEFAULT_DIRECTIVES: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    # Leaflet draws markers and map panes as images; the favicon is an empty data: URL.
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# Inline handlers the shared templates still use (templates/base.html's language switch, the
# mediation agreement's print button). Moving them into static JS files would let this list go.
DEFAULT_INLINE_HANDLERS = ("this.form.submit()", "window.print()")


def csp_source_hash(snippet: str) -> str:
    """The CSP hash source (``'sha256-…'``) of an inline script or handler text."""
    digest = hashlib.sha256(snippet.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def csp_header_value(*, nonce: str | None, directives: dict | None = None, handlers=()) -> str:
    """The policy text: ``directives`` (default: settings merged over ``DEFAULT_DIRECTIVES``) with
    the nonce added to script-src/style-src and the handler hashes to script-src."""
    merged = {key: list(value) for key, value in DEFAULT_DIRECTIVES.items()}
    for key, value in (directives or {}).items():
        merged[key] = list(value)
    if nonce:
        for key in NONCE_DIRECTIVES:
            merged.setdefault(key, ["'self'"]).append(f"'nonce-{nonce}'")
    if handlers:
        merged.setdefault("script-src", ["'self'"]).extend(
            ["'unsafe-hashes'", *(csp_source_hash(h) for h in handlers)]
        )
    return "; ".join(f"{key} {' '.join(sources)}".strip() for key, sources in merged.items())


class ContentSecurityPolicyMiddleware:
    """Adds the policy header; gives templates ``request.csp_nonce`` (made only when a template uses
    it, and then named in the header)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.directives = getattr(settings, "CSP_DIRECTIVES", {})
        self.handlers = tuple(getattr(settings, "CSP_INLINE_HANDLERS", DEFAULT_INLINE_HANDLERS))
        self.header = REPORT_ONLY_HEADER if getattr(settings, "CSP_REPORT_ONLY", False) else HEADER

    def __call__(self, request):
        made: list[str] = []

        def nonce() -> str:
            made.append(secrets.token_urlsafe(18))
            return made[0]

        request.csp_nonce = SimpleLazyObject(nonce)
        response = self.get_response(request)
        if HEADER not in response and REPORT_ONLY_HEADER not in response:
            response[self.header] = csp_header_value(
                nonce=made[0] if made else None, directives=self.directives, handlers=self.handlers
            )
        return response


NUL_BODY_TYPES = ("application/json", "application/x-www-form-urlencoded")
NUL_BODY_MAX = 1024 * 1024  # larger bodies are uploads (multipart), checked by their own services


def request_has_nul(request) -> bool:
    """A NUL in the path, the query string or a small JSON/form body (raw or escaped)."""
    if "\x00" in request.path or b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
        return True
    if request.method in ("POST", "PUT", "PATCH") and request.content_type in NUL_BODY_TYPES:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if 0 < length <= NUL_BODY_MAX:
            body = request.body
            return b"\x00" in body or b"\\u0000" in body or b"\x00" in unquote_to_bytes(body)
    return False


class NulCharacterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request_has_nul(request):
            message = _("输入有误")
            return JsonResponse(
                {"message": message, "errors": {"non_field_errors": [_("输入中不能包含空字符（NUL）")]}},
                status=400,
                json_dumps_params={"ensure_ascii": False},
            )
        return self.get_response(request)
