import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.throttling import ScopedRateThrottle

from tests.accounts.factories import TEST_PASSWORD, UserFactory

URL = "/api/v1/auth/token/"


def test_token_url_is_the_api_md_address():
    assert reverse("api-token") == URL


@pytest.mark.django_db
def test_right_credentials_give_a_token_that_authenticates(api_client):
    user = UserFactory(username="h-PS-CG")

    response = api_client.post(URL, {"username": "h-PS-CG", "password": TEST_PASSWORD}, format="json")

    assert response.status_code == 200
    assert set(response.json()) == {"token"}
    assert Token.objects.get(user=user).key == response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api_client.get("/api/v1/units/").status_code == 200


@pytest.mark.django_db
def test_token_is_stable_across_logins(api_client):
    UserFactory(username="u1")
    first = api_client.post(URL, {"username": "u1", "password": TEST_PASSWORD}, format="json").json()
    second = api_client.post(URL, {"username": "u1", "password": TEST_PASSWORD}, format="json").json()
    assert first["token"] == second["token"]


@pytest.mark.django_db
def test_wrong_password_is_400_in_the_project_error_shape(api_client):
    UserFactory(username="u1")

    response = api_client.post(URL, {"username": "u1", "password": "wrong-password"}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "用户名或密码不正确"
    assert set(body) == {"message", "errors"}
    assert body["errors"]["non_field_errors"]


@pytest.mark.django_db
def test_missing_fields_are_400_with_field_errors(api_client):
    response = api_client.post(URL, {"username": "u1"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["errors"]


@pytest.mark.django_db
def test_inactive_user_gets_no_token(api_client):
    UserFactory(username="gone", is_active=False)
    response = api_client.post(URL, {"username": "gone", "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 400


@pytest.mark.django_db
def test_lockout_after_five_failures_refuses_even_the_right_password(api_client):
    UserFactory(username="victim")
    statuses = [
        api_client.post(URL, {"username": "victim", "password": f"guess-{i}"}, format="json").status_code
        for i in range(5)
    ]

    assert statuses == [400, 400, 400, 400, 403]
    response = api_client.post(URL, {"username": "victim", "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert "锁定" in response.json()["message"]
    assert response.json()["errors"] == {"username": ["账户已暂时锁定"]}
    assert AccessAttempt.objects.get(username="victim").failures_since_start >= 5


@pytest.mark.django_db
def test_lockout_is_per_username(api_client):
    UserFactory(username="victim")
    UserFactory(username="bystander")
    for i in range(5):
        api_client.post(URL, {"username": "victim", "password": f"guess-{i}"}, format="json")

    response = api_client.post(URL, {"username": "bystander", "password": TEST_PASSWORD}, format="json")

    assert response.status_code == 200


@pytest.mark.django_db
def test_success_resets_the_failure_count(api_client):
    UserFactory(username="u1")
    for i in range(4):
        api_client.post(URL, {"username": "u1", "password": f"guess-{i}"}, format="json")
    assert (
        api_client.post(URL, {"username": "u1", "password": TEST_PASSWORD}, format="json").status_code == 200
    )
    for i in range(4):
        api_client.post(URL, {"username": "u1", "password": f"again-{i}"}, format="json")

    assert (
        api_client.post(URL, {"username": "u1", "password": TEST_PASSWORD}, format="json").status_code == 200
    )


@pytest.mark.django_db
def test_login_throttle_answers_429_not_500(api_client, monkeypatch):
    UserFactory(username="u1")
    monkeypatch.setattr(
        ScopedRateThrottle, "THROTTLE_RATES", {**ScopedRateThrottle.THROTTLE_RATES, "login": "3/min"}
    )

    statuses = [
        api_client.post(URL, {"username": "u1", "password": TEST_PASSWORD}, format="json").status_code
        for _ in range(4)
    ]

    assert statuses == [200, 200, 200, 429]
    assert set(api_client.post(URL, {}, format="json").json()) == {"message", "errors"}
