"""The demo credit ledger for the Pingshan district (load_demo step "credit"). Idempotent and fast.

Thirty invented enterprises with valid generated codes in district 440310 and a few persons, placed in
demo grid cells; licences, penalties (general, serious, minor, one left unpublished so the overdue
flag shows), commendations, tax grades and complaint facts, dated relative to today; the lists and the
joint-measures catalogue; and an inspection plan drawn from a fixed seed with two results recorded.
Everything is keyed (codes, ``source="demo"`` + ``source_ref``), so a second run writes nothing.
"""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from credit.demo.catalogue import (
    DEMO_PLAN_CODE,
    DEMO_SEED,
    ENTERPRISE_WORDS,
    INDUSTRIES,
    INSPECTION_ITEMS,
    INSPECTORS,
    LISTS,
    MEASURES,
    PERSONS,
)
from credit.demo.codes import citizen_id_make, uscc_make
from credit.models import (
    CreditList,
    CreditRecord,
    InspectionDraw,
    InspectionItem,
    InspectionPlan,
    Inspector,
    JointMeasure,
    RecordKind,
    Severity,
    SubjectKind,
)
from credit.selectors.subjects import subject_get_by_code
from credit.services.inspections import inspection_draw_run, inspection_plan_create, inspection_result_record
from credit.services.records import record_write
from credit.services.standing import subject_standing_refresh
from credit.services.subjects import subject_create
from grids.models import GridCell, Unit

OFFICER_USERNAME = "credit1"
PENALTY_DETAILS = {
    "category": "罚款",
    "legal_basis": "《中华人民共和国食品安全法》第一百二十六条",
    "facts": "未按规定查验进货票据，贮存过期食品原料",
    "content": "警告，并处罚款人民币五千元",
    "fine_amount": "5000",
}
LICENCE_DETAILS = {
    "category": "普通",
    "content": "食品经营许可（餐饮服务）",
    "certificate_name": "食品经营许可证",
}


def _catalogue_load(units: dict[str, Unit]) -> None:
    for spec in LISTS:
        CreditList.objects.update_or_create(
            code=spec["code"], defaults={k: v for k, v in spec.items() if k != "code"}
        )
    lists = {lst.code: lst for lst in CreditList.objects.all()}
    for code, name, kind, list_code, klass, basis, unit_code, department_name in MEASURES:
        JointMeasure.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "credit_list": lists[list_code],
                "application_class": klass,
                "legal_basis": basis,
                "department": units.get(unit_code),
                "department_name": department_name,
            },
        )
    for code, name, unit_code, method in INSPECTION_ITEMS:
        InspectionItem.objects.update_or_create(
            code=code, defaults={"name": name, "department": units.get(unit_code), "method": method}
        )
    users = {u.username: u for u in User.objects.filter(username__in=[s[2] for s in INSPECTORS if s[2]])}
    for number, name, username in INSPECTORS:
        Inspector.objects.update_or_create(
            certificate_number=number,
            defaults={"name": name, "user": users.get(username), "department": units.get("PS-SCJG")},
        )


def _subjects_load(cells: list[GridCell]) -> list:
    rng = random.Random(20260101)
    subjects = []
    for i, word in enumerate(ENTERPRISE_WORDS):
        industry, suffix = INDUSTRIES[i % len(INDUSTRIES)]
        code = uscc_make(1000 + i)
        cell = rng.choice(cells) if cells else None
        subject = subject_get_by_code(code) or subject_create(
            kind=SubjectKind.LEGAL,
            code=code,
            name=f"深圳市{word}{suffix}",
            actor=None,
            industry=industry,
            legal_representative=PERSONS[i % len(PERSONS)],
            address=f"深圳市坪山区{word}路{i + 1}号",
            grid_code=cell.code if cell else None,
        )
        subjects.append(subject)
    for i, name in enumerate(PERSONS):
        number = citizen_id_make(500 + i)
        subjects.append(
            subject_get_by_code(number)
            or subject_create(
                kind=SubjectKind.NATURAL,
                code=number,
                name=name,
                actor=None,
                grid_code=cells[i].code if cells else None,
            )
        )
    return subjects


def _record_plan(i: int) -> list[tuple]:
    """(ref, kind, severity, days ago, extra) of the demo records of the i-th enterprise."""
    plan = []
    if i % 2 == 0:
        plan.append(("licence", RecordKind.LICENCE, Severity.INFO, 40 + i * 9, {}))
    if i % 5 == 1:
        plan.append(("penalty", RecordKind.PENALTY, Severity.GENERAL, 20 + i * 11, {}))
    if i in (3, 17):
        plan.append(("serious", RecordKind.PENALTY, Severity.SERIOUS, 60 + i * 5, {}))
    if i % 7 == 4:
        plan.append(("minor", RecordKind.PENALTY, Severity.MINOR, 15 + i, {}))
    if i == 8:
        plan.append(("late", RecordKind.PENALTY, Severity.GENERAL, 30, {"publish": False}))
    if i == 12:
        plan.append(("old", RecordKind.PENALTY, Severity.SERIOUS, 420, {}))
    if i % 6 == 0:
        plan.append(("award", RecordKind.COMMENDATION, Severity.INFO, 100 + i * 3, {}))
    if i % 4 == 0:
        plan.append(("tax", RecordKind.TAX_GRADE, Severity.INFO, 200, {"data": {"grade": "A"}}))
    if i % 9 == 2:
        plan.append(("complaint", RecordKind.COMPLAINT_UPHELD, Severity.MINOR, 25 + i, {}))
    return plan


