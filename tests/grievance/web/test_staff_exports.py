"""Excel exports: the same filtered queryset as the page, contacts masked as on screen."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from grievance.models import Status
from tests.grievance.actors import complaint_in, complaint_new

pytestmark = pytest.mark.django_db


def sheet_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment;" in response["Content-Disposition"]
    return load_workbook(BytesIO(response.content)).active


def test_complaint_list_export_follows_the_filters_and_masks_contacts(world, client_as):
    complaint_new(world, title="求助一", kind="help", contact_name="王小明", contact_phone="13812345678")
    complaint_new(world, title="求助二", kind="help")
    complaint_new(world, title="投诉一", kind="complaint")

    sheet = sheet_of(client_as(world.dispatcher).get("/work/complaints/?kind=help&sort=received&export=xlsx"))

    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == "查询码" and "联系电话" in header
    titles = [row[1] for row in rows[1:]]
    assert titles == ["求助一", "求助二"]
    phone = rows[1][header.index("联系电话")]
    name = rows[1][header.index("联系人")]
    assert phone == "138****5678" and name == "王**"


def test_inbox_export_holds_only_the_tab_of_the_unit(world, client_as):
    complaint_in(world, Status.DISPATCHED, title="待签收的")
    complaint_in(world, Status.IN_PROGRESS, title="办理中的")
    complaint_in(world, Status.DISPATCHED, lead=world.dept_a, co_units=[], title="别的单位的")

    sheet = sheet_of(client_as(world.lead).get("/work/inbox/?tab=sign&export=xlsx"))

    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["待签收的"]


def test_export_is_refused_like_the_page(world, client_as):
    assert client_as(world.lead).get("/work/dispatch/?tab=queue&export=xlsx").status_code == 403
