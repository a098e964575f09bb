"""Attachments of complaints: photos and PDF documents, checked by content and size-capped.

Invariants:
- The type is decided by the file's first bytes (JPEG, PNG, WebP, PDF); the client's name and declared
  type are never trusted. Anything else, an empty file or one over ``ATTACHMENT_MAX_BYTES`` (default
  10 MB) is refused with a field error on ``file`` and nothing is stored.
- Images are decoded and re-encoded with Pillow before they are stored: only the pixels survive (EXIF
  with GPS position, camera and time, ICC profiles and text chunks are dropped; the EXIF orientation is
  applied first so the photo still looks upright). A file that does not decode, or whose header
  claims more than ``ATTACHMENT_MAX_PIXELS`` pixels (a decompression bomb), is refused. PDFs are
  stored as sent (served only as downloads, ``nosniff``).
- Files are stored under random names (``Attachment.file`` upload_to); each upload writes an "attach"
  event in the same transaction unless it belongs to an event the caller gives.
- Only actors with a role on the complaint upload (the supervisor reads, never writes); nothing is
  added to a complaint that has reached a final status.
"""

import io
import os
import unicodedata
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from grievance.models import TERMINAL_STATUSES, Attachment, Complaint, ComplaintEvent
from grievance.selectors.access import complaint_actor_roles, complaint_actor_units
from grievance.workflow import ActorRole

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_COUNT = 30
DEFAULT_MAX_PIXELS = 40_000_000
NAME_MAX = 255
# Pillow format per accepted image type, and what the re-encoded file keeps.
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
JPEG_MODES = ("L", "RGB", "CMYK")


def attachment_max_bytes() -> int:
    return int(settings.GRIEVANCE.get("ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def attachment_max_count() -> int:
    return int(settings.GRIEVANCE.get("ATTACHMENT_MAX_COUNT", DEFAULT_MAX_COUNT))


def sniff_content_type(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) from a file's first bytes, or None for anything not accepted."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", ".jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", ".png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf", ".pdf"
    return None


def attachment_max_pixels() -> int:
    return int(settings.GRIEVANCE.get("ATTACHMENT_MAX_PIXELS", DEFAULT_MAX_PIXELS))


def image_reencode(file, content_type: str) -> ContentFile:
    """The image's pixels re-encoded in the same format without any metadata; ApplicationError (on
    ``file``) when it does not decode as that format or is too large in pixels."""
    from PIL import Image, ImageOps

    unreadable = ApplicationError(_("附件不符合要求"), errors={"file": [_("图片文件已损坏或无法识别")]})
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                if image.format != IMAGE_FORMATS[content_type]:
                    raise unreadable
                if image.width * image.height > attachment_max_pixels():
                    raise ApplicationError(
                        _("附件不符合要求"), errors={"file": [_("图片尺寸过大，请缩小后再上传")]}
                    )
                image.load()
                clean = ImageOps.exif_transpose(image)
    except ApplicationError:
        raise
    except Exception as error:  # truncated, corrupt, a bomb: Pillow raises many kinds
        raise unreadable from error
    finally:
        file.seek(0)
    clean.info = {}
    if content_type == "image/jpeg" and clean.mode not in JPEG_MODES:
        clean = clean.convert("RGB")
    out = io.BytesIO()
    options = {"quality": 88} if content_type in ("image/jpeg", "image/webp") else {"optimize": True}
    clean.save(out, format=IMAGE_FORMATS[content_type], exif=b"", **options)
    return ContentFile(out.getvalue())


def _original_name(name: str, extension: str) -> str:
    """The uploader's base name without paths or control characters (for Content-Disposition only)."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return (base or f"attachment{extension}")[-NAME_MAX:]


def _file_errors(file) -> tuple[dict, tuple[str, str] | None]:
    size = getattr(file, "size", None)
    if size is None:
        return {"file": [_("请选择要上传的文件")]}, None
    if size == 0:
        return {"file": [_("文件为空")]}, None
    if size > attachment_max_bytes():
        limit = attachment_max_bytes() / (1024 * 1024)
        return {"file": [_("文件不能超过 %(mb)s MB") % {"mb": f"{limit:g}"}]}, None
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    detected = sniff_content_type(head)
    if detected is None:
        return {"file": [_("只接受 JPEG、PNG、WebP 图片或 PDF 文件（按文件内容识别）")]}, None
    return {}, detected


@transaction.atomic
def attachment_add(*, complaint: Complaint, file, actor, event: ComplaintEvent | None = None) -> Attachment:
    """Store ``file`` (a Django ``File``/``UploadedFile``) as an attachment of ``complaint``.

    ``actor`` None is the system (e.g. an integration importing media). Raises 400 (bad file), 403
    (no role on the complaint), 409 (the complaint is final or has too many attachments)."""
    complaint = Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)
    roles = complaint_actor_roles(complaint=complaint, user=actor) - {ActorRole.SUPERVISOR}
    if not roles:
        raise PermissionDeniedError(_("您无权为该诉求上传附件"))
    if complaint.status in TERMINAL_STATUSES:
        raise ConflictError(_("诉求已办结，不能再上传附件"))
    if complaint.attachments.count() >= attachment_max_count():
        raise ConflictError(_("附件数量已达上限（%(n)d个）") % {"n": attachment_max_count()})
    errors, detected = _file_errors(file)
    if errors:
        raise ApplicationError(_("附件不符合要求"), errors=errors)
    content_type, extension = detected
    stored = image_reencode(file, content_type) if content_type in IMAGE_FORMATS else file

    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    if event is None:
        units = complaint_actor_units(complaint=complaint, user=user)
        event = ComplaintEvent.objects.create(
            complaint=complaint,
            at=timezone.now(),
            actor=user,
            actor_unit=units[0] if units else None,
            action="attach",
            from_status=complaint.status,
            to_status=complaint.status,
            note=_("上传附件"),
            payload={"content_type": content_type, "size": stored.size},
        )
    attachment = Attachment(
        complaint=complaint,
        event=event,
        original_name=_original_name(getattr(file, "name", ""), extension),
        content_type=content_type,
        size=stored.size,
        uploaded_by=user,
    )
    attachment.file.save(extension, stored, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)  # never leave a stored file without its row
        raise
    return attachment
