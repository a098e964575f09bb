"""Read models of a case for interfaces (API and pages show the same thing): plain dicts, with the
parties' personal data masked unless the reader is inside the case."""

from dataclasses import asdict
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from mediation.models import Agreement, MediationCase
from mediation.selectors.access import case_actor_roles, case_allowed_actions_for, case_inside
from mediation.selectors.cases import case_time_status
from mediation.selectors.parties import case_party_views
from mediation.workflow import action_label


def _mediators(case: MediationCase) -> list[dict]:
    return [
        {
            "id": link.mediator_id,
            "name": str(link.mediator.user),
            "how": link.how,
            "how_label": str(link.get_how_display()),
            "lead": link.lead,
            "active": link.active,
            "recused_at": link.recused_at,
            "recusal_reason": link.recusal_reason,
        }
        for link in case.case_mediators.all()
    ]


def _sessions(case: MediationCase, *, inside: bool) -> list[dict]:
    return [
        {
            "id": s.pk,
            "sequence": s.sequence,
            "starts_at": s.starts_at,
            "ends_at": s.ends_at,
            "place": s.place,
            "status": s.status,
            "status_label": str(s.get_status_display()),
            "attendees": [a.pk for a in s.attendees.all()],
            "mediators": [str(m.user) for m in s.mediators.all()],
            "other_attendees": s.other_attendees if inside else "",
            "minutes": s.minutes if inside else "",
            "held_at": s.held_at,
        }
        for s in case.sessions.all()
    ]


def agreement_data(agreement: Agreement | None, *, inside: bool) -> dict | None:
    if agreement is None:
        return None
    return {
        "form": agreement.form,
        "form_label": str(agreement.get_form_display()),
        "facts": agreement.facts,
        "terms": agreement.terms,
        "performance_method": agreement.performance_method,
        "performance_deadline": agreement.performance_deadline,
        "amount": str(agreement.amount) if agreement.amount is not None else None,
        "oral_record": agreement.oral_record if inside else "",
        "copies": agreement.copies,
        "signed_by_parties": agreement.signed_by_parties,
        "signed_by_mediator": agreement.signed_by_mediator,
        "sealed": agreement.sealed,
        "effective_at": agreement.effective_at,
        "pdf_ready": bool(agreement.document),
        "performance_status": agreement.performance_status,
        "performance_label": str(agreement.get_performance_status_display()),
        "payment_order_flagged": agreement.payment_order_flagged_at is not None,
        "credit_fact_recorded": agreement.credit_fact_recorded_at is not None,
        "performance_records": [
            {
                "status": r.status,
                "party": r.party_id,
                "amount": str(r.amount) if r.amount is not None else None,
                "note": r.note if inside else "",
                "proof": bool(r.proof),
                "at": r.at,
            }
            for r in agreement.performance_records.all()
        ],
        "confirmation_deadline": agreement.confirmation_deadline,
        "confirmation_status": agreement.confirmation_status,
        "confirmation_label": str(agreement.get_confirmation_status_display()),
        "confirmation_applied_at": agreement.confirmation_applied_at,
        "court": agreement.court,
        "court_reference": agreement.court_reference,
        "confirmation_decided_at": agreement.confirmation_decided_at,
    }


def case_list_item(case: MediationCase, *, now: datetime) -> dict:
    time = case_time_status(case=case, now=now)
    return {
        "id": case.pk,
        "number": case.number,
        "organisation": case.organisation.code,
        "organisation_name": case.organisation.name,
        "dispute_type": case.dispute_type,
        "dispute_type_label": str(case.get_dispute_type_display()),
        "source": case.source,
        "source_label": str(case.get_source_display()),
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "applied_at": case.applied_at,
        "due_at": case.due_at,
        "overdue": time["overdue"],
        "arbitration_open": time["arbitration_open"],
        "amount": str(case.amount) if case.amount is not None else None,
        "complaint": case.complaint.tracking_code if case.complaint_id else None,
    }


def case_detail_for_actor(*, user, case: MediationCase, now: datetime | None = None) -> dict:
    """Everything a reader may see of the case (the case from ``case_get_for_actor``)."""
    now = now or timezone.now()
    roles = case_actor_roles(case=case, user=user)
    inside = case_inside(case=case, user=user, roles=roles)
    agreement = getattr(case, "agreement", None)
    return {
        **case_list_item(case, now=now),
        "source_reference": case.source_reference,
        "summary": case.summary,
        "claims": case.claims,
        "wage_arrears": case.wage_arrears,
        "oral_application_record": case.oral_application_record if inside else "",
        "accepted_at": case.accepted_at,
        "started_at": case.started_at,
        "rights_notified_at": case.rights_notified_at,
        "ended_at": case.ended_at,
        "closed_at": case.closed_at,
        "end_reason": case.end_reason,
        "legal_channels_told": case.legal_channels_told,
        "time": case_time_status(case=case, now=now),
        "personal_data_masked": not inside,
        "parties": [asdict(view) for view in case_party_views(case=case, inside=inside)],
        "mediators": _mediators(case),
        "sessions": _sessions(case, inside=inside),
        "extensions": [
            {
                "days": e.days,
                "reason": e.reason,
                "consenting_parties": [p.pk for p in e.consenting_parties.all()],
                "consent_record": e.consent_record,
                "old_due_at": e.old_due_at,
                "new_due_at": e.new_due_at,
                "at": e.at,
            }
            for e in case.extensions.all()
        ],
        "agreement": agreement_data(agreement, inside=inside),
        "visits": [
            {
                "visited_at": v.visited_at,
                "method": v.method,
                "party": v.party_id,
                "performed": v.performed,
                "satisfied": v.satisfied,
                "note": v.note if inside else "",
            }
            for v in case.visits.all()
        ],
        "events": [
            {
                "at": e.at,
                "actor": str(e.actor) if e.actor_id else None,
                "action": e.action,
                "label": action_label(e.action) if e.action != "apply" else _("登记申请"),
                "from_status": e.from_status,
                "to_status": e.to_status,
                "note": e.note if inside else "",
            }
            for e in case.events.all()
        ],
        "allowed_actions": case_allowed_actions_for(user=user, case=case, roles=roles),
    }
