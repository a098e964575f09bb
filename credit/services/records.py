"""Writing credit records: create (with the "双公示" fields and the publication window), publish, revoke.

Windows come from credit.rules (the version in force on the decision date); the 7-working-day
publication deadline and the 3-working-day withdrawal deadline come from the district's working-day
calendar (grids). Every write refreshes the subject's lists and grade in the same transaction.
"""

from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from credit.models import CreditRecord, CreditSubject, RecordKind, Severity, WithdrawalReason
from credit.parsing import date_or_none
from credit.rules import (
    KIND_RULES,
    PUBLICATION_WORKING_DAYS,
    RULE_VERSIONS,
    WITHDRAWAL_WORKING_DAYS,
    publication_window,
)
from credit.selectors.access import credit_actor
from credit.services.events import credit_event_write
from credit.services.standing import subject_standing_refresh
from grids.models import Unit
from grids.selectors.calendar import work_calendar_get
from grids.worktime import WORKING_DAY, Deadline, deadline_add

TEXT_DETAILS = ("category", "legal_basis", "facts", "content", "certificate_name", "certificate_number")
AMOUNT_DETAILS = ("fine_amount", "confiscated_amount")
DATE_DETAILS = ("valid_from", "valid_until")
DETAIL_FIELDS = TEXT_DETAILS + AMOUNT_DETAILS + DATE_DETAILS
DETAIL_LIMITS = {"category": 64, "certificate_name": 128, "certificate_number": 64}
# The "双公示" data items a department must fill in for each kind.
REQUIRED_DETAILS = {
    RecordKind.PENALTY: ("category", "legal_basis", "facts", "content"),
    RecordKind.LICENCE: ("category", "content"),
}
NEEDS_DECISION_NUMBER = (RecordKind.PENALTY, RecordKind.LICENCE)


def working_days_deadline(day: date, days: int) -> Deadline:
    """The end of office hours of the ``days``-th working day after ``day`` (the day itself not counted)."""
    calendar = work_calendar_get()
    start = datetime.combine(day, time.min, tzinfo=calendar.tz)
    return deadline_add(start, days, WORKING_DAY, calendar)


def _details_clean(details: Mapping, errors: dict) -> dict:
    unknown = sorted(set(details) - set(DETAIL_FIELDS))
    if unknown:
        errors["details"] = [_("未知字段：") + ", ".join(unknown)]
    clean: dict = {}
    for name in TEXT_DETAILS:
        value = str(details.get(name) or "").strip()
        if name in DETAIL_LIMITS and len(value) > DETAIL_LIMITS[name]:
            errors[name] = [_("不超过%(n)d字") % {"n": DETAIL_LIMITS[name]}]
        clean[name] = value
    for name in AMOUNT_DETAILS:
        raw = details.get(name)
        if raw in (None, ""):
            clean[name] = None
            continue
        try:
            amount = Decimal(str(raw))
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
            errors[name] = [_("金额应为不小于0的数字")]
        else:
            clean[name] = amount.quantize(Decimal("0.01"))
    for name in DATE_DETAILS:
        raw = details.get(name)
        value = date_or_none(raw)
        if raw and value is None:
            errors[name] = [_("日期格式应为 YYYY-MM-DD")]
        clean[name] = value
    if clean.get("valid_from") and clean.get("valid_until") and clean["valid_until"] < clean["valid_from"]:
        errors["valid_until"] = [_("有效期至不能早于有效期自")]
    return clean


def _department_for(*, actor, department: Unit | None) -> Unit | None:
    """The department a record is written for; members write only for their own units."""
    who = credit_actor(actor)
    if who.is_officer:
        return department
    if not who.department_ids:
        raise PermissionDeniedError(_("只有信用管理员和职能部门可以录入信用信息"))
    if department is None:
        if len(who.department_ids) != 1:
            raise ApplicationError(_("请选择来源部门"), errors={"department": [_("请选择来源部门")]})
        return Unit.objects.get(pk=next(iter(who.department_ids)))
    if department.pk not in who.department_ids:
        raise PermissionDeniedError(_("只能录入本部门作出的决定"))
    return department


