"""Who may do what on one complaint: the actor's roles, computed in one place.

Unit rights come from django-guardian object permissions (granted by dispatch to the unit's group);
grid workers act on their own grid cells; citizens on their own complaints.
"""

from django.db.models import CharField, Value
from guardian.core import ObjectPermissionChecker

from accounts.models import Role
from common.memo import user_memo
from grids.models import GridCell, Unit, UnitMembership
from grievance.models.complaints import Complaint
from grievance.workflow import ActorRole

CENTRE_ROLES = {Role.DISPATCHER: ActorRole.DISPATCHER, Role.OPERATOR: ActorRole.OPERATOR}


def _user_reach(user) -> dict[str, list[int]]:
    """The user's unit ids ("u"), grid cell ids ("g") and own complaints ("c") in one query: every
    visibility and role check of a request starts from these (asked once, ``common.memo``)."""

    def tagged(qs, tag: str, column: str):
        return qs.annotate(tag=Value(tag, output_field=CharField())).values_list("tag", column)

    rows = tagged(UnitMembership.objects.filter(user_id=user.pk), "u", "unit_id").union(
        tagged(GridCell.workers.through.objects.filter(user_id=user.pk), "g", "gridcell_id"),
        tagged(Complaint.objects.filter(citizen_id=user.pk).order_by(), "c", "pk"),
        all=True,
    )
    reach: dict[str, list[int]] = {"u": [], "g": [], "c": []}
    for tag, pk in rows:
        reach[tag].append(pk)
    return reach


def user_reach(user) -> dict[str, list[int]]:
    return user_memo(user, "reach", lambda: _user_reach(user))


def user_unit_ids(user) -> list[int]:
    """Ids of the units the user is a member of (any role), once per request."""
    return sorted(set(user_reach(user)["u"]))


def user_grid_ids(user) -> list[int]:
    """Ids of the grid cells the user works in, once per request."""
    return sorted(user_reach(user)["g"])


def user_reports(user) -> bool:
    """Whether the user is the citizen of any complaint, once per request."""
    return bool(user_reach(user)["c"])


def complaint_actor_roles(*, complaint: Complaint, user) -> frozenset[str]:
    """Roles ``user`` holds on ``complaint`` (None = the system itself)."""
    if user is None:
        return frozenset({ActorRole.SYSTEM})
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    roles = set()
    if user.role in CENTRE_ROLES:
        roles.add(CENTRE_ROLES[user.role])
    if user.role in (Role.SUPERVISOR, Role.ADMIN) or user.is_superuser:
        roles.add(ActorRole.SUPERVISOR)
    # Rights on a complaint are only granted to the groups of the units holding it (dispatch, to
    # ``unit:<code>``, whose members are the unit's members) and revoked when they stop holding it. With
    # the active assignments in hand, a user in none of those units can hold no right: guardian is not
    # asked (two queries). The shortcut can only withhold a role, never add one (deny by default).
    held = getattr(complaint, "active_assignments", None)
    if held is None or {a.unit_id for a in held} & set(user_unit_ids(user)):
        perms = ObjectPermissionChecker(user).get_perms(complaint)
    else:
        perms = []
    if "handle_complaint" in perms:
        roles.add(ActorRole.LEAD)
    if "cohandle_complaint" in perms:
        roles.add(ActorRole.CO)
    if complaint.grid_id and complaint.grid_id in user_grid_ids(user):
        roles.add(ActorRole.GRID_WORKER)
    if complaint.citizen_id is not None and complaint.citizen_id == user.pk:
        roles.add(ActorRole.CITIZEN)
    return frozenset(roles)


def complaint_actor_units(*, complaint: Complaint, user) -> list[Unit]:
    """The user's units that hold an active assignment on the complaint."""
    if user is None:
        return []
    return list(
        Unit.objects.filter(
            memberships__user=user, assignments__complaint=complaint, assignments__active=True
        ).distinct()
    )
