"""Pages to render for the content checks (CSRF tokens in forms, escaping, CSP): every GET route of the
URL configuration that is not an API, with its object parameters filled with objects the viewer may
see, as the people who see the most of them."""

from tests.security.routes import Route, routes

# Parameter → (attribute of SecurityWorld, attribute of the object) for objects the viewer may see.
VISIBLE = {"complaint_id": ("foreign", "pk"), "code": ("foreign", "tracking_code"), "case_id": ("case", "pk")}
# Who renders which pages: people who see most of them.
VIEWERS = ("anonymous", "citizen", "handler", "grid_worker", "operator", "dispatcher", "supervisor", "admin")


def page_routes() -> list[Route]:
    return [r for r in routes() if not r.is_api and not r.route.startswith("open311/^") and not r.regex]


def page_url(route: Route, sw) -> str | None:
    """The route's URL with visible objects, or None when a parameter has no visible object here."""
    path = route.route
    for param in route.params:
        source = VISIBLE.get(param)
        if param == "code" and route.route.startswith("mediation/"):
            source = ("case", "organisation.code") if sw.case else None
        holder = getattr(sw, source[0], None) if source else None
        if holder is None:
            return None
        value = holder
        for attribute in source[1].split("."):
            value = getattr(value, attribute)
        value = str(value)
        path = path.replace(f"<int:{param}>", value).replace(f"<str:{param}>", value)
        path = path.replace(f"<slug:{param}>", value).replace(f"<{param}>", value)
    return "/" + path
