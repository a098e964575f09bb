"""Privacy beat task (loaded through ``CELERY_IMPORTS``: Celery discovers only ``tasks`` modules)."""

from celery import shared_task


@shared_task(name="grievance.complaints_anonymise_expired", acks_late=True)
def complaints_anonymise_expired() -> int:
    """Beat, daily: anonymise final complaints past the retention period (idempotent)."""
    from grievance.services.privacy import complaints_anonymise_expired as anonymise

    return anonymise()
