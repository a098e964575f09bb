"""Duplicate detection (并单候选): open complaints about the same thing at the same place.

A candidate is open, has the same matter (when the matter is known), lies within ``DUPLICATE_RADIUS_M``
(default 250 m, great-circle distance) or in the same grid cell, and its text is similar (character-bigram
Jaccard of title + description ≥ ``DUPLICATE_TEXT_THRESHOLD``, default 0.2). The database pre-filters by
a bounding box around the point; the exact distance and the text are checked in Python on at most
``CANDIDATE_ROWS`` of the newest rows. Reads only: the dispatcher merges with the ``merge`` action, a
citizen adds support with ``grievance.services.support.complaint_support_add``.
"""

import math

from django.conf import settings
from django.db.models import Q

from grievance.models import OPEN_STATUSES, Complaint
from grievance.services.routing import jaccard, text_bigrams

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE_LAT = 111_320.0
CANDIDATE_ROWS = 300


def duplicate_radius_m() -> float:
    return float(settings.GRIEVANCE.get("DUPLICATE_RADIUS_M", 250))


def duplicate_text_threshold() -> float:
    return float(settings.GRIEVANCE.get("DUPLICATE_TEXT_THRESHOLD", 0.2))


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lng2 - lng1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _bbox(lat: float, lng: float, radius: float) -> Q:
    d_lat = radius / METRES_PER_DEGREE_LAT
    d_lng = radius / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.01))
    return Q(lat__gte=lat - d_lat, lat__lte=lat + d_lat, lng__gte=lng - d_lng, lng__lte=lng + d_lng)


def complaint_duplicates(
    *,
    complaint: Complaint | None = None,
    matter=None,
    lat: float | None = None,
    lng: float | None = None,
    grid=None,
    title: str = "",
    description: str = "",
    limit: int = 5,
) -> list[Complaint]:
    """Open complaints that look like the same report, newest first, at most ``limit``.

    Pass ``complaint`` (its own fields are used and it is left out of the answer) or the fields of a
    report not yet stored. Each result carries ``distance_m`` (None when only the grid matched) and
    ``similarity``. Without any location there is nothing to compare: the answer is empty."""
    exclude_id = None
    if complaint is not None:
        matter, lat, lng = complaint.matter, complaint.lat, complaint.lng
        grid, title, description = complaint.grid, complaint.title, complaint.description
        exclude_id = complaint.pk
    located = lat is not None and lng is not None
    if not located and grid is None:
        return []
    radius = duplicate_radius_m()
    place = Q()
    if located:
        place |= _bbox(lat, lng, radius)
    if grid is not None:
        place |= Q(grid=grid)
    candidates = Complaint.objects.filter(place, status__in=OPEN_STATUSES, merged_into__isnull=True)
    if matter is not None:
        candidates = candidates.filter(matter=matter)
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    candidates = candidates.order_by("-received_at", "-id")[:CANDIDATE_ROWS]

    own = text_bigrams(f"{title} {description}")
    threshold = duplicate_text_threshold()
    grid_id = getattr(grid, "pk", grid)
    found = []
    for other in candidates:
        distance = None
        if located and other.lat is not None and other.lng is not None:
            distance = haversine_m(lat, lng, other.lat, other.lng)
        near = (distance is not None and distance <= radius) or (
            grid_id is not None and other.grid_id == grid_id
        )
        if not near:
            continue
        similarity = jaccard(own, text_bigrams(f"{other.title} {other.description}"))
        if similarity < threshold:
            continue
        other.distance_m = round(distance, 1) if distance is not None else None
        other.similarity = round(similarity, 3)
        found.append(other)
        if len(found) >= limit:
            break
    return found
