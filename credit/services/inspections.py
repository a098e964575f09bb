"""Random inspections (双随机、一公开): plans, the logged and reproducible draw, and published results."""

import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from credit.draw import UNRATED, DrawError, DrawInputs, draw_run
from credit.grading import grading_scheme_get
from credit.models import (
    InspectionDraw,
    InspectionItem,
    InspectionOutcome,
    InspectionPlan,
    InspectionTask,
    Inspector,
    PlanStatus,
    RecordKind,
    Severity,
    TaskStatus,
)
from credit.models.inspections import default_grade_ratios
from credit.parsing import date_or_none
from credit.selectors.access import credit_actor
from credit.selectors.inspections import TARGET_FILTER_KEYS, inspection_conflicts, inspection_pool_targets
from credit.services.events import credit_event_write
from credit.services.records import record_write
from grids.models import Unit

SEED_LIMIT = 2**53  # exact in every JSON client
OUTCOME_SEVERITY = {
    InspectionOutcome.PASSED: Severity.INFO,
    InspectionOutcome.CORRECTED: Severity.INFO,
    InspectionOutcome.VIOLATION: Severity.GENERAL,
    InspectionOutcome.NOT_FOUND: Severity.GENERAL,
}


def _may_run(*, actor, department: Unit) -> None:
    who = credit_actor(actor)
    if not (who.is_officer or who.in_department(department.pk)):
        raise PermissionDeniedError(_("只有实施部门和信用管理员可以管理该抽查计划"))


def _ratios_clean(ratios: Mapping, errors: dict) -> dict[str, float]:
    allowed = set(grading_scheme_get().grades) | {UNRATED}
    clean = {}
    for grade, value in (ratios or {}).items():
        try:
            ratio = float(value)
        except (TypeError, ValueError):
            ratio = -1.0
        if grade not in allowed or not 0 <= ratio <= 1:
            errors.setdefault("grade_ratios", []).append(f"{grade}: {value}")
        clean[str(grade)] = ratio
    return clean


@transaction.atomic
def inspection_plan_create(
    *,
    code: str,
    name: str,
    department: Unit,
    year: int,
    item_codes: Iterable[str],
    inspector_ids: Iterable[int],
    actor,
    target_filter: Mapping | None = None,
    grade_ratios: Mapping | None = None,
    inspectors_per_target: int = 2,
) -> InspectionPlan:
    """A plan: items, the target filter, the inspector pool, ratios per grade, ≥ 2 inspectors each."""
    _may_run(actor=actor, department=department)
    errors: dict[str, list[str]] = {}
    code, name = (code or "").strip(), (name or "").strip()
    if not code or len(code) > 32 or InspectionPlan.objects.filter(code=code).exists():
        errors["code"] = [_("计划编号必填、不超过32字且不能重复")]
    if not name:
        errors["name"] = [_("请填写计划名称")]
    items = list(InspectionItem.objects.filter(code__in=list(item_codes or []), is_active=True))
    if not items:
        errors["items"] = [_("请至少选择一个有效的抽查事项")]
    inspectors = list(Inspector.objects.filter(pk__in=list(inspector_ids or []), is_active=True))
    if inspectors_per_target < 2:
        errors["inspectors_per_target"] = [_("每户至少2名检查人员")]
    elif len(inspectors) < inspectors_per_target:
        errors["inspectors"] = [_("检查人员库人数不足")]
    target_filter = dict(target_filter or {})
    unknown = sorted(set(target_filter) - set(TARGET_FILTER_KEYS))
    if unknown:
        errors["target_filter"] = [_("未知筛选条件：") + ", ".join(unknown)]
    ratios = _ratios_clean(grade_ratios or default_grade_ratios(), errors)
    if errors:
        raise ApplicationError(_("抽查计划有误"), errors=errors)
    plan = InspectionPlan.objects.create(
        code=code,
        name=name,
        department=department,
        year=year,
        target_filter=target_filter,
        grade_ratios=ratios,
        inspectors_per_target=inspectors_per_target,
        created_by=actor,
    )
    plan.items.set(items)
    plan.inspectors.set(inspectors)
    credit_event_write(action="inspection_plan_create", actor=actor, data={"plan": plan.code})
    return plan


