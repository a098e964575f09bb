"""Render the PDF of every effective agreement that has none (or whose content changed): a catch-up
for agreements whose render task was lost. Idempotent (unchanged documents are skipped)."""

from django.core.management.base import BaseCommand

from mediation.models import Agreement
from mediation.services.documents import PdfRenderError, agreement_pdf_generate


class Command(BaseCommand):
    help = "为已生效的调解协议生成（或更新）协议书PDF。可重复执行。"

    def handle(self, *args, **options):
        results: dict[str, int] = {}
        for agreement_id in Agreement.objects.filter(effective_at__isnull=False).values_list("pk", flat=True):
            try:
                result = agreement_pdf_generate(agreement_id=agreement_id)
            except PdfRenderError as exc:
                result = "failed"
                self.stderr.write(f"agreement {agreement_id}: {exc}")
            results[result] = results.get(result, 0) + 1
        self.stdout.write(", ".join(f"{key}={value}" for key, value in sorted(results.items())) or "none")
