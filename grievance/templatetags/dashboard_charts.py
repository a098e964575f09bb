"""Charts of the dashboard and the monthly report, drawn as our own inline SVG (no chart library).

Each tag turns rows of figures into the geometry its template draws; every chart carries a text
alternative (``<title>``, the values as text) so a screen reader and a printout read the same numbers.
"""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# Sequential scales (light → dark), dark enough at the top for white labels.
SCALES = {
    "density": ["#e3eefa", "#b7d3f2", "#7fb0e4", "#3f83c9", "#0b5cad"],
    "received": ["#e3eefa", "#b7d3f2", "#7fb0e4", "#3f83c9", "#0b5cad"],
    "overdue": ["#fdebe9", "#f7c0b9", "#ee8a7e", "#d5503f", "#9e1f12"],
    "satisfaction_rate": ["#fdebe9", "#f6d7a8", "#d9e8b5", "#8cc58f", "#1e7b34"],
}
NO_DATA = "#d7dbe0"
SERIES_COLOURS = ["#0b5cad", "#1e7b34", "#b3261e", "#8a5a00"]


@register.filter
def pct(value, digits: int = 1) -> str:
    """0.934 → "93.4%"; None → "—" (no denominator)."""
    if value is None or value == "":
        return "—"
    return f"{100 * float(value):.{int(digits)}f}%"


@register.filter
def num(value, digits: int = 0) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value):,.{int(digits)}f}"


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key)


def _max(values) -> float:
    return max([v for v in values if v is not None] or [0]) or 1


@register.inclusion_tag("dashboard/charts/bars.html")
def bar_chart(rows, value_key: str, label_key: str, title: str = "", percent: bool = False, width: int = 520):
    """Horizontal bars, one per row, longest first as given."""
    rows = list(rows or [])
    top = _max(row.get(value_key) for row in rows)
    label_width, bar_height, gap = 150, 22, 8
    bars = []
    for i, row in enumerate(rows):
        value = row.get(value_key)
        length = 0 if value is None else (width - label_width - 70) * float(value) / top
        bars.append(
            {
                "y": i * (bar_height + gap),
                "length": f"{max(length, 0):.1f}",
                "label": str(row.get(label_key) or "—"),
                "text": pct(value) if percent else num(value),
                "text_x": f"{label_width + max(length, 0) + 6:.1f}",
            }
        )
    height = max(len(bars) * (bar_height + gap), bar_height)
    return {
        "bars": bars,
        "title": title,
        "width": width,
        "height": height,
        "x0": label_width,
        "bar_height": bar_height,
    }


@register.inclusion_tag("dashboard/charts/columns.html")
def column_chart(rows, value_key: str, label_key: str, title: str = "", width: int = 520, height: int = 200):
    """Vertical columns (e.g. the handling-time histogram)."""
    rows = list(rows or [])
    top = _max(row.get(value_key) for row in rows)
    plot = height - 40
    step = width / max(len(rows), 1)
    columns = []
    for i, row in enumerate(rows):
        value = row.get(value_key) or 0
        h = plot * float(value) / top
        columns.append(
            {
                "x": f"{i * step + step * 0.15:.1f}",
                "w": f"{step * 0.7:.1f}",
                "y": f"{plot - h + 16:.1f}",
                "h": f"{h:.1f}",
                "cx": f"{i * step + step / 2:.1f}",
                "label": str(row.get(label_key)),
                "text": num(value),
            }
        )
    return {"columns": columns, "title": title, "width": width, "height": height, "base": plot + 16}


@register.inclusion_tag("dashboard/charts/lines.html")
def line_chart(
    points, keys: str, label_key: str = "period", title: str = "", width: int = 520, height: int = 200
):
    """One polyline per key in ``keys`` ("received,closed") over the points, with a legend."""
    points = list(points or [])
    names = [k for k in keys.split(",") if k]
    top = _max(p.get(k) for p in points for k in names)
    left, bottom, plot_w, plot_h = 40, height - 28, width - 50, height - 50
    step = plot_w / max(len(points) - 1, 1)
    series = []
    for n, key in enumerate(names):
        coords = []
        for i, p in enumerate(points):
            value = p.get(key)
            if value is not None:
                coords.append(f"{left + i * step:.1f},{bottom - plot_h * float(value) / top:.1f}")
        series.append(
            {
                "key": key,
                "label": _SERIES_LABELS.get(key, key),
                "points": " ".join(coords),
                "colour": SERIES_COLOURS[n % 4],
            }
        )
    ticks = [
        {"x": f"{left + i * step:.1f}", "label": str(p.get(label_key))[5:]}
        for i, p in enumerate(points)
        if i % max(1, len(points) // 6) == 0
    ]
    summary = "; ".join(f"{s['label']} {num(sum((p.get(s['key']) or 0) for p in points))}" for s in series)
    return {
        "series": series,
        "ticks": ticks,
        "title": title,
        "width": width,
        "height": height,
        "left": left,
        "bottom": bottom,
        "top_value": num(top),
        "top_y": f"{bottom - plot_h:.1f}",
        "summary": summary,
    }


_SERIES_LABELS = {
    "received": _("受理"),
    "closed": _("结案"),
    "dispatched": _("派单"),
    "overdue": _("超期"),
    "finished": _("办结"),
}


def colour_for(value, values: list, metric: str) -> str:
    """The class colour of ``value`` among ``values`` (quintiles of the non-empty values)."""
    known = sorted(v for v in values if v is not None)
    if value is None or not known:
        return NO_DATA
    scale = SCALES.get(metric, SCALES["density"])
    if known[-1] == known[0]:
        return scale[2]
    rank = sum(1 for v in known if v <= value) / len(known)
    return scale[min(int(rank * len(scale) - 1e-9), len(scale) - 1)]


@register.inclusion_tag("dashboard/charts/map.html")
def choropleth(shapes: dict, rows: list, metric: str, level: str, link_base: str = ""):
    """The areas of ``shapes`` coloured by ``metric`` of ``rows`` (matched by code); each area links to
    its drill-down (``link_base`` + code)."""
    by_code = {row["code"]: row for row in rows or []}
    values = [row.get(metric) for row in by_code.values()]
    areas = []
    for item in (shapes or {}).get("shapes", []):
        row = by_code.get(item["code"], {})
        value = row.get(metric)
        text = pct(value) if metric == "satisfaction_rate" else num(value, 1 if metric == "density" else 0)
        areas.append(
            {
                **item,
                "fill": colour_for(value, values, metric),
                "text": text,
                "received": row.get("received", 0),
                "overdue": row.get("overdue", 0),
                "href": f"{link_base}{item['code']}" if link_base else "",
            }
        )
    scale = SCALES.get(metric, SCALES["density"])
    return {
        "areas": areas,
        "view_box": (shapes or {}).get("view_box", "0 0 100 100"),
        "metric": metric,
        "level": level,
        "scale": scale,
    }
