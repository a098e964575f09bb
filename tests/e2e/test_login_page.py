"""The login page in a real browser: renders, logs in, and loads nothing from outside the platform."""

import pytest

from accounts.models import User
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_logs_in_through_the_page(page):
    User.objects.create_user("dispatcher-x", password="a-long-test-password-1", role="dispatcher")
    login(page, "dispatcher-x")
    assert "dispatcher-x" in page.locator("header").inner_text()
    assert page.outside == []


def test_wrong_password_shows_an_error(page):
    User.objects.create_user("someone", password="a-long-test-password-1", role="citizen")
    login(page, "someone", password="wrong-password-123")
    assert page.get_by_role("alert").is_visible()
    assert page.outside == []
