"""Time limits of cases, computed with the working-day calendar (grids) and the configuration."""

from datetime import datetime, timedelta

from grids.selectors.calendar import work_calendar_get
from grids.worktime import NATURAL_DAY, deadline_add
from mediation.conf import mediation_setting
from mediation.limits import case_due, time_limit_for
from mediation.models import MediationCase


def case_time_limit(*, dispute_type: str) -> tuple[int, str]:
    return time_limit_for(
        dispute_type,
        limits=mediation_setting("TIME_LIMITS"),
        default=tuple(mediation_setting("DEFAULT_TIME_LIMIT")),
    )


def case_deadline_set(*, case: MediationCase) -> None:
    """Set the case's limit, ``due_at`` and ``deadline_estimated`` from its type, application time and
    extensions. Sets fields; does not save."""
    amount, unit = case_time_limit(dispute_type=case.dispute_type)
    due = case_due(
        case.applied_at,
        amount,
        unit,
        extension_days=case.extension_days_total,
        calendar=work_calendar_get(unit=case.organisation.unit),
    )
    case.limit_amount, case.limit_unit = amount, unit
    case.due_at, case.deadline_estimated = due.at, due.estimated


def confirmation_deadline(*, effective_at: datetime) -> datetime:
    """End of the window in which the parties may jointly apply for judicial confirmation."""
    days = int(mediation_setting("CONFIRMATION_WINDOW_DAYS"))
    return deadline_add(effective_at, days, NATURAL_DAY, work_calendar_get()).at


def court_decision_expected(*, applied_at: datetime) -> datetime:
    """When the court should have decided on an application for confirmation (15 days by default)."""
    return applied_at + timedelta(days=int(mediation_setting("COURT_DECISION_DAYS")))
