"""Reads of credit subjects: lookup by code or name, the caller's view of one subject, its standing."""

from collections.abc import Mapping
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError, NotFoundError
from common.validators import mask_name
from credit.identity import code_normalize, lookup_keys_for
from credit.models import CreditGrade, CreditListEntry, CreditRecord, CreditSubject, SubjectKind
from credit.selectors.access import credit_actor
from credit.selectors.records import record_public_q

LOOKUP_MIN_LENGTH = 2


def subject_get_by_code(code: str) -> CreditSubject | None:
    """By USCC, or by full ID number (through its hash); None when not registered."""
    keys = lookup_keys_for(code)
    return CreditSubject.objects.filter(lookup_key__in=keys).first() if keys else None


def subject_lookup(*, q: str, user=None, at: datetime | None = None) -> QuerySet[CreditSubject]:
    """The public lookup: an exact code (USCC or ID number) or part of a name.

    The public finds natural persons only by their full ID number, never by name; agencies by both.
    """
    term = (q or "").strip()
    if len(term) < LOOKUP_MIN_LENGTH:
        raise ApplicationError(
            _("请输入统一社会信用代码、身份证号或至少2个字的名称"), errors={"q": [_("太短")]}
        )
    by_code = Q(lookup_key__in=lookup_keys_for(term))
    by_name = Q(name__icontains=term)
    if not credit_actor(user).is_agency:
        by_name &= Q(kind=SubjectKind.LEGAL)
    return CreditSubject.objects.filter(by_code | by_name).select_related("grid").order_by("name", "id")


def subject_list_for_actor(*, user, filters: Mapping | None = None) -> QuerySet[CreditSubject]:
    """Agencies list every subject (``q``, ``kind``, ``grade``, ``grid``, ``industry``); others use lookup."""
    filters = filters or {}
    if not credit_actor(user).is_agency:
        return subject_lookup(q=filters.get("q", ""), user=user)
    subjects = CreditSubject.objects.select_related("grid").order_by("name", "id")
    if value := (filters.get("q") or "").strip():
        subjects = subjects.filter(Q(lookup_key__in=lookup_keys_for(value)) | Q(name__icontains=value))
    if value := filters.get("kind"):
        subjects = subjects.filter(kind=value)
    if "grade" in filters:
        subjects = subjects.filter(grade=filters["grade"].replace("-", ""))
    if value := filters.get("grid"):
        subjects = subjects.filter(grid__code=value)
    if value := filters.get("industry"):
        subjects = subjects.filter(industry=value)
    return subjects


def subject_get_for_actor(*, user, subject_id, at: datetime | None = None) -> CreditSubject:
    """One subject. The public sees legal persons, and natural persons only while something is public."""
    try:
        pk = int(subject_id)
    except (TypeError, ValueError):
        raise NotFoundError(_("信用主体不存在")) from None
    subject = CreditSubject.objects.select_related("grid").filter(pk=pk).first()
    if subject is None:
        raise NotFoundError(_("信用主体不存在"))
    if subject.kind == SubjectKind.NATURAL and not credit_actor(user).is_agency:
        at = at or timezone.now()
        if not CreditRecord.objects.filter(record_public_q(at), subject=subject).exists():
            raise NotFoundError(_("信用主体不存在"))
    return subject


def subject_get_by_code_for_actor(*, user, code: str) -> CreditSubject:
    subject = subject_get_by_code(code_normalize(code))
    if subject is None:
        raise NotFoundError(_("未找到该代码的信用主体"))
    return subject_get_for_actor(user=user, subject_id=subject.pk)


def subject_current_grade(*, subject: CreditSubject) -> CreditGrade | None:
    return subject.grades.order_by("-created_at", "-id").first()


def subject_open_list_entries(
    *, subject: CreditSubject, public_only: bool = False
) -> QuerySet[CreditListEntry]:
    entries = CreditListEntry.objects.filter(
        subject=subject, exited_at__isnull=True, credit_list__is_active=True
    ).select_related("credit_list")
    if public_only:
        entries = entries.filter(credit_list__is_public=True)
    return entries.order_by("credit_list__kind", "credit_list__code")


def subject_display_name(*, subject: CreditSubject, full: bool) -> str:
    """A natural person's name is masked unless ``full`` (the caller may see internal data)."""
    if subject.kind == SubjectKind.NATURAL and not full:
        return mask_name(subject.name)
    return subject.name
