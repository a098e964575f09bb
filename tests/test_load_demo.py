"""The demo-data command on real PostgreSQL: complete, and idempotent (a second run adds nothing)."""

from io import StringIO

from django.apps import apps
from django.core.management import call_command

from accounts.models import User
from grids.models import CalendarDay, Division, GridCell, Unit
from grievance.models import Matter, MatterRule

OUR_APPS = ("accounts", "grids", "grievance")


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
    }


def test_load_demo_twice_on_postgresql(require_postgres, shared_data_dir):
    call_command("load_demo", data_dir=str(shared_data_dir), stdout=StringIO())
    first = _row_counts()
    call_command("load_demo", data_dir=str(shared_data_dir), stdout=StringIO())
    assert _row_counts() == first

    assert Division.objects.filter(level="street").count() == 7  # 6 streets + the bonded zone
    assert Division.objects.filter(level="community").count() == 25
    assert 300 <= GridCell.objects.count() <= 450
    assert Matter.objects.filter(level=3).count() == 517
    assert MatterRule.objects.values("matter").distinct().count() == 517
    assert Unit.objects.get(code="PS-CG").name == "城市管理局"
    assert CalendarDay.objects.filter(date__year=2026).count() == 365

    for username, role in [
        ("admin", "admin"),
        ("dispatcher", "dispatcher"),
        ("operator", "operator"),
        ("supervisor", "supervisor"),
        ("citizen1", "citizen"),
        ("citizen2", "citizen"),
        ("h-PS-CG", "handler"),
        ("lead-PS-CG", "leader"),
        ("mediator1", "mediator"),
        ("credit1", "credit_officer"),
    ]:
        user = User.objects.get(username=username)
        assert user.role == role
        assert user.check_password("demo-pass-2026")
    assert User.objects.get(username="admin").is_superuser
    some_grid = GridCell.objects.order_by("code").first()
    assert some_grid.workers.filter(username=f"grid-{some_grid.code}").exists()
    assert User.objects.filter(username__startswith="h-").count() == Unit.objects.count()
