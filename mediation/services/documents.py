"""The agreement's PDF, rendered from the same HTML as the printable page by Debian's Chromium in
headless mode (``--print-to-pdf``), and stored with the agreement.

Idempotent: the PDF records the SHA-256 of the HTML it was made from; the same HTML is not rendered
again. Chromium runs with a throw-away profile, no network (the HTML is self-contained) and a timeout.
"""

import hashlib
import logging
import shutil
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError
from mediation.conf import mediation_setting
from mediation.models import Agreement
from mediation.selectors.documents import agreement_document_html

logger = logging.getLogger(__name__)

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-pdf-header-footer",
)


class PdfRenderError(Exception):
    """Chromium is missing or failed (a transient condition for the task: it retries)."""


def chromium_path() -> str:
    path = mediation_setting("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise PdfRenderError("chromium not found")
    return path


def html_to_pdf(html: str) -> bytes:
    """Render self-contained HTML to PDF bytes with headless Chromium."""
    with tempfile.TemporaryDirectory(prefix="mediation-pdf-") as folder:
        source, target = Path(folder) / "agreement.html", Path(folder) / "agreement.pdf"
        source.write_text(html, encoding="utf-8")
        command = [
            chromium_path(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={Path(folder) / 'profile'}",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            subprocess.run(
                command,
                capture_output=True,
                timeout=int(mediation_setting("PDF_TIMEOUT_SECONDS")),
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfRenderError("chromium timed out") from exc
        if not target.exists() or target.stat().st_size == 0:
            raise PdfRenderError("chromium produced no PDF")
        return target.read_bytes()


def agreement_pdf_generate(*, agreement_id: int, now: datetime | None = None) -> str:
    """Render and store the agreement's PDF: ``"rendered"``, ``"unchanged"`` when the stored PDF was
    made from the same HTML, ``"missing"`` for an unknown or not yet effective agreement. Raises
    PdfRenderError when Chromium fails (nothing stored)."""
    agreement = Agreement.objects.select_related("case__organisation").filter(pk=agreement_id).first()
    if agreement is None or agreement.effective_at is None:
        return "missing"
    html = agreement_document_html(case=agreement.case, inside=True)
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
    if agreement.document and agreement.document_sha256 == digest:
        return "unchanged"
    pdf = html_to_pdf(html)  # outside the transaction: a slow render holds no lock
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement_id)
        if locked.document and locked.document_sha256 == digest:
            return "unchanged"
        name = f"{agreement.case.year}-{agreement.case.organisation.kind}-{agreement.case.sequence}.pdf"
        old = locked.document.name if locked.document else ""
        locked.document.save(name, ContentFile(pdf), save=False)
        locked.document_sha256 = digest
        locked.document_generated_at = now or timezone.now()
        locked.save(update_fields=["document", "document_sha256", "document_generated_at", "updated_at"])
        if old and old != locked.document.name:
            storage = locked.document.storage
            transaction.on_commit(lambda: storage.delete(old))
    logger.info("agreement %s rendered to PDF (%d bytes)", agreement_id, len(pdf))
    return "rendered"


def agreement_pdf_request(*, agreement: Agreement) -> None:
    """Queue a (re-)render; the PDF appears when the worker has run."""
    if agreement.effective_at is None:
        raise ApplicationError(_("协议尚未生效，请先打印签署"), errors={"agreement": [_("协议尚未生效")]})
    from common.queue import enqueue
    from mediation.tasks import agreement_pdf_render

    enqueue(agreement_pdf_render, agreement.pk)
