"""The agreement document (调解协议书) as self-contained, printable HTML.

Contents (DOMAIN.md §4): the case number and the organisation; every party (persons: name, sex,
ethnicity, age, occupation, address, ID number, contact; enterprises: name, credit code, legal
representative, address; groups: size and elected representatives); the facts and the matters in
dispute; the agreed terms; how and by when they are performed; the number of copies; when it takes
effect (signatures of all parties and the mediator, the organisation's seal); the 30-day window for
judicial confirmation; for labour disputes the payment order (wages) and arbitration notes. Signature
lines for each party and each mediator, the seal's place and the date. No external asset: it prints
and renders to PDF offline.
"""

from django.template.loader import render_to_string
from django.utils import timezone

from mediation.models import AgreementForm, CaseMediator, DisputeType, MediationCase, OrganisationKind
from mediation.selectors.parties import case_party_views


def agreement_title(case: MediationCase) -> str:
    if case.dispute_type == DisputeType.LABOUR or case.organisation.kind in (
        OrganisationKind.LABOUR,
        OrganisationKind.ENTERPRISE,
    ):
        return "劳动争议调解协议书"
    return "人民调解协议书"


def agreement_document_context(*, case: MediationCase, inside: bool) -> dict:
    agreement = case.agreement
    effective = timezone.localtime(agreement.effective_at) if agreement.effective_at else None
    on = effective.date() if effective else timezone.localdate()
    mediators = [
        link.mediator
        for link in CaseMediator.objects.filter(case=case, active=True)
        .select_related("mediator__user")
        .order_by("-lead", "id")
    ]
    return {
        "case": case,
        "agreement": agreement,
        "title": agreement_title(case),
        "parties": case_party_views(case=case, inside=inside, on=on),
        "mediators": mediators,
        "effective": effective,
        "labour": case.dispute_type == DisputeType.LABOUR,
        "written": agreement.form == AgreementForm.WRITTEN,
        "masked": not inside,
    }


def agreement_document_html(*, case: MediationCase, inside: bool) -> str:
    """The document's HTML; outside the case the parties' personal data are masked."""
    return render_to_string(
        "mediation/agreement_document.html", agreement_document_context(case=case, inside=inside)
    )
