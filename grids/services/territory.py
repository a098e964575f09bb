"""Writes to the territory: divisions, grid cells, GeoJSON import and export.

Invariants kept here (and only here):
- A stored boundary is a valid, non-empty Polygon/MultiPolygon in lng/lat degrees within range, saved in a
  canonical GeoJSON form; a grid cell's bbox fields always match its boundary.
- A grid code is 15 digits whose first 12 are its community's code; a division code agrees with its parent's.
- Every write that can change what a point resolves to calls ``_grid_index_changed`` (grids.geo).
- A GeoJSON import validates every feature before writing and writes nothing when any feature is bad.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from shapely.geometry import shape

from common.exceptions import ApplicationError
from common.validators import is_valid_division_code, is_valid_grid_code
from grids.geo import boundary_geojson, boundary_geometry, grid_index_invalidate
from grids.models import Division, DivisionLevel, GridCell, GridKind

CODE_STATUSES = ("verified", "inferred_unverified", "generated")
PARENT_LEVEL = {DivisionLevel.STREET: DivisionLevel.DISTRICT, DivisionLevel.COMMUNITY: DivisionLevel.STREET}
# How many leading digits a division code shares with its parent's (6 county + 3 township + 3 village).
PARENT_PREFIX = {DivisionLevel.STREET: 6, DivisionLevel.COMMUNITY: 9}
CELL_FIELDS = ("name", "kind", "exclusive_for", "households", "population", "boundary", "is_active")
BBOX_FIELDS = ("min_lng", "min_lat", "max_lng", "max_lat")


def _grid_index_changed() -> None:
    # Bump now so this process sees its own uncommitted writes, and again on commit so a process that
    # rebuilt in between (from the old committed rows) rebuilds once more.
    grid_index_invalidate()
    transaction.on_commit(grid_index_invalidate)


def _count(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and value >= 0 else None


@dataclass(frozen=True)
class CleanGridCell:
    """A grid cell that passed every check, ready to store."""

    code: str
    name: str
    community: Division
    kind: str
    exclusive_for: str
    households: int
    population: int
    boundary: dict
    bbox: tuple[float, float, float, float]
    is_active: bool = True


def grid_cell_clean(
    *,
    code: str,
    name: str,
    community: Division | None,
    boundary,
    kind: str = GridKind.COMPREHENSIVE,
    households=0,
    population=0,
    exclusive_for: str = "",
    is_active: bool = True,
) -> tuple[CleanGridCell | None, dict[str, list[str]]]:
    """Check a grid cell's values without writing: (clean cell, {}) or (None, {field: [reasons]}).

    The admin form, the importer and ``grid_cell_upsert`` all call this, so the rules live in one place.
    """
    errors: dict[str, list[str]] = {}
    code = str(code or "").strip()
    name = str(name or "").strip()
    exclusive_for = str(exclusive_for or "").strip()
    if not is_valid_grid_code(code):
        errors["code"] = [_("网格编码应为15位数字：6位区县+3位街道+3位社区+3位顺序号")]
    if community is None or community.level != DivisionLevel.COMMUNITY:
        errors["community"] = [_("所属社区必须是社区级区划")]
    elif "code" not in errors and code[:12] != community.code:
        errors["code"] = [_("网格编码前12位应与所属社区代码 %(code)s 一致") % {"code": community.code}]
    if not name:
        errors["name"] = [_("请填写网格名称")]
    if kind not in GridKind.values:
        errors["kind"] = [_("网格类型无效：%(kind)s") % {"kind": kind}]
    elif kind == GridKind.EXCLUSIVE and not exclusive_for:
        errors["exclusive_for"] = [_("专属网格需填写专属对象")]
    counts = {"households": _count(households), "population": _count(population)}
    for key, value in counts.items():
        if value is None:
            errors[key] = [_("应为非负整数")]
    geometry, boundary_errors = boundary_geometry(boundary)
    if boundary_errors:
        errors["boundary"] = boundary_errors
    if errors:
        return None, errors
    clean = CleanGridCell(
        code=code,
        name=name,
        community=community,
        kind=kind,
        exclusive_for=exclusive_for,
        households=counts["households"],
        population=counts["population"],
        boundary=boundary_geojson(geometry),
        bbox=tuple(float(value) for value in geometry.bounds),
        is_active=bool(is_active),
    )
    return clean, {}


def _grid_cell_write(clean: CleanGridCell, *, existing: GridCell | None) -> tuple[GridCell, str]:
    """Store a clean cell; returns (cell, "created" | "updated" | "unchanged")."""
    values = {name: getattr(clean, name) for name in CELL_FIELDS}
    values.update(dict(zip(BBOX_FIELDS, clean.bbox, strict=True)))
    if existing is None:
        return GridCell.objects.create(code=clean.code, community=clean.community, **values), "created"
    changed = existing.community_id != clean.community.pk or any(
        getattr(existing, key) != value for key, value in values.items()
    )
    if not changed:
        return existing, "unchanged"
    existing.community = clean.community
    for key, value in values.items():
        setattr(existing, key, value)
    existing.save()
    return existing, "updated"


@transaction.atomic
def grid_cell_upsert(
    *,
    code: str,
    name: str,
    community: Division,
    boundary: dict,
    kind: str = GridKind.COMPREHENSIVE,
    households: int = 0,
    population: int = 0,
    exclusive_for: str = "",
    is_active: bool = True,
    workers=None,
) -> GridCell:
    """Create or update the grid cell with this code. ``workers`` (users), when given, replaces the set."""
    clean, errors = grid_cell_clean(
        code=code,
        name=name,
        community=community,
        boundary=boundary,
        kind=kind,
        households=households,
        population=population,
        exclusive_for=exclusive_for,
        is_active=is_active,
    )
    if errors:
        raise ApplicationError(_("网格数据有误"), errors=errors)
    cell, _outcome = _grid_cell_write(clean, existing=GridCell.objects.filter(code=clean.code).first())
    if workers is not None:
        cell.workers.set(workers)
    _grid_index_changed()
    return cell


def division_clean(
    *, code: str, name: str, level: str, parent: Division | None, code_status: str, boundary
) -> dict[str, list[str]]:
    """Every reason these division values cannot be stored; {} when they can."""
    errors: dict[str, list[str]] = {}
    if not is_valid_division_code(code):
        errors["code"] = [_("区划代码应为12位数字")]
    if not (name or "").strip():
        errors["name"] = [_("请填写名称")]
    if level not in DivisionLevel.values:
        errors["level"] = [_("层级无效：%(level)s") % {"level": level}]
    elif level == DivisionLevel.DISTRICT:
        if parent is not None:
            errors["parent"] = [_("区不设上级区划")]
    elif parent is None or parent.level != PARENT_LEVEL[level]:
        errors["parent"] = [_("上级区划层级不符")]
    elif "code" not in errors and code[: PARENT_PREFIX[level]] != parent.code[: PARENT_PREFIX[level]]:
        errors["code"] = [_("区划代码与上级区划代码 %(code)s 不一致") % {"code": parent.code}]
    if code_status not in CODE_STATUSES:
        errors["code_status"] = [_("代码来源无效：%(status)s") % {"status": code_status}]
    if boundary is not None:
        _geometry, boundary_errors = boundary_geometry(boundary)
        if boundary_errors:
            errors["boundary"] = boundary_errors
    return errors


@transaction.atomic
def division_upsert(
    *,
    code: str,
    name: str,
    level: str,
    parent: Division | None = None,
    code_status: str = "verified",
    households: int = 0,
    population: int = 0,
    boundary: dict | None = None,
) -> Division:
    """Create or update the division with this 12-digit code (parent must be the level above)."""
    code = str(code or "").strip()
    errors = division_clean(
        code=code, name=name, level=level, parent=parent, code_status=code_status, boundary=boundary
    )
    counts = {"households": _count(households), "population": _count(population)}
    errors.update({key: [_("应为非负整数")] for key, value in counts.items() if value is None})
    if errors:
        raise ApplicationError(_("区划数据有误"), errors=errors)
    if boundary is not None:
        boundary = boundary_geojson(shape(boundary))
    division, _created = Division.objects.update_or_create(
        code=code,
        defaults={
            "name": name.strip(),
            "level": level,
            "parent": parent,
            "code_status": code_status,
            "boundary": boundary,
            **counts,
        },
    )
    _grid_index_changed()
    return division


@dataclass(frozen=True)
class ImportProblem:
    """One reason a feature was refused. ``index`` is the feature's position in ``features`` (0-based)."""

    index: int | None
    code: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"features[{self.index}]" if self.index is not None else _("文件")
        code = f" {self.code}" if self.code else ""
        return f"{where}{code} {self.field}: {self.message}"


