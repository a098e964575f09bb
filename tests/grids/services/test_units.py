import pytest
from guardian.shortcuts import get_perms

from common.exceptions import ApplicationError
from grids.models import DivisionLevel, Unit, UnitKind, UnitMembership, UnitRole
from grids.selectors.units import (
    unit_children,
    unit_for_division,
    unit_list,
    units_manageable_by,
    units_of_user,
)
from grids.services.units import (
    unit_membership_add,
    unit_membership_remove,
    unit_memberships_ensure,
    unit_upsert,
)
from tests.accounts.factories import DivisionFactory, UnitFactory, UserFactory


@pytest.fixture
def district(db):
    unit, _ = unit_upsert(code="PS", name="坪山区人民政府", kind=UnitKind.DISTRICT)
    return unit


@pytest.fixture
def street(district):
    unit, _ = unit_upsert(code="PS-PSJD", name="坪山街道办事处", kind=UnitKind.STREET, parent=district)
    return unit


# --- unit_upsert -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_upsert_creates_then_updates_by_code(district):
    unit, created = unit_upsert(code="PS-CG", name="城管局", kind=UnitKind.DEPARTMENT, parent=district)
    again, created_again = unit_upsert(
        code="PS-CG", name="城市管理局", kind=UnitKind.DEPARTMENT, parent=district
    )

    assert (created, created_again) == (True, False)
    assert again.pk == unit.pk
    assert Unit.objects.get(code="PS-CG").name == "城市管理局"
    assert Unit.objects.filter(code="PS-CG").count() == 1


@pytest.mark.django_db
def test_upsert_of_an_unchanged_unit_does_not_write(district):
    unit, _ = unit_upsert(code="PS-CG", name="城市管理局", kind=UnitKind.DEPARTMENT, parent=district)
    before = Unit.objects.get(pk=unit.pk).updated_at

    unit_upsert(code="PS-CG", name="城市管理局", kind=UnitKind.DEPARTMENT, parent=district)

    assert Unit.objects.get(pk=unit.pk).updated_at == before


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["ps-cg", "PS CG", "-PS", "城管", "X" * 33, ""])
def test_upsert_refuses_a_bad_code(code):
    with pytest.raises(ApplicationError) as error:
        unit_upsert(code=code, name="某单位", kind=UnitKind.DEPARTMENT)
    assert "code" in error.value.errors


@pytest.mark.django_db
def test_upsert_refuses_an_unknown_kind_and_an_empty_name():
    with pytest.raises(ApplicationError) as error:
        unit_upsert(code="PS-X", name=" ", kind="empire")
    assert set(error.value.errors) == {"name", "kind"}


@pytest.mark.django_db
def test_community_parent_must_be_a_street(district, street):
    department, _ = unit_upsert(code="PS-CG", name="城市管理局", kind=UnitKind.DEPARTMENT, parent=district)

    for parent in (None, district, department):
        with pytest.raises(ApplicationError) as error:
            unit_upsert(code="PS-PSJD-LHSQ", name="六和社区工作站", kind=UnitKind.COMMUNITY, parent=parent)
        assert error.value.errors["parent"] == ["社区工作站的上级单位必须是街道办事处"]

    community, _ = unit_upsert(
        code="PS-PSJD-LHSQ", name="六和社区工作站", kind=UnitKind.COMMUNITY, parent=street
    )
    assert community.parent == street


@pytest.mark.django_db
def test_street_with_communities_cannot_change_kind(district, street):
    unit_upsert(code="PS-PSJD-LHSQ", name="六和社区工作站", kind=UnitKind.COMMUNITY, parent=street)
    with pytest.raises(ApplicationError) as error:
        unit_upsert(code="PS-PSJD", name="坪山街道办事处", kind=UnitKind.DEPARTMENT, parent=district)
    assert "kind" in error.value.errors


@pytest.mark.django_db
def test_parent_chain_cannot_form_a_cycle(district, street):
    office, _ = unit_upsert(code="PS-PSJD-LD", name="劳动办", kind=UnitKind.STREET_OFFICE, parent=street)

    for new_parent in (office, street):
        with pytest.raises(ApplicationError) as error:
            unit_upsert(code="PS-PSJD", name="坪山街道办事处", kind=UnitKind.STREET, parent=new_parent)
        assert error.value.errors["parent"] == ["上级单位不能是本单位或其下级单位"]
    assert Unit.objects.get(code="PS-PSJD").parent == district


@pytest.mark.django_db
def test_division_level_must_match_the_kind(district):
    community_division = DivisionFactory(level=DivisionLevel.COMMUNITY)
    with pytest.raises(ApplicationError) as error:
        unit_upsert(
            code="PS-PSJD",
            name="坪山街道办事处",
            kind=UnitKind.STREET,
            parent=district,
            division=community_division,
        )
    assert "division" in error.value.errors


