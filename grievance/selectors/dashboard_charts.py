"""What the dashboard's charts, rankings and map show, read from the rollups (see ``dashboard``).

Every function takes a ``Scope`` (``dashboard_scope``) and returns plain lists/dicts the API
serialises and the pages draw. Trends fill days without complaints with zeros; mixes list every
choice (zero included); the map's ``density`` is complaints per km² of the area.
"""

import math
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.utils.translation import gettext as _
from shapely.geometry import shape

from common.exceptions import ApplicationError
from grids.geo import GENERATION_CACHE_KEY
from grids.models import Division, GridCell, Unit
from grievance.models.complaints import Channel, Complaint
from grievance.models.matters import ComplaintKind, Matter
from grievance.models.rollups import HANDLING_BUCKET_HOURS, HANDLING_BUCKETS
from grievance.selectors.dashboard import (
    Scope,
    daily_sums,
    day_start,
    overdue_counts,
    overview_groups,
    rate,
)
from grievance.selectors.stats import satisfied_values

RANKING_ORDERS = (
    "score",
    "received",
    "response_rate",
    "resolution_rate",
    "satisfaction_rate",
    "on_time_rate",
)
RANKING_ORDERS += ("return_rate", "rework_rate", "overdue")
PERIODS = ("day", "week", "month")
MAP_LEVELS = ("street", "community", "grid")
MAP_METRICS = ("density", "received", "overdue", "satisfaction_rate")
DEFAULT_SPAN = {"day": 30, "week": 7 * 12, "month": 365}


def _satisfied(sums: dict) -> int:
    return sums["satisfied"] + (sums["basically_satisfied"] if len(satisfied_values()) > 1 else 0)


def dashboard_rankings(
    *, scope: Scope, by: str, order: str = "score", min_volume: int | None = None
) -> list[dict]:
    """Streets or units ranked by ``order`` (best first; return/rework/overdue: lowest first), each
    with the full overview. Rows whose ranking value is None, and rows with fewer than ``min_volume``
    complaints (default ``GRIEVANCE["RANKING_MIN_VOLUME"]``, 5: a handful of items says little), go
    last with ``rank`` None."""
    if by not in ("street", "unit"):
        raise ApplicationError(_("参数有误"), errors={"by": [_("应为 street 或 unit")]})
    if order not in RANKING_ORDERS:
        raise ApplicationError(_("参数有误"), errors={"order": [_("应为：%s") % ", ".join(RANKING_ORDERS)]})
    groups = overview_groups(scope, by)
    model = Division if by == "street" else Unit
    names = {
        pk: (code, name)
        for pk, code, name in model.objects.filter(pk__in=groups).values_list("pk", "code", "name")
    }
    rows = [
        {"id": pk, "code": names[pk][0], "name": names[pk][1], **figures}
        for pk, figures in groups.items()
        if pk in names
    ]
    low_is_good = order in ("return_rate", "rework_rate", "overdue")
    if min_volume is None:
        min_volume = int(settings.GRIEVANCE.get("RANKING_MIN_VOLUME", 5))
    rows.sort(
        key=lambda r: (
            r[order] is None or r["received"] < min_volume,
            (r[order] or 0) * (1 if low_is_good else -1),
            -r["received"],
            r["code"],
        )
    )
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank if row[order] is not None and row["received"] >= min_volume else None
    return rows


def _period_start(day: date, period: str) -> date:
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def dashboard_trend(*, scope: Scope, period: str = "day") -> list[dict]:
    """Per day / week (from Monday) / month of reception: received, dispatched, closed, finished,
    overdue and the response, resolution and satisfaction rates. An open window shows the last
    30 days / 12 weeks / 12 months."""
    if period not in PERIODS:
        raise ApplicationError(_("参数有误"), errors={"period": [_("应为 day、week 或 month")]})
    end = scope.end or scope.today
    start = scope.start or end - timedelta(days=DEFAULT_SPAN[period] - 1)
    bounded = Scope(start, end, scope.street_id, scope.unit_id, scope.now)
    sums, overdue = daily_sums(bounded, ("day",), values=_TREND_SUMS), overdue_counts(bounded, ("day",))
    buckets: dict[date, dict] = {}
    day = _period_start(start, period)
    while day <= end:
        buckets.setdefault(_period_start(day, period), {"overdue": 0, **{k: 0 for k in _TREND_SUMS}})
        day += timedelta(days=1)
    for day, values in sums.items():
        bucket = buckets[_period_start(day, period)]
        for key in _TREND_SUMS:
            bucket[key] += values[key]
    for day, count in overdue.items():
        buckets[_period_start(day, period)]["overdue"] += count
    return [
        {
            "period": key,
            "received": b["received"],
            "dispatched": b["dispatched"],
            "closed": b["closed"],
            "finished": b["finished"],
            "overdue": b["overdue"],
            "response_rate": rate(b["responded"], b["dispatched"]),
            "resolution_rate": rate(b["resolved"], b["rated_resolved"]),
            "satisfaction_rate": rate(_satisfied(b), b["rated_satisfaction"]),
        }
        for key, b in sorted(buckets.items())
    ]