@dataclass
class ImportReport:
    """What an import did (or, on a dry run or with errors, would do). With errors nothing was written."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def lines(self) -> list[str]:
        head = _("共 %(total)d 个要素：新增 %(created)d，更新 %(updated)d，未变 %(unchanged)d") % {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.errors:
            tail = _("发现 %(count)d 处错误，未写入任何数据") % {"count": len(self.errors)}
        elif self.dry_run:
            tail = _("试运行，未写入任何数据")
        else:
            tail = _("已写入")
        return [head, *(str(problem) for problem in self.errors), tail]


def _feature_clean(
    index: int, feature, communities: dict[str, Division]
) -> tuple[CleanGridCell | None, list[ImportProblem]]:
    """Check one feature: its shape, its community, then every cell rule (all reasons, not the first)."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return None, [ImportProblem(index, "", "type", _("要素的 type 应为 Feature"))]
    properties = feature.get("properties")
    if not isinstance(properties, dict):
        return None, [ImportProblem(index, "", "properties", _("缺少 properties"))]
    code = str(properties.get("code") or "").strip()
    community_code = str(properties.get("community") or "").strip()
    community = communities.get(community_code)
    clean, errors = grid_cell_clean(
        code=code,
        name=properties.get("name"),
        community=community,
        boundary=feature.get("geometry"),
        kind=properties.get("kind") or GridKind.COMPREHENSIVE,
        households=properties.get("households", 0),
        population=properties.get("population", 0),
        exclusive_for=properties.get("exclusive_for") or "",
        is_active=properties.get("is_active", True) is not False,
    )
    if community is None:
        errors["community"] = [_("社区代码 %(code)s 不存在") % {"code": community_code or "-"}]
    problems = [
        ImportProblem(index, code, key, message) for key, messages in errors.items() for message in messages
    ]
    return clean, problems


