import pytest
from guardian.shortcuts import get_perms
from rest_framework.test import APIClient

from accounts.models import Role, User
from grids.demo.accounts import DEMO_PASSWORD, demo_accounts_load
from grids.demo.unit_codes import CENTRE_CODE
from grids.demo.units import demo_units_load
from grids.models import GridCell, Unit, UnitMembership, UnitRole
from tests.accounts.factories import GridCellFactory, divisions_from_csv


@pytest.fixture
def demo_district(db, shared_data_dir):
    """Divisions from divisions.csv, two grid cells, and the demo units."""
    divisions = divisions_from_csv(shared_data_dir)
    community = divisions["440310001001"]
    GridCellFactory(community=community, code="440310001001001", name="六联社区第1网格")
    GridCellFactory(community=community, code="440310001001002", name="六联社区第2网格")
    demo_units_load(data_dir=shared_data_dir)


@pytest.mark.django_db
def test_api_md_accounts_exist_with_their_roles(demo_district):
    demo_accounts_load()

    expected = {
        "admin": Role.ADMIN,
        "dispatcher": Role.DISPATCHER,
        "operator": Role.OPERATOR,
        "supervisor": Role.SUPERVISOR,
        "citizen1": Role.CITIZEN,
        "citizen2": Role.CITIZEN,
        "mediator1": Role.MEDIATOR,
        "credit1": Role.CREDIT_OFFICER,
        "h-PS-CG": Role.HANDLER,
        "lead-PS-CG": Role.LEADER,
        "grid-440310001001001": Role.GRID_WORKER,
    }
    roles = dict(User.objects.filter(username__in=expected).values_list("username", "role"))
    assert roles == expected
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert not User.objects.get(username="supervisor").is_staff
    assert User.objects.get(username="h-PS-CG").display_name == "城市管理局经办人"


@pytest.mark.django_db
def test_every_unit_has_a_handler_and_a_leader_and_every_grid_a_worker(demo_district):
    demo_accounts_load()

    for unit in Unit.objects.all():
        roles = set(UnitMembership.objects.filter(unit=unit).values_list("user__username", "role"))
        assert (f"h-{unit.code}", UnitRole.HANDLER) in roles
        assert (f"lead-{unit.code}", UnitRole.LEADER) in roles
    for cell in GridCell.objects.all():
        assert list(cell.workers.values_list("username", flat=True)) == [f"grid-{cell.code}"]
    dispatcher = UnitMembership.objects.get(user__username="dispatcher")
    assert (dispatcher.unit.code, dispatcher.role) == (CENTRE_CODE, UnitRole.DISPATCHER)
    assert UnitMembership.objects.get(user__username="operator").unit.code == CENTRE_CODE


@pytest.mark.django_db
def test_leaders_get_guardian_permission_on_their_own_unit_only(demo_district):
    demo_accounts_load()

    leader = User.objects.get(username="lead-PS-CG")
    assert "change_unit" in get_perms(leader, Unit.objects.get(code="PS-CG"))
    assert "change_unit" not in get_perms(leader, Unit.objects.get(code="PS-ZJ"))
    assert get_perms(User.objects.get(username="h-PS-CG"), Unit.objects.get(code="PS-CG")) == []


@pytest.mark.django_db
def test_handler_gets_a_token_with_the_demo_password(demo_district):
    demo_accounts_load()

    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "h-PS-CG", "password": DEMO_PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["token"]


@pytest.mark.django_db
def test_second_load_creates_nothing(demo_district, django_assert_max_num_queries):
    first = demo_accounts_load()
    users, memberships = User.objects.count(), UnitMembership.objects.count()

    with django_assert_max_num_queries(20):
        second = demo_accounts_load()

    assert first["created"] == Unit.objects.count() * 2 + 8 + 2
    assert second["created"] == 0
    assert second["updated"] == 0
    assert second["memberships_created"] == 0
    assert second["grid_workers_added"] == 0
    assert (User.objects.count(), UnitMembership.objects.count()) == (users, memberships)
