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
from .privacy import PersonalDataRead
from .rollups import (
    ComplaintFact,
    ComplaintUnitFact,
    DailyRollup,
    DueRollup,
    EarlyWarning,
    Report,
    ReportStatus,
    RollupGrain,
    RollupState,
    WarningKind,
    WarningStatus,
)
from .routing import RoutingExample, RoutingExampleKind, RoutingModel

__all__ = [
    "OPEN_STATUSES",
    "TERMINAL_STATUSES",
    "Assignment",
    "AssignmentRole",
    "Attachment",
    "Channel",
    "Complaint",
    "ComplaintEvent",
    "ComplaintFact",
    "ComplaintKind",
    "ComplaintSupport",
    "ComplaintUnitFact",
    "DailyRollup",
    "Disposition",
    "DueRollup",
    "EarlyWarning",
    "EventProcessed",
    "HandlerRule",
    "Matter",
    "MatterRule",
    "Notification",
    "NotificationChannel",
    "NotificationStatus",
    "Report",
    "ReportStatus",
    "RollupGrain",
    "RollupState",
    "Satisfaction",
    "Status",
    "TimeUnit",
    "Urgency",
    "UrgencyGrade",
    "WarningKind",
    "WarningStatus",
]
__all__ += ["PersonalDataRead", "RoutingExample", "RoutingExampleKind", "RoutingModel"]
