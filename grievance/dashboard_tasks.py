"""Celery tasks of the dashboard: thin — take ids, call one service, idempotent.

Registered when this module is imported: ``grievance/tasks.py`` imports it (Celery discovers only
``<app>.tasks`` modules). Beat entries (settings ``CELERY_BEAT_SCHEDULE``): ``dashboard_rollups_catch_up``
every 30 s, ``dashboard_warnings_scan`` every 10 minutes.
"""

from celery import shared_task


@shared_task(name="grievance.dashboard_rollups_catch_up", acks_late=True)
def dashboard_rollups_catch_up() -> int:
    """Beat: refresh the rollups of complaints whose events did not pass through the pipeline (e.g. a
    new complaint's "submit"), and re-queue monthly reports whose task was lost."""
    from grievance.services.reports import reports_requeue_stale
    from grievance.services.rollups import rollups_catch_up

    reports_requeue_stale()
    return rollups_catch_up()


@shared_task(name="grievance.dashboard_warnings_scan", acks_late=True)
def dashboard_warnings_scan() -> dict[str, int]:
    """Beat: hotspots, surges, repeat complainants and enterprises with wage complaints."""
    from grievance.services.warnings import warnings_scan

    return warnings_scan()


@shared_task(name="grievance.dashboard_report_generate", acks_late=True)
def dashboard_report_generate(report_id: int) -> str:
    """Build one monthly report's page and PDF (a finished report is left alone)."""
    from grievance.services.reports import report_generate

    return report_generate(report_id=report_id)