TITLES = {
    "licence": "食品经营许可",
    "award": "区级诚信示范企业",
    "tax": "纳税信用评价A级",
    "complaint": "12345 投诉查实：油烟扰民",
}
SOURCE_DEPARTMENTS = {"tax": "税务部门", "award": "区人民政府", "complaint": "诉求办理"}
DECISIONS = {RecordKind.PENALTY: ("罚", PENALTY_DETAILS), RecordKind.LICENCE: ("许", LICENCE_DETAILS)}


def _records_load(subjects: list, units: dict[str, Unit], officer) -> int:
    today = timezone.localdate()
    existing = set(CreditRecord.objects.filter(source="demo").values_list("source_ref", flat=True))
    created = 0
    market = units.get("PS-SCJG")
    for i, subject in enumerate(subjects[: len(ENTERPRISE_WORDS)]):
        for ref, kind, severity, days_ago, extra in _record_plan(i):
            source_ref = f"{subject.code}-{ref}"
            if source_ref in existing:
                continue
            decided = today - timedelta(days=days_ago)
            # Recorded (and published) two days after the decision, as a department would have done.
            recorded_at = min(
                timezone.now(), timezone.make_aware(datetime.combine(decided + timedelta(days=2), time(10)))
            )
            letter, details = DECISIONS.get(kind, ("", {}))
            record_write(
                subject=subject,
                kind=kind,
                severity=severity,
                decision_date=decided,
                recorded_by=officer,
                title=TITLES.get(ref, "食品安全违法行为"),
                department=market if letter else None,
                department_name=SOURCE_DEPARTMENTS.get(ref, "市市场和质量监管委坪山局"),
                decision_number=f"深坪市监{letter}〔{decided.year}〕{1000 + i * 7 + len(ref)}号"
                if letter
                else "",
                details=details,
                source="demo",
                source_ref=source_ref,
                data=extra.get("data"),
                publish=extra.get("publish", True),
                now=recorded_at,
            )
            created += 1
    return created


def _inspection_load(units: dict[str, Unit], officer) -> int:
    market = units.get("PS-SCJG")
    if officer is None or market is None:
        return 0
    plan = InspectionPlan.objects.filter(code=DEMO_PLAN_CODE).first()
    if plan is None:
        plan = inspection_plan_create(
            code=DEMO_PLAN_CODE,
            name="2026年度食品经营者“双随机”抽查",
            department=market,
            year=timezone.localdate().year,
            item_codes=["SC-SP-01", "SC-DJ-01"],
            inspector_ids=list(Inspector.objects.values_list("pk", flat=True)),
            actor=officer,
            target_filter={"kind": "legal"},
            grade_ratios={"A": 0.05, "B": 0.2, "C": 0.5, "D": 1.0, "-": 0.1},
        )
    if InspectionDraw.objects.filter(plan=plan).exists():
        return 0
    draw = inspection_draw_run(plan=plan, actor=officer, seed=DEMO_SEED)
    for task, outcome in zip(draw.tasks.order_by("pk")[:2], ("passed", "corrected"), strict=False):
        inspection_result_record(
            task=task,
            outcome=outcome,
            note="现场检查，经营许可证件齐全",
            inspected_on=timezone.localdate(),
            actor=officer,
        )
    return draw.tasks.count()


@transaction.atomic
def demo_credit_load() -> dict:
    units = {
        u.code: u
        for u in Unit.objects.filter(code__in=["PS-SCJG", "PS-AJ", "PS-CZ", "PS-FG", "PS-ZJ", "PS-RS"])
    }
    officer = User.objects.filter(username=OFFICER_USERNAME).first()
    cells = list(GridCell.objects.filter(is_active=True).order_by("code").only("pk", "code"))
    _catalogue_load(units)
    subjects = _subjects_load(cells)
    records = _records_load(subjects, units, officer)
    citizen = User.objects.filter(username="citizen1").first()
    if citizen is not None and subjects:
        subjects[1].accounts.add(citizen)  # citizen1 acts for one enterprise (repair applications)
    tasks = _inspection_load(units, officer)
    for subject in subjects:  # records were written "in the past": bring lists and grades to today
        subject_standing_refresh(subject=subject)
    return {"subjects": len(subjects), "records_created": records, "drawn_tasks": tasks}
