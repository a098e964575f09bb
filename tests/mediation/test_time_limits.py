"""Time limits (DOMAIN.md §4): labour disputes 15 days from the application — after which the parties
may go to arbitration —, people's mediation one month (configurable); a last day on a holiday moves to
the next working day of the grids calendar; extensions only with both sides' consent; reminders once."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from common.exceptions import ConflictError
from grids.selectors.calendar import work_calendar_cache_clear
from grids.services.calendar import calendar_seed_from_package
from grids.worktime import WorkCalendar
from mediation.limits import case_due, months_add, time_limit_for
from mediation.models import CaseEvent, CaseStatus, Extension, MediationCase, Reminder, ReminderChannel
from mediation.selectors.cases import case_time_status
from mediation.services.cases import mediation_case_apply
from mediation.services.sweep import mediation_reminders_sweep
from mediation.services.transitions import mediation_case_transition
from tests.mediation.factories import application, case_in, enterprise, person

TZ = ZoneInfo("Asia/Shanghai")
MON_FRI = WorkCalendar()  # no year loaded: Monday–Friday, results flagged as estimates


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


# --- pure ------------------------------------------------------------------------------------------


def test_months_add_clamps_to_the_end_of_the_month():
    assert months_add(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert months_add(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert months_add(date(2026, 11, 15), 2) == date(2027, 1, 15)


def test_limits_per_type_from_configuration():
    limits = {"labour": (15, "natural_day")}
    assert time_limit_for("labour", limits=limits, default=(1, "month")) == (15, "natural_day")
    assert time_limit_for("neighbour", limits=limits, default=(1, "month")) == (1, "month")
    with pytest.raises(ValueError):
        time_limit_for("neighbour", limits={"neighbour": (0, "month")}, default=(1, "month"))
    with pytest.raises(ValueError):
        time_limit_for("neighbour", limits={"neighbour": (3, "working_hour")}, default=(1, "month"))


def test_without_a_loaded_year_the_weekday_estimate_is_flagged():
    due = case_due(at(2026, 9, 20, 10), 15, "natural_day", calendar=MON_FRI)
    assert due.at == at(2026, 10, 5, 18) and due.estimated  # a Monday: no holiday known


# --- with the real 2026 calendar (National Day and Mid-Autumn) --------------------------------------


@pytest.fixture
def calendar_2026(db):
    calendar_seed_from_package(years=[2026])
    work_calendar_cache_clear()
    yield
    work_calendar_cache_clear()


@pytest.mark.django_db
def test_labour_15_days_ending_in_the_national_day_holiday_move_to_the_next_working_day(world, calendar_2026):
    applied = at(2026, 9, 20, 10)  # a make-up working Sunday; +15 days = 5 October, a holiday
    case = mediation_case_apply(
        actor=world.director,
        data=application(
            world,
            dispute_type="labour",
            applied_at=applied.isoformat(),
            parties=[person("applicant"), enterprise()],
        ),
        now=applied + timedelta(hours=1),
    )
    assert (case.limit_amount, case.limit_unit) == (15, "natural_day")
    assert timezone.localtime(case.due_at) == at(2026, 10, 8, 18)  # 1–7 October are holidays
    assert case.deadline_estimated is False

    before = case_time_status(case=case, now=at(2026, 10, 7, 12))
    assert before["overdue"] is False and before["arbitration_open"] is False and before["warning"] is True
    after = case_time_status(case=case, now=at(2026, 10, 8, 18, 1))
    assert after["overdue"] is True and after["arbitration_open"] is True and after["limit"] == "15日"


@pytest.mark.django_db
def test_peoples_mediation_one_month_also_skips_the_holiday(world, calendar_2026):
    applied = at(2026, 9, 1, 9)
    case = mediation_case_apply(
        actor=world.director, data=application(world, applied_at=applied.isoformat()), now=applied
    )
    assert (case.limit_amount, case.limit_unit) == (1, "month")
    assert timezone.localtime(case.due_at) == at(2026, 10, 8, 18)
    status = case_time_status(case=case, now=at(2026, 10, 9, 9))
    assert status["overdue"] is True and status["arbitration_open"] is False  # not a labour dispute


@pytest.mark.django_db
def test_the_default_limit_is_configurable(world, settings, calendar_2026):
    settings.MEDIATION = {"DEFAULT_TIME_LIMIT": (20, "natural_day")}
    applied = at(2026, 5, 6, 9)  # +20 days = 26 May, a Tuesday
    case = mediation_case_apply(
        actor=world.director, data=application(world, applied_at=applied.isoformat()), now=applied
    )
    assert (case.limit_amount, case.limit_unit) == (20, "natural_day")
    assert timezone.localtime(case.due_at) == at(2026, 5, 26, 18)


@pytest.mark.django_db
def test_an_extension_needs_both_sides_and_moves_the_limit(world, calendar_2026):
    case = case_in(world, CaseStatus.MEDIATING)
    applicant, respondent = case.parties.order_by("id")
    base = {"days": 10, "reason": "需等待房屋鉴定结果", "consent_record": "双方在延期确认书上签字"}
    with pytest.raises(ConflictError) as caught:
        mediation_case_transition(
            case_id=case.pk,
            action="extend",
            actor=world.mediator,
            params={**base, "consents": [applicant.pk]},
        )
    assert "双方当事人同意" in caught.value.message and "被申请人" in caught.value.message
    assert not Extension.objects.filter(case=case).exists()

    old_due = case.due_at
    case = mediation_case_transition(
        case_id=case.pk,
        action="extend",
        actor=world.mediator,
        params={**base, "consents": [applicant.pk, respondent.pk]},
    )
    extension = Extension.objects.get(case=case)
    assert set(extension.consenting_parties.all()) == {applicant, respondent}
    assert extension.old_due_at == old_due and extension.new_due_at == case.due_at
    # The extension lengthens the period itself (its unrolled last day moves by 10 days); the limit then
    # ends on the first working day from that day, so the gap to the old (possibly rolled) end may be shorter.
    local = timezone.localtime(case.applied_at).date()
    assert case.limit_unit == "month"  # people's mediation: one month
    last_day = months_add(local, case.limit_amount) + timedelta(days=10)
    new_last = timezone.localtime(case.due_at).date()
    assert case.extension_days_total == 10 and case.due_at > old_due
    assert last_day <= new_last < last_day + timedelta(days=10)
    event = CaseEvent.objects.filter(case=case, action="extend").get()
    assert event.payload["days"] == 10


@pytest.mark.django_db
def test_warnings_and_expiry_are_recorded_once_and_labour_parties_are_told_of_arbitration(
    world, django_capture_on_commit_callbacks
):
    labour = case_in(
        world, CaseStatus.MEDIATING, dispute_type="labour", parties=[person("applicant"), enterprise()]
    )
    soon = case_in(world, CaseStatus.ACCEPTED)
    now = timezone.now()
    MediationCase.objects.filter(pk=labour.pk).update(due_at=now - timedelta(minutes=1))
    MediationCase.objects.filter(pk=soon.pk).update(due_at=now + timedelta(days=2))

    with django_capture_on_commit_callbacks(execute=True):  # the SMS go out after commit
        counts = mediation_reminders_sweep(now=now)
    assert counts["overdue"] == 1 and counts["warnings"] == 1
    labour.refresh_from_db()
    soon.refresh_from_db()
    assert labour.overdue_noted_at is not None and soon.warned_at is not None
    texts = list(Reminder.objects.filter(case=labour).values_list("channel", "text"))
    assert (ReminderChannel.IN_APP, texts[0][1]) in texts and "劳动仲裁" in texts[0][1]
    sms = Reminder.objects.filter(case=labour, channel=ReminderChannel.SMS)
    assert sms.count() == 2 and all(r.sent_at is not None for r in sms)  # the person and the enterprise
    assert Reminder.objects.filter(case=soon, recipient=world.mediator).count() == 1

    again = mediation_reminders_sweep(now=now + timedelta(minutes=5))
    assert again == {"sessions": 0, "warnings": 0, "overdue": 0, "confirmation": 0, "performance": 0}
    assert Reminder.objects.filter(case__in=[labour, soon]).count() == 4
