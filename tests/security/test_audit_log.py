"""Audit (issue 11, §5): the complaint event log and the "who looked" log are append-only, enforced
by PostgreSQL itself — the ORM, a raw SQL statement and a cascading delete all fail — while new rows
can always be added. Only the anonymisation's redaction mode may rewrite an event's note/payload."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from grievance.models import ComplaintEvent, PersonalDataRead
from grievance.services.privacy import personal_data_read_record
from tests.grievance.actors import actors, complaint_in


@pytest.fixture
def event(require_postgres, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = actors()
    complaint = complaint_in(world, "in_progress")
    return world, complaint, complaint.events.get(action="dispatch")


def _refused(statement) -> str:
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        statement()
    return str(refused.value)


def test_events_cannot_be_updated_or_deleted(event):
    _world, complaint, dispatch = event
    rows = ComplaintEvent.objects.filter(pk=dispatch.pk)
    assert "append-only" in _refused(lambda: rows.update(note="rewritten"))
    assert "append-only" in _refused(lambda: rows.delete())

    def raw_sql():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE grievance_complaintevent SET action = 'close' WHERE id = %s", [dispatch.pk]
            )

    assert "UPDATE refused" in _refused(raw_sql)
    dispatch.refresh_from_db()
    assert dispatch.action == "dispatch" and dispatch.note != "rewritten"
    ComplaintEvent.objects.create(complaint=complaint, at=timezone.now(), action="note", note="追加")
    assert complaint.events.count() == 2


def test_deleting_a_user_who_acted_is_refused_rather_than_erasing_the_actor(event):
    world, complaint, _dispatch = event
    ComplaintEvent.objects.create(complaint=complaint, at=timezone.now(), actor=world.lead, action="sign")
    _refused(lambda: world.lead.delete())  # deactivate people instead: the log keeps who acted
    assert ComplaintEvent.objects.filter(actor=world.lead).exists()


def test_redaction_mode_may_change_only_note_and_payload(event):
    _world, _complaint, dispatch = event
    rows = ComplaintEvent.objects.filter(pk=dispatch.pk)

    def redact(**changes):  # as grievance.services.privacy does: on, change, off (a rollback undoes it)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL grievance.redaction = 'on'")
            rows.update(**changes)
            cursor.execute("SET LOCAL grievance.redaction = 'off'")

    with transaction.atomic():
        redact(note="已脱敏", payload={"reason": "***"})
    assert rows.get().note == "已脱敏"
    _refused(lambda: redact(action="close"))
    _refused(lambda: redact(at=timezone.now()))
    _refused(lambda: rows.update(note="again"))  # outside the mode


def test_who_looked_rows_are_append_only(event):
    world, complaint, _dispatch = event
    record = personal_data_read_record(
        user=world.dispatcher,
        subject="grievance.complaint",
        subject_id=complaint.pk,
        fields=["contact_phone"],
        via="api",
        complaint_id=complaint.pk,
    )
    rows = PersonalDataRead.objects.filter(pk=record.pk)
    _refused(lambda: rows.update(user=None))
    _refused(lambda: rows.delete())
    assert rows.get().user == world.dispatcher
