"""Uploads (issue 11, §4): accepted only as real images or PDF by content, size-capped, images
re-encoded with EXIF (GPS, camera, time) stripped and the orientation applied, random stored names,
served as downloads with ``nosniff``."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from common.exceptions import ApplicationError
from grievance.models import Attachment
from grievance.services.attachments import attachment_add
from tests.grievance.actors import actors, complaint_in
from tests.security.images import GPS_IFD, JPEG, PDF, PNG, WEBP, image_bytes, jpeg_with_gps


@pytest.fixture
def case(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = actors()
    return world, complaint_in(world, "in_progress")


def _upload(world, complaint, content: bytes, name: str = "photo.jpg"):
    file = SimpleUploadedFile(name, content, content_type="image/jpeg")
    return attachment_add(complaint=complaint, file=file, actor=world.lead)


def test_gps_and_camera_exif_are_stripped_and_orientation_applied(case):
    world, complaint = case
    original = jpeg_with_gps(size=(16, 8))
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the test image does carry GPS

    attachment = _upload(world, complaint, original)

    stored = attachment.file.read()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {} and not image.getexif().get_ifd(GPS_IFD)
    assert b"SpyCam" not in stored and b"Exif" not in stored
    assert image.size == (8, 16)  # orientation 6 applied before the metadata was dropped
    assert attachment.size == len(stored)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(PNG, "image/png"), (JPEG, "image/jpeg"), (WEBP, "image/webp"), (PDF, "application/pdf")],
)
def test_real_images_and_pdf_are_accepted_under_random_names(case, content, content_type):
    world, complaint = case
    attachment = _upload(world, complaint, content, name="../../etc/passwd<script>.exe")
    assert attachment.content_type == content_type
    assert re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}\.(png|jpg|webp|pdf)", attachment.file.name)
    assert "/" not in attachment.original_name


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # the magic bytes of a PNG, nothing of an image behind them
        b"\xff\xd8\xff\xe0" + b"<script>alert(1)</script>" * 4,
        b"GIF89a" + b"\x00" * 64,
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b"<!doctype html><script>alert(1)</script>",
        image_bytes("PNG")[:40],  # truncated
        image_bytes("BMP"),
    ],
)
def test_anything_else_is_refused_and_nothing_is_stored(case, content, tmp_path):
    world, complaint = case
    with pytest.raises(ApplicationError) as refused:
        _upload(world, complaint, content)
    assert refused.value.status == 400 and "file" in refused.value.errors
    assert not Attachment.objects.filter(complaint=complaint).exists()
    assert not list(tmp_path.rglob("*.*"))


def test_size_and_pixel_caps(case, settings):
    world, complaint = case
    settings.GRIEVANCE = {**settings.GRIEVANCE, "ATTACHMENT_MAX_BYTES": 1000}
    with pytest.raises(ApplicationError):
        _upload(world, complaint, image_bytes("PNG", size=(200, 200), color=(1, 2, 3)) + b"\x00" * 2000)
    settings.GRIEVANCE = {**settings.GRIEVANCE, "ATTACHMENT_MAX_BYTES": 10**7, "ATTACHMENT_MAX_PIXELS": 100}
    with pytest.raises(ApplicationError) as refused:
        _upload(world, complaint, image_bytes("PNG", size=(20, 20)))
    assert "尺寸" in str(refused.value.errors["file"][0])


def test_download_is_an_attachment_with_nosniff(case):
    from tests.integration.conftest import api_as

    world, complaint = case
    attachment = _upload(world, complaint, PNG, name="现场.png")
    response = api_as(world.lead).get(f"/api/v1/complaints/{complaint.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
