"""Conversion from a complaint and back (issue item 7): the complaint waits in ``mediating`` and closes
with the outcome; the citizen follows it in the public timeline."""

from datetime import timedelta

import pytest
from django.utils import timezone

from common.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from grievance.models import ComplaintEvent, Status
from grievance.selectors.tracking import complaint_get_by_tracking_code
from mediation.models import CaseNumberSequence, CaseSource, CaseStatus, MediationCase, PartyRole
from mediation.services.complaint_link import mediation_case_from_complaint
from mediation.services.transitions import mediation_case_transition
from tests.grievance.actors import actors, complaint_in
from tests.mediation.factories import PERSON_A, PERSON_B, membership, person


@pytest.fixture
def people(world):
    return actors()


def _convert(world, complaint, actor, **extra):
    data = {
        "organisation": world.street.code,
        "dispute_type": "neighbour",
        "claims": "请求对方停止噪音并赔偿损失",
        "parties": [person("respondent", name="王芳", id_number=PERSON_B)],
        **extra,
    }
    return mediation_case_from_complaint(complaint_id=complaint.pk, actor=actor, data=data)


def _through_to_agreement(world, case):
    def act(action, actor=world.mediator, **params):
        return mediation_case_transition(case_id=case.pk, action=action, actor=actor, params=params)

    act("accept", actor=world.director)
    act(
        "assign_mediator",
        actor=world.director,
        mediator=membership(world, world.mediator).pk,
        how="appointed",
    )
    applicant = case.parties.get(role=PartyRole.APPLICANT)
    act("update_party", party=applicant.pk, fields={"id_number": PERSON_A})
    act("start")
    act(
        "draft_agreement",
        facts="楼上夜间噪音影响休息",
        terms="被申请人22时后不再装修，并赔偿500元",
        performance_method="当面支付现金",
        performance_deadline=(timezone.localdate() + timedelta(days=7)).isoformat(),
        amount="500",
    )
    act("agree", signed_by_parties=True, signed_by_mediator=True, sealed=True)
    return act


@pytest.mark.django_db
def test_a_dispatcher_turns_a_complaint_into_a_case_and_it_closes_with_the_agreement(world, people):
    complaint = complaint_in(people, Status.IN_PROGRESS)
    case = _convert(world, complaint, people.dispatcher)

    assert case.source == CaseSource.COMPLAINT and case.status == CaseStatus.APPLIED
    assert case.complaint_id == complaint.pk and case.source_reference == complaint.tracking_code
    assert case.summary == complaint.description
    applicant = case.parties.get(role=PartyRole.APPLICANT)
    assert (applicant.name, applicant.phone) == (complaint.contact_name, complaint.contact_phone)
    complaint.refresh_from_db()
    assert complaint.status == Status.MEDIATING and complaint.suspended_at is not None
    assert complaint.next_check_at is None  # no clock runs while it waits

    act = _through_to_agreement(world, case)
    complaint.refresh_from_db()
    assert complaint.status == Status.MEDIATING  # agreed, but performance not yet recorded
    act("record_performance", performance="performed", note="已当面支付")
    act("close")

    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.resolved is True and complaint.closed_at
    timeline = complaint_get_by_tracking_code(code=complaint.tracking_code).public_events
    actions = [e.action for e in timeline]
    assert actions[-2:] == ["to_mediation", "mediation_result"]
    assert case.number in timeline[-2].note and "调解达成协议" in timeline[-1].note
    assert "王芳" not in timeline[-1].note and PERSON_B not in str(timeline[-1].payload)


@pytest.mark.django_db
def test_the_lead_unit_may_convert_other_units_may_not(world, people):
    complaint = complaint_in(people, Status.DISPATCHED)
    with pytest.raises(PermissionDeniedError):
        _convert(world, complaint, people.co)  # co-handler: sees it, may not convert
    with pytest.raises(NotFoundError):
        _convert(world, complaint, people.other_handler)  # cannot even see it
    assert not MediationCase.objects.exists()
    assert not CaseNumberSequence.objects.filter(last__gt=0).exists()  # the number went back
    case = _convert(world, complaint, people.lead)
    assert case.number.endswith("第1号")


@pytest.mark.django_db
def test_a_closed_complaint_cannot_be_converted_and_bad_input_stores_nothing(world, people):
    closed = complaint_in(people, Status.CLOSED)
    with pytest.raises(ConflictError):
        _convert(world, closed, people.dispatcher)
    open_one = complaint_in(people, Status.IN_PROGRESS)
    with pytest.raises(ApplicationError) as caught:
        _convert(world, open_one, people.dispatcher, parties=[])
    assert "parties" in caught.value.errors  # no respondent
    assert not MediationCase.objects.exists()
    open_one.refresh_from_db()
    assert open_one.status == Status.IN_PROGRESS


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ending", "params", "complaint_status"),
    [
        ("terminate", {"reason": "双方差距过大", "legal_channels": "可向法院起诉"}, Status.IN_PROGRESS),
        ("withdraw", {"reason": "申请人已与对方自行和解"}, Status.CLOSED),
    ],
)
def test_failure_gives_the_complaint_back_withdrawal_closes_it(
    world, people, ending, params, complaint_status
):
    complaint = complaint_in(people, Status.IN_PROGRESS)
    case = _convert(world, complaint, people.dispatcher)
    mediation_case_transition(case_id=case.pk, action="accept", actor=world.director)
    mediation_case_transition(
        case_id=case.pk,
        action="assign_mediator",
        actor=world.director,
        params={"mediator": membership(world, world.mediator).pk, "how": "appointed"},
    )
    mediation_case_transition(case_id=case.pk, action=ending, actor=world.mediator, params=params)
    complaint.refresh_from_db()
    assert complaint.status == complaint_status
    event = ComplaintEvent.objects.filter(complaint=complaint).order_by("-id").first()
    assert event.action == "mediation_result" and event.actor is None and event.public
    assert case.number in event.note
    if complaint_status == Status.IN_PROGRESS:
        assert complaint.handle_deadline > timezone.now() and complaint.lead_unit == people.community


@pytest.mark.django_db
def test_a_refused_application_from_the_dispatch_queue_goes_back_to_the_queue(world, people):
    complaint = complaint_in(people, Status.PENDING_DISPATCH, dispatch=False)
    case = _convert(world, complaint, people.dispatcher)
    mediation_case_transition(
        case_id=case.pk, action="refuse", actor=world.member, params={"reason": "不属于受理范围"}
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.PENDING_DISPATCH