@transaction.atomic
def record_write(
    *,
    subject: CreditSubject,
    kind: str,
    title: str,
    decision_date: date,
    recorded_by=None,
    severity: str | None = None,
    department: Unit | None = None,
    department_name: str = "",
    decision_number: str = "",
    details: Mapping | None = None,
    internal_note: str = "",
    data: Mapping | None = None,
    source: str = "manual",
    source_ref: str = "",
    publish: bool = True,
    now: datetime | None = None,
) -> CreditRecord:
    """Validate and write a record without a permission check (callers check; see ``record_create``)."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    kind_rule = KIND_RULES.get(kind)
    if kind_rule is None:
        raise ApplicationError(_("信息类别无效"), errors={"kind": [_("未知类别：%(k)s") % {"k": kind}]})
    severity = severity or kind_rule.default_severity
    if severity not in kind_rule.severities:
        errors["severity"] = [
            _("该类信息的失信程度应为：") + "、".join(str(Severity(s).label) for s in kind_rule.severities)
        ]
    title = (title or "").strip()
    if not title or len(title) > 200:
        errors["title"] = [_("请填写事项名称（不超过200字）")]
    decision_date = date_or_none(decision_date)
    if decision_date is None:
        errors["decision_date"] = [_("请填写决定日期（YYYY-MM-DD）")]
    elif decision_date > timezone.localdate(now):
        errors["decision_date"] = [_("决定日期不能晚于今天")]
    elif decision_date < RULE_VERSIONS[0].effective_from:
        errors["decision_date"] = [_("决定日期过早")]
    decision_number = (decision_number or "").strip()
    if kind in NEEDS_DECISION_NUMBER and not decision_number:
        errors["decision_number"] = [_("请填写决定文书号")]
    if len(decision_number) > 128:
        errors["decision_number"] = [_("不超过128字")]
    clean = _details_clean(details or {}, errors)
    for name in REQUIRED_DETAILS.get(kind, ()):
        if not clean.get(name) and name not in errors:
            errors[name] = [_("“双公示”必填项")]
    department_name = (department.name if department else (department_name or "").strip())[:128]
    if not department_name:
        errors["department"] = [_("请填写来源部门")]
    if errors:
        raise ApplicationError(_("信用记录有误"), errors=errors)

    window = publication_window(kind=kind, severity=severity, decision_date=decision_date)
    required = window.published and kind_rule.double_publicity
    due = working_days_deadline(decision_date, PUBLICATION_WORKING_DAYS) if required else None
    record = CreditRecord.objects.create(
        subject=subject,
        kind=kind,
        severity=severity,
        title=title,
        department=department,
        department_name=department_name,
        decision_number=decision_number,
        decision_date=decision_date,
        internal_note=(internal_note or "").strip(),
        data=dict(data or {}),
        source=source,
        source_ref=source_ref,
        recorded_by=recorded_by if getattr(recorded_by, "pk", None) else None,
        rule_version=window.rule_version,
        publishable=window.published,
        publication_required=required,
        publication_min_until=window.min_until,
        publication_max_until=window.max_until,
        publication_due_at=due.at if due else None,
        publication_due_estimated=bool(due and due.estimated),
        **clean,
    )
    credit_event_write(action="record_create", actor=recorded_by, record=record, at=now)
    if publish and window.published and timezone.localdate(now) < record.publication_max_until:
        record.published_at = now
        record.save(update_fields=["published_at", "updated_at"])
        credit_event_write(action="record_publish", actor=recorded_by, record=record, at=now)
    subject_standing_refresh(subject=subject, at=now)
    return record


@transaction.atomic
def record_create(
    *,
    subject: CreditSubject,
    kind: str,
    actor,
    title: str,
    decision_date: date,
    department: Unit | None = None,
    severity: str | None = None,
    decision_number: str = "",
    details: Mapping | None = None,
    internal_note: str = "",
    data: Mapping | None = None,
    publish: bool = True,
    now: datetime | None = None,
) -> CreditRecord:
    """A department (for itself) or a credit officer (for any department) records a decision.

    Licences and penalties need the "双公示" items in ``details`` (see ``REQUIRED_DETAILS``);
    ``publish=False`` keeps a record back (it then counts as overdue after 7 working days).
    """
    department = _department_for(actor=actor, department=department)
    return record_write(
        subject=subject,
        kind=kind,
        title=title,
        decision_date=decision_date,
        recorded_by=actor,
        severity=severity,
        department=department,
        decision_number=decision_number,
        details=details,
        internal_note=internal_note,
        data=data,
        publish=publish,
        now=now,
    )


def _may_change(*, actor, record: CreditRecord) -> None:
    who = credit_actor(actor)
    if not (who.is_officer or who.in_department(record.department_id)):
        raise PermissionDeniedError(_("只有来源部门和信用管理员可以变更该记录"))


@transaction.atomic
def record_publish(*, record: CreditRecord, actor, now: datetime | None = None) -> CreditRecord:
    """Publish a record kept back at creation. 409 when not publishable, already published or over."""
    now = now or timezone.now()
    record = CreditRecord.objects.select_for_update().get(pk=record.pk)
    _may_change(actor=actor, record=record)
    if not record.publishable:
        raise ConflictError(_("该记录依规不向社会公示"))
    if record.published_at is not None:
        raise ConflictError(_("该记录已公示"))
    if record.withdrawn_at is not None or timezone.localdate(now) >= record.publication_max_until:
        raise ConflictError(_("该记录已撤下或已过最长公示期"))
    record.published_at = now
    record.save(update_fields=["published_at", "updated_at"])
    late = record.publication_overdue(now)
    credit_event_write(action="record_publish", actor=actor, record=record, at=now, data={"late": late})
    return record


@transaction.atomic
def record_revoke(
    *, record: CreditRecord, revoked_on, reason: str, actor, now: datetime | None = None
) -> CreditRecord:
    """The decision was revoked or changed: take the record down (due within 3 working days)."""
    now = now or timezone.now()
    record = CreditRecord.objects.select_for_update().select_related("subject").get(pk=record.pk)
    _may_change(actor=actor, record=record)
    if record.revoked_on is not None:
        raise ConflictError(_("该决定已登记撤销"))
    errors = {}
    revoked_on = date_or_none(revoked_on)
    if revoked_on is None:
        errors["revoked_on"] = [_("请填写撤销日期（YYYY-MM-DD）")]
    elif not record.decision_date <= revoked_on <= timezone.localdate(now):
        errors["revoked_on"] = [_("撤销日期应在决定日期和今天之间")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请填写撤销或变更原因")]
    if errors:
        raise ApplicationError(_("撤销信息有误"), errors=errors)
    record.revoked_on = revoked_on
    record.revocation_reason = reason
    record.withdrawal_due_at = working_days_deadline(revoked_on, WITHDRAWAL_WORKING_DAYS).at
    if record.withdrawn_at is None:
        record.withdrawn_at = now
    record.withdrawal_reason = WithdrawalReason.REVOKED
    record.save()
    credit_event_write(
        action="record_revoke",
        actor=actor,
        record=record,
        at=now,
        note=reason,
        data={"late": record.withdrawal_late(now)},
    )
    subject_standing_refresh(subject=record.subject, at=now)
    return record