_TREND_SUMS = (
    "received",
    "dispatched",
    "closed",
    "finished",
    "responded",
    "resolved",
    "rated_resolved",
    "satisfied",
    "basically_satisfied",
    "rated_satisfaction",
)


def dashboard_top_matters(*, scope: Scope, limit: int = 10) -> list[dict]:
    """The top-level matter classes with the most complaints, with share and satisfaction."""
    if not 1 <= limit <= 50:
        raise ApplicationError(_("参数有误"), errors={"limit": [_("应在1到50之间")]})
    sums = daily_sums(
        scope, ("matter",), values=("closed", "satisfied", "basically_satisfied", "rated_satisfaction")
    )
    total = sum(v["received"] for v in sums.values())
    names = {
        pk: (code, name)
        for pk, code, name in Matter.objects.filter(pk__in=sums).values_list("pk", "code", "name")
    }
    rows = [
        {
            "id": pk,
            "code": names.get(pk, ("", ""))[0],
            "name": names.get(pk, ("", _("未分类")))[1],
            "received": v["received"],
            "share": rate(v["received"], total),
            "closed": v["closed"],
            "satisfaction_rate": rate(_satisfied(v), v["rated_satisfaction"]),
        }
        for pk, v in sums.items()
    ]
    rows.sort(key=lambda r: (-r["received"], r["code"]))
    return rows[:limit]


def dashboard_mix(*, scope: Scope, by: str) -> list[dict]:
    """Complaints per channel or per kind (every choice, zero included), with shares."""
    choices = {"channel": Channel.choices, "kind": ComplaintKind.choices}.get(by)
    if choices is None:
        raise ApplicationError(_("参数有误"), errors={"by": [_("应为 channel 或 kind")]})
    sums = daily_sums(scope, (by,), values=())
    total = sum(v["received"] for v in sums.values())
    rows = [
        {"key": key, "label": str(label), "received": (sums.get(key) or {}).get("received", 0)}
        for key, label in choices
    ]
    for row in rows:
        row["share"] = rate(row["received"], total)
    return sorted(rows, key=lambda r: -r["received"])


def dashboard_handling_times(*, scope: Scope) -> dict:
    """How long finished complaints took from reception to result (or closure)."""
    sums = daily_sums(scope, values=("handling_minutes", *HANDLING_BUCKETS)).get(None) or {}
    finished = sum(sums.get(b, 0) for b in HANDLING_BUCKETS)
    labels = [_("1天内"), _("1-3天"), _("3-7天"), _("7-15天"), _("15-30天"), _("30天以上")]
    bounds = [*HANDLING_BUCKET_HOURS, None]
    return {
        "finished": finished,
        "average_hours": sums["handling_minutes"] / 60 / finished if finished else None,
        "buckets": [
            {
                "label": label,
                "upper_hours": bound,
                "count": sums.get(b, 0),
                "share": rate(sums.get(b, 0), finished),
            }
            for label, bound, b in zip(labels, bounds, HANDLING_BUCKETS, strict=True)
        ],
    }


_AREAS: dict[tuple, list[dict]] = {}  # per process: (generation, level) → areas (no boundaries)


def _areas(level: str, *, boundaries: bool = False) -> list[dict]:
    """id, code, name, parent code and area (km²) of every area of ``level`` (+ ``boundary`` when
    asked). Kept per process and territory generation: any change of divisions or cells shows at once,
    and the map request does not fetch and unpickle every boundary."""
    generation = cache.get(GENERATION_CACHE_KEY, 0)
    if not boundaries and (generation, level) in _AREAS:
        return _AREAS[(generation, level)]
    if level == "grid":
        rows = GridCell.objects.filter(is_active=True).values_list(
            "pk", "code", "name", "community__code", "boundary"
        )
    else:
        rows = Division.objects.filter(level=level).values_list(
            "pk", "code", "name", "parent__code", "boundary"
        )
    areas = [
        {"id": pk, "code": code, "name": name, "parent": parent, "area_km2": _km2(b), "boundary": b}
        for pk, code, name, parent, b in rows
    ]
    if boundaries:
        return areas
    light = [{k: v for k, v in a.items() if k != "boundary"} for a in areas]
    if len(_AREAS) > 32:
        _AREAS.clear()
    _AREAS[(generation, level)] = light
    return light


def _km2(boundary: dict | None) -> float | None:
    if not boundary:
        return None
    try:
        geometry = shape(boundary)
    except (ValueError, TypeError, AttributeError):
        return None
    lat = geometry.centroid.y
    return geometry.area * 111.32 * math.cos(math.radians(lat)) * 110.57 or None


