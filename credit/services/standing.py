"""A subject's standing: the automatic lists it is on and its grade, recomputed from its facts.

Order matters: lists first (rules read facts), then the grade (a black-listed subject gets the lowest
grade). Called by every service that changes a subject's records, in the same transaction.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from credit.grading import grading_scheme_get
from credit.list_rules import LIST_RULES
from credit.models import CreditGrade, CreditList, CreditListEntry, CreditSubject, ListKind
from credit.selectors.access import credit_actor
from credit.selectors.records import subject_facts
from credit.services.events import credit_event_write


def _open_entries(subject: CreditSubject) -> dict[int, CreditListEntry]:
    entries = CreditListEntry.objects.select_for_update().filter(subject=subject, exited_at__isnull=True)
    return {entry.credit_list_id: entry for entry in entries}


@transaction.atomic
def subject_lists_refresh(*, subject: CreditSubject, at: datetime | None = None) -> dict[str, int]:
    """Apply the entry and exit rules of every active automatic list; manual entries are left alone."""
    at = at or timezone.now()
    facts = subject_facts(subject=subject)
    today = timezone.localdate(at)
    open_entries = _open_entries(subject)
    entered = exited = 0
    for credit_list in CreditList.objects.filter(is_active=True).exclude(rule="manual"):
        rule = LIST_RULES.get(credit_list.rule)
        if rule is None:
            continue
        decision = rule(facts, today)
        entry = open_entries.get(credit_list.pk)
        if decision.member and entry is None:
            entry = CreditListEntry.objects.create(
                credit_list=credit_list,
                subject=subject,
                entered_at=at,
                entry_reason=decision.reason,
                basis_record_id=decision.basis_record,
            )
            credit_event_write(
                action="list_enter",
                subject=subject,
                at=at,
                note=decision.reason,
                data={"list": credit_list.code, "entry": entry.pk},
            )
            entered += 1
        elif not decision.member and entry is not None and not entry.manual:
            entry.exited_at, entry.exit_reason = at, decision.reason
            entry.save(update_fields=["exited_at", "exit_reason", "updated_at"])
            credit_event_write(
                action="list_exit",
                subject=subject,
                at=at,
                note=decision.reason,
                data={"list": credit_list.code, "entry": entry.pk},
            )
            exited += 1
    return {"entered": entered, "exited": exited}


@transaction.atomic
def subject_grade_refresh(*, subject: CreditSubject, at: datetime | None = None) -> CreditGrade | None:
    """Grade the subject with the configured scheme; a new ``CreditGrade`` only when something moved."""
    at = at or timezone.now()
    scheme = grading_scheme_get()
    black_listed = CreditListEntry.objects.filter(
        subject=subject, exited_at__isnull=True, credit_list__kind=ListKind.BLACK, credit_list__is_active=True
    ).exists()
    result = scheme.grade(
        facts=subject_facts(subject=subject), at=timezone.localdate(at), black_listed=black_listed
    )
    explanation = result.explanation()
    current = subject.grades.order_by("-created_at", "-id").first()
    unchanged = current is not None and (
        current.scheme,
        current.grade,
        current.score,
        current.explanation,
    ) == (
        result.scheme,
        result.grade,
        result.score,
        explanation,
    )
    if unchanged:
        return current
    grade = CreditGrade.objects.create(
        subject=subject, scheme=result.scheme, grade=result.grade, score=result.score, explanation=explanation
    )
    CreditSubject.objects.filter(pk=subject.pk).update(grade=result.grade, score=result.score, graded_at=at)
    subject.grade, subject.score, subject.graded_at = result.grade, result.score, at
    return grade


@transaction.atomic
def subject_standing_refresh(*, subject: CreditSubject, at: datetime | None = None) -> None:
    subject_lists_refresh(subject=subject, at=at)
    subject_grade_refresh(subject=subject, at=at)


@transaction.atomic
def list_entry_add(
    *, credit_list: CreditList, subject: CreditSubject, reason: str, actor, at: datetime | None = None
) -> CreditListEntry:
    """A credit officer puts a subject on a list by decision (kept until an officer takes it off)."""
    at = at or timezone.now()
    if not credit_actor(actor).is_officer:
        raise PermissionDeniedError(_("只有信用管理员可以认定名单"))
    if not (reason or "").strip():
        raise ApplicationError(_("请填写列入原因"), errors={"reason": [_("请填写列入原因")]})
    if CreditListEntry.objects.filter(
        credit_list=credit_list, subject=subject, exited_at__isnull=True
    ).exists():
        raise ConflictError(_("该主体已在名单中"))
    entry = CreditListEntry.objects.create(
        credit_list=credit_list,
        subject=subject,
        manual=True,
        entered_at=at,
        entry_reason=reason.strip(),
        entered_by=actor,
    )
    credit_event_write(
        action="list_enter",
        actor=actor,
        subject=subject,
        at=at,
        note=entry.entry_reason,
        data={"list": credit_list.code, "entry": entry.pk, "manual": True},
    )
    subject_grade_refresh(subject=subject, at=at)
    return entry


@transaction.atomic
def list_entry_remove(
    *, entry: CreditListEntry, reason: str, actor, at: datetime | None = None
) -> CreditListEntry:
    """A credit officer takes a subject off a list (automatic rules may put it back if still met)."""
    at = at or timezone.now()
    if not credit_actor(actor).is_officer:
        raise PermissionDeniedError(_("只有信用管理员可以移出名单"))
    entry = CreditListEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.exited_at is not None:
        raise ConflictError(_("该名单记录已移出"))
    entry.exited_at, entry.exit_reason, entry.exited_by = at, (reason or "").strip(), actor
    entry.save(update_fields=["exited_at", "exit_reason", "exited_by", "updated_at"])
    credit_event_write(
        action="list_exit",
        actor=actor,
        subject=entry.subject,
        at=at,
        note=entry.exit_reason,
        data={"list": entry.credit_list.code, "entry": entry.pk, "manual": True},
    )
    subject_grade_refresh(subject=entry.subject, at=at)
    return entry


def subjects_standing_refresh_all(*, at: datetime | None = None) -> int:
    """Refresh every subject, each in its own transaction (a nightly sweep: lists end as periods end)."""
    count = 0
    for subject in CreditSubject.objects.order_by("pk").iterator(chunk_size=500):
        subject_standing_refresh(subject=subject, at=at)
        count += 1
    return count
