import pytest
from django.contrib.auth import SESSION_KEY

from tests.accounts.factories import TEST_PASSWORD, UserFactory

LOGIN = "/accounts/login/"


@pytest.mark.django_db
def test_login_page_renders_in_chinese_with_labelled_fields(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_username">用户名</label>' in html
    assert '<label for="id_password">密码</label>' in html
    assert 'autocomplete="current-password"' in html
    assert "csrfmiddlewaretoken" in html


@pytest.mark.django_db
def test_login_with_right_password_starts_a_session(client):
    user = UserFactory(username="dispatcher")

    response = client.post(LOGIN, {"username": "dispatcher", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(user.pk)


@pytest.mark.django_db
def test_login_follows_next(client):
    UserFactory(username="u1")
    response = client.post(LOGIN, {"username": "u1", "password": TEST_PASSWORD, "next": "/api/v1/units/"})
    assert response["Location"] == "/api/v1/units/"


@pytest.mark.django_db
def test_wrong_password_shows_an_alert_and_no_session(client):
    UserFactory(username="u1")

    response = client.post(LOGIN, {"username": "u1", "password": "nope-nope-nope"})

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_session_login_locks_out_after_five_failures(client):
    UserFactory(username="u1")
    for i in range(5):
        response = client.post(LOGIN, {"username": "u1", "password": f"guess-{i}"})

    assert response.status_code == 429
    assert "账户已暂时锁定" in response.content.decode()
    response = client.post(LOGIN, {"username": "u1", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_logout_needs_post_and_ends_the_session(client):
    user = UserFactory(username="u1")
    client.force_login(user)

    assert client.get("/accounts/logout/").status_code == 405
    assert SESSION_KEY in client.session
    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_locked_out_page_renders(client):
    response = client.get("/accounts/locked/")
    assert response.status_code == 200
    assert "账户已暂时锁定" in response.content.decode()


@pytest.mark.django_db
def test_session_authenticates_the_api(client):
    client.force_login(UserFactory(username="u1"))
    assert client.get("/api/v1/units/").status_code == 200
