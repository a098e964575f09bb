from .calendar import CalendarDay, CalendarYear
from .territory import Division, DivisionLevel, GridCell, GridKind
from .units import Unit, UnitKind, UnitMembership, UnitRole

__all__ = [
    "CalendarDay",
    "CalendarYear",
    "Division",
    "DivisionLevel",
    "GridCell",
    "GridKind",
    "Unit",
    "UnitKind",
    "UnitMembership",
    "UnitRole",
]
