"""Fixtures for the credit tests: departments, people in their roles, subjects and a penalty helper."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import Role, User
from credit.demo.codes import citizen_id_make, uscc_make
from credit.models import RecordKind, SubjectKind
from credit.services.records import record_create
from credit.services.subjects import subject_create
from grids.models import Unit, UnitKind
from grids.selectors.calendar import work_calendar_cache_clear
from grids.services.calendar import calendar_seed_from_package
from grids.services.units import unit_membership_add

PASSWORD = "a-long-test-password-1"
TZ = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10) -> datetime:
    """An aware moment on ``day`` in the server's zone."""
    return datetime.combine(day, time(hour), tzinfo=TZ)


def make_user(username: str, role: str, unit: Unit | None = None) -> User:
    user = User.objects.create_user(username, password=PASSWORD, role=role)
    if unit is not None:
        unit_membership_add(user=user, unit=unit)
    return user


@pytest.fixture
def calendar_2026(db):
    calendar_seed_from_package(years=[2025, 2026])
    work_calendar_cache_clear()
    yield
    work_calendar_cache_clear()


@pytest.fixture
def department(db) -> Unit:
    return Unit.objects.create(code="T-SCJG", name="市场监督管理局（测试）", kind=UnitKind.DEPARTMENT)


@pytest.fixture
def other_department(db) -> Unit:
    return Unit.objects.create(code="T-CG", name="城市管理局（测试）", kind=UnitKind.DEPARTMENT)


@pytest.fixture
def officer(db) -> User:
    return make_user("credit-officer", Role.CREDIT_OFFICER)


@pytest.fixture
def supervisor(db) -> User:
    return make_user("supervisor-x", Role.SUPERVISOR)


@pytest.fixture
def dept_user(department) -> User:
    return make_user("h-scjg", Role.HANDLER, department)


@pytest.fixture
def other_dept_user(other_department) -> User:
    return make_user("h-cg", Role.HANDLER, other_department)


@pytest.fixture
def citizen(db) -> User:
    return make_user("citizen-x", Role.CITIZEN)


@pytest.fixture
def company(db):
    return subject_create(
        kind=SubjectKind.LEGAL, code=uscc_make(1), name="深圳市测试科技有限公司", actor=None
    )


@pytest.fixture
def person(db):
    return subject_create(kind=SubjectKind.NATURAL, code=citizen_id_make(7), name="张三丰", actor=None)


def penalty(subject, *, actor, department, decided: date, severity: str = "general", now=None, **extra):
    """Record a penalty with every "双公示" item, decided on ``decided``, published at ``now``."""
    details = {
        "category": "罚款",
        "legal_basis": "《中华人民共和国食品安全法》第一百二十四条",
        "facts": "经营超过保质期的食品",
        "content": "罚款人民币五千元",
        "fine_amount": "5000",
    }
    details.update(extra.pop("details", {}))
    return record_create(
        subject=subject,
        kind=RecordKind.PENALTY,
        actor=actor,
        department=department,
        title=extra.pop("title", "经营超过保质期的食品"),
        decision_date=decided,
        decision_number=extra.pop("decision_number", f"深坪市监罚〔{decided.year}〕{decided:%m%d}号"),
        severity=severity,
        details=details,
        # A decision taken today is recorded no later than now (never in the future).
        now=now or min(at(decided), timezone.now()),
        **extra,
    )
