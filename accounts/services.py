from rest_framework.authtoken.models import Token

from accounts.models import User


def user_token_issue(*, user: User) -> str:
    """The user's API token, created on first use (one token per user)."""
    token, _created = Token.objects.get_or_create(user=user)
    return token.key
