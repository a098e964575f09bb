"""What each case action does, inside the transition's transaction: registration, mediators, sessions,
extensions and the ends of mediation. (Agreement, performance, confirmation, visits and the system's
reminders are in ``effects_agreement``.)

Effects set fields and write related rows; they never set ``status`` (the transition service does, from
the table) and never talk to the outside world (SMS and PDF rendering are queued on commit). Each
returns the event's payload — never personal data of the parties (ids and roles only).
"""

from datetime import datetime

from django.db.models import Max
from django.utils.translation import gettext_lazy as _lazy

from mediation.models import CaseMediator, DisputeType, Extension, MediationCase, Session, SessionStatus
from mediation.services.deadlines import case_deadline_set
from mediation.services.parties import parties_store

LEGAL_CHANNELS_LABOUR = _lazy("可自收到调解申请之日起十五日后依法向劳动人事争议仲裁委员会申请仲裁")
LEGAL_CHANNELS_GENERAL = _lazy("可依法通过仲裁、行政、司法等途径维护自己的权利")


def legal_channels_default(case: MediationCase) -> str:
    """What the parties are told when mediation ends without agreement (人民调解法 art. 26)."""
    return str(LEGAL_CHANNELS_LABOUR if case.dispute_type == DisputeType.LABOUR else LEGAL_CHANNELS_GENERAL)


def accept(case: MediationCase, p: dict, now: datetime) -> dict:
    case.accepted_at = now
    return {}


def refuse(case: MediationCase, p: dict, now: datetime) -> dict:
    case.end_reason = p["reason"]
    case.ended_at = now
    case.legal_channels_told = p.get("legal_channels") or legal_channels_default(case)
    return {}


def add_party(case: MediationCase, p: dict, now: datetime) -> dict:
    data = dict(p["_party_data"])
    party = parties_store(case=case, parties=[data])[0]
    return {"party": party.pk, "role": party.role, "kind": party.kind}


def update_party(case: MediationCase, p: dict, now: datetime) -> dict:
    party = p["_party"]
    changed = sorted(key for key, value in p["_party_data"].items() if getattr(party, key) != value)
    for key in changed:
        setattr(party, key, p["_party_data"][key])
    party.save()
    return {"party": party.pk, "fields": changed}  # names of the corrected fields, never their values


def assign_mediator(case: MediationCase, p: dict, now: datetime) -> dict:
    active = CaseMediator.objects.filter(case=case, active=True)
    lead = p["lead"] or not active.filter(lead=True).exists()
    if lead:
        active.filter(lead=True).update(lead=False, updated_at=now)
    link = CaseMediator.objects.create(case=case, mediator=p["_mediator"], how=p["how"], lead=lead)
    return {"mediator": link.mediator_id, "how": link.how, "lead": lead, "name": str(link.mediator.user)}


def recuse_mediator(case: MediationCase, p: dict, now: datetime) -> dict:
    link: CaseMediator = p["_case_mediator"]
    link.active = False
    link.recused_at = now
    link.recusal_reason = p["reason"]
    was_lead, link.lead = link.lead, False
    link.save(update_fields=["active", "recused_at", "recusal_reason", "lead", "updated_at"])
    successor = None
    if was_lead:
        successor = CaseMediator.objects.filter(case=case, active=True).order_by("id").first()
        if successor is not None:
            successor.lead = True
            successor.save(update_fields=["lead", "updated_at"])
    requested_by = p.get("_party")
    return {
        "mediator": link.mediator_id,
        "requested_by": requested_by.pk if requested_by else None,
        "new_lead": successor.mediator_id if successor else None,
    }


def start(case: MediationCase, p: dict, now: datetime) -> dict:
    case.started_at = now
    case.rights_notified_at = now  # the rights and duties of the parties are told when mediation starts
    return {"rights_notified": True}


def _next_sequence(case: MediationCase) -> int:
    return (Session.objects.filter(case=case).aggregate(last=Max("sequence"))["last"] or 0) + 1


def schedule_session(case: MediationCase, p: dict, now: datetime) -> dict:
    session = Session.objects.create(
        case=case,
        sequence=_next_sequence(case),
        starts_at=p["starts_at"],
        ends_at=p["ends_at"],
        place=p["place"],
    )
    return {"session": session.pk, "sequence": session.sequence, "starts_at": session.starts_at.isoformat()}


def record_session(case: MediationCase, p: dict, now: datetime) -> dict:
    session: Session | None = p.get("_session")
    if session is None:  # a session held without being scheduled first (e.g. on the spot)
        session = Session(case=case, sequence=_next_sequence(case), starts_at=now, place=p["place"])
    session.status = SessionStatus.HELD
    session.minutes = p["minutes"]
    session.other_attendees = p["other_attendees"]
    session.ends_at = p["ends_at"] or session.ends_at
    if p["place"]:
        session.place = p["place"]
    session.held_at = now
    session.recorded_by = p["_actor"] if getattr(p["_actor"], "pk", None) else None
    session.save()
    session.attendees.set(p["_attendees"])
    mediators = [
        link.mediator
        for link in CaseMediator.objects.filter(case=case, active=True).select_related("mediator")
    ]
    session.mediators.set(mediators)
    return {"session": session.pk, "sequence": session.sequence, "attendees": [a.pk for a in p["_attendees"]]}


def cancel_session(case: MediationCase, p: dict, now: datetime) -> dict:
    session: Session = p["_session"]
    session.status = SessionStatus.CANCELLED
    session.save(update_fields=["status", "updated_at"])
    return {"session": session.pk}


def extend(case: MediationCase, p: dict, now: datetime) -> dict:
    old = case.due_at
    case.extension_days_total += p["days"]
    case_deadline_set(case=case)
    case.warned_at = case.overdue_noted_at = None
    extension = Extension.objects.create(
        case=case,
        days=p["days"],
        reason=p["reason"],
        consent_record=p["consent_record"],
        old_due_at=old,
        new_due_at=case.due_at,
        recorded_by=p["_actor"] if getattr(p["_actor"], "pk", None) else None,
        at=now,
    )
    extension.consenting_parties.set(p["_consents"])
    return {"days": p["days"], "old_due_at": old.isoformat(), "new_due_at": case.due_at.isoformat()}


def terminate(case: MediationCase, p: dict, now: datetime) -> dict:
    case.end_reason = p["reason"]
    case.legal_channels_told = p["legal_channels"]
    case.ended_at = now
    return {"legal_channels_told": True}


def party_refuses(case: MediationCase, p: dict, now: datetime) -> dict:
    party = p["_party"]
    party.refused_at = now
    party.save(update_fields=["refused_at", "updated_at"])
    case.refused_by_party = party
    case.end_reason = p["reason"]
    case.legal_channels_told = p.get("legal_channels") or legal_channels_default(case)
    case.ended_at = now
    return {"party": party.pk, "role": party.role, "legal_channels_told": True}


def withdraw(case: MediationCase, p: dict, now: datetime) -> dict:
    case.end_reason = p["reason"]
    case.ended_at = now
    return {}


EFFECTS = {
    "accept": accept,
    "refuse": refuse,
    "add_party": add_party,
    "update_party": update_party,
    "assign_mediator": assign_mediator,
    "recuse_mediator": recuse_mediator,
    "start": start,
    "schedule_session": schedule_session,
    "record_session": record_session,
    "cancel_session": cancel_session,
    "extend": extend,
    "terminate": terminate,
    "party_refuses": party_refuses,
    "withdraw": withdraw,
}
