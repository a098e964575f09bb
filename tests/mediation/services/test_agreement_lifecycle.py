"""After the agreement: performance with proofs, payment orders for unpaid wages, credit facts for
enterprises that do not perform, the 30-day judicial-confirmation window and its reminder, return
visits; and on the way: mediators chosen or appointed, recusal, caseload, session reminders."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from common.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from mediation.models import (
    Agreement,
    CaseMediator,
    CaseStatus,
    PerformanceRecord,
    Reminder,
    ReminderChannel,
    ReturnVisit,
    Session,
)
from mediation.services.organisations import mediator_upsert
from mediation.services.sweep import mediation_reminders_sweep
from mediation.services.transitions import mediation_case_transition
from tests.mediation.factories import COMPANY, case_in, enterprise, membership, person


def act(case, action, actor, **params):
    return mediation_case_transition(case_id=case.pk, action=action, actor=actor, params=params)


@pytest.mark.django_db
def test_unpaid_wages_not_performed_flag_a_payment_order_and_reach_the_credit_ledger(
    world, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    case = case_in(
        world,
        CaseStatus.AGREED,
        dispute_type="labour",
        wage_arrears=True,
        parties=[person("applicant"), enterprise()],
    )
    company = case.parties.get(kind="enterprise")
    proof = SimpleUploadedFile("催告记录.jpg", b"\xff\xd8\xff" + b"0" * 100, content_type="image/jpeg")
    act(
        case, "record_performance", world.mediator, performance="not_performed", party=company.pk, proof=proof
    )
    agreement = Agreement.objects.get(case=case)
    assert agreement.performance_status == "not_performed" and agreement.payment_order_flagged_at is not None
    record = PerformanceRecord.objects.get(agreement=agreement)
    assert record.party == company and record.proof.name.endswith(".jpg")

    from credit.models import CreditRecord

    fact = CreditRecord.objects.get(source="mediation", source_ref=f"{agreement.pk}:{COMPANY}")
    assert fact.kind == "mediation_unperformed" and case.number in fact.title
    assert agreement.credit_fact_recorded_at is not None
    # Recording it again adds no second fact (the ledger is idempotent by source).
    act(case, "record_performance", world.mediator, performance="not_performed", party=company.pk)
    assert CreditRecord.objects.filter(source="mediation").count() == 1


@pytest.mark.django_db
def test_a_person_who_does_not_perform_is_not_reported_and_performed_wages_are_not_flagged(world):
    case = case_in(world, CaseStatus.AGREED)
    act(case, "record_performance", world.mediator, performance="not_performed")
    agreement = Agreement.objects.get(case=case)
    assert agreement.credit_fact_recorded_at is None and agreement.payment_order_flagged_at is None
    wages = case_in(
        world,
        CaseStatus.AGREED,
        dispute_type="labour",
        wage_arrears=True,
        parties=[person("applicant"), enterprise()],
    )
    act(wages, "record_performance", world.mediator, performance="performed", amount="3000")
    assert Agreement.objects.get(case=wages).payment_order_flagged_at is None
    closed = act(wages, "close", world.mediator)
    assert closed.status == CaseStatus.CLOSED and closed.closed_at is not None


@pytest.mark.django_db
def test_closing_needs_a_recorded_performance(world):
    case = case_in(world, CaseStatus.AGREED)
    with pytest.raises(ConflictError) as caught:
        act(case, "close", world.mediator)
    assert "履行情况" in caught.value.message


@pytest.mark.django_db
def test_judicial_confirmation_within_30_days_then_the_courts_decision(world):
    case = case_in(world, CaseStatus.AGREED)
    agreement = Agreement.objects.get(case=case)
    late = agreement.confirmation_deadline + timedelta(days=1)
    with pytest.raises(ConflictError) as caught:
        act(
            case,
            "record_confirmation",
            world.mediator,
            confirmation="applied",
            court="坪山区人民法院",
            at=late.isoformat(),
        )
    assert "30日" in caught.value.message
    with pytest.raises(ConflictError):
        act(case, "record_confirmation", world.mediator, confirmation="confirmed")  # not applied yet
    act(case, "record_confirmation", world.mediator, confirmation="applied", court="坪山区人民法院")
    act(
        case,
        "record_confirmation",
        world.director,
        confirmation="confirmed",
        court_reference="(2026)粤0310民特1号",
    )
    agreement.refresh_from_db()
    assert agreement.confirmation_status == "confirmed" and agreement.court == "坪山区人民法院"
    assert agreement.confirmation_decided_at is not None and agreement.court_reference.endswith("1号")


@pytest.mark.django_db
def test_confirmation_and_performance_reminders_go_out_once(world):
    case = case_in(world, CaseStatus.AGREED)
    now = timezone.now()
    Agreement.objects.filter(case=case).update(
        confirmation_deadline=now + timedelta(days=5), performance_deadline=(now - timedelta(days=1)).date()
    )
    counts = mediation_reminders_sweep(now=now)
    assert counts["confirmation"] == 1 and counts["performance"] == 1
    texts = set(Reminder.objects.filter(case=case, recipient=world.mediator).values_list("kind", flat=True))
    assert texts == {"confirmation_window", "performance_due"}
    assert (
        Reminder.objects.filter(case=case, channel=ReminderChannel.SMS, kind="confirmation_window").count()
        == 2
    )
    assert mediation_reminders_sweep(now=now + timedelta(minutes=1))["confirmation"] == 0


@pytest.mark.django_db
def test_sessions_are_reminded_the_day_before_to_mediators_and_parties(world):
    case = case_in(world, CaseStatus.MEDIATING)
    now = timezone.now()
    act(
        case,
        "schedule_session",
        world.mediator,
        starts_at=(now + timedelta(hours=20)).isoformat(),
        place="调解室",
    )
    later = act(
        case, "schedule_session", world.mediator, starts_at=(now + timedelta(days=3)).isoformat(), place="x"
    )
    assert later.sessions.count() == 2
    counts = mediation_reminders_sweep(now=now)
    assert counts["sessions"] == 1
    session = Session.objects.get(case=case, sequence=1)
    assert session.reminded_at is not None
    reminder = Reminder.objects.get(case=case, recipient=world.mediator, kind="session")
    assert "调解室" in reminder.text and case.number in reminder.text
    assert Reminder.objects.filter(case=case, kind="session", channel="sms").count() == 2
    assert mediation_reminders_sweep(now=now)["sessions"] == 0


@pytest.mark.django_db
def test_recording_a_session_with_attendees_and_minutes(world):
    case = case_in(world, CaseStatus.MEDIATING)
    applicant = case.parties.first()
    act(case, "record_session", world.mediator, minutes="双方陈述。", place="现场", attendees=[applicant.pk])
    session = Session.objects.get(case=case)
    assert session.status == "held" and list(session.attendees.all()) == [applicant]
    assert [m.user for m in session.mediators.all()] == [world.mediator]
    with pytest.raises(ApplicationError) as caught:
        act(case, "record_session", world.mediator, minutes="x", place="现场", attendees=[10**9])
    assert "attendees" in caught.value.errors


@pytest.mark.django_db
def test_mediators_chosen_or_appointed_recusal_and_caseload(world):
    case = case_in(world, CaseStatus.ACCEPTED)
    act(case, "assign_mediator", world.member, mediator=membership(world, world.mediator2).pk, how="chosen")
    links = {link.mediator.user: link for link in CaseMediator.objects.filter(case=case)}
    assert (
        links[world.mediator].lead
        and not links[world.mediator2].lead
        and links[world.mediator2].how == "chosen"
    )
    applicant = case.parties.first()
    act(
        case,
        "recuse_mediator",
        world.director,
        mediator=membership(world, world.mediator).pk,
        reason="与被申请人系亲属",
        requested_by=applicant.pk,
    )
    links = {link.mediator.user: link for link in CaseMediator.objects.filter(case=case)}
    assert not links[world.mediator].active and links[world.mediator].recused_at is not None
    assert links[world.mediator2].lead  # the remaining mediator now leads
    with pytest.raises(ConflictError) as caught:
        act(
            case,
            "assign_mediator",
            world.director,
            mediator=membership(world, world.mediator).pk,
            how="appointed",
        )
    assert "回避" in caught.value.message
    with pytest.raises(PermissionDeniedError):  # the recused mediator no longer acts on the case
        act(case, "start", world.mediator)

    mediator_upsert(user=world.member, organisation=world.street, max_caseload=1)
    act(case, "assign_mediator", world.director, mediator=membership(world, world.member).pk, how="appointed")
    other = case_in(world, CaseStatus.ACCEPTED)
    with pytest.raises(ConflictError) as caught:
        act(
            other,
            "assign_mediator",
            world.director,
            mediator=membership(world, world.member).pk,
            how="appointed",
        )
    assert "已满" in caught.value.message


@pytest.mark.django_db
def test_a_party_who_refuses_stops_the_mediation_and_is_told_other_channels(world):
    case = case_in(world, CaseStatus.MEDIATING)
    respondent = case.parties.get(role="respondent")
    case = act(case, "party_refuses", world.mediator, party=respondent.pk, reason="被申请人明确拒绝调解")
    respondent.refresh_from_db()
    assert case.status == CaseStatus.FAILED and respondent.refused_at is not None
    assert case.refused_by_party == respondent and "途径" in case.legal_channels_told
    with pytest.raises(ConflictError):
        act(case, "start", world.mediator)


@pytest.mark.django_db
def test_return_visits_are_recorded(world):
    case = case_in(world, CaseStatus.CLOSED)
    act(
        case,
        "return_visit",
        world.member,
        method="phone",
        note="已履行完毕，双方满意",
        satisfied="true",
        performed="true",
        party=case.parties.first().pk,
    )
    visit = ReturnVisit.objects.get(case=case)
    assert visit.satisfied is True and visit.performed is True and visit.recorded_by == world.member
