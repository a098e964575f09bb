"""Celery tasks of the credit ledger: thin and idempotent (a replay recomputes the same standing)."""

from celery import shared_task


@shared_task(name="credit.standing_refresh_all", acks_late=True)
def credit_standing_refresh_all() -> int:
    """Nightly: publication periods end by themselves; bring list entries and grades in step."""
    from credit.services.standing import subjects_standing_refresh_all

    return subjects_standing_refresh_all()
