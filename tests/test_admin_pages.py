"""Every admin screen renders for an administrator (a broken admin is found here, not by a user)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import User


@pytest.fixture
def admin_client_zh(client, db):
    user = User.objects.create_superuser("root", "root@example.org", "a-long-test-password-1", role="admin")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "model", sorted(admin.site._registry, key=lambda m: m._meta.label), ids=lambda m: m._meta.label
)
def test_admin_changelist_renders(admin_client_zh, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = admin_client_zh.get(url)
    assert response.status_code == 200, url


def test_admin_index_renders(admin_client_zh):
    response = admin_client_zh.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "诉求" in response.content.decode()


def test_admin_refuses_non_staff(client, db):
    user = User.objects.create_user("someone", password="a-long-test-password-1", role="citizen")
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
