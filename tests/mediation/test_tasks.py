"""Tasks and commands are thin and idempotent: a replayed reminder sweep or PDF render changes nothing."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from mediation.models import Agreement, CaseStatus, MediationCase, Reminder
from mediation.tasks import agreement_pdf_render, reminders_sweep
from tests.mediation.factories import case_in


@pytest.mark.django_db
def test_the_sweep_task_and_command_apply_due_reminders_once(world):
    case = case_in(world, CaseStatus.MEDIATING)
    MediationCase.objects.filter(pk=case.pk).update(due_at=timezone.now() + timedelta(hours=5))
    assert reminders_sweep.run()["warnings"] == 1
    out = StringIO()
    call_command("mediation_reminders", stdout=out)
    assert "warnings=0" in out.getvalue()
    assert Reminder.objects.filter(case=case, kind="deadline_warning").count() == 1


@pytest.mark.django_db
def test_the_pdf_task_for_a_missing_or_draft_agreement_does_nothing(world):
    assert agreement_pdf_render.run(10**9) == "missing"
    case = case_in(world, CaseStatus.MEDIATING, draft=True)
    agreement = Agreement.objects.get(case=case)
    assert agreement_pdf_render.run(agreement.pk) == "missing"
    agreement.refresh_from_db()
    assert not agreement.document


@pytest.mark.django_db
def test_reaching_an_agreement_queues_its_pdf_on_commit(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(
        "mediation.services.transitions.enqueue", lambda task, *args: queued.append((task.name, args))
    )
    case = case_in(world, CaseStatus.MEDIATING, draft=True)
    from mediation.services.transitions import mediation_case_transition

    with django_capture_on_commit_callbacks(execute=True):
        mediation_case_transition(
            case_id=case.pk,
            action="agree",
            actor=world.mediator,
            params={"signed_by_parties": True, "signed_by_mediator": True, "sealed": True},
        )
    assert queued == [("mediation.agreement_pdf_render", (case.agreement.pk,))]
