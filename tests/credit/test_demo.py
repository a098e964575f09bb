"""The demo ledger: complete, valid codes in the district, idempotent, and its draw replays."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role
from common.validators import is_valid_uscc
from credit.demo import demo_credit_load
from credit.models import CreditList, CreditListEntry, CreditSubject, InspectionDraw, SubjectKind
from credit.selectors.inspections import inspection_draw_replay
from credit.services.standing import subject_lists_refresh
from credit.tasks import credit_standing_refresh_all
from grids.models import Unit, UnitKind
from tests.credit.conftest import make_user, penalty

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_app_config("credit").get_models()}


def test_demo_ledger_loads_once(db):
    Unit.objects.create(code="PS-SCJG", name="市市场和质量监管委坪山局", kind=UnitKind.DEPARTMENT)
    make_user("credit1", Role.CREDIT_OFFICER)
    demo_credit_load()
    first = _counts()
    demo_credit_load()
    assert _counts() == first

    legal = CreditSubject.objects.filter(kind=SubjectKind.LEGAL)
    assert legal.count() == 30
    assert all(is_valid_uscc(s.code) and s.region_code == "440310" for s in legal)
    assert CreditSubject.objects.filter(kind=SubjectKind.NATURAL).count() >= 3
    assert CreditListEntry.objects.filter(credit_list__kind="black", exited_at__isnull=True).exists()
    assert CreditListEntry.objects.filter(credit_list__kind="red", exited_at__isnull=True).exists()
    assert inspection_draw_replay(draw=InspectionDraw.objects.get())


def test_refresh_command_reports_replayed_draws(db):
    Unit.objects.create(code="PS-SCJG", name="市市场和质量监管委坪山局", kind=UnitKind.DEPARTMENT)
    make_user("credit1", Role.CREDIT_OFFICER)
    demo_credit_load()
    out = StringIO()
    call_command("credit_refresh", stdout=out)
    assert "subjects refreshed: 34" in out.getvalue()
    assert "every draw replays" in out.getvalue()
    assert CreditListEntry.objects.filter(exited_at__isnull=True).count() > 0


def test_nightly_task_refreshes_every_subject(company, officer, department):
    CreditList.objects.create(code="B", name="严重失信主体名单", kind="black", rule="serious_dishonesty")
    penalty(company, actor=officer, department=department, decided=timezone.localdate(), severity="serious")
    CreditListEntry.objects.all().delete()  # as if the list had been created after the record
    assert credit_standing_refresh_all() == 1
    assert CreditListEntry.objects.filter(subject=company, exited_at__isnull=True).count() == 1
    assert subject_lists_refresh(subject=company) == {"entered": 0, "exited": 0}
