"""complaint_submit: validation with field errors (nothing written), who may set what, location,
matter rule in force, suggestions, crisis signals, the first event and routing queued on commit."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.models import Role
from common.exceptions import ApplicationError
from grievance.models import Complaint, ComplaintEvent, Status
from grievance.services import intake
from grievance.services.intake import complaint_submit, crisis_signals
from grievance.services.routing import routing_index_clear
from tests.grievance.factories import MatterFactory, MatterRuleFactory, UserFactory, territory

VALID_USCC = "91350100M000100Y43"


@pytest.fixture(autouse=True)
def fresh_routing_index():
    routing_index_clear()
    yield
    routing_index_clear()


@pytest.fixture
def place(db):
    return territory()


@pytest.fixture
def citizen(db):
    return UserFactory(username="citizen-a", role=Role.CITIZEN, phone="13900001111", display_name="李四")


@pytest.fixture
def operator(db):
    return UserFactory(username="operator-a", role=Role.OPERATOR)


@pytest.fixture
def routed(monkeypatch) -> list[int]:
    """Complaint ids whose routing was queued (instead of reaching Celery)."""
    calls: list[int] = []
    monkeypatch.setattr(intake, "enqueue", lambda task, complaint_id: calls.append(complaint_id))
    return calls


def payload(place, **overrides) -> dict:
    data = {
        "title": "路灯不亮",
        "description": "六和社区门口的路灯坏了一个星期",
        "kind": "complaint",
        "lat": place.inside[0],
        "lng": place.inside[1],
        "contact_name": "王五",
        "contact_phone": "13812345678",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_citizen_submit_stores_complaint_event_and_location(
    place, citizen, routed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = complaint_submit(actor=citizen, data=payload(place))
    complaint.refresh_from_db()
    assert complaint.status == Status.SUBMITTED
    assert complaint.citizen == citizen and complaint.created_by == citizen
    assert complaint.channel == "web"
    assert (complaint.grid, complaint.community, complaint.street) == (
        place.grid,
        place.community,
        place.street,
    )
    assert len(complaint.tracking_code) == 12
    events = list(complaint.events.all())
    assert [(e.action, e.from_status, e.to_status, e.actor) for e in events] == [
        ("submit", "", "submitted", citizen)
    ]
    assert routed == [complaint.pk]


def test_routing_is_not_queued_before_commit(place, citizen, routed):
    complaint_submit(actor=citizen, data=payload(place))
    assert routed == []  # the test transaction never commits: nothing may be queued


BAD_FIELDS = [
    ({"title": ""}, "title"),
    ({"title": "长" * 201}, "title"),
    ({"title": 123}, "title"),
    ({"description": "字" * 4001}, "description"),
    ({"kind": "praise"}, "kind"),
    ({"kind": ""}, "kind"),
    ({"urgency": "very"}, "urgency"),
    ({"matter": "NO-SUCH"}, "matter"),
    ({"lat": 91}, "lat"),
    ({"lng": -181}, "lng"),
    ({"lat": "north"}, "lat"),
    ({"lat": True}, "lat"),
    ({"lng": None}, "lng"),  # latitude without longitude
    ({"lat": None, "lng": None}, "location"),
    ({"contact_phone": "12-34"}, "contact_phone"),
    ({"contact_phone": ""}, "contact_phone"),
    ({"contact_name": ""}, "contact_name"),
    ({"anonymous": "perhaps"}, "anonymous"),
    ({"enterprise_credit_code": "91350100M000100Y44"}, "enterprise_credit_code"),
    ({"enterprise_credit_code": "123"}, "enterprise_credit_code"),
    ({"channel": "hotline"}, "channel"),
    ({"channel": "pigeon"}, "channel"),
    ({"received_at": (timezone.now() - timedelta(hours=1)).isoformat()}, "received_at"),
    ({"answer": "已答复"}, "answer"),
]


@pytest.mark.parametrize(("overrides", "field"), BAD_FIELDS)
def test_each_bad_field_is_named_and_nothing_is_written(place, overrides, field, routed):
    anonymous_web = AnonymousUser()
    with pytest.raises(ApplicationError) as error:
        complaint_submit(actor=anonymous_web, data=payload(place, **overrides))
    assert error.value.status == 400
    assert field in error.value.errors, error.value.errors
    assert Complaint.objects.count() == 0
    assert ComplaintEvent.objects.count() == 0


def test_middle_level_matter_is_refused(place, citizen):
    leaf = MatterFactory.leaf(name="路灯维修")
    with pytest.raises(ApplicationError) as error:
        complaint_submit(actor=citizen, data=payload(place, matter=leaf.parent.code))
    assert "matter" in error.value.errors


def test_non_dict_data_is_a_400(db):
    with pytest.raises(ApplicationError) as error:
        complaint_submit(actor=None, data=["title"])
    assert error.value.status == 400


def test_consultation_needs_no_location(db, citizen):
    complaint = complaint_submit(actor=citizen, data={"title": "社保怎么转移", "kind": "consult"})
    assert complaint.pk and complaint.lat is None and complaint.grid is None


def test_address_alone_is_a_location(db, citizen):
    complaint = complaint_submit(
        actor=citizen, data={"title": "噪音扰民", "kind": "complaint", "address": "坪山大道1号"}
    )
    assert complaint.address == "坪山大道1号" and complaint.grid is None


def test_point_outside_every_grid_keeps_coordinates(place, citizen):
    complaint = complaint_submit(actor=citizen, data=payload(place, lat=23.5, lng=113.0))
    assert (complaint.lat, complaint.lng, complaint.grid, complaint.street) == (23.5, 113.0, None, None)


def test_citizen_contact_defaults_to_their_own(place, citizen):
    complaint = complaint_submit(actor=citizen, data=payload(place, contact_name=None, contact_phone=None))
    assert (complaint.contact_name, complaint.contact_phone) == ("李四", "13900001111")


def test_anonymous_caller_without_contact_when_anonymous(place):
    complaint = complaint_submit(
        actor=AnonymousUser(), data=payload(place, contact_name=None, contact_phone=None, anonymous=True)
    )
    assert complaint.anonymous and complaint.citizen is None and complaint.created_by is None
    assert complaint.channel == "web" and complaint.contact_phone == ""


def test_channel_defaults_by_role_and_staff_may_choose(place, operator):
    grid_worker = UserFactory(role=Role.GRID_WORKER)
    assert complaint_submit(actor=operator, data=payload(place)).channel == "hotline"
    assert complaint_submit(actor=grid_worker, data=payload(place)).channel == "grid"
    assert complaint_submit(actor=operator, data=payload(place, channel="wechat")).channel == "wechat"
    assert complaint_submit(actor=None, data=payload(place, channel="open311")).channel == "open311"


def test_citizen_may_say_web(place, citizen):
    assert complaint_submit(actor=citizen, data=payload(place, channel="web")).channel == "web"


def test_operator_records_call_time_within_seven_days(place, operator):
    now = timezone.now()
    call = now - timedelta(days=3)
    complaint = complaint_submit(actor=operator, data=payload(place, received_at=call.isoformat()), now=now)
    assert abs((complaint.received_at - call).total_seconds()) < 1


@pytest.mark.parametrize("delta", [timedelta(days=8), -timedelta(hours=1)])
def test_operator_call_time_too_old_or_in_future(place, operator, delta):
    now = timezone.now()
    with pytest.raises(ApplicationError) as error:
        complaint_submit(actor=operator, data=payload(place, received_at=(now - delta).isoformat()), now=now)
    assert "received_at" in error.value.errors


def test_operator_call_time_must_parse(place, operator):
    with pytest.raises(ApplicationError) as error:
        complaint_submit(actor=operator, data=payload(place, received_at="yesterday"))
    assert "received_at" in error.value.errors


def test_enterprise_credit_code_is_kept_upper_case(place, citizen):
    complaint = complaint_submit(
        actor=citizen, data=payload(place, enterprise_credit_code=VALID_USCC.lower())
    )
    assert complaint.enterprise_credit_code == VALID_USCC


def test_rule_in_force_at_the_call_time(place, operator):
    today = timezone.localdate()
    leaf = MatterFactory.leaf(name="路灯维修")
    old = leaf.rules.get()
    new = MatterRuleFactory(matter=leaf, version=2, effective_from=today - timedelta(days=1))
    call = timezone.now() - timedelta(days=3)
    data = payload(place, matter=leaf.code)
    assert complaint_submit(actor=operator, data={**data, "received_at": call.isoformat()}).matter_rule == old
    assert complaint_submit(actor=operator, data=data).matter_rule == new
    assert old.effective_from == date(2020, 1, 1)


def test_confident_suggestion_is_stored_as_suggested(place, citizen):
    leaf = MatterFactory.leaf(name="路灯维修", keywords="路灯,灯杆")
    MatterFactory.leaf(name="噪音污染", keywords="噪音,扰民")
    MatterFactory.leaf(name="垃圾清运", keywords="垃圾,清运")
    complaint = complaint_submit(actor=citizen, data=payload(place, title="路灯维修", description="路灯坏了"))
    assert complaint.matter == leaf and complaint.matter_suggested
    assert complaint.matter_rule == leaf.rules.get()
    submit = complaint.events.get(action="submit")
    assert submit.payload["suggested_matter"] == leaf.code


def test_unclear_text_leaves_matter_empty(place, citizen):
    MatterFactory.leaf(name="路灯维修", keywords="路灯")
    MatterFactory.leaf(name="噪音污染", keywords="噪音")
    MatterFactory.leaf(name="垃圾清运", keywords="垃圾")
    complaint = complaint_submit(actor=citizen, data=payload(place, title="有点事情", description="请联系我"))
    assert complaint.matter is None and not complaint.matter_suggested


def test_given_matter_is_not_marked_suggested(place, citizen):
    leaf = MatterFactory.leaf(name="路灯维修")
    complaint = complaint_submit(actor=citizen, data=payload(place, matter=leaf.code))
    assert complaint.matter == leaf and not complaint.matter_suggested


def test_crisis_words_are_recorded_on_the_submit_event(place, citizen):
    complaint = complaint_submit(actor=citizen, data=payload(place, description="欠薪半年，我真的不想活了"))
    assert complaint.events.get(action="submit").payload["crisis_signals"] == ["不想活"]
    assert crisis_signals("同 归 于 尽") == ["同归于尽"]
    assert crisis_signals("路灯坏了") == []


def test_operator_answers_a_consultation_at_intake(db, operator):
    complaint = complaint_submit(
        actor=operator,
        data={
            "title": "社保转移",
            "kind": "consult",
            "contact_name": "赵六",
            "contact_phone": "13700001111",
            "answer": "请携带身份证到社保窗口办理",
        },
    )
    assert complaint.status == Status.ANSWERED and complaint.answer.startswith("请携带")
    assert list(complaint.events.values_list("action", flat=True)) == ["submit", "answer"]


def test_answer_only_for_consultations(place, operator):
    with pytest.raises(ApplicationError) as error:
        complaint_submit(actor=operator, data=payload(place, answer="已处理"))
    assert "answer" in error.value.errors
    assert Complaint.objects.count() == 0
