from credit.models.choices import (
    InspectionOutcome,
    ListKind,
    MeasureKind,
    PlanStatus,
    RecordKind,
    RepairStatus,
    Severity,
    SubjectKind,
    TaskStatus,
    WithdrawalReason,
)
from credit.models.inspections import (
    InspectionDraw,
    InspectionItem,
    InspectionPlan,
    InspectionTask,
    Inspector,
    InspectorConflict,
)
from credit.models.lists import CreditList, CreditListEntry, JointMeasure
from credit.models.records import CreditRecord
from credit.models.repair import CreditEvent, RepairApplication
from credit.models.subjects import CreditGrade, CreditSubject, SubjectCodeOverride

__all__ = [
    "CreditEvent",
    "CreditGrade",
    "CreditList",
    "CreditListEntry",
    "CreditRecord",
    "CreditSubject",
    "InspectionDraw",
    "InspectionItem",
    "InspectionOutcome",
    "InspectionPlan",
    "InspectionTask",
    "Inspector",
    "InspectorConflict",
    "JointMeasure",
    "ListKind",
    "MeasureKind",
    "PlanStatus",
    "RecordKind",
    "RepairApplication",
    "RepairStatus",
    "Severity",
    "SubjectCodeOverride",
    "SubjectKind",
    "TaskStatus",
    "WithdrawalReason",
]
