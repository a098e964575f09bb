"""Random inspections in the database: plan, draw once from a recorded seed, replay, results published."""

import pytest
from django.utils import timezone

from common.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from credit.demo.codes import uscc_make
from credit.models import (
    CreditEvent,
    InspectionItem,
    InspectionTask,
    Inspector,
    InspectorConflict,
    PlanStatus,
    SubjectKind,
)
from credit.selectors.inspections import inspection_draw_replay
from credit.selectors.records import record_list_for_actor
from credit.services.inspections import inspection_draw_run, inspection_plan_create, inspection_result_record
from credit.services.subjects import subject_create
from tests.credit.conftest import at, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(department):
    subjects = [
        subject_create(
            kind=SubjectKind.LEGAL, code=uscc_make(100 + i), name=f"企业{i:02d}", actor=None, industry="餐饮"
        )
        for i in range(20)
    ]
    inspectors = [
        Inspector.objects.create(name=f"检查员{i}", department=department, certificate_number=f"T{i:04d}")
        for i in range(5)
    ]
    InspectionItem.objects.create(code="SC-01", name="食品经营许可事项检查", department=department)
    return subjects, inspectors


def _plan(department, actor, inspectors, code="P-2026-01", **changes):
    values = {
        "code": code,
        "name": "2026年度餐饮抽查",
        "department": department,
        "year": 2026,
        "item_codes": ["SC-01"],
        "inspector_ids": [i.pk for i in inspectors],
        "actor": actor,
        "target_filter": {"industry": ["餐饮"]},
        "grade_ratios": {"-": 0.5},
    }
    values.update(changes)
    return inspection_plan_create(**values)


def _snapshot(draw):
    return sorted(
        (t.subject_id, tuple(sorted(t.inspectors.values_list("pk", flat=True)))) for t in draw.tasks.all()
    )


def test_draw_is_logged_reproducible_and_final(pool, department, dept_user):
    subjects, inspectors = pool
    InspectorConflict.objects.create(inspector=inspectors[0], subject=subjects[0], reason="亲属关系")
    plan = _plan(department, dept_user, inspectors)
    draw = inspection_draw_run(plan=plan, actor=dept_user, seed=424242)
    assert draw.tasks.count() == 10  # 20 unrated × 0.5
    assert inspection_draw_replay(draw=draw)
    for task in draw.tasks.all():
        chosen = set(task.inspectors.all())
        assert len(chosen) == 2
        if task.subject_id == subjects[0].pk:
            assert inspectors[0] not in chosen
    event = CreditEvent.objects.get(action="inspection_draw")
    assert event.data["seed"] == 424242 and event.data["digest"] == draw.digest
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAWN
    with pytest.raises(ConflictError):
        inspection_draw_run(plan=plan, actor=dept_user, seed=1)

    # The same seed on an identical second plan draws the same targets and inspectors.
    twin = inspection_draw_run(
        plan=_plan(department, dept_user, inspectors, code="P-2026-02"), actor=dept_user, seed=424242
    )
    assert _snapshot(twin) == _snapshot(draw) and twin.digest == draw.digest


def test_replay_detects_tampering(pool, department, officer):
    _subjects, inspectors = pool
    draw = inspection_draw_run(plan=_plan(department, officer, inspectors), actor=officer, seed=7)
    task = draw.tasks.first()
    task.inspectors.set(
        inspectors[:2] if set(task.inspectors.all()) != set(inspectors[:2]) else inspectors[2:4]
    )
    assert not inspection_draw_replay(draw=draw)


def test_plan_validation_and_permissions(pool, department, dept_user, other_dept_user):
    _subjects, inspectors = pool
    with pytest.raises(PermissionDeniedError):
        _plan(department, other_dept_user, inspectors)
    with pytest.raises(ApplicationError) as caught:
        _plan(department, dept_user, inspectors[:1], grade_ratios={"A": 2, "Z": 0.1}, item_codes=["none"])
    assert {"inspectors", "grade_ratios", "items"} <= set(caught.value.errors)
    with pytest.raises(ApplicationError):
        inspection_draw_run(plan=_plan(department, dept_user, inspectors), actor=dept_user, seed=-1)


def test_result_is_recorded_by_an_inspector_and_published(pool, department, officer, citizen):
    _subjects, inspectors = pool
    draw = inspection_draw_run(plan=_plan(department, officer, inspectors), actor=officer, seed=99)
    task = draw.tasks.first()
    user = make_user("inspector-user", "handler")
    inspector = task.inspectors.first()
    inspector.user = user
    inspector.save()
    with pytest.raises(PermissionDeniedError):
        inspection_result_record(
            task=task, outcome="passed", note="", inspected_on=timezone.localdate(), actor=citizen
        )
    with pytest.raises(ApplicationError):
        inspection_result_record(task=task, outcome="fine", note="", inspected_on="2026-13-40", actor=user)
    done = inspection_result_record(
        task=task,
        outcome="violation",
        note="后厨卫生不达标",
        inspected_on=timezone.localdate(draw.created_at),
        actor=user,
    )
    assert done.record.kind == "inspection" and done.record.severity == "general"
    assert done.record in record_list_for_actor(user=None)
    with pytest.raises(ConflictError):
        inspection_result_record(
            task=task, outcome="passed", note="", inspected_on=timezone.localdate(), actor=user
        )
    assert InspectionTask.objects.filter(draw=draw, status="pending").count() == draw.tasks.count() - 1
    assert at  # the helper stays importable for other modules
