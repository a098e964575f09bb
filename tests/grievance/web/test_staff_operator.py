"""The operator's intake: keyboard-first form, caller history, knowledge base, routing suggestions,
answering a consultation on the spot, and the tracking code to read out."""

from datetime import timedelta

import pytest
from django.utils import timezone

from grievance.models import Complaint, Status
from tests.grievance.actors import complaint_in, complaint_new
from tests.grievance.factories import MatterFactory

pytestmark = pytest.mark.django_db


def test_form_is_keyboard_first_with_the_call_time_now(world, client_as):
    page = client_as(world.operator).get("/work/operator/").content.decode()

    phone_input = page[page.index('id="id_contact_phone"') :].split(">", 1)[0]
    assert "autofocus" in phone_input and 'accesskey="p"' in phone_input
    assert "Ctrl</kbd>+<kbd>Enter" in page  # the visible shortcut hint
    assert timezone.localtime().strftime("%Y-%m-%dT") in page  # received_at defaults to now
    assert "data-enter-next" in page


def test_dispatchers_take_calls_without_the_call_time(world, client_as):
    page = client_as(world.dispatcher).get("/work/operator/").content.decode()

    assert 'name="received_at"' not in page


def test_consultation_answered_on_the_spot_shows_the_tracking_code(world, client_as):
    client = client_as(world.operator)
    call_time = (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")

    response = client.post(
        "/work/operator/",
        {
            "contact_phone": "13912345678",
            "contact_name": "李女士",
            "received_at": call_time,
            "kind": "consult",
            "urgency": "normal",
            "title": "居住证怎么办理",
            "answer": "携带身份证到社区工作站办理。",
        },
    )

    complaint = Complaint.objects.get(title="居住证怎么办理")
    assert response["Location"] == f"/work/operator/submitted/{complaint.pk}/"
    assert complaint.status == Status.ANSWERED and complaint.answer == "携带身份证到社区工作站办理。"
    assert complaint.channel == "hotline" and complaint.created_by == world.operator
    assert timezone.localtime(complaint.received_at).strftime("%Y-%m-%dT%H:%M") == call_time
    done = client.get(response["Location"]).content.decode()
    assert complaint.tracking_code in done


def test_invalid_call_is_shown_with_field_errors_and_nothing_stored(world, client_as):
    eight_days = (timezone.localtime() - timedelta(days=8)).strftime("%Y-%m-%dT%H:%M")

    response = client_as(world.operator).post(
        "/work/operator/",
        {
            "received_at": eight_days,
            "kind": "complaint",
            "urgency": "normal",
            "title": "噪音",
            "contact_phone": "12",
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "来电时间不能早于7天前" in page and "电话号码格式不正确" in page
    assert 'value="噪音"' in page  # what was typed stays
    assert not Complaint.objects.exists()


def test_caller_history_lists_previous_complaints_of_the_number(world, client_as):
    complaint_in(world, Status.IN_PROGRESS, title="上次反映的噪音", contact_phone="13900001111")
    complaint_new(world, title="别人的事", contact_phone="13900002222")
    client = client_as(world.operator)

    found = client.get("/work/operator/history/?contact_phone=139-0000-1111").content.decode()
    typing = client.get("/work/operator/history/?contact_phone=1390").content.decode()

    assert "上次反映的噪音" in found and "别人的事" not in found
    assert "上次反映的噪音" not in typing
    assert client_as(world.lead).get("/work/operator/history/?contact_phone=13900001111").status_code == 403


def test_knowledge_base_finds_past_answers_by_chinese_words_and_masks_personal_data(world, client_as):
    complaint_new(
        world,
        kind="consult",
        status=Status.ANSWERED,
        title="办理居住证需要什么材料",
        answer="请王小明携带身份证到社区，咨询电话13812345678。",
        contact_name="王小明",
        contact_phone="13812345678",
    )
    complaint_new(world, kind="consult", status=Status.SUBMITTED, title="居住证还没答复")
    client = client_as(world.operator)

    page = client.get("/work/operator/knowledge/?q=居住证办理", HTTP_HX_REQUEST="true").content.decode()

    assert "办理居住证需要什么材料" in page and "居住证还没答复" not in page
    assert "13812345678" not in page and "138****5678" in page and "王小明" not in page
    assert "data-copy-answer" in page
    assert "<html" not in page  # htmx gets the fragment; a plain request gets a page
    assert "<html" in client.get("/work/operator/knowledge/?q=居住证").content.decode()


def test_routing_suggestions_fill_the_matter_with_one_click(world, client_as):
    leaf = MatterFactory.leaf(name="噪声污染", keywords="噪音,施工噪声")

    page = (
        client_as(world.operator)
        .get("/work/operator/suggest/?title=工地施工噪音&description=")
        .content.decode()
    )

    assert f'data-matter="{leaf.code}"' in page


def test_matter_picker_options(world, client_as):
    leaf = MatterFactory.leaf(name="占道经营", keywords="摆摊")

    page = client_as(world.operator).get("/work/operator/matters/?matter=摆摊").content.decode()

    assert f'<option value="{leaf.code}">' in page
