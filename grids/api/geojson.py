"""``GET /api/v1/grids/geojson/?level=district|street|community|grid&parent=CODE``: the territory as
GeoJSON FeatureCollections for the platform's own maps (no map tiles exist: these layers are the map).

Public reference data: anyone may read it, under a throttle of its own (a map page loads several layers
at once, so the general anonymous rate would run out after a few pages). Answers are cached per
territory generation (``grids.geo``: every write to divisions or cells bumps it), so a change shows at
once and an unchanged territory is serialised once per generation.
"""

import json
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from common.exceptions import ApplicationError
from grids.geo import GENERATION_CACHE_KEY
from grids.models import Division, DivisionLevel, GridCell

logger = logging.getLogger(__name__)

LEVELS = ("district", "street", "community", "grid")
CACHE_SECONDS = 24 * 3600
# Browsers may reuse an answer this long; the server-side cache follows changes immediately.
BROWSER_MAX_AGE = 300
GEOJSON = "application/geo+json"
# Lookups from a division level down to the level asked for ("parent" may be any ancestor).
_DIVISION_PARENT = {
    DivisionLevel.STREET: {DivisionLevel.DISTRICT: "parent"},
    DivisionLevel.COMMUNITY: {DivisionLevel.STREET: "parent", DivisionLevel.DISTRICT: "parent__parent"},
}
_CELL_PARENT = {
    DivisionLevel.COMMUNITY: "community",
    DivisionLevel.STREET: "community__parent",
    DivisionLevel.DISTRICT: "community__parent__parent",
}


def _parent_division(code: str) -> Division:
    parent = Division.objects.filter(code=code).first()
    if parent is None:
        raise ApplicationError(_("参数有误"), errors={"parent": [_("区划代码不存在")]})
    return parent


def territory_feature_collection(*, level: str, parent: str = "") -> dict:
    """Features of one level (under the division ``parent`` when given), by code. Each feature has
    ``id`` = code and properties ``code``, ``name``, ``level`` and ``parent`` (the code one level up;
    grid cells add ``community``, ``street`` and ``kind``). Only active grid cells are drawn."""
    if level == "grid":
        cells = GridCell.objects.filter(is_active=True).select_related("community__parent").order_by("code")
        if parent:
            division = _parent_division(parent)
            cells = cells.filter(**{_CELL_PARENT[division.level]: division})
        features = [
            _feature(
                cell.code,
                cell.boundary,
                name=cell.name,
                level="grid",
                parent=cell.community.code,
                community=cell.community.code,
                street=cell.community.parent.code if cell.community.parent else None,
                kind=cell.kind,
            )
            for cell in cells
        ]
    else:
        divisions = (
            Division.objects.filter(level=level, boundary__isnull=False)
            .select_related("parent")
            .order_by("code")
        )
        if parent:
            division = _parent_division(parent)
            lookup = _DIVISION_PARENT.get(level, {}).get(division.level)
            divisions = divisions.filter(**{lookup: division}) if lookup else divisions.none()
        features = [
            _feature(
                d.code,
                d.boundary,
                name=d.name,
                level=d.level,
                parent=d.parent.code if d.parent_id else None,
            )
            for d in divisions
        ]
    return {"type": "FeatureCollection", "features": features}


def _feature(code: str, geometry: dict, **properties) -> dict:
    return {"type": "Feature", "id": code, "properties": {"code": code, **properties}, "geometry": geometry}


def _generation_key(key: str) -> str:
    return f"{key}:{cache.get(GENERATION_CACHE_KEY, 0)}"


def _cached(key: str) -> str | None:
    try:
        return cache.get(_generation_key(key))
    except Exception:  # a cache outage costs a rebuild, never the map
        logger.warning("territory geojson: cache unreadable", exc_info=True)
        return None


def _cache_store(key: str, body: str) -> None:
    try:
        cache.set(_generation_key(key), body, CACHE_SECONDS)
    except Exception:
        logger.warning("territory geojson: cache unwritable", exc_info=True)


class GeoJsonThrottle(AnonRateThrottle):
    """Anonymous callers only; rate ``DEFAULT_THROTTLE_RATES["anon_geojson"]`` (default 600/min)."""

    scope = "anon_geojson"

    def get_rate(self):
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope) or "600/min"


class GeoJsonRenderer(JSONRenderer):
    """Lets clients ask for ``application/geo+json`` (errors still come as the project's JSON shape)."""

    media_type = GEOJSON


class TerritoryGeoJsonApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [GeoJsonThrottle]
    renderer_classes = [JSONRenderer, GeoJsonRenderer]

    class InputSerializer(serializers.Serializer):
        level = serializers.ChoiceField(choices=LEVELS)
        parent = serializers.RegexField(r"^\d{12}$", required=False, allow_blank=True, default="")

    @extend_schema(parameters=[InputSerializer], responses={(200, GEOJSON): OpenApiTypes.OBJECT})
    def get(self, request):
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        level, parent = params.validated_data["level"], params.validated_data["parent"]
        key = f"grids:geojson:{level}:{parent}"
        body = _cached(key)
        if body is None:
            collection = territory_feature_collection(level=level, parent=parent)
            body = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
            _cache_store(key, body)
        response = HttpResponse(body, content_type=f"{GEOJSON}; charset=utf-8")
        response["Cache-Control"] = f"public, max-age={BROWSER_MAX_AGE}"
        return response
