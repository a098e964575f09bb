import pytest
from django.contrib.auth.hashers import make_password

from accounts.models import Role, User
from accounts.services import UserSpec, users_ensure
from common.exceptions import ApplicationError

PASSWORD = "demo-pass-2026"


@pytest.mark.django_db
def test_users_ensure_creates_with_one_shared_hash_and_is_idempotent(django_assert_max_num_queries):
    specs = [UserSpec(f"h-T{i}", Role.HANDLER, f"单位{i}经办人") for i in range(50)]

    with django_assert_max_num_queries(6):
        first = users_ensure(specs=specs, password=PASSWORD)
    second = users_ensure(specs=specs, password=PASSWORD)

    assert first == {"created": 50, "updated": 0, "passwords_reset": 0}
    assert second == {"created": 0, "updated": 0, "passwords_reset": 0}
    users = User.objects.filter(username__startswith="h-T")
    assert users.count() == 50
    assert len(set(users.values_list("password", flat=True))) == 1
    assert users.get(username="h-T7").check_password(PASSWORD)
    assert users.get(username="h-T7").display_name == "单位7经办人"


@pytest.mark.django_db
def test_users_ensure_repairs_role_and_a_changed_password_only():
    User.objects.create(username="keep", role=Role.HANDLER, password=make_password(PASSWORD))
    User.objects.create(username="drift", role=Role.CITIZEN, password=make_password("someone-changed-it"))

    counts = users_ensure(
        specs=[UserSpec("keep", Role.HANDLER), UserSpec("drift", Role.LEADER, "负责人")], password=PASSWORD
    )

    assert counts == {"created": 0, "updated": 1, "passwords_reset": 1}
    drift = User.objects.get(username="drift")
    assert drift.role == Role.LEADER
    assert drift.display_name == "负责人"
    assert drift.check_password(PASSWORD)


@pytest.mark.django_db
def test_users_ensure_refuses_an_unknown_role():
    with pytest.raises(ApplicationError) as error:
        users_ensure(specs=[UserSpec("x", "emperor")], password=PASSWORD)
    assert error.value.errors == {"username": ["x"]}
    assert not User.objects.filter(username="x").exists()
