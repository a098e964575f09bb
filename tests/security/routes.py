"""Every URL of the platform, read from the URL configuration (so new pages and endpoints are probed
without anyone listing them), and how to fill its parameters with objects of someone else.

``routes()`` walks ``config.urls`` (the admin site excluded: Django's own ``is_staff`` gate) and
yields one ``Route`` per pattern with its parameter names. ``TARGETS`` maps a parameter (optionally
only under a path prefix) to the object of ``tests.security.world`` it takes and to which probers
must be refused. A parameter nobody described gets a value that names no object at all (every prober
must then be refused too): new kinds of ids are covered from the first day, and describing them here
turns the cell into a "someone else's object" cell.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from tests.security.world import PROBERS, READ_ALL, SecurityWorld

EXCLUDED_PREFIXES = ("admin/",)
# Never requested: they end the probing client's session or only redirect to another language.
EXCLUDED_ROUTES = ("accounts/logout/", "i18n/setlang/")
CONVERTER_RE = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
ALL = frozenset(PROBERS)
NOT_READ_ALL = ALL - READ_ALL
MISSING = {"int": "987654321", "str": "987654321", "slug": "no-such-thing", "path": "no/such"}


@dataclass(frozen=True)
class Route:
    route: str  # the pattern as written, e.g. "api/v1/complaints/<str:complaint_id>/"
    name: str | None  # the namespaced URL name
    params: tuple[str, ...]
    converters: tuple[str, ...]
    regex: bool

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")


@dataclass(frozen=True)
class Target:
    """What a parameter is filled with and who must be refused; ``public`` targets (tracking codes,
    Open311 requests) are readable by design: there only "no personal data" is checked."""

    value: Callable[[SecurityWorld], str]
    refused: frozenset
    markers: str | None = None  # SecurityWorld.markers key
    public: bool = False
    missing: bool = False  # names no object: any answer but success or a server error will do


# (regular expression searched in the route, parameter) → target; the longest expression that
# matches wins (so a specific route overrides the general rule for its parameter).
TARGETS: dict[tuple[str, str], Target] = {
    ("", "complaint_id"): Target(lambda sw: str(sw.foreign.pk), NOT_READ_ALL, "complaint"),
    ("", "attachment_id"): Target(lambda sw: str(sw.foreign_attachment.pk), NOT_READ_ALL, "complaint"),
    ("", "notification_id"): Target(lambda sw: str(sw.notice.pk), ALL, "notification"),
    ("", "case_id"): Target(
        lambda sw: str(sw.case.pk) if sw.case else MISSING["int"],
        ALL - {"supervisor", "admin"},
        "case",
    ),
    # Anyone holding a tracking code may follow it (API.md): no personal data in the answer.
    ("", "tracking_code"): Target(lambda sw: sw.foreign.tracking_code, ALL, "complaint", public=True),
    ("^submitted/", "code"): Target(lambda sw: sw.foreign.tracking_code, ALL, "complaint", public=True),
    ("^track/", "code"): Target(lambda sw: sw.foreign.tracking_code, ALL, "complaint", public=True),
    # 附议 (support) joins an open complaint shown publicly as similar: open to all by design.
    ("^support/", "complaint_id"): Target(lambda sw: str(sw.foreign.pk), ALL, "complaint", public=True),
    ("^api/v1/complaints/<[^>]+>/support/$", "complaint_id"): Target(
        lambda sw: str(sw.foreign.pk), ALL, "complaint", public=True
    ),
    # GeoReport v2 publishes requests without personal data.
    ("^open311/", "request_id"): Target(lambda sw: sw.foreign.tracking_code, ALL, "complaint", public=True),
}
# Values that select a format or a table, not an object.
FIXED_VALUES = {"fmt": "json", "table": "complaints"}


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str | None, object]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield prefix + str(pattern.pattern), name, pattern


def routes() -> list[Route]:
    found = []
    for route, name, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(EXCLUDED_PREFIXES) or route in EXCLUDED_ROUTES:
            continue
        if isinstance(pattern.pattern, RoutePattern):
            matches = list(CONVERTER_RE.finditer(route))
            params = tuple(m["name"] for m in matches)
            converters = tuple(m["converter"] or "str" for m in matches)
            found.append(Route(route, name, params, converters, regex=False))
        elif isinstance(pattern.pattern, RegexPattern) and name:
            groups = tuple(pattern.pattern.regex.groupindex)
            found.append(Route(route, name, groups, tuple("str" for _ in groups), regex=True))
    return found


def target_for(route: Route, param: str) -> Target | None:
    best, length = None, -1
    for (expression, name), target in TARGETS.items():
        if name == param and re.search(expression, route.route) and len(expression) > length:
            best, length = target, len(expression)
    return best


def url_for(route: Route, sw: SecurityWorld) -> tuple[str, list[Target]]:
    """The concrete URL of ``route`` with every object parameter filled, and the targets used
    (an undescribed parameter gets ``MISSING`` and a target refusing everyone)."""
    values, used = {}, []
    for param, converter in zip(route.params, route.converters, strict=True):
        if param in FIXED_VALUES:
            values[param] = FIXED_VALUES[param]
            continue
        target = target_for(route, param)
        if target is None:
            target = Target(lambda sw, c=converter: MISSING.get(c, MISSING["str"]), ALL, missing=True)
        values[param] = target.value(sw)
        used.append(target)
    if route.regex:
        return reverse(route.name, kwargs=values), used
    path = CONVERTER_RE.sub(lambda m: values[m["name"]], route.route)
    return "/" + path, used
