"""Object permissions follow the work (ARCHITECTURE.md §8), through django-guardian.

Each unit has a Django group ``unit:<code>`` whose members are the unit's members (kept in step by
``grids.services.units``, which owns ``unit_group``). Dispatch grants the lead unit's group
``handle_complaint`` and co-handlers' groups ``cohandle_complaint`` on that complaint; re-dispatch,
return and escalation revoke them.
"""

from guardian.shortcuts import assign_perm, remove_perm

from grids.models import Unit
from grids.services.units import unit_group
from grievance.models.complaints import AssignmentRole, Complaint

PERM_FOR_ROLE = {
    AssignmentRole.LEAD: "grievance.handle_complaint",
    AssignmentRole.CO: "grievance.cohandle_complaint",
    AssignmentRole.COPY: "grievance.view_complaint",
}


def complaint_grant_unit(*, complaint: Complaint, unit: Unit, role: str) -> None:
    group = unit_group(unit)
    assign_perm(PERM_FOR_ROLE[role], group, complaint)
    if role != AssignmentRole.COPY:
        assign_perm("grievance.view_complaint", group, complaint)


def complaint_revoke_unit(*, complaint: Complaint, unit: Unit, role: str) -> None:
    group = unit_group(unit)
    remove_perm(PERM_FOR_ROLE[role], group, complaint)
    remove_perm("grievance.view_complaint", group, complaint)