@transaction.atomic
def inspection_draw_run(
    *, plan: InspectionPlan, actor, seed: int | None = None, now: datetime | None = None
) -> InspectionDraw:
    """Draw targets and inspectors once per plan, from ``seed`` (a fresh random one when None).

    The inputs are snapshotted on the draw so ``inspection_draw_replay`` can reproduce it later.
    """
    now = now or timezone.now()
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    _may_run(actor=actor, department=plan.department)
    if plan.status != PlanStatus.DRAFT or InspectionDraw.objects.filter(plan=plan).exists():
        raise ConflictError(_("该计划已经抽取，不能重抽"))
    if seed is None:
        seed = secrets.randbelow(SEED_LIMIT)
    elif isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < SEED_LIMIT:
        raise ApplicationError(_("随机种子无效"), errors={"seed": [_("应为0到2^53之间的整数")]})
    targets = list(inspection_pool_targets(target_filter=plan.target_filter).values_list("pk", "grade"))
    inspector_ids = list(plan.inspectors.filter(is_active=True).values_list("pk", flat=True))
    inputs = DrawInputs(
        seed=seed,
        targets=tuple((pk, grade or UNRATED) for pk, grade in targets),
        inspectors=tuple(sorted(inspector_ids)),
        conflicts=frozenset(
            inspection_conflicts(inspector_ids=inspector_ids, subject_ids=[t[0] for t in targets])
        ),
        ratios=dict(plan.grade_ratios),
        per_target=plan.inspectors_per_target,
    )
    try:
        result = draw_run(inputs)
    except DrawError as exc:
        raise ApplicationError(str(exc), errors=exc.errors) from exc
    draw = InspectionDraw.objects.create(
        plan=plan,
        seed=seed,
        inputs=inputs.as_json(),
        log=list(result.log),
        digest=result.digest(),
        drawn_by=actor,
    )
    grades = dict(targets)
    tasks = InspectionTask.objects.bulk_create(
        [
            InspectionTask(draw=draw, subject_id=sid, grade_at_draw=grades.get(sid) or "")
            for sid, _assigned in result.assignments
        ]
    )
    through = InspectionTask.inspectors.through
    through.objects.bulk_create(
        [
            through(inspectiontask_id=task.pk, inspector_id=inspector_id)
            for task, (_subject, inspector_ids) in zip(tasks, result.assignments, strict=True)
            for inspector_id in inspector_ids
        ]
    )
    plan.status = PlanStatus.DRAWN
    plan.save(update_fields=["status", "updated_at"])
    credit_event_write(
        action="inspection_draw",
        actor=actor,
        at=now,
        data={"plan": plan.code, "seed": seed, "digest": draw.digest, "log": list(result.log)},
    )
    return draw


@transaction.atomic
def inspection_result_record(
    *, task: InspectionTask, outcome: str, note: str, inspected_on, actor, now: datetime | None = None
) -> InspectionTask:
    """Record the result of a task (its inspectors, the department, officers) and publish it."""
    now = now or timezone.now()
    task = (
        InspectionTask.objects.select_for_update()
        .select_related("draw__plan__department", "subject")
        .get(pk=task.pk)
    )
    plan = task.draw.plan
    who = credit_actor(actor)
    is_inspector = who.authenticated and task.inspectors.filter(user=who.user).exists()
    if not (who.is_officer or who.in_department(plan.department_id) or is_inspector):
        raise PermissionDeniedError(_("只有检查人员、实施部门和信用管理员可以登记检查结果"))
    if task.status == TaskStatus.DONE:
        raise ConflictError(_("该任务已登记结果"))
    errors = {}
    if outcome not in InspectionOutcome.values:
        errors["outcome"] = [_("应为：") + ", ".join(InspectionOutcome.values)]
    inspected_on = date_or_none(inspected_on)
    if inspected_on is None or not timezone.localdate(
        task.draw.created_at
    ) <= inspected_on <= timezone.localdate(now):
        errors["inspected_on"] = [_("检查日期应在抽取之后、今天之前")]
    if errors:
        raise ApplicationError(_("检查结果有误"), errors=errors)
    label = InspectionOutcome(outcome).label
    record = record_write(
        subject=task.subject,
        kind=RecordKind.INSPECTION,
        title=f"{plan.name}：{label}",
        decision_date=inspected_on,
        severity=OUTCOME_SEVERITY[outcome],
        department=plan.department,
        decision_number=plan.code,
        details={
            "content": "、".join(plan.items.values_list("name", flat=True)),
            "facts": (note or "").strip(),
        },
        data={"outcome": outcome, "plan": plan.code, "task": task.pk},
        source="inspection",
        source_ref=f"task-{task.pk}",
        recorded_by=actor,
        now=now,
    )
    task.status, task.outcome, task.result_note = TaskStatus.DONE, outcome, (note or "").strip()
    task.inspected_on, task.record = inspected_on, record
    task.save()
    if not task.draw.tasks.exclude(status=TaskStatus.DONE).exists():
        InspectionPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.COMPLETED, updated_at=now)
    return task
