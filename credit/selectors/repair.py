"""Reads of repair applications: officers and supervisors all, departments their records', subjects theirs."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from common.exceptions import NotFoundError
from credit.models import CreditRecord, RepairApplication
from credit.selectors.access import CreditActor, credit_actor
from credit.workflow import REPAIR_TRANSITIONS, RepairRole


def repair_roles(*, actor: CreditActor, record: CreditRecord) -> frozenset[str]:
    """The caller's roles on a record's repair: officer, source department, acting for the subject."""
    roles = set()
    if actor.is_officer:
        roles.add(RepairRole.OFFICER)
    if actor.in_department(record.department_id):
        roles.add(RepairRole.DEPARTMENT)
    if actor.authenticated and record.subject.accounts.filter(pk=actor.user.pk).exists():
        roles.add(RepairRole.SUBJECT)
    return frozenset(roles)


def repair_list_for_actor(*, user, status: str | None = None) -> QuerySet[RepairApplication]:
    actor = credit_actor(user)
    repairs = RepairApplication.objects.select_related("record__subject", "record__department")
    if not actor.reads_all:
        if not actor.authenticated:
            return repairs.none()
        repairs = repairs.filter(
            Q(record__department_id__in=actor.department_ids) | Q(record__subject__accounts=actor.user)
        ).distinct()
    if status:
        repairs = repairs.filter(status=status)
    return repairs.order_by("-created_at", "-id")


def repair_get_for_actor(*, user, repair_id) -> RepairApplication:
    try:
        pk = int(repair_id)
    except (TypeError, ValueError):
        raise NotFoundError(_("修复申请不存在")) from None
    repair = repair_list_for_actor(user=user).filter(pk=pk).first()
    if repair is None:
        raise NotFoundError(_("修复申请不存在"))
    return repair


def repair_allowed_actions(*, user, repair: RepairApplication) -> list[str]:
    roles = repair_roles(actor=credit_actor(user), record=repair.record)
    return [t.action for t in REPAIR_TRANSITIONS if repair.status in t.sources and roles & set(t.roles)]
