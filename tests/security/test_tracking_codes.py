"""Tracking codes cannot be enumerated (issue 11, §3): long random codes, the same answer for an
unknown code, a malformed one and someone else's complaint id, and throttled lookups."""

import math

import pytest
from django.conf import settings
from django.test import Client

from grievance.models.complaints import TRACKING_ALPHABET, TRACKING_LENGTH, new_tracking_code
from tests.security.conftest import body_of

UNKNOWN = "2" * TRACKING_LENGTH


def test_codes_are_long_random_and_unambiguous():
    codes = {new_tracking_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == TRACKING_LENGTH and set(c) <= set(TRACKING_ALPHABET) for c in codes)
    assert not set("01ILO") & set(TRACKING_ALPHABET)
    assert TRACKING_LENGTH * math.log2(len(TRACKING_ALPHABET)) >= 59  # ≥ 5.8e17 codes
    # every position uses the whole alphabet (no fixed prefix, no counter)
    assert all(len({c[i] for c in codes}) == len(TRACKING_ALPHABET) for i in range(TRACKING_LENGTH))


def test_unknown_and_malformed_codes_get_the_same_answer(sw):
    anonymous = Client()
    answers = [anonymous.get(f"/api/v1/track/{code}/") for code in (UNKNOWN, "x", "ABC-DEF", "%27--")]
    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1
    pages = [anonymous.get(f"/track/{code}/") for code in (UNKNOWN, "ZZZZ")]
    assert {p.status_code for p in pages} == {404}


def test_someone_elses_complaint_and_no_complaint_get_the_same_answer(sw, clients):
    other = clients["citizen"]
    missing = 987654321
    for template in ("/api/v1/complaints/{}/", "/api/v1/complaints/{}/attachments/", "/work/complaints/{}/"):
        mine, none = other.get(template.format(sw.foreign.pk)), other.get(template.format(missing))
        assert mine.status_code == none.status_code == 404 or mine.status_code == none.status_code == 403
        assert body_of(mine).replace(f"/{sw.foreign.pk}/", "/ID/") == body_of(none).replace(
            f"/{missing}/", "/ID/"
        )


@pytest.fixture
def strict_throttle(monkeypatch):
    """Five anonymous requests a minute, counted afresh (a unique client address per test)."""
    from django.core.cache import cache
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "5/min", "login": "5/min"})
    cache.clear()


def _lookups(client: Client, path: str, n: int) -> list[int]:
    return [client.get(path, REMOTE_ADDR="10.11.12.13").status_code for _ in range(n)]


def test_api_lookups_are_throttled(sw, strict_throttle):
    statuses = _lookups(Client(), f"/api/v1/track/{UNKNOWN}/", 7)
    assert statuses[:5] == [404] * 5 and statuses[5:] == [429, 429]
    assert "anon" in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]


def test_portal_lookups_are_throttled(sw, strict_throttle):
    statuses = _lookups(Client(), f"/track/{UNKNOWN}/", 7)
    assert statuses[:5] == [404] * 5 and statuses[5:] == [429, 429]
