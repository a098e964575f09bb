"""Reads of credit records; visibility lives here (public now / own department / everything)."""

from collections.abc import Mapping
from datetime import date, datetime

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError, NotFoundError
from credit.grading import Fact
from credit.models import CreditRecord, CreditSubject, RecordKind
from credit.parsing import date_or_none
from credit.selectors.access import CreditActor, credit_actor


def record_public_q(at: datetime) -> Q:
    """The SQL form of ``CreditRecord.is_public(at)``; both must say the same."""
    return (
        Q(publishable=True, published_at__isnull=False, published_at__lte=at)
        & Q(publication_max_until__gt=timezone.localdate(at))
        & (Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at))
    )


def record_internal_visible(*, actor: CreditActor, record: CreditRecord) -> bool:
    """Internal data (notes, unpublished or withdrawn records): the source department and readers of all."""
    return actor.reads_all or actor.in_department(record.department_id)


def _visible(actor: CreditActor, at: datetime) -> QuerySet[CreditRecord]:
    records = CreditRecord.objects.select_related("subject", "department")
    if actor.reads_all:
        return records
    if actor.department_ids:
        return records.filter(record_public_q(at) | Q(department_id__in=actor.department_ids))
    return records.filter(record_public_q(at))


def _bool(value: str, field: str) -> bool:
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise ApplicationError(_("参数有误"), errors={field: [_("应为 true 或 false")]})


def _date(value: str, field: str) -> date:
    parsed = date_or_none(value)
    if parsed is None:
        raise ApplicationError(_("参数有误"), errors={field: [_("日期格式应为 YYYY-MM-DD")]})
    return parsed


def _int(value: str, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApplicationError(_("参数有误"), errors={field: [_("应为整数")]}) from None


def record_list_for_actor(
    *, user, filters: Mapping | None = None, at: datetime | None = None
) -> QuerySet[CreditRecord]:
    """Records the caller may see, newest decision first.

    Filters: ``subject`` (id), ``kind`` (comma-separated), ``department`` (unit code), ``public`` and
    ``overdue`` (true/false), ``q`` (title, decision number or subject name), ``from``/``to`` (decision
    dates). Bad values raise ApplicationError (400).
    """
    at = at or timezone.now()
    filters = filters or {}
    records = _visible(credit_actor(user), at)
    if value := filters.get("subject"):
        records = records.filter(subject_id=_int(value, "subject"))
    if value := filters.get("kind"):
        kinds = [k.strip() for k in value.split(",") if k.strip()]
        unknown = [k for k in kinds if k not in RecordKind.values]
        if unknown:
            raise ApplicationError(_("参数有误"), errors={"kind": [_("未知类别：") + ", ".join(unknown)]})
        records = records.filter(kind__in=kinds)
    if value := filters.get("department"):
        records = records.filter(department__code=value)
    if value := filters.get("public"):
        public = record_public_q(at)
        records = records.filter(public if _bool(value, "public") else ~public)
    if value := filters.get("overdue"):
        late = Q(publication_required=True) & (
            Q(published_at__isnull=True, publication_due_at__lt=at)
            | Q(published_at__isnull=False, published_at__gt=F("publication_due_at"))
        )
        records = records.filter(late if _bool(value, "overdue") else ~late)
    if value := (filters.get("q") or "").strip():
        records = records.filter(
            Q(title__icontains=value)
            | Q(decision_number__icontains=value)
            | Q(subject__name__icontains=value)
        )
    if value := filters.get("from"):
        records = records.filter(decision_date__gte=_date(value, "from"))
    if value := filters.get("to"):
        records = records.filter(decision_date__lte=_date(value, "to"))
    return records.order_by("-decision_date", "-id")


def record_get_for_actor(*, user, record_id, at: datetime | None = None) -> CreditRecord:
    """One record the caller may see; 404 for a missing one and for one the caller may not see."""
    try:
        pk = int(record_id)
    except (TypeError, ValueError):
        raise NotFoundError(_("信用记录不存在")) from None
    record = _visible(credit_actor(user), at or timezone.now()).filter(pk=pk).first()
    if record is None:
        raise NotFoundError(_("信用记录不存在"))
    return record


def record_public_list(
    *, kinds: list[str] | None = None, q: str = "", at: datetime | None = None
) -> QuerySet[CreditRecord]:
    """What the public sees now (the "双公示" and inspection-result pages)."""
    return record_list_for_actor(user=None, filters={"kind": ",".join(kinds or []), "q": q}, at=at)


def subject_records_for_actor(*, user, subject: CreditSubject, at: datetime | None = None):
    return record_list_for_actor(user=user, filters={"subject": str(subject.pk)}, at=at)


def subject_facts(*, subject: CreditSubject) -> list[Fact]:
    """Every record of the subject as a grading / list-rule fact (internal and public alike)."""
    rows = CreditRecord.objects.filter(subject=subject).values_list(
        "pk",
        "kind",
        "severity",
        "title",
        "decision_date",
        "publication_max_until",
        "withdrawal_reason",
        "data",
    )
    return [
        Fact(pk, kind, sev, title, d, until, reason or "", data or {})
        for pk, kind, sev, title, d, until, reason, data in rows
    ]