# --- memberships and guardian permissions ----------------------------------------------------


@pytest.mark.django_db
def test_leader_gets_change_permission_on_own_unit_and_loses_it_on_removal():
    unit, other = UnitFactory(), UnitFactory()
    leader = UserFactory()

    unit_membership_add(user=leader, unit=unit, role=UnitRole.LEADER)

    assert get_perms(leader, unit) == ["change_unit"]
    assert leader.has_perm("grids.change_unit", unit)
    assert not leader.has_perm("grids.change_unit", other)
    assert list(units_manageable_by(leader)) == [unit]

    assert unit_membership_remove(user=leader, unit=unit) is True
    leader = type(leader).objects.get(pk=leader.pk)  # drop guardian's per-user permission cache
    assert get_perms(leader, unit) == []
    assert not leader.has_perm("grids.change_unit", unit)
    assert list(units_manageable_by(leader)) == []
    assert not UnitMembership.objects.filter(user=leader).exists()


@pytest.mark.django_db
def test_handler_has_no_permission_and_demotion_revokes_it():
    unit = UnitFactory()
    user = UserFactory()

    unit_membership_add(user=user, unit=unit, role=UnitRole.HANDLER)
    assert get_perms(user, unit) == []

    unit_membership_add(user=user, unit=unit, role=UnitRole.LEADER)
    assert get_perms(user, unit) == ["change_unit"]
    unit_membership_add(user=user, unit=unit, role=UnitRole.HANDLER)

    assert get_perms(user, unit) == []
    assert UnitMembership.objects.get(user=user, unit=unit).role == UnitRole.HANDLER


@pytest.mark.django_db
def test_removing_a_non_member_is_false():
    assert unit_membership_remove(user=UserFactory(), unit=UnitFactory()) is False


@pytest.mark.django_db
def test_membership_role_is_validated():
    with pytest.raises(ApplicationError) as error:
        unit_membership_add(user=UserFactory(), unit=UnitFactory(), role="king")
    assert "role" in error.value.errors


@pytest.mark.django_db
def test_superuser_manages_every_unit():
    units = [UnitFactory(), UnitFactory()]
    admin = UserFactory(is_superuser=True)
    assert set(units_manageable_by(admin)) == set(units)


@pytest.mark.django_db
def test_bulk_ensure_matches_single_adds_and_is_idempotent():
    unit_a, unit_b = UnitFactory(), UnitFactory()
    leader, handler, demoted = UserFactory(), UserFactory(), UserFactory()
    unit_membership_add(user=demoted, unit=unit_b, role=UnitRole.LEADER)
    wanted = [
        (leader, unit_a, UnitRole.LEADER),
        (handler, unit_a, UnitRole.HANDLER),
        (demoted, unit_b, UnitRole.MEMBER),
    ]

    first = unit_memberships_ensure(memberships=wanted)
    second = unit_memberships_ensure(memberships=wanted)

    assert first == {"created": 2, "updated": 1}
    assert second == {"created": 0, "updated": 0}
    assert get_perms(leader, unit_a) == ["change_unit"]
    assert get_perms(handler, unit_a) == []
    assert get_perms(demoted, unit_b) == []


# --- selectors -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_unit_list_filters_by_kind_and_query(district, street):
    unit_upsert(code="PS-CG", name="城市管理局", kind=UnitKind.DEPARTMENT, parent=district)
    unit_upsert(code="PS-OLD", name="已撤销单位", kind=UnitKind.DEPARTMENT, parent=district, is_active=False)

    assert [u.code for u in unit_list(kind=UnitKind.DEPARTMENT)] == ["PS-CG"]
    assert [u.code for u in unit_list(q="城市")] == ["PS-CG"]
    assert [u.code for u in unit_list(q="psjd")] == ["PS-PSJD"]
    assert [u.code for u in unit_list()] == ["PS", "PS-CG", "PS-PSJD"]
    assert "PS-OLD" in [u.code for u in unit_list(include_inactive=True)]


@pytest.mark.django_db
def test_units_of_user_and_children(district, street):
    user = UserFactory()
    unit_membership_add(user=user, unit=street, role=UnitRole.HANDLER)

    assert list(units_of_user(user)) == [street]
    assert list(unit_children(district)) == [street]


@pytest.mark.django_db
def test_unit_for_division_finds_the_street_office(district):
    division = DivisionFactory(level=DivisionLevel.STREET)
    other = DivisionFactory(level=DivisionLevel.STREET)
    office, _ = unit_upsert(
        code="PS-PSJD", name="坪山街道办事处", kind=UnitKind.STREET, parent=district, division=division
    )

    assert unit_for_division(division) == office
    assert unit_for_division(other) is None
