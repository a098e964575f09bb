"""Facts about the requesting user remembered for the duration of one request.

A page asks "which workbenches? which units? which grid cells?" many times (navigation, tab counts,
each tab's list); within a request the database answers once. Outside a request (tasks, shell, direct
calls) nothing is remembered, so a membership changed between two calls is always seen.
``RequestMemoMiddleware`` opens and closes the memo around each request.
"""

from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")
_memo: ContextVar[dict | None] = ContextVar("request_memo", default=None)


class RequestMemoMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)


def user_memo(user, key: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per request, user and ``key``; every time outside a request."""
    memo = _memo.get()
    pk = getattr(user, "pk", None)
    if memo is None or not pk:
        return compute()
    slot = (pk, key)
    if slot not in memo:
        memo[slot] = compute()
    return memo[slot]
