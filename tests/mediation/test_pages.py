"""The mediation pages through Django's test client: workbench, registration, the case page and its
action forms, the agreement document, conversion from a complaint, the organisations overview."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from grievance.models import Status
from mediation.models import CaseStatus, MediationCase, Session
from tests.grievance.actors import actors, complaint_in
from tests.mediation.factories import PERSON_A, PERSON_C, PERSON_D, case_in


def browser_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_workbench_lists_my_cases_sessions_and_deadlines(world):
    case = case_in(world, CaseStatus.MEDIATING)
    Session.objects.create(
        case=case, sequence=1, starts_at=timezone.now() + timedelta(hours=2), place="六和社区调解室"
    )
    page = browser_for(world.mediator).get("/mediation/")
    text = page.content.decode()
    assert page.status_code == 200
    assert case.number in text and "六和社区调解室" in text and "调解期限届满" in text
    other = browser_for(world.other_mediator).get("/mediation/").content.decode()
    assert case.number not in other
    assert browser_for(world.citizen).get("/mediation/").status_code == 404


@pytest.mark.django_db
def test_registering_through_the_form_shows_errors_next_to_fields_then_stores(world):
    client = browser_for(world.mediator)
    form = {
        "organisation": world.street.code,
        "dispute_type": "neighbour",
        "source": "application_oral",
        "summary": "邻居占用楼道堆放杂物",
        "applicant_kind": "person",
        "applicant_name": "张三丰",
        "applicant_id_number": "440310198001011230",  # wrong check digit
        "respondent_kind": "person",
        "respondent_name": "王芳",
    }
    page = client.post("/mediation/cases/new/", form)
    text = page.content.decode()
    assert page.status_code == 400 and "校验位错误" in text and "口头申请应当场记录" in text
    assert 'aria-invalid="true"' in text and not MediationCase.objects.exists()
    form.update(applicant_id_number=PERSON_A, oral_application_record="申请人口述：邻居长期占用楼道。")
    page = client.post("/mediation/cases/new/", form)
    case = MediationCase.objects.get()
    assert page.status_code == 302 and page["Location"] == f"/mediation/cases/{case.pk}/"
    assert case.parties.get(role="applicant").sex == "male"


@pytest.mark.django_db
def test_the_case_page_offers_the_allowed_actions_and_applies_them(world):
    case = case_in(world, CaseStatus.ACCEPTED)
    client = browser_for(world.mediator)
    text = client.get(f"/mediation/cases/{case.pk}/").content.decode()
    assert 'value="start"' in text and 'value="schedule_session"' in text and 'value="agree"' not in text
    page = client.post(f"/mediation/cases/{case.pk}/act/", {"action": "start"})
    assert page.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING
    page = client.post(f"/mediation/cases/{case.pk}/act/", {"action": "terminate", "reason": "双方差距大"})
    assert page.status_code == 400 and "legal_channels" in page.content.decode()
    page = client.post(f"/mediation/cases/{case.pk}/act/", {"action": "accept"})
    assert page.status_code == 409
    assert browser_for(world.other_mediator).get(f"/mediation/cases/{case.pk}/").status_code == 404
    assert (
        browser_for(world.other_mediator)
        .post(f"/mediation/cases/{case.pk}/act/", {"action": "start"})
        .status_code
        == 404
    )


@pytest.mark.django_db
def test_masked_view_for_readers_outside_the_case(world):
    case = case_in(world, CaseStatus.AGREED)
    text = browser_for(world.hub_mediator).get(f"/mediation/cases/{case.pk}/").content.decode()
    assert "已脱敏" in text and PERSON_A not in text and "张**" in text
    document = browser_for(world.hub_mediator).get(f"/mediation/cases/{case.pk}/agreement/").content.decode()
    assert PERSON_A not in document and "已脱敏" in document
    own = browser_for(world.mediator).get(f"/mediation/cases/{case.pk}/agreement/").content.decode()
    assert PERSON_A in own and case.number in own


@pytest.mark.django_db
def test_a_dispatcher_converts_a_complaint_on_its_page(world):
    people = actors()
    complaint = complaint_in(people, Status.IN_PROGRESS)
    client = browser_for(people.dispatcher)
    assert complaint.title in client.get(f"/mediation/from-complaint/{complaint.pk}/").content.decode()
    page = client.post(
        f"/mediation/from-complaint/{complaint.pk}/",
        {
            "organisation": world.street.code,
            "dispute_type": "neighbour",
            "respondent_kind": "person",
            "respondent_name": "王芳",
        },
    )
    case = MediationCase.objects.get()
    assert page.status_code == 302 and page["Location"] == f"/mediation/cases/{case.pk}/"
    complaint.refresh_from_db()
    assert complaint.status == Status.MEDIATING
    assert (
        browser_for(people.other_handler).get(f"/mediation/from-complaint/{complaint.pk}/").status_code == 404
    )


@pytest.mark.django_db
def test_the_organisations_overview_shows_rates_and_availability(world):
    case_in(world, CaseStatus.CLOSED)
    case_in(world, CaseStatus.FAILED)
    text = browser_for(world.supervisor).get("/mediation/organisations/").content.decode()
    assert "坪山街道人民调解委员会" in text and "50%" in text and "可接案" in text
    detail = (
        browser_for(world.supervisor).get(f"/mediation/organisations/{world.street.code}/").content.decode()
    )
    assert "调解员m-one" in detail


@pytest.mark.django_db
def test_a_group_of_workers_with_representatives_is_added_on_the_case_page(world):
    case = case_in(world, CaseStatus.MEDIATING, dispute_type="labour")
    page = browser_for(world.mediator).post(
        f"/mediation/cases/{case.pk}/act/",
        {
            "action": "add_party",
            "party_role": "applicant",
            "party_kind": "group",
            "party_name": "刘一等11名劳动者",
            "party_group_size": "11",
            "party_representatives": f"刘一，{PERSON_C}，13600001111\n陈二 {PERSON_D}",
        },
    )
    assert page.status_code == 302
    group = case.parties.get(kind="group")
    assert group.group_size == 11
    assert [(r.name, r.id_number) for r in group.representatives.order_by("id")] == [
        ("刘一", PERSON_C),
        ("陈二", PERSON_D),
    ]


@pytest.mark.django_db
def test_a_mediator_pauses_and_resumes_taking_cases(world):
    from mediation.models import Mediator
    from mediation.selectors.mediators import mediator_is_available

    client = browser_for(world.mediator)
    until = (timezone.localdate() + timedelta(days=3)).isoformat()
    assert (
        client.post(
            "/mediation/availability/", {"available": "false", "unavailable_until": until}
        ).status_code
        == 302
    )
    membership = Mediator.objects.get(user=world.mediator)
    assert membership.unavailable_until.isoformat() == until and not mediator_is_available(
        mediator=membership
    )
    assert "暂停至" in client.get("/mediation/").content.decode()
    client.post("/mediation/availability/", {"available": "true"})
    membership.refresh_from_db()
    assert membership.unavailable_until is None and mediator_is_available(mediator=membership)
