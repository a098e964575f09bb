"""Fixtures of the security tests: the probed world, one signed-in client per prober, relaxed
throttles (the matrix and the fuzzers send thousands of requests; throttling has its own tests)."""

import pytest
from django.test import Client

from tests.security.world import security_world


@pytest.fixture
def relaxed_throttles(monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1000000/min", "login": "1000000/min"})


@pytest.fixture
def sw(db, settings, tmp_path, relaxed_throttles):
    settings.MEDIA_ROOT = tmp_path / "media"
    return security_world()


@pytest.fixture
def sw_live(transactional_db, settings, tmp_path, relaxed_throttles):
    """The same world on committed rows, for the live server and the browser."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return security_world()


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def clients(sw) -> dict[str, Client]:
    return {name: client_for(user) for name, user in sw.users.items()}


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        # Exhausting the test client's wrapper closes the response itself; closing it again would
        # send request_finished, whose handler closes the test's database connection.
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")
