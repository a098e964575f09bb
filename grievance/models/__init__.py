from .matters import ComplaintKind, HandlerRule, Matter, MatterRule, TimeUnit, UrgencyGrade

__all__ = ["ComplaintKind", "HandlerRule", "Matter", "MatterRule", "TimeUnit", "UrgencyGrade"]
