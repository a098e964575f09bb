"""Who may do what on one complaint: the actor's roles, computed in one place.

Unit rights come from django-guardian object permissions (granted by dispatch to the unit's group);
grid workers act on their own grid cells; citizens on their own complaints.
"""

from guardian.core import ObjectPermissionChecker

from accounts.models import Role
from grids.models import Unit
from grievance.models.complaints import Complaint
from grievance.workflow import ActorRole

CENTRE_ROLES = {Role.DISPATCHER: ActorRole.DISPATCHER, Role.OPERATOR: ActorRole.OPERATOR}


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
    perms = ObjectPermissionChecker(user).get_perms(complaint)
    if "handle_complaint" in perms:
        roles.add(ActorRole.LEAD)
    if "cohandle_complaint" in perms:
        roles.add(ActorRole.CO)
    if complaint.grid_id and user.grid_cells.filter(pk=complaint.grid_id).exists():
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
