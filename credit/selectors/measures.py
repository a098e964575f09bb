"""Joint rewards and punishments: the catalogue, and "which measures apply to this subject now?"."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from credit.models import CreditList, CreditListEntry, CreditSubject, JointMeasure


@dataclass(frozen=True)
class AppliedMeasure:
    measure: JointMeasure
    entry: CreditListEntry


def measure_catalogue(
    *, department_code: str | None = None, kind: str | None = None
) -> QuerySet[JointMeasure]:
    measures = JointMeasure.objects.filter(is_active=True, credit_list__is_active=True).select_related(
        "credit_list", "department"
    )
    if department_code:
        measures = measures.filter(department__code=department_code)
    if kind:
        measures = measures.filter(kind=kind)
    return measures.order_by("code")


def credit_lists_public() -> QuerySet[CreditList]:
    return CreditList.objects.filter(is_active=True, is_public=True).order_by("kind", "code")


def credit_list_entries_public(*, credit_list: CreditList) -> QuerySet[CreditListEntry]:
    return (
        CreditListEntry.objects.filter(credit_list=credit_list, exited_at__isnull=True)
        .select_related("subject")
        .order_by("-entered_at", "-id")
    )


def measures_for_subject(
    *,
    subject: CreditSubject,
    at: datetime | None = None,
    department_code: str | None = None,
    measure_code: str | None = None,
) -> list[AppliedMeasure]:
    """The active measures triggered by the lists the subject is on at ``at`` (entries open then).

    ``department_code`` keeps those the department applies; ``measure_code`` asks about one measure.
    """
    at = at or timezone.now()
    entries = (
        CreditListEntry.objects.filter(subject=subject, entered_at__lte=at, credit_list__is_active=True)
        .exclude(exited_at__lte=at)
        .select_related("credit_list")
    )
    by_list = {entry.credit_list_id: entry for entry in entries}
    measures = measure_catalogue(department_code=department_code).filter(credit_list_id__in=by_list)
    if measure_code:
        measures = measures.filter(code=measure_code)
    return [AppliedMeasure(measure, by_list[measure.credit_list_id]) for measure in measures]
