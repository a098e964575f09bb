"""Reads for random inspections: the target pool of a plan, plans and tasks per actor, draw replay."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from common.exceptions import NotFoundError
from credit.draw import DrawInputs, draw_run
from credit.models import (
    CreditSubject,
    InspectionDraw,
    InspectionPlan,
    InspectionTask,
    InspectorConflict,
)
from credit.selectors.access import credit_actor

TARGET_FILTER_KEYS = ("kind", "industry", "region_code", "grid_prefix", "grades")


def inspection_pool_targets(*, target_filter: dict) -> QuerySet[CreditSubject]:
    """Subjects matching a plan's filter: ``kind``, ``industry`` / ``region_code`` / ``grades`` (lists),
    ``grid_prefix`` (a division code prefix of the grid code, e.g. a street's first 9 digits)."""
    subjects = CreditSubject.objects.all()
    if value := target_filter.get("kind"):
        subjects = subjects.filter(kind=value)
    if value := target_filter.get("industry"):
        subjects = subjects.filter(industry__in=list(value))
    if value := target_filter.get("region_code"):
        subjects = subjects.filter(region_code__in=list(value))
    if value := target_filter.get("grid_prefix"):
        subjects = subjects.filter(grid__code__startswith=value)
    if value := target_filter.get("grades"):
        subjects = subjects.filter(grade__in=[g.replace("-", "") for g in value])
    return subjects.order_by("pk")


def inspection_conflicts(*, inspector_ids, subject_ids) -> set[tuple[int, int]]:
    """Declared conflicts, plus an inspector whose own account acts for the subject."""
    pairs = set(
        InspectorConflict.objects.filter(
            inspector_id__in=inspector_ids, subject_id__in=subject_ids
        ).values_list("inspector_id", "subject_id")
    )
    linked = CreditSubject.accounts.through.objects.filter(
        creditsubject_id__in=subject_ids, user__credit_inspector__id__in=inspector_ids
    ).values_list("user__credit_inspector__id", "creditsubject_id")
    return pairs | set(linked)


def inspection_draw_replay(*, draw: InspectionDraw) -> bool:
    """Re-run the draw from its recorded seed and inputs: True when it gives the stored targets and
    inspectors (the digest and the task rows both agree)."""
    result = draw_run(DrawInputs.from_json(draw.inputs))
    stored = sorted(
        (task.subject_id, tuple(sorted(task.inspectors.values_list("pk", flat=True))))
        for task in draw.tasks.all()
    )
    return result.digest() == draw.digest and sorted(result.assignments) == stored


def inspection_plan_list_for_actor(*, user) -> QuerySet[InspectionPlan]:
    actor = credit_actor(user)
    plans = InspectionPlan.objects.select_related("department").order_by("-year", "code")
    if actor.reads_all:
        return plans
    if actor.department_ids:
        return plans.filter(department_id__in=actor.department_ids)
    return plans.none()


def inspection_plan_get_for_actor(*, user, plan_id) -> InspectionPlan:
    try:
        pk = int(plan_id)
    except (TypeError, ValueError):
        raise NotFoundError(_("抽查计划不存在")) from None
    plan = inspection_plan_list_for_actor(user=user).filter(pk=pk).first()
    if plan is None:
        raise NotFoundError(_("抽查计划不存在"))
    return plan


def inspection_draw_get(*, draw_id) -> InspectionDraw:
    """Draws are published ("一公开"): anyone may read one, with its seed and result."""
    try:
        pk = int(draw_id)
    except (TypeError, ValueError):
        raise NotFoundError(_("抽取记录不存在")) from None
    draw = InspectionDraw.objects.select_related("plan__department").filter(pk=pk).first()
    if draw is None:
        raise NotFoundError(_("抽取记录不存在"))
    return draw


def inspection_draws_public() -> QuerySet[InspectionDraw]:
    return InspectionDraw.objects.select_related("plan__department").order_by("-created_at")


def inspection_task_get_for_actor(*, user, task_id) -> InspectionTask:
    """A task for its inspectors, the plan's department and readers of all; 404 for anyone else."""
    actor = credit_actor(user)
    try:
        pk = int(task_id)
    except (TypeError, ValueError):
        raise NotFoundError(_("检查任务不存在")) from None
    tasks = InspectionTask.objects.select_related("draw__plan", "subject")
    if not actor.reads_all:
        if not actor.authenticated:
            raise NotFoundError(_("检查任务不存在"))
        tasks = tasks.filter(
            Q(draw__plan__department_id__in=actor.department_ids) | Q(inspectors__user=actor.user)
        ).distinct()
    task = tasks.filter(pk=pk).first()
    if task is None:
        raise NotFoundError(_("检查任务不存在"))
    return task
