"""Celery tasks of mediation: thin — take ids, call one service, idempotent.

- ``mediation.reminders_sweep`` (beat, e.g. every 5 minutes): session reminders, time-limit warnings and
  expiry (labour: arbitration open), the judicial-confirmation window, performance deadlines. Every
  reminder is recorded once (flags on the rows and unique reminder keys), so a replayed sweep is harmless.
- ``mediation.agreement_pdf_render``: the agreement's PDF (skips an unchanged document; retries when
  Chromium fails).
"""

from celery import shared_task

from mediation.services.documents import PdfRenderError


@shared_task(name="mediation.reminders_sweep", acks_late=True)
def reminders_sweep() -> dict[str, int]:
    from mediation.services.sweep import mediation_reminders_sweep

    return mediation_reminders_sweep()


@shared_task(
    name="mediation.agreement_pdf_render",
    acks_late=True,
    autoretry_for=(PdfRenderError,),
    retry_backoff=30,
    max_retries=5,
)
def agreement_pdf_render(agreement_id: int) -> str:
    from mediation.services.documents import agreement_pdf_generate

    return agreement_pdf_generate(agreement_id=agreement_id)
