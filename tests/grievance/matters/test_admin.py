import io
from datetime import date

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from grievance.models import Matter, MatterRule
from grievance.services.matters import matter_rule_set, matter_upsert

from .test_io import GOOD_ROWS, csv_bytes


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser(username="root", password="x-very-long-pass", email="")
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_changelist_and_filters(admin_client, leaf):
    response = admin_client.get("/admin/grievance/matter/", {"top": "01", "q": "环境"})
    assert response.status_code == 200
    assert "环境卫生" in response.content.decode()
    assert "导入职责清单" in response.content.decode()


@pytest.mark.django_db
def test_add_through_admin_derives_level(admin_client, leaf):
    data = {
        "code": "0101002",
        "name": "燃气供应",
        "parent": leaf.parent.pk,
        "keywords": "燃气 漏气",
        "is_active": "on",
    }
    response = admin_client.post("/admin/grievance/matter/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    gas = Matter.objects.get(code="0101002")
    assert gas.level == 3 and gas.keywords == "燃气,漏气"
    duplicate = dict(data, code="0101003")
    response = admin_client.post("/admin/grievance/matter/add/", duplicate)
    assert response.status_code == 200  # redisplayed with an error
    assert not Matter.objects.filter(code="0101003").exists()


@pytest.mark.django_db
def test_rule_version_form_calls_the_service(admin_client, leaf, units):
    matter_rule_set(matter=leaf, effective_from=date(2026, 1, 1), handler_rule="street")
    url = f"/admin/grievance/matter/{leaf.pk}/rule/"
    page = admin_client.get(url)
    assert page.status_code == 200 and "第 1 版" in page.content.decode()
    form = {
        "effective_from": "2026-03-01",
        "kinds": ["complaint", "consult"],
        "handler_rule": "fixed",
        "handling_unit": units["PS-CG"].pk,
        "co_units": [units["PS-ZJ"].pk],
        "urgency_grade": "normal",
        "sign_limit_amount": "1",
        "sign_limit_unit": "working_day",
        "handle_limit_amount": "4",
        "handle_limit_unit": "working_hour",
        "kind_limits": "咨询=2 工作日",
        "urgent_sign_limit_amount": "0.5",
        "urgent_sign_limit_unit": "natural_hour",
        "urgent_handle_limit_amount": "2",
        "urgent_handle_limit_unit": "natural_hour",
        "extension_cap_days": "10",
        "return_window_days": "2",
    }
    assert admin_client.post(url, form).status_code == 302
    rule = leaf.rules.order_by("-version").first()
    assert rule.version == 2 and rule.handling_unit == units["PS-CG"]
    assert rule.kind_limits == {"consult": [2, "working_day"]}
    # The same content again adds nothing; a street rule naming a unit is refused by the service.
    assert admin_client.post(url, form).status_code == 302
    assert MatterRule.objects.filter(matter=leaf).count() == 2
    response = admin_client.post(url, dict(form, handler_rule="street", handle_limit_amount="5"))
    assert response.status_code == 200 and "属地" in response.content.decode()
    assert MatterRule.objects.filter(matter=leaf).count() == 2


@pytest.mark.django_db
def test_import_upload_preview_confirm(admin_client, units):
    upload = SimpleUploadedFile("list.csv", csv_bytes(GOOD_ROWS), content_type="text/csv")
    preview = admin_client.post("/admin/grievance/matter/import/", {"file": upload})
    assert preview.status_code == 200
    assert Matter.objects.count() == 0  # the preview is a dry run
    token = preview.context["token"]
    assert token and preview.context["report"].rules_added == 3
    done = admin_client.post("/admin/grievance/matter/import/", {"token": token})
    assert done.status_code == 302
    assert MatterRule.objects.count() == 3
    again = admin_client.post("/admin/grievance/matter/import/", {"token": token})
    assert again.status_code == 302 and MatterRule.objects.count() == 3  # a token works once


@pytest.mark.django_db
def test_import_with_errors_offers_no_confirm(admin_client, units):
    bad = SimpleUploadedFile("list.csv", csv_bytes(["城乡建设,城管,路灯,0101009,,,fixed,PS-NOPE"]))
    page = admin_client.post("/admin/grievance/matter/import/", {"file": bad})
    assert page.status_code == 200 and page.context["token"] is None
    assert "PS-NOPE" in page.content.decode()


@pytest.mark.django_db
def test_export_view_and_action(admin_client, leaf, units):
    matter_rule_set(
        matter=leaf, effective_from=date(2026, 1, 1), handler_rule="fixed", handling_unit=units["PS-CG"]
    )
    other_top = matter_upsert(code="02", name="环境保护", parent=None)
    other_leaf = matter_upsert(
        code="0201001", name="水污染", parent=matter_upsert(code="0201", name="环境污染", parent=other_top)
    )
    response = admin_client.get("/admin/grievance/matter/export/", {"format": "xlsx"})
    assert response.status_code == 200 and response.content.startswith(b"PK")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["0101001", "0201001"]
    action = admin_client.post(
        "/admin/grievance/matter/", {"action": "export_selected_csv", "_selected_action": [other_top.pk]}
    )
    assert action.status_code == 200
    lines = action.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[1].startswith(f"环境保护,环境污染,水污染,{other_leaf.code}")


@pytest.mark.django_db
def test_change_leaf_shows_history_and_saves_through_service(admin_client, leaf, units):
    matter_rule_set(matter=leaf, effective_from=date(2026, 1, 1), handler_rule="street")
    matter_rule_set(
        matter=leaf, effective_from=date(2026, 2, 1), handler_rule="fixed", handling_unit=units["PS-CG"]
    )
    url = f"/admin/grievance/matter/{leaf.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert "新建规则版本" in page and "城市管理局" in page and "属地街道" in page
    data = {
        "name": "市容环境卫生",
        "parent": leaf.parent.pk,
        "keywords": "垃圾",
        "is_active": "on",
        "rules-TOTAL_FORMS": "2",
        "rules-INITIAL_FORMS": "2",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
    }
    for index, rule in enumerate(leaf.rules.order_by("-version")):
        data[f"rules-{index}-id"] = rule.pk
        data[f"rules-{index}-matter"] = leaf.pk
    response = admin_client.post(url, data)
    assert response.status_code == 302
    leaf.refresh_from_db()
    assert (leaf.name, leaf.code, leaf.keywords) == ("市容环境卫生", "0101001", "垃圾")
    assert MatterRule.objects.filter(matter=leaf).count() == 2
