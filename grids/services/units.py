"""Writes to organisation units and their members.

Invariants kept here (and only here):
- a community unit's parent is a street unit; the parent chain has no cycle;
- a unit leader holds the guardian object permission ``grids.change_unit`` on their unit, and only
  while they are its leader — every membership change goes through these functions so the
  permission rows never drift from the memberships.
"""

import re
from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm
from guardian.utils import get_user_obj_perms_model

from accounts.models import User
from common.exceptions import ApplicationError
from grids.models import Division, DivisionLevel, Unit, UnitKind, UnitMembership, UnitRole

UNIT_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")
LEADER_PERMISSION = "grids.change_unit"

# A unit of these kinds that is linked to a division must be linked to a division of this level.
_DIVISION_LEVEL_FOR_KIND = {
    UnitKind.DISTRICT: DivisionLevel.DISTRICT,
    UnitKind.STREET: DivisionLevel.STREET,
    UnitKind.COMMUNITY: DivisionLevel.COMMUNITY,
}


def unit_validation_errors(
    *, unit: Unit | None, code: str, name: str, kind: str, parent: Unit | None, division: Division | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not UNIT_CODE_RE.match(code):
        errors["code"] = [_("单位编码须为1–32位大写字母、数字或连字符，且不以连字符开头")]
    if not name.strip():
        errors["name"] = [_("单位名称不能为空")]
    elif len(name) > 128:
        errors["name"] = [_("单位名称不能超过128个字符")]
    if kind not in UnitKind.values:
        errors["kind"] = [_("未知的单位类型：%(kind)s") % {"kind": kind}]
    if kind == UnitKind.COMMUNITY and (parent is None or parent.kind != UnitKind.STREET):
        errors["parent"] = [_("社区工作站的上级单位必须是街道办事处")]
    elif parent is not None and unit is not None and unit.pk is not None:
        # Walk up from the new parent: meeting the unit itself would close a cycle.
        node, seen = parent, set()
        while node is not None and node.pk not in seen:
            if node.pk == unit.pk:
                errors["parent"] = [_("上级单位不能是本单位或其下级单位")]
                break
            seen.add(node.pk)
            node = node.parent
    has_pk = unit is not None and unit.pk is not None
    if has_pk and kind != UnitKind.STREET and unit.children.filter(kind=UnitKind.COMMUNITY).exists():
        errors["kind"] = [_("该单位下有社区工作站，类型只能是街道办事处")]
    expected_level = _DIVISION_LEVEL_FOR_KIND.get(kind)
    if division is not None and expected_level is not None and division.level != expected_level:
        errors["division"] = [_("对应区划的层级与单位类型不符")]
    return errors


@transaction.atomic
def unit_upsert(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None = None,
    division: Division | None = None,
    phone: str | None = None,
    working_hours: list | None = None,
    is_active: bool | None = None,
) -> tuple[Unit, bool]:
    """Create or update the unit with this ``code``; returns ``(unit, created)``.

    ``name``, ``kind``, ``parent`` and ``division`` always take the given values (``None`` clears the
    link); ``phone``, ``working_hours`` and ``is_active`` change only when given. An unchanged unit is
    not written at all, so repeated loads leave ``updated_at`` alone.
    """
    code = (code or "").strip()
    name = (name or "").strip()
    unit = Unit.objects.select_for_update().filter(code=code).first()
    errors = unit_validation_errors(
        unit=unit, code=code, name=name, kind=kind, parent=parent, division=division
    )
    if errors:
        raise ApplicationError(_("单位信息有误"), errors=errors)

    values: dict = {"name": name, "kind": kind, "parent": parent, "division": division}
    optional = {"phone": phone, "working_hours": working_hours, "is_active": is_active}
    values.update({key: value for key, value in optional.items() if value is not None})
    if unit is None:
        return Unit.objects.create(code=code, **values), True

    changed = [key for key, value in values.items() if getattr(unit, key) != value]
    if changed:
        for key in changed:
            setattr(unit, key, values[key])
        unit.save(update_fields=[*changed, "updated_at"])
    return unit, False


def unit_group(unit: Unit) -> Group:
    """The Django group ``unit:<code>`` whose members are the unit's members.

    Object permissions on work items (e.g. complaints) are granted to this group, so they follow
    membership: joining a unit gives access to its work, leaving takes it away.
    """
    group, _created = Group.objects.get_or_create(name=f"unit:{unit.code}")
    return group


def _leader_permission() -> tuple[Permission, ContentType]:
    content_type = ContentType.objects.get_for_model(Unit)
    _app_label, codename = LEADER_PERMISSION.split(".")
    return Permission.objects.get(content_type=content_type, codename=codename), content_type


@transaction.atomic
def unit_membership_add(*, user: User, unit: Unit, role: str = UnitRole.HANDLER) -> UnitMembership:
    """Make ``user`` a member of ``unit`` with ``role`` (changing the role of an existing member).

    A leader gets ``grids.change_unit`` on the unit; a leader moved to another role loses it.
    """
    if role not in UnitRole.values:
        raise ApplicationError(
            _("单位内角色有误"), errors={"role": [_("未知的单位内角色：%(role)s") % {"role": role}]}
        )
    if user.pk is None or unit.pk is None:
        raise ApplicationError(_("用户和单位须先保存"))
    membership, created = UnitMembership.objects.select_for_update().get_or_create(
        user=user, unit=unit, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
    if role == UnitRole.LEADER:
        assign_perm(LEADER_PERMISSION, user, unit)
    else:
        remove_perm(LEADER_PERMISSION, user, unit)
    user.groups.add(unit_group(unit))
    return membership


@transaction.atomic
def unit_membership_remove(*, user: User, unit: Unit) -> bool:
    """End ``user``'s membership of ``unit`` and revoke the leader permission; False if not a member."""
    deleted, _details = UnitMembership.objects.filter(user=user, unit=unit).delete()
    remove_perm(LEADER_PERMISSION, user, unit)
    user.groups.remove(unit_group(unit))
    return deleted > 0


@transaction.atomic
def unit_memberships_ensure(*, memberships: Iterable[tuple[User, Unit, str]]) -> dict[str, int]:
    """Bulk form of :func:`unit_membership_add` for loaders: a few queries for hundreds of members.

    Existing memberships get the given role; leader permissions are granted with one insert and taken
    from members who are no longer leaders. Returns ``{"created", "updated"}`` counts.
    """
    wanted: dict[tuple[int, int], tuple[User, Unit, str]] = {}
    for user, unit, role in memberships:
        if role not in UnitRole.values:
            raise ApplicationError(_("单位内角色有误"), errors={"role": [role]})
        wanted[(user.pk, unit.pk)] = (user, unit, role)
    if not wanted:
        return {"created": 0, "updated": 0}

    user_ids = {user_id for user_id, _unit_id in wanted}
    existing = {
        (m.user_id, m.unit_id): m
        for m in UnitMembership.objects.select_for_update().filter(user_id__in=user_ids)
        if (m.user_id, m.unit_id) in wanted
    }
    to_create = [
        UnitMembership(user=user, unit=unit, role=role)
        for key, (user, unit, role) in wanted.items()
        if key not in existing
    ]
    to_update, demoted, now = [], [], timezone.now()
    for key, membership in existing.items():
        user, unit, role = wanted[key]
        if membership.role != role:
            if membership.role == UnitRole.LEADER:
                demoted.append((user, unit))
            membership.role = role
            membership.updated_at = now
            to_update.append(membership)
    UnitMembership.objects.bulk_create(to_create)
    UnitMembership.objects.bulk_update(to_update, ["role", "updated_at"])

    permission, content_type = _leader_permission()
    permission_model = get_user_obj_perms_model()
    permission_model.objects.bulk_create(
        [
            permission_model(
                user=user, permission=permission, content_type=content_type, object_pk=str(unit.pk)
            )
            for user, unit, role in wanted.values()
            if role == UnitRole.LEADER
        ],
        ignore_conflicts=True,
    )
    for user, unit in demoted:
        remove_perm(LEADER_PERMISSION, user, unit)
    _groups_ensure(wanted.values())
    return {"created": len(to_create), "updated": len(to_update)}


def _groups_ensure(memberships) -> None:
    """Put every member into its unit's group, with one insert per batch."""
    units = {unit.pk: unit for _user, unit, _role in memberships}
    existing = {g.name: g for g in Group.objects.filter(name__in=[f"unit:{u.code}" for u in units.values()])}
    Group.objects.bulk_create(
        [Group(name=f"unit:{u.code}") for u in units.values() if f"unit:{u.code}" not in existing],
        ignore_conflicts=True,
    )
    groups = {g.name: g for g in Group.objects.filter(name__in=[f"unit:{u.code}" for u in units.values()])}
    through = User.groups.through
    through.objects.bulk_create(
        [
            through(user_id=user.pk, group_id=groups[f"unit:{unit.code}"].pk)
            for user, unit, _role in memberships
        ],
        ignore_conflicts=True,
    )
