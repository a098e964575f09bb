"""Reads of user accounts that interfaces and loaders use."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from accounts.models import User


def user_list(*, role: str | None = None, q: str | None = None) -> QuerySet[User]:
    """Active users by username; ``q`` matches username or display name."""
    users = User.objects.filter(is_active=True).order_by("username")
    if role:
        users = users.filter(role=role)
    if q and q.strip():
        users = users.filter(Q(username__icontains=q.strip()) | Q(display_name__icontains=q.strip()))
    return users


def users_by_username(usernames: Iterable[str]) -> dict[str, User]:
    """``{username: user}`` for the given usernames that exist (one query)."""
    return {user.username: user for user in User.objects.filter(username__in=list(usernames))}
