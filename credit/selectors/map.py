"""The credit map ("一张图"): every active grid cell with its subjects counted by grade, as GeoJSON."""

from collections import defaultdict

from django.db.models import Count

from credit.grading import grading_scheme_get
from credit.models import CreditSubject
from grids.models import GridCell

UNRATED_KEY = "-"


def credit_map_features() -> dict:
    """A FeatureCollection: one Feature per active cell, ``properties = {code, name, counts, total}``.

    ``counts`` has every grade of the configured scheme plus ``"-"`` (unrated), zeros included, so a
    client can draw a legend without knowing the scheme.
    """
    grades = [*grading_scheme_get().grades, UNRATED_KEY]
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(grades, 0))
    rows = (
        CreditSubject.objects.filter(grid__isnull=False)
        .values("grid_id", "grade")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        key = row["grade"] or UNRATED_KEY
        counts[row["grid_id"]][key] = counts[row["grid_id"]].get(key, 0) + row["n"]
    features = []
    for cell in (
        GridCell.objects.filter(is_active=True).order_by("code").only("pk", "code", "name", "boundary")
    ):
        cell_counts = counts[cell.pk] if cell.pk in counts else dict.fromkeys(grades, 0)
        features.append(
            {
                "type": "Feature",
                "geometry": cell.boundary,
                "properties": {
                    "code": cell.code,
                    "name": cell.name,
                    "counts": cell_counts,
                    "total": sum(cell_counts.values()),
                },
            }
        )
    return {"type": "FeatureCollection", "grades": grades, "features": features}
