"""Attachments: content checked by magic bytes, size cap, random stored names, who may upload; the
photo that lets a grid worker resolve on the spot (complaint_action derives ``_has_photo``)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from common.exceptions import ApplicationError
from grievance.models import Attachment, Status
from grievance.services.actions import complaint_action
from grievance.services.attachments import attachment_add, sniff_content_type
from tests.grievance.factories import ComplaintFactory, UserFactory, territory
from tests.security.images import JPEG, PNG, WEBP

PDF = b"%PDF-1.7\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def place(db):
    return territory()


@pytest.fixture
def citizen(db):
    return UserFactory(role=Role.CITIZEN)


@pytest.fixture
def complaint(place, citizen):
    lat, lng = place.inside
    return ComplaintFactory(citizen=citizen, grid=place.grid, lat=lat, lng=lng)


def upload(content: bytes, name: str = "photo.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (WEBP, "image/webp"),
        (PDF, "application/pdf"),
        (b"GIF89a", None),
    ],
)
def test_sniff_by_magic_bytes(head, expected):
    detected = sniff_content_type(head[:16])
    assert (detected[0] if detected else None) == expected


def test_png_is_stored_under_a_random_name_with_an_event(complaint, citizen, media_in_tmp):
    attachment = attachment_add(complaint=complaint, file=upload(PNG, "../../etc/现场.png"), actor=citizen)
    assert attachment.content_type == "image/png" and attachment.size > 0
    assert attachment.original_name == "现场.png"
    assert re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}\.png", attachment.file.name)
    stored = (media_in_tmp / attachment.file.name).read_bytes()
    assert stored.startswith(b"\x89PNG") and len(stored) == attachment.size  # re-encoded copy
    assert attachment.event.action == "attach" and attachment.event.actor == citizen
    assert attachment.uploaded_by == citizen


def test_pdf_declared_as_image_is_stored_as_pdf(complaint, citizen):
    attachment = attachment_add(
        complaint=complaint, file=upload(PDF, "scan.jpg", "image/jpeg"), actor=citizen
    )
    assert attachment.content_type == "application/pdf" and attachment.file.name.endswith(".pdf")


def test_text_disguised_as_png_is_refused(complaint, citizen):
    with pytest.raises(ApplicationError) as error:
        attachment_add(complaint=complaint, file=upload(b"just some text, not an image"), actor=citizen)
    assert error.value.status == 400 and "file" in error.value.errors
    assert not Attachment.objects.exists()
    assert not complaint.events.filter(action="attach").exists()


def test_size_cap_from_settings(complaint, citizen, settings):
    settings.GRIEVANCE = {**settings.GRIEVANCE, "ATTACHMENT_MAX_BYTES": 50}
    with pytest.raises(ApplicationError) as error:
        attachment_add(complaint=complaint, file=upload(PNG), actor=citizen)
    assert "file" in error.value.errors
    with pytest.raises(ApplicationError):
        attachment_add(complaint=complaint, file=upload(b""), actor=citizen)
    with pytest.raises(ApplicationError):
        attachment_add(complaint=complaint, file=None, actor=citizen)
    assert not Attachment.objects.exists()


def test_only_actors_with_a_role_upload(complaint):
    for outsider in (UserFactory(role=Role.CITIZEN), UserFactory(role=Role.SUPERVISOR)):
        with pytest.raises(ApplicationError) as error:
            attachment_add(complaint=complaint, file=upload(PNG), actor=outsider)
        assert error.value.status == 403
    operator = UserFactory(role=Role.OPERATOR)
    assert attachment_add(complaint=complaint, file=upload(JPEG, "a.jpg"), actor=operator).pk


def test_nothing_added_to_a_final_complaint(place, citizen):
    closed = ComplaintFactory(citizen=citizen, status=Status.CLOSED)
    with pytest.raises(ApplicationError) as error:
        attachment_add(complaint=closed, file=upload(PNG), actor=citizen)
    assert error.value.status == 409


# --- resolve on the spot needs the actor's photo ----------------------------------------------------


@pytest.fixture
def grid_worker(place):
    worker = UserFactory(role=Role.GRID_WORKER)
    place.grid.workers.add(worker)
    return worker


def test_resolve_on_spot_refused_without_a_photo_even_if_client_claims_one(complaint, grid_worker):
    with pytest.raises(ApplicationError) as error:
        complaint_action(
            complaint_id=complaint.pk,
            action="resolve_on_spot",
            actor=grid_worker,
            params={"result": "已清理", "_has_photo": True},
        )
    assert error.value.status == 409
    complaint.refresh_from_db()
    assert complaint.status == Status.SUBMITTED


def test_someone_elses_photo_or_a_pdf_does_not_count(complaint, grid_worker, citizen):
    attachment_add(complaint=complaint, file=upload(PNG), actor=citizen)
    attachment_add(complaint=complaint, file=upload(PDF, "a.pdf"), actor=grid_worker)
    with pytest.raises(ApplicationError) as error:
        complaint_action(
            complaint_id=complaint.pk,
            action="resolve_on_spot",
            actor=grid_worker,
            params={"result": "已清理"},
        )
    assert error.value.status == 409


def test_resolve_on_spot_with_own_photo_closes(complaint, grid_worker):
    attachment_add(complaint=complaint, file=upload(JPEG, "after.jpg"), actor=grid_worker)
    closed = complaint_action(
        complaint_id=complaint.pk, action="resolve_on_spot", actor=grid_worker, params={"result": "已清理"}
    )
    assert closed.status == Status.CLOSED and closed.resolved is True


def test_action_name_is_required(complaint, grid_worker):
    with pytest.raises(ApplicationError) as error:
        complaint_action(complaint_id=complaint.pk, action=None, actor=grid_worker, params={})
    assert error.value.status == 400 and "action" in error.value.errors
