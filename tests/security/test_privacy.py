"""Privacy (issue 11, §5): reading a full phone number is itself logged ("who looked"), one citizen's
data can be exported, and final complaints past the retention period are anonymised — contact,
citizen link, supporters, notification addresses, files, and phone/ID numbers and names in every text
including the event log — idempotently, by a service, a command and a beat task."""

import io
import json
import os
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from common.exceptions import ConflictError
from grievance.models import Attachment, Complaint, ComplaintEvent, ComplaintSupport, Notification
from grievance.models import PersonalDataRead as Read
from grievance.services.attachments import attachment_add
from grievance.services.privacy import ANONYMISE_ACTION, complaint_anonymise, complaints_anonymise_expired
from tests.grievance.actors import complaint_in
from tests.security.images import PNG
from tests.security.world import FOREIGN_NAME, FOREIGN_PHONE

ID_NUMBER = "440310198001011234"


def test_full_contact_reads_are_recorded_masked_ones_are_not(sw, clients):
    foreign = sw.foreign
    assert (
        clients["dispatcher"].get(f"/api/v1/complaints/{foreign.pk}/").json()["contact_phone"]
        == FOREIGN_PHONE
    )
    page = clients["dispatcher"].get(f"/work/complaints/{foreign.pk}/")
    assert FOREIGN_PHONE in page.content.decode()
    supervisor = clients["supervisor"].get(f"/api/v1/complaints/{foreign.pk}/").json()
    assert supervisor["contact_phone"] == "137****9999"  # masked: nothing to record

    reads = list(Read.objects.filter(complaint=foreign).order_by("id"))
    assert [(r.user, r.via, r.fields) for r in reads] == [
        (sw.world.dispatcher, "api", ["contact_name", "contact_phone"]),
        (sw.world.dispatcher, "web", ["contact_name", "contact_phone"]),
    ]
    assert reads[0].path == f"/api/v1/complaints/{foreign.pk}/" and reads[0].subject == "grievance.complaint"


def test_a_citizens_data_export_covers_account_complaints_and_is_itself_recorded(sw, tmp_path):
    w = sw.world
    out = tmp_path / "export.json"
    call_command("citizen_data_export", username=w.citizen.username, by=w.admin.username, output=str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["account"]["username"] == w.citizen.username
    exported = {c["tracking_code"] for c in data["complaints"]}
    assert {sw.foreign.tracking_code, sw.own.tracking_code} <= exported
    foreign = next(c for c in data["complaints"] if c["tracking_code"] == sw.foreign.tracking_code)
    assert foreign["contact_phone"] == FOREIGN_PHONE and foreign["attachments"]
    assert all(e["action"] for e in foreign["events"])
    assert Read.objects.filter(user=w.admin, via="export", complaint=sw.foreign).count() == 1

    by_phone = io.StringIO()
    call_command("citizen_data_export", phone=FOREIGN_PHONE, by=w.admin.username, stdout=by_phone)
    assert [c["tracking_code"] for c in json.loads(by_phone.getvalue())["complaints"]] == [
        sw.foreign.tracking_code
    ]


@pytest.fixture
def closed(sw):
    """The foreign complaint closed long ago, with personal data everywhere it can hide."""
    w = sw.world
    complaint = sw.foreign
    attachment = Attachment.objects.get(complaint=complaint)
    ComplaintSupport.objects.create(complaint=complaint, contact_name="附议人丙", contact_phone="13911112222")
    ComplaintEvent.objects.create(
        complaint=complaint,
        at=timezone.now(),
        actor=w.other_handler,
        action="note",
        note=f"已电话联系{FOREIGN_NAME}（{FOREIGN_PHONE}），身份证{ID_NUMBER}",
        payload={"reason": f"回访 {FOREIGN_PHONE}", "nested": [f"{FOREIGN_NAME}"]},
    )
    long_ago = timezone.now() - timedelta(days=4000)
    Complaint.objects.filter(pk=complaint.pk).update(
        status="closed",
        closed_at=long_ago,
        description=f"我是{FOREIGN_NAME}，电话 {FOREIGN_PHONE}，门牌 88 号",
        result=f"已回复 {FOREIGN_PHONE}",
    )
    return complaint, attachment


def test_anonymisation_removes_who_the_citizen_is_everywhere(sw, closed, django_capture_on_commit_callbacks):
    complaint, attachment = closed
    path = attachment.file.path
    with django_capture_on_commit_callbacks(execute=True):
        assert complaints_anonymise_expired() == 1
    complaint.refresh_from_db()
    assert complaint.contact_name == complaint.contact_phone == "" and complaint.citizen is None
    for text in (complaint.description, complaint.result):
        assert FOREIGN_PHONE not in text and FOREIGN_NAME not in text
    assert "88 号" in complaint.description  # the rest of the text stays for the record
    assert complaint.status == "closed" and complaint.matter_id == sw.foreign.matter_id
    everything = json.dumps(
        [
            list(complaint.events.values("note", "payload")),
            list(Notification.objects.filter(complaint=complaint).values()),
        ],
        ensure_ascii=False,
        default=str,
    )
    assert FOREIGN_PHONE not in everything and ID_NUMBER not in everything and FOREIGN_NAME not in everything
    assert not ComplaintSupport.objects.filter(complaint=complaint).exclude(contact_phone="").exists()
    assert not Attachment.objects.filter(complaint=complaint).exists()
    assert not os.path.exists(path)
    marker = complaint.events.get(action=ANONYMISE_ACTION)
    assert marker.actor is None and marker.public is False

    assert complaints_anonymise_expired() == 0  # idempotent
    assert complaint_anonymise(complaint_id=complaint.pk) is False


def test_open_and_recent_complaints_are_kept(sw, closed, settings):
    open_one = complaint_in(sw.world, "in_progress", contact_phone="13655556666")
    with pytest.raises(ConflictError):
        complaint_anonymise(complaint_id=open_one.pk)
    settings.GRIEVANCE = {**settings.GRIEVANCE, "RETENTION_DAYS": 5000}
    assert complaints_anonymise_expired() == 0
    out = io.StringIO()
    settings.GRIEVANCE = {**settings.GRIEVANCE, "RETENTION_DAYS": 30}
    call_command("complaints_anonymise", stdout=out)
    assert "anonymised 1 complaints" in out.getvalue()
    open_one.refresh_from_db()
    assert open_one.contact_phone == "13655556666"


def test_the_beat_task_is_scheduled_and_anonymises(sw, closed, settings):
    from config.celery import app
    from grievance.tasks_privacy import complaints_anonymise_expired as task

    entry = settings.CELERY_BEAT_SCHEDULE["complaints-anonymise-expired"]
    assert entry["task"] == task.name and task.name in app.tasks
    assert task() == 1


def test_uploads_after_anonymisation_are_refused(sw, closed):
    complaint, _attachment = closed
    complaints_anonymise_expired()
    with pytest.raises(ConflictError):
        attachment_add(
            complaint=complaint,
            file=SimpleUploadedFile("a.png", PNG, content_type="image/png"),
            actor=sw.world.other_handler,
        )
