"""Demo organisation units of the Pingshan district: idempotent upsert by unit code.

Order: the district, the command centre and the psychological service centre; a street office per
street and a community workstation per community of divisions.csv (linked to the ``Division`` rows
the territory loader made, when they exist); then every name of units_observed.txt, through the
hand-made table of grids.demo.unit_codes. A name missing from that table stops the load before
anything is written.
"""

import csv
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError
from grids.demo.unit_codes import (
    COMMUNITY_UNITS,
    DISTRICT_CODE,
    DISTRICT_DIVISION_CODE,
    FIXED_UNITS,
    OBSERVED_UNITS,
    STREET_UNITS,
    community_unit_name,
)
from grids.models import Division, DivisionLevel, Unit, UnitKind
from grids.services.units import unit_upsert


def _pingshan_dir(data_dir) -> Path:
    """Accept the shared data folder (holding ``pingshan/``) or the ``pingshan`` folder itself."""
    path = Path(data_dir)
    return path / "pingshan" if (path / "pingshan").is_dir() else path


def _division_code(raw: str) -> str:
    """divisions.csv writes codes as floats (``440310001000.0``); the empty code stays empty."""
    raw = (raw or "").strip()
    return raw.removesuffix(".0") if raw else ""


def _read_divisions(pingshan: Path) -> list[dict]:
    with (pingshan / "divisions.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["code"] = _division_code(row["code12"])
        row["parent_code"] = _division_code(row["parent_code12"])
    return rows


def _read_observed(pingshan: Path) -> list[str]:
    text = (pingshan / "units_observed.txt").read_text(encoding="utf-8-sig")
    return [line.strip() for line in text.splitlines() if line.strip()]


def _table_errors(divisions: list[dict], observed: list[str]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    unknown_streets = [
        r["name"] for r in divisions if r["level"] == "street" and r["name"] not in STREET_UNITS
    ]
    unknown_communities = [
        r["name"] for r in divisions if r["level"] == "community" and r["name"] not in COMMUNITY_UNITS
    ]
    unknown_names = [name for name in observed if name not in OBSERVED_UNITS]
    if unknown_streets or unknown_communities:
        errors["divisions.csv"] = unknown_streets + unknown_communities
    if unknown_names:
        errors["units_observed.txt"] = unknown_names
    return errors


def _find_division(*, code: str, names: list[str], level: str, divisions: dict) -> Division | None:
    """By code first; by name within the level when the code is unknown (the virtual community)."""
    if code and code in divisions["by_code"]:
        return divisions["by_code"][code]
    for name in names:
        found = divisions["by_name"].get((level, name))
        if found is not None:
            return found
    return None


@transaction.atomic
def demo_units_load(*, data_dir) -> dict:
    """Create or update the demo units; running it again changes nothing.

    Returns counts: ``units`` (in the table), ``created``, ``observed_names``, ``observed_aliases``
    (observed names that are an existing street/community/centre unit), ``divisions_linked`` and
    ``divisions_missing`` (street or community units left without their ``Division``).
    """
    pingshan = _pingshan_dir(data_dir)
    division_rows = _read_divisions(pingshan)
    observed = _read_observed(pingshan)
    errors = _table_errors(division_rows, observed)
    if errors:
        raise ApplicationError(
            _("演示单位编码表（grids/demo/unit_codes.py）缺少这些名称，请先补充：%(names)s")
            % {"names": "、".join(name for names in errors.values() for name in names)},
            errors=errors,
        )

    all_divisions = list(Division.objects.all())
    divisions = {
        "by_code": {d.code: d for d in all_divisions},
        "by_name": {(d.level, d.name): d for d in all_divisions},
    }
    units: dict[str, Unit] = {}
    counts = {"created": 0, "divisions_linked": 0, "divisions_missing": 0}

    def upsert(code: str, name: str, kind: str, parent: str | None, division: Division | None = None) -> None:
        unit, created = unit_upsert(
            code=code, name=name, kind=kind, parent=units[parent] if parent else None, division=division
        )
        units[code] = unit
        counts["created"] += created

    for code, (name, kind, parent) in FIXED_UNITS.items():
        division = divisions["by_code"].get(DISTRICT_DIVISION_CODE) if code == DISTRICT_CODE else None
        upsert(code, name, kind, parent, division)

    street_code_by_division: dict[str, str] = {}
    for row in (r for r in division_rows if r["level"] == "street"):
        code, name = STREET_UNITS[row["name"]]
        division = _find_division(
            code=row["code"], names=[row["name"]], level=DivisionLevel.STREET, divisions=divisions
        )
        counts["divisions_linked" if division else "divisions_missing"] += 1
        upsert(code, name, UnitKind.STREET, DISTRICT_CODE, division)
        street_code_by_division[row["code"]] = code

    for row in (r for r in division_rows if r["level"] == "community"):
        code = COMMUNITY_UNITS[row["name"]]
        names = [row["name"], row["name"].removesuffix("居委会")]
        division = _find_division(
            code=row["code"], names=names, level=DivisionLevel.COMMUNITY, divisions=divisions
        )
        counts["divisions_linked" if division else "divisions_missing"] += 1
        upsert(
            code,
            community_unit_name(row["name"]),
            UnitKind.COMMUNITY,
            street_code_by_division[row["parent_code"]],
            division,
        )

    built = set(units)
    aliases = 0
    for name in observed:
        spec = OBSERVED_UNITS[name]
        if spec.code in built:
            # An observed name of a unit made above (a community, the centre): reuse, never duplicate.
            if units[spec.code].kind != spec.kind:
                raise ApplicationError(
                    _("演示单位编码表有误：%(name)s 的类型与单位 %(code)s 不符")
                    % {"name": name, "code": spec.code}
                )
            aliases += 1
            continue
        upsert(spec.code, name, spec.kind, spec.parent)

    return {
        "units": len(units),
        "created": counts["created"],
        "observed_names": len(observed),
        "observed_aliases": aliases,
        "divisions_linked": counts["divisions_linked"],
        "divisions_missing": counts["divisions_missing"],
    }
