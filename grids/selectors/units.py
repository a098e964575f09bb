"""Reads of organisation units that interfaces use."""

from django.db.models import Q, QuerySet
from guardian.shortcuts import get_objects_for_user

from accounts.models import User
from grids.models import Division, DivisionLevel, Unit, UnitKind

# The unit that stands for a division: its street office or community workstation.
_UNIT_KIND_FOR_LEVEL = {
    DivisionLevel.DISTRICT: UnitKind.DISTRICT,
    DivisionLevel.STREET: UnitKind.STREET,
    DivisionLevel.COMMUNITY: UnitKind.COMMUNITY,
}


def unit_list(
    *, kind: str | None = None, q: str | None = None, include_inactive: bool = False
) -> QuerySet[Unit]:
    """Units ordered by code, with ``parent`` joined; ``q`` matches name or code (case-insensitive)."""
    units = Unit.objects.select_related("parent").order_by("code")
    if not include_inactive:
        units = units.filter(is_active=True)
    if kind:
        units = units.filter(kind=kind)
    if q and q.strip():
        term = q.strip()
        units = units.filter(Q(name__icontains=term) | Q(code__icontains=term))
    return units


def unit_get_by_code(code: str) -> Unit | None:
    return Unit.objects.select_related("parent").filter(code=code).first()


def unit_children(unit: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(parent=unit).order_by("code")


def units_of_user(user: User) -> QuerySet[Unit]:
    """Units the user is a member of (any unit role)."""
    if not getattr(user, "pk", None):
        return Unit.objects.none()
    return Unit.objects.filter(memberships__user=user).select_related("parent").order_by("code").distinct()


def units_manageable_by(user: User) -> QuerySet[Unit]:
    """Units the user may manage: their leader's object permission ``grids.change_unit`` (guardian),
    or every unit for superusers and holders of the global permission."""
    return get_objects_for_user(user, "grids.change_unit", klass=Unit).order_by("code")


def unit_for_division(division: Division) -> Unit | None:
    """The street office of a street, the community workstation of a community (None if none)."""
    kind = _UNIT_KIND_FOR_LEVEL.get(division.level)
    units = Unit.objects.filter(division=division, is_active=True)
    if kind:
        units = units.filter(kind=kind)
    return units.order_by("code").first()
