"""Partner keys: the management command, the admin screens (the secret shown once, revoke action,
last use) and the hashing of stored keys."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User
from open311.models import ApiKey
from open311.services.keys import api_key_authenticate, api_key_hash
from tests.open311.conftest import stall_request

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("open311_key", *args, stdout=out)
    return out.getvalue()


def test_command_create_prints_the_key_last_and_stores_only_its_hash(db, api):
    output = run("create", "外区平台", "--rate-limit", "10")
    raw = output.strip().splitlines()[-1]
    key = ApiKey.objects.get(name="外区平台")
    assert key.key_hash == api_key_hash(raw) and raw not in (key.key_hash, key.prefix)
    assert key.prefix == raw[:8] and key.rate_limit_per_minute == 10
    assert api_key_authenticate(raw_key=raw) == key
    with pytest.raises(CommandError):
        run("create", "外区平台")  # one key per name


def test_command_revoke_and_list(world, api):
    listing = run("list")
    assert "随手拍" in listing and "active" in listing and world.raw_key not in listing
    assert "旧系统" in listing and "revoked" in listing
    run("revoke", "随手拍")
    assert "revoked" in run("list").splitlines()[1]
    response = api.post("requests.json", stall_request(world))
    assert response.status_code == 403
    with pytest.raises(CommandError):
        run("revoke", "没有这个")


@pytest.fixture
def admin_client(client, db):
    user = User.objects.create_superuser("root", "root@example.org", "a-long-test-password-1", role="admin")
    client.force_login(user)
    return client


def test_admin_create_shows_the_key_once(admin_client):
    url = reverse("admin:open311_apikey_add")
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"name": "网格通", "contact": "李工", "rate_limit_per_minute": "30"})
    assert response.status_code == 200
    key = ApiKey.objects.get(name="网格通")
    raw = response.context["secret"]
    assert key.key_hash == api_key_hash(raw) and raw in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert key.created_by.username == "root" and key.rate_limit_per_minute == 30
    change = admin_client.get(reverse("admin:open311_apikey_change", args=[key.pk]))
    assert change.status_code == 200 and raw not in change.content.decode()
    listing = admin_client.get(reverse("admin:open311_apikey_changelist"))
    assert raw not in listing.content.decode() and key.prefix in listing.content.decode()


def test_admin_revoke_action_and_last_used(world, admin_client, api):
    assert api.post("requests.json", stall_request(world)).status_code == 200
    world.key.refresh_from_db()
    assert world.key.last_used_at is not None
    listing = admin_client.get(reverse("admin:open311_apikey_changelist"))
    assert "随手拍" in listing.content.decode()
    admin_client.post(
        reverse("admin:open311_apikey_changelist"),
        {"action": "revoke", "_selected_action": [world.key.pk]},
    )
    world.key.refresh_from_db()
    assert world.key.revoked_at is not None
    assert api.post("requests.json", stall_request(world)).status_code == 403


def test_admin_screens_render(world, admin_client, api):
    api.post("requests.json", stall_request(world))
    for name in ("servicedefinition", "open311request", "partnerupdate"):
        assert admin_client.get(reverse(f"admin:open311_{name}_changelist")).status_code == 200
    definition = world.stall.open311_definition
    page = admin_client.get(reverse("admin:open311_servicedefinition_change", args=[definition.pk]))
    assert page.status_code == 200 and "stall_type" in page.content.decode()
    link = world.key.requests.get()
    assert admin_client.get(reverse("admin:open311_open311request_change", args=[link.pk])).status_code == 200


def test_partner_docs_page(db, client):
    response = client.get("/open311/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "接口接入说明" in text and "curl" in text and "pingshan.sz.gov.cn" in text
    assert text.index("如何获取密钥") < text.index("Getting a key")  # Chinese first
