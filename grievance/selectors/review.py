"""Work queues of the follow-up review: what a grid worker or the centre must verify, and which
complaints wait for their return visit (the counterpart of ``grievance.services.review``)."""

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import Role, User
from grids.models import GridCell
from grievance.models.complaints import Complaint, Status

CENTRE_ROLES = (Role.DISPATCHER, Role.OPERATOR)


def _worked_grid(user: User):
    return Exists(GridCell.objects.filter(pk=OuterRef("grid_id"), workers=user))


def _grid_with_workers():
    return Exists(GridCell.workers.through.objects.filter(gridcell_id=OuterRef("grid_id")))


def complaint_verification_queue(*, user: User) -> QuerySet[Complaint]:
    """Handled complaints waiting for ``user``'s verification: for the centre those without a grid
    cell or whose cell has no worker; for anyone else those on the cells they work. Oldest first."""
    handled = Complaint.objects.filter(status=Status.HANDLED).select_related("lead_unit", "grid")
    if user.role in CENTRE_ROLES:
        return handled.exclude(_grid_with_workers()).order_by("handled_at", "pk")
    return handled.filter(_worked_grid(user)).order_by("handled_at", "pk")


def complaint_return_visit_queue(*, user: User) -> QuerySet[Complaint]:
    """Verified complaints waiting for their return visit: the centre's queue."""
    if user.role not in CENTRE_ROLES:
        return Complaint.objects.none()
    return (
        Complaint.objects.filter(status=Status.REVIEWING)
        .select_related("lead_unit")
        .order_by("handled_at", "pk")
    )
