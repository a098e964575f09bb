from .attachments import Attachment, ComplaintSupport
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
from .notifications import EventProcessed, Notification, NotificationChannel, NotificationStatus

__all__ = [
    "OPEN_STATUSES",
    "TERMINAL_STATUSES",
    "Assignment",
    "AssignmentRole",
    "Attachment",
    "Channel",
    "Complaint",
    "ComplaintEvent",
    "ComplaintKind",
    "ComplaintSupport",
    "Disposition",
    "EventProcessed",
    "HandlerRule",
    "Matter",
    "MatterRule",
    "Notification",
    "NotificationChannel",
    "NotificationStatus",
    "Satisfaction",
    "Status",
    "TimeUnit",
    "Urgency",
    "UrgencyGrade",
]
