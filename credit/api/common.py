"""Helpers every credit API view shares: the serializer context and plain request data."""

from django.utils import timezone

from credit.selectors.access import credit_actor


def credit_context(request, **extra) -> dict:
    return {"actor": credit_actor(request.user), "now": timezone.now(), "request": request, **extra}


def request_data(request) -> dict:
    """The body as a plain dict (form posts arrive as QueryDicts); a non-object body is an empty dict."""
    data = request.data
    if hasattr(data, "dict"):
        return data.dict()
    return data if isinstance(data, dict) else {}
