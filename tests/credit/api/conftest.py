import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    """``api(user)`` → a client authenticated as ``user`` (None: anonymous)."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make
