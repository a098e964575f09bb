"""Admin screens of users, units and memberships: membership changes must keep guardian rights right."""

import pytest
from guardian.shortcuts import get_perms

from grids.models import Unit, UnitKind, UnitMembership, UnitRole
from grids.services.units import unit_membership_add, unit_upsert
from tests.accounts.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


@pytest.fixture
def unit(db):
    district, _ = unit_upsert(code="PS", name="坪山区人民政府", kind=UnitKind.DISTRICT)
    unit, _ = unit_upsert(code="PS-CG", name="城市管理局", kind=UnitKind.DEPARTMENT, parent=district)
    return unit


def _unit_form(unit: Unit, rows: list[dict], initial: int) -> dict:
    data = {
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent_id or "",
        "division": "",
        "phone": "",
        "working_hours": '[["08:30", "12:00"], ["14:00", "18:00"]]',
        "is_active": "on",
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": str(initial),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"memberships-{i}-{key}": value for key, value in row.items()})
        data[f"memberships-{i}-unit"] = unit.pk
    return data


def test_unit_changelist_and_change_page_render(admin_client, unit):
    response = admin_client.get("/admin/grids/unit/")
    assert response.status_code == 200
    assert "城市管理局" in response.content.decode()
    assert admin_client.get(f"/admin/grids/unit/{unit.pk}/change/").status_code == 200
    assert admin_client.get("/admin/grids/unit/?kind__exact=department&q=CG").status_code == 200


def test_adding_a_leader_in_the_unit_inline_grants_the_permission(admin_client, unit):
    leader = UserFactory(username="lead-PS-CG")

    response = admin_client.post(
        f"/admin/grids/unit/{unit.pk}/change/",
        _unit_form(unit, [{"user": leader.pk, "role": UnitRole.LEADER, "id": ""}], initial=0),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert UnitMembership.objects.get(user=leader, unit=unit).role == UnitRole.LEADER
    assert get_perms(leader, unit) == ["change_unit"]


def test_deleting_a_leader_in_the_unit_inline_revokes_the_permission(admin_client, unit):
    leader = UserFactory()
    membership = unit_membership_add(user=leader, unit=unit, role=UnitRole.LEADER)

    response = admin_client.post(
        f"/admin/grids/unit/{unit.pk}/change/",
        _unit_form(
            unit,
            [{"user": leader.pk, "role": UnitRole.LEADER, "id": membership.pk, "DELETE": "on"}],
            initial=1,
        ),
    )

    assert response.status_code == 302
    assert not UnitMembership.objects.filter(pk=membership.pk).exists()
    assert get_perms(type(leader).objects.get(pk=leader.pk), unit) == []


def test_unit_admin_refuses_a_community_under_a_department(admin_client, unit):
    response = admin_client.post(
        "/admin/grids/unit/add/",
        {**_unit_form(unit, [], initial=0), "code": "PS-X-SQ", "name": "某社区工作站", "kind": "community"},
    )

    assert response.status_code == 200
    assert "社区工作站的上级单位必须是街道办事处" in response.content.decode()
    assert not Unit.objects.filter(code="PS-X-SQ").exists()


def test_units_cannot_be_deleted_in_the_admin(admin_client, unit):
    assert admin_client.get(f"/admin/grids/unit/{unit.pk}/delete/").status_code == 403


def test_user_admin_lists_filters_and_demotes_through_the_inline(admin_client, unit):
    leader = UserFactory(username="lead-PS-CG", display_name="城市管理局负责人")
    membership = unit_membership_add(user=leader, unit=unit, role=UnitRole.LEADER)
    assert admin_client.get("/admin/accounts/user/?role__exact=handler").status_code == 200
    page = admin_client.get(f"/admin/accounts/user/{leader.pk}/change/")
    assert page.status_code == 200
    assert "所属单位" in page.content.decode()

    form = page.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None and key != "password"}
    data.update(
        {
            "date_joined_0": leader.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": leader.date_joined.strftime("%H:%M:%S"),
            "groups": [],
            "user_permissions": [],
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-id": membership.pk,
            "memberships-0-user": leader.pk,
            "memberships-0-unit": unit.pk,
            "memberships-0-role": UnitRole.HANDLER,
        }
    )
    data = {key: value for key, value in data.items() if key not in ("last_login",)}
    data["is_active"] = "on"

    response = admin_client.post(f"/admin/accounts/user/{leader.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert UnitMembership.objects.get(pk=membership.pk).role == UnitRole.HANDLER
    assert get_perms(type(leader).objects.get(pk=leader.pk), unit) == []


def test_membership_admin_actions_go_through_the_services(admin_client, unit):
    user = UserFactory()
    membership = unit_membership_add(user=user, unit=unit, role=UnitRole.HANDLER)

    admin_client.post(
        "/admin/grids/unitmembership/", {"action": "make_leader", "_selected_action": [membership.pk]}
    )
    assert get_perms(user, unit) == ["change_unit"]

    admin_client.post(
        "/admin/grids/unitmembership/",
        {"action": "delete_selected", "_selected_action": [membership.pk], "post": "yes"},
    )
    assert not UnitMembership.objects.filter(pk=membership.pk).exists()
    assert get_perms(type(user).objects.get(pk=user.pk), unit) == []
