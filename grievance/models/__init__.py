from .complaints import (
    OPEN_STATUSES,
    TERMINAL_STATUSES,
    Assignment,
    AssignmentRole,
    Channel,
    Complaint,
    ComplaintEvent,
    Disposition,
    Satisfaction,
    Status,
    Urgency,
)
from .matters import ComplaintKind, HandlerRule, Matter, MatterRule, TimeUnit, UrgencyGrade

__all__ = [
    "OPEN_STATUSES",
    "TERMINAL_STATUSES",
    "Assignment",
    "AssignmentRole",
    "Channel",
    "Complaint",
    "ComplaintEvent",
    "ComplaintKind",
    "Disposition",
    "HandlerRule",
    "Matter",
    "MatterRule",
    "Satisfaction",
    "Status",
    "TimeUnit",
    "Urgency",
    "UrgencyGrade",
]
