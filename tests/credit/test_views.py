"""The credit pages: public lookup and publicity show only what is public now; staff pages need an agency."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from credit.models import CreditRecord
from tests.credit.conftest import penalty

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(company, officer, department):
    today = timezone.localdate()
    return {
        "public": penalty(company, actor=officer, department=department, decided=today, title="公开的处罚"),
        "minor": penalty(
            company, actor=officer, department=department, decided=today, severity="minor", title="轻微的处罚"
        ),
        "expired": penalty(
            company,
            actor=officer,
            department=department,
            decided=today - timedelta(days=400),
            title="已届满的处罚",
        ),
    }


def _login(client, user):
    client.force_login(user)  # django-axes wants a request for password logins; the browser test does those


def test_lookup_finds_a_subject_by_name_and_code(client, company, records):
    page = client.get(reverse("credit:lookup"), {"q": "测试科技"}).content.decode()
    assert company.name in page
    assert company.name in client.get(reverse("credit:lookup"), {"q": company.code.lower()}).content.decode()
    assert "太短" not in client.get(reverse("credit:lookup"), {"q": "x"}).content.decode()
    assert "至少2个字" in client.get(reverse("credit:lookup"), {"q": "x"}).content.decode()


def test_subject_page_shows_only_public_records_to_the_public(client, company, records, dept_user):
    page = client.get(reverse("credit:subject", args=[company.pk])).content.decode()
    assert "公开的处罚" in page
    assert "轻微的处罚" not in page and "已届满的处罚" not in page
    assert "信用等级" not in page
    _login(client, dept_user)
    page = client.get(reverse("credit:subject", args=[company.pk])).content.decode()
    assert "轻微的处罚" in page and "已届满的处罚" in page and "信用等级" in page


def test_publicity_page(client, records):
    page = client.get(reverse("credit:publicity"), {"kind": "penalty"}).content.decode()
    assert "公开的处罚" in page and "轻微的处罚" not in page
    assert "公开的处罚" not in client.get(reverse("credit:publicity"), {"kind": "licence"}).content.decode()
    assert client.get(reverse("credit:inspections")).status_code == 200


def test_staff_pages_need_an_agency(client, citizen, dept_user):
    for name in ("credit:staff", "credit:penalty-create", "credit:map"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    _login(client, citizen)
    for name in ("credit:staff", "credit:penalty-create", "credit:map"):
        assert client.get(reverse(name)).status_code == 403
    client.logout()
    _login(client, dept_user)
    for name in ("credit:staff", "credit:penalty-create", "credit:map"):
        assert client.get(reverse(name)).status_code == 200


def test_officer_records_a_penalty_through_the_form(client, company, officer, department):
    _login(client, officer)
    data = {
        "subject_code": company.code,
        "department": str(department.pk),
        "title": "超范围经营",
        "decision_number": "深坪市监罚〔2026〕501号",
        "decision_date": str(timezone.localdate()),
        "severity": "general",
        "category": "罚款",
        "facts": "超出许可范围经营",
        "legal_basis": "《食品经营许可管理办法》",
        "content": "罚款二千元",
        "fine_amount": "2000",
    }
    response = client.post(reverse("credit:penalty-create"), data)
    assert response.status_code == 302
    record = CreditRecord.objects.get(decision_number="深坪市监罚〔2026〕501号")
    assert record.recorded_by == officer and record.is_public()
    bad = client.post(reverse("credit:penalty-create"), {**data, "subject_code": "91440300708461136T"})
    assert bad.status_code == 200 and "尚未登记" in bad.content.decode()
    future = client.post(
        reverse("credit:penalty-create"),
        {**data, "decision_date": str(timezone.localdate() + timedelta(days=3))},
    )
    assert "不能晚于今天" in future.content.decode()