def dashboard_map(*, scope: Scope, level: str = "street", parent: str = "") -> list[dict]:
    """Per street / community / grid cell (of ``parent``, a division code): received, density
    (complaints per km²), overdue and satisfaction. Unit scopes have no map (403 upstream)."""
    if level not in MAP_LEVELS:
        raise ApplicationError(_("参数有误"), errors={"level": [_("应为 street、community 或 grid")]})
    areas = [a for a in _areas(level) if not parent or a["parent"] == parent or _in_street(a, parent)]
    sums = daily_sums(scope, (level,), values=("satisfied", "basically_satisfied", "rated_satisfaction"))
    overdue = overdue_counts(scope, (level,))
    rows = []
    for area in areas:
        values = sums.get(area["id"]) or {}
        received = values.get("received", 0)
        rows.append(
            {
                "code": area["code"],
                "name": area["name"],
                "parent": area["parent"],
                "received": received,
                "density": received / area["area_km2"] if area["area_km2"] else None,
                "overdue": overdue.get(area["id"], 0),
                "rated": values.get("rated_satisfaction", 0),
                "satisfaction_rate": rate(_satisfied(values), values["rated_satisfaction"])
                if values
                else None,
            }
        )
    return rows


def _in_street(area: dict, street_code: str) -> bool:
    """Grid cells asked for by street: their community's code starts with the street's 9 digits."""
    return len(street_code) == 12 and street_code.endswith("000") and area["parent"][:9] == street_code[:9]


def dashboard_area_complaints(*, scope: Scope, level: str, code: str, limit: int = 50) -> dict:
    """The complaints of one street / community / grid cell received in the window (newest first)."""
    model = GridCell if level == "grid" else Division
    area = model.objects.filter(code=code).first()
    if level not in MAP_LEVELS or area is None:
        raise ApplicationError(_("参数有误"), errors={"code": [_("区域编码不存在")]})
    complaints = Complaint.objects.filter(**{level: area})
    if scope.start:
        complaints = complaints.filter(received_at__gte=day_start(scope.start))
    if scope.end:
        complaints = complaints.filter(received_at__lt=day_start(scope.end + timedelta(days=1)))
    if scope.unit_id:
        complaints = complaints.filter(assignments__unit_id=scope.unit_id, assignments__role="lead")
    rows = complaints.select_related("lead_unit").order_by("-received_at", "-id")[:limit]
    return {
        "code": area.code,
        "name": area.name,
        "total": complaints.aggregate(n=Count("pk", distinct=True))["n"],
        "complaints": [
            {
                "id": c.pk,
                "tracking_code": c.tracking_code,
                "title": c.title,
                "status": c.status,
                "status_label": c.get_status_display(),
                "received_at": c.received_at,
                "lead_unit": c.lead_unit.name if c.lead_unit else "",
                "overdue": c.status in ("dispatched", "in_progress")
                and c.handle_deadline is not None
                and c.handle_deadline < scope.now,
            }
            for c in rows
        ],
    }


def map_shapes(*, level: str, parent: str = "", width: int = 1000) -> dict:
    """SVG paths of the areas of ``level`` (under ``parent``) fitted to a ``width``-wide view box:
    {"view_box": "...", "shapes": [{code, name, path}]}; a plain equirectangular projection (a
    district is small), cached per territory generation."""
    key = f"dashboard:shapes:{cache.get(GENERATION_CACHE_KEY, 0)}:{level}:{parent}:{width}"
    found = cache.get(key)
    if found is not None:
        return found
    areas = [
        a
        for a in _areas(level, boundaries=True)
        if a["boundary"] and (not parent or a["parent"] == parent or _in_street(a, parent))
    ]
    rings = {a["code"]: _rings(a["boundary"]) for a in areas}
    points = [p for polygons in rings.values() for ring in polygons for p in ring]
    if not points:
        return {"view_box": "0 0 100 100", "shapes": []}
    min_lng, max_lng = min(p[0] for p in points), max(p[0] for p in points)
    min_lat, max_lat = min(p[1] for p in points), max(p[1] for p in points)
    stretch = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = width / max((max_lng - min_lng) * stretch, 1e-9)
    height = max(1, round((max_lat - min_lat) * scale))

    def path(polygons) -> str:
        parts = []
        for ring in polygons:
            coords = " ".join(
                f"{(lng - min_lng) * stretch * scale:.1f},{(max_lat - lat) * scale:.1f}"
                for lng, lat, *_z in ring
            )
            parts.append(f"M{coords}Z")
        return "".join(parts)

    found = {
        "view_box": f"0 0 {width} {height}",
        "shapes": [{"code": a["code"], "name": a["name"], "path": path(rings[a["code"]])} for a in areas],
    }
    cache.set(key, found, 3600)
    return found


def _rings(geometry: dict) -> list[list]:
    if geometry.get("type") == "Polygon":
        return list(geometry["coordinates"])
    if geometry.get("type") == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []
