"""Object permissions follow the work (ARCHITECTURE.md §8), through django-guardian.

Each unit has a Django group ``unit:<code>`` whose members are the unit's members (kept in step by
``grids.services.units``, which owns ``unit_group``). Dispatch grants the lead unit's group
``handle_complaint`` and co-handlers' groups ``cohandle_complaint`` on that complaint; re-dispatch,
return and escalation revoke them.
"""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from guardian.models import GroupObjectPermission
from guardian.shortcuts import remove_perm

from grids.models import Unit
from grids.services.units import unit_group
from grievance.models.complaints import AssignmentRole, Complaint

PERM_FOR_ROLE = {
    AssignmentRole.LEAD: "grievance.handle_complaint",
    AssignmentRole.CO: "grievance.cohandle_complaint",
    AssignmentRole.COPY: "grievance.view_complaint",
}


def complaint_grant_unit(*, complaint: Complaint, unit: Unit, role: str) -> None:
    """Grant the unit's group the role's right (and ``view_complaint``) on ``complaint``; idempotent.

    One insert for both rights (guardian's ``assign_perm`` reads the permission, the content type and
    the existing row once per right): dispatch runs this on the worker for every complaint."""
    group = unit_group(unit)
    names = {PERM_FOR_ROLE[role], "grievance.view_complaint"}
    content_type = ContentType.objects.get_for_model(Complaint)
    permissions = Permission.objects.filter(
        content_type=content_type, codename__in=[name.split(".", 1)[1] for name in names]
    )
    GroupObjectPermission.objects.bulk_create(
        [
            GroupObjectPermission(
                group=group, permission=permission, content_type=content_type, object_pk=str(complaint.pk)
            )
            for permission in permissions
        ],
        ignore_conflicts=True,  # guardian's unique (group, permission, object_pk): granted twice is once
    )


def complaint_revoke_unit(*, complaint: Complaint, unit: Unit, role: str) -> None:
    group = unit_group(unit)
    remove_perm(PERM_FOR_ROLE[role], group, complaint)
    remove_perm("grievance.view_complaint", group, complaint)
