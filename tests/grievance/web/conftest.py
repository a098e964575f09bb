"""Fixtures of the staff page tests: the world of ``tests.grievance.actors``, a logged-in client,
uploads into a temporary folder and a tiny PNG photo."""

import base64

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.grievance.actors import actors

# A real 1×1 PNG: attachments are decoded and re-encoded (metadata stripped) when stored.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    return actors()


@pytest.fixture
def client_as(client):
    """``client_as(user)``: the test client, logged in as ``user``."""

    def login(user):
        client.logout()
        client.force_login(user)
        return client

    return login


def photo(name: str = "现场.png", content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")
