"""What the psychological service centre records is visible only to that centre."""

import pytest

from grids.models import UnitKind
from grievance.selectors.complaints import PSYCH_PRIVATE_NOTE, complaint_events_for_actor
from grievance.services.transitions import complaint_transition
from tests.grievance.factories import ComplaintFactory, UnitFactory, UserFactory, membership

pytestmark = pytest.mark.django_db


def test_psych_centre_notes_are_hidden_from_other_staff():
    lead = UnitFactory(code="PS-CG", kind=UnitKind.DEPARTMENT)
    centre = UnitFactory(code="PS-XLFW", kind=UnitKind.PSYCH_CENTRE)
    dispatcher = UserFactory(role="dispatcher")
    counsellor = UserFactory(role="handler")
    membership(counsellor, centre)
    handler = UserFactory(role="handler")
    membership(handler, lead)
    complaint = ComplaintFactory()
    complaint_transition(complaint_id=complaint.pk, action="dispatch", params={"unit": "PS-CG"})
    complaint = complaint_transition(complaint_id=complaint.pk, action="psych_refer", actor=dispatcher)
    assignment = complaint.assignments.get(unit=centre, active=True)
    assert assignment.role == "co" and assignment.due_at is not None  # the urgent clock

    complaint_transition(
        complaint_id=complaint.pk,
        action="co_reply",
        actor=counsellor,
        params={"reply": "已电话联系，情绪稳定"},
    )

    def reply_note(user):
        return next(
            e.note
            for e in complaint_events_for_actor(user=user, complaint=complaint)
            if e.action == "co_reply"
        )

    assert reply_note(counsellor) == "已电话联系，情绪稳定"
    assert reply_note(handler) == PSYCH_PRIVATE_NOTE
    assert reply_note(dispatcher) == PSYCH_PRIVATE_NOTE
    assert complaint.events.get(action="co_reply").note == "已电话联系，情绪稳定"  # stored intact

    citizen = UserFactory(role="citizen")
    assert all(e.public for e in complaint_events_for_actor(user=citizen, complaint=complaint))