@transaction.atomic
def grid_cells_import_geojson(*, data: dict, dry_run: bool = False) -> ImportReport:
    """Upsert one grid cell per feature of a FeatureCollection, all or nothing.

    Feature properties: ``code``, ``name``, ``community`` (12-digit code), ``kind``, ``households``,
    ``population``, optional ``exclusive_for`` and ``is_active``; the geometry is the boundary.
    """
    report = ImportReport(dry_run=dry_run)
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        report.errors.append(ImportProblem(None, "", "type", _("应为 GeoJSON FeatureCollection")))
        return report
    features = data.get("features")
    if not isinstance(features, list):
        report.errors.append(ImportProblem(None, "", "features", _("features 应为列表")))
        return report
    report.total = len(features)
    wanted = {
        str(feature.get("properties", {}).get("community") or "").strip()
        for feature in features
        if isinstance(feature, dict) and isinstance(feature.get("properties"), dict)
    }
    communities = {
        division.code: division
        for division in Division.objects.filter(code__in=wanted, level=DivisionLevel.COMMUNITY)
    }
    cleaned: list[CleanGridCell] = []
    seen: dict[str, int] = {}
    for index, feature in enumerate(features):
        clean, problems = _feature_clean(index, feature, communities)
        report.errors.extend(problems)
        if clean is None:
            continue
        if clean.code in seen:
            message = _("网格编码与 features[%(first)d] 重复") % {"first": seen[clean.code]}
            report.errors.append(ImportProblem(index, clean.code, "code", message))
            continue
        seen[clean.code] = index
        cleaned.append(clean)
    if report.errors:
        return report
    existing = GridCell.objects.in_bulk([clean.code for clean in cleaned], field_name="code")
    if dry_run:
        for clean in cleaned:
            report.created += clean.code not in existing
            report.updated += clean.code in existing
        return report
    for clean in cleaned:
        _cell, outcome = _grid_cell_write(clean, existing=existing.get(clean.code))
        setattr(report, outcome, getattr(report, outcome) + 1)
    if report.created or report.updated:
        _grid_index_changed()
    return report


def grid_cells_export_geojson(*, community: Division | str | None = None, codes=None) -> dict:
    """A FeatureCollection of grid cells (all, those under a division, or those with ``codes``), by code.

    The output imports back unchanged through ``grid_cells_import_geojson``.
    """
    cells = GridCell.objects.select_related("community__parent").order_by("code")
    if community is not None:
        if isinstance(community, str):
            community = Division.objects.filter(code=community.strip()).first()
            if community is None:
                raise ApplicationError(_("区划不存在"), errors={"community": [_("区划代码不存在")]})
        lookup = {
            DivisionLevel.COMMUNITY: "community",
            DivisionLevel.STREET: "community__parent",
            DivisionLevel.DISTRICT: "community__parent__parent",
        }[community.level]
        cells = cells.filter(**{lookup: community})
    if codes is not None:
        cells = cells.filter(code__in=list(codes))
    features = [
        {
            "type": "Feature",
            "id": cell.code,
            "properties": {
                "code": cell.code,
                "name": cell.name,
                "community": cell.community.code,
                "street": cell.community.parent.code if cell.community.parent else None,
                "kind": cell.kind,
                "exclusive_for": cell.exclusive_for,
                "households": cell.households,
                "population": cell.population,
                "is_active": cell.is_active,
            },
            "geometry": cell.boundary,
        }
        for cell in cells
    ]
    return {"type": "FeatureCollection", "features": features}
