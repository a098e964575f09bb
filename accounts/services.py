"""Writes to user accounts: sign-in for API tokens and the bulk account set-up that loaders use."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts.models import Role, User
from common.exceptions import ApplicationError


def user_token_issue(*, user: User) -> str:
    """The user's API token, created on first use (one token per user)."""
    token, _created = Token.objects.get_or_create(user=user)
    return token.key


def _lockout_minutes() -> int:
    cool_off = getattr(settings, "AXES_COOLOFF_TIME", None)
    if isinstance(cool_off, int | float):
        return max(round(cool_off * 60), 1)
    if hasattr(cool_off, "total_seconds"):
        return max(round(cool_off.total_seconds() / 60), 1)
    return 30


def user_authenticate(*, request, username: str, password: str) -> User:
    """The active user with these credentials, or an ``ApplicationError``.

    ``request`` is the request being served: django-axes needs it to count failures per username and
    address and to refuse locked-out sign-ins (even with the right password), which it marks with
    ``request.axes_locked_out``. Pass the DRF request, not the Django one, so axes' middleware leaves
    the JSON answer alone. A success sends ``user_logged_in`` (last_login, axes' failure reset).
    """
    user = authenticate(request=request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        raise ApplicationError(
            _("登录失败次数过多，账户已暂时锁定，请%(minutes)d分钟后再试或联系系统管理员。")
            % {"minutes": _lockout_minutes()},
            errors={"username": [_("账户已暂时锁定")]},
            status=403,
        )
    if user is None:
        raise ApplicationError(
            _("用户名或密码不正确"), errors={"non_field_errors": [_("用户名或密码不正确，或账户已停用。")]}
        )
    # A token sign-in is a sign-in: the signal updates last_login and lets django-axes log the access
    # and reset the failure count, as a session login would.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return user


@dataclass(frozen=True)
class UserSpec:
    """What an account must look like; loaders describe accounts with it."""

    username: str
    role: str
    display_name: str = ""
    is_staff: bool = False
    is_superuser: bool = False


@transaction.atomic
def users_ensure(*, specs: list[UserSpec], password: str) -> dict[str, int]:
    """Make every account of ``specs`` exist with its role, name and flags; idempotent.

    New accounts get ``password``; an existing account's password is replaced (and the account
    re-activated) only when the password no longer checks or the account was deactivated.
    Password hashing is slow by design, so the password is hashed once for all new accounts and
    each distinct stored hash is checked once (accounts created together share one hash).
    Returns ``{"created", "updated", "passwords_reset"}``.
    """
    errors = [spec.username for spec in specs if spec.role not in Role.values or not spec.username]
    if errors:
        raise ApplicationError(_("账户信息有误"), errors={"username": errors})
    by_username = {spec.username: spec for spec in specs}
    existing = {user.username: user for user in User.objects.filter(username__in=by_username)}

    password_hash = make_password(password)
    hash_checks: dict[str, bool] = {}
    fields = ["role", "display_name", "is_staff", "is_superuser"]
    to_update, passwords_reset = [], 0
    for username, user in existing.items():
        spec = by_username[username]
        changed = [field for field in fields if getattr(user, field) != getattr(spec, field)]
        for field in changed:
            setattr(user, field, getattr(spec, field))
        if user.password not in hash_checks:
            hash_checks[user.password] = check_password(password, user.password)
        if not hash_checks[user.password] or not user.is_active:
            user.password = password_hash
            user.is_active = True
            passwords_reset += 1
            changed.append("password")
        if changed:
            to_update.append(user)
    if to_update:
        User.objects.bulk_update(to_update, [*fields, "password", "is_active"])

    now = timezone.now()
    to_create = [
        User(
            username=spec.username,
            role=spec.role,
            display_name=spec.display_name,
            is_staff=spec.is_staff,
            is_superuser=spec.is_superuser,
            password=password_hash,
            date_joined=now,
        )
        for username, spec in by_username.items()
        if username not in existing
    ]
    User.objects.bulk_create(to_create)
    return {"created": len(to_create), "updated": len(to_update), "passwords_reset": passwords_reset}
