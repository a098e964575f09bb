"""Effects of the agreement actions (drafting, reaching it, performance, judicial confirmation, return
visits, closing) and of the system's reminders. Same rules as ``effects``: fields and related rows only,
no status, no outside world, no personal data in payloads."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from mediation.models import (
    Agreement,
    AgreementForm,
    ConfirmationStatus,
    MediationCase,
    PartyKind,
    PartyRole,
    PerformanceRecord,
    PerformanceStatus,
    ReminderKind,
    ReturnVisit,
)
from mediation.services.credit_link import credit_unperformed_agreement_record
from mediation.services.deadlines import confirmation_deadline
from mediation.services.reminders import case_mediator_users, case_party_phones, reminders_create

AGREEMENT_FIELDS = (
    "form",
    "facts",
    "terms",
    "performance_method",
    "performance_deadline",
    "amount",
    "oral_record",
    "copies",
)


def _actor(p: dict):
    return p["_actor"] if getattr(p["_actor"], "pk", None) else None


def draft_agreement(case: MediationCase, p: dict, now: datetime) -> dict:
    """Create or rewrite the draft; a rewritten text must be signed and sealed again."""
    values = {key: p[key] for key in AGREEMENT_FIELDS}
    agreement = Agreement.objects.filter(case=case).first()
    if agreement is None:
        agreement = Agreement.objects.create(case=case, **values)
        return {"form": agreement.form, "created": True}
    changed = any(getattr(agreement, key) != value for key, value in values.items())
    for key, value in values.items():
        setattr(agreement, key, value)
    if changed:
        agreement.signed_by_parties = agreement.signed_by_mediator = agreement.sealed = False
    agreement.save()
    return {"form": agreement.form, "created": False, "changed": changed}


def agree(case: MediationCase, p: dict, now: datetime) -> dict:
    agreement: Agreement = case.agreement
    for key in ("signed_by_parties", "signed_by_mediator", "sealed"):
        setattr(agreement, key, getattr(agreement, key) or p.get(key, False))
    agreement.effective_at = now
    if agreement.form == AgreementForm.WRITTEN:
        agreement.confirmation_deadline = confirmation_deadline(effective_at=now)
    agreement.save()
    case.ended_at = now
    deadline = agreement.confirmation_deadline
    return {"form": agreement.form, "confirmation_deadline": deadline.isoformat() if deadline else None}


def _obligated_enterprises(case: MediationCase, party) -> list:
    if party is not None:
        return [party] if party.kind == PartyKind.ENTERPRISE else []
    return list(case.parties.filter(kind=PartyKind.ENTERPRISE, role=PartyRole.RESPONDENT))


def record_performance(case: MediationCase, p: dict, now: datetime) -> dict:
    """Record a check of performance; unperformed wage agreements are flagged for a payment order, and an
    enterprise that did not perform is reported to the credit ledger."""
    agreement: Agreement = case.agreement
    status, party = p["performance"], p.get("_party")
    PerformanceRecord.objects.create(
        agreement=agreement,
        status=status,
        party=party,
        amount=p["amount"],
        note=p["note"],
        proof=p["proof"] or "",
        recorded_by=_actor(p),
        at=now,
    )
    agreement.performance_status = status
    agreement.performance_recorded_at = now
    unperformed = status in (PerformanceStatus.PARTIAL, PerformanceStatus.NOT_PERFORMED)
    if unperformed and case.wage_arrears and agreement.payment_order_flagged_at is None:
        agreement.payment_order_flagged_at = now  # 劳动争议调解仲裁法 art. 16: 支付令
    credited = []
    if status == PerformanceStatus.NOT_PERFORMED:
        for enterprise in _obligated_enterprises(case, party):
            if credit_unperformed_agreement_record(
                credit_code=enterprise.credit_code,
                name=enterprise.name,
                agreement_id=agreement.pk,
                case_number=case.number,
                occurred_on=timezone.localdate(now),
                actor=_actor(p),
            ):
                credited.append(enterprise.pk)
        if credited and agreement.credit_fact_recorded_at is None:
            agreement.credit_fact_recorded_at = now
    agreement.save()
    return {
        "performance": status,
        "payment_order": agreement.payment_order_flagged_at is not None,
        "credit_parties": credited,
        "proof": bool(p["proof"]),
    }


def record_confirmation(case: MediationCase, p: dict, now: datetime) -> dict:
    agreement: Agreement = case.agreement
    step, at = p["confirmation"], p.get("at") or now
    agreement.confirmation_status = step
    if step == ConfirmationStatus.APPLIED:
        agreement.confirmation_applied_at = at
        agreement.court = p["court"]
    else:
        agreement.confirmation_decided_at = at
        agreement.court = p["court"] or agreement.court
        agreement.court_reference = p["court_reference"]
        agreement.confirmation_note = p["note"]
    agreement.save()
    return {"confirmation": step, "court": agreement.court}


def return_visit(case: MediationCase, p: dict, now: datetime) -> dict:
    visit = ReturnVisit.objects.create(
        case=case,
        visited_at=p.get("visited_at") or now,
        method=p["method"],
        party=p.get("_party"),
        performed=p["performed"],
        satisfied=p["satisfied"],
        note=p["note"],
        recorded_by=_actor(p),
    )
    return {"visit": visit.pk, "performed": visit.performed, "satisfied": visit.satisfied}


def close(case: MediationCase, p: dict, now: datetime) -> dict:
    case.closed_at = now
    return {"performance": case.agreement.performance_status}


# --- the system's reminders ----------------------------------------------------------------------


def remind_session(case: MediationCase, p: dict, now: datetime) -> dict:
    session = p["_session"]
    local = timezone.localtime(session.starts_at)
    text = _("调解会提醒：%(number)s 定于%(when)s在%(place)s召开调解会，请准时参加。") % {
        "number": case.number,
        "when": local.strftime("%Y-%m-%d %H:%M"),
        "place": session.place,
    }
    count = reminders_create(
        case=case,
        kind=ReminderKind.SESSION,
        occasion=f"session:{session.pk}",
        text=text,
        users=case_mediator_users(case=case),
        phones=case_party_phones(case=case),
        now=now,
    )
    session.reminded_at = now
    session.save(update_fields=["reminded_at", "updated_at"])
    return {"session": session.pk, "reminders": count}


def warn(case: MediationCase, p: dict, now: datetime) -> dict:
    case.warned_at = now
    text = _("调解期限临近：%(number)s 将于%(due)s届满，请抓紧调解或经双方同意延长期限。") % {
        "number": case.number,
        "due": timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M"),
    }
    count = reminders_create(
        case=case,
        kind=ReminderKind.DEADLINE_WARNING,
        occasion=f"warn:{case.due_at.isoformat()}",
        text=text,
        users=case_mediator_users(case=case),
        now=now,
    )
    return {"due_at": case.due_at.isoformat(), "reminders": count}


def note_overdue(case: MediationCase, p: dict, now: datetime) -> dict:
    """The limit passed without agreement. Labour: the parties may now go to arbitration (and are told)."""
    case.overdue_noted_at = now
    labour = case.dispute_type == "labour"
    text = _("调解期限已届满：%(number)s。") % {"number": case.number}
    phones = []
    if labour:
        text += _("自申请之日起十五日内未达成调解协议，当事人可以依法申请劳动仲裁。")
        phones = case_party_phones(case=case)
    count = reminders_create(
        case=case,
        kind=ReminderKind.DEADLINE_PASSED,
        occasion=f"overdue:{case.due_at.isoformat()}",
        text=text,
        users=case_mediator_users(case=case),
        phones=phones,
        now=now,
    )
    return {"arbitration_open": labour, "reminders": count}


def remind_confirmation(case: MediationCase, p: dict, now: datetime) -> dict:
    agreement: Agreement = case.agreement
    agreement.confirmation_reminded_at = now
    agreement.save(update_fields=["confirmation_reminded_at", "updated_at"])
    text = _(
        "司法确认提醒：%(number)s 调解协议如需司法确认，双方当事人应于%(deadline)s前共同向人民法院申请。"
    ) % {
        "number": case.number,
        "deadline": timezone.localtime(agreement.confirmation_deadline).strftime("%Y-%m-%d"),
    }
    count = reminders_create(
        case=case,
        kind=ReminderKind.CONFIRMATION_WINDOW,
        occasion="confirmation",
        text=text,
        users=case_mediator_users(case=case),
        phones=case_party_phones(case=case),
        now=now,
    )
    return {"reminders": count}


def remind_performance(case: MediationCase, p: dict, now: datetime) -> dict:
    agreement: Agreement = case.agreement
    agreement.performance_reminded_at = now
    agreement.save(update_fields=["performance_reminded_at", "updated_at"])
    text = _("履行期限已届满：%(number)s 请核实调解协议履行情况并记录。") % {"number": case.number}
    count = reminders_create(
        case=case,
        kind=ReminderKind.PERFORMANCE_DUE,
        occasion="performance",
        text=text,
        users=case_mediator_users(case=case),
        now=now,
    )
    return {"reminders": count}


EFFECTS = {
    "draft_agreement": draft_agreement,
    "agree": agree,
    "record_performance": record_performance,
    "record_confirmation": record_confirmation,
    "return_visit": return_visit,
    "close": close,
    "remind_session": remind_session,
    "warn": warn,
    "note_overdue": note_overdue,
    "remind_confirmation": remind_confirmation,
    "remind_performance": remind_performance,
}
