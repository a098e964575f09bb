"""How parties are shown: in full inside the case, masked for everyone else (API, pages, documents).

Masked: a person's name (张**), ID number (440310********1234), phone (138****5678), address (first
six characters), birth date and occupation. An enterprise's name and credit code are public registry
data and stay readable; its phone and address are masked like a person's.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from common.validators import mask_id_number, mask_name, mask_phone
from mediation.models import MediationCase, Party, PartyKind

HIDDEN = "***"


def mask_address(address: str) -> str:
    address = address or ""
    return f"{address[:6]}{HIDDEN}" if len(address) > 6 else (HIDDEN if address else "")


def age_on(birth: date | None, on: date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@dataclass
class PartyView:
    id: int
    role: str
    role_label: str
    kind: str
    kind_label: str
    name: str
    sex: str = ""
    ethnicity: str = ""
    age: int | None = None
    birth_date: str = ""
    occupation: str = ""
    id_number: str = ""
    phone: str = ""
    address: str = ""
    credit_code: str = ""
    legal_representative: str = ""
    group_size: int | None = None
    refused: bool = False
    masked: bool = True
    representatives: list = field(default_factory=list)


def party_view(party: Party, *, inside: bool, on: date | None = None) -> PartyView:
    on = on or timezone.localdate()
    person = party.kind == PartyKind.PERSON
    view = PartyView(
        id=party.pk,
        role=party.role,
        role_label=str(party.get_role_display()),
        kind=party.kind,
        kind_label=str(party.get_kind_display()),
        name=party.name if (inside or not person) else mask_name(party.name),
        sex=str(party.get_sex_display()) if party.sex else "",
        ethnicity=party.ethnicity if inside else "",
        age=age_on(party.birth_date, on) if inside else None,
        birth_date=party.birth_date.isoformat() if (inside and party.birth_date) else "",
        occupation=party.occupation if inside else "",
        id_number=party.id_number if inside else mask_id_number(party.id_number),
        phone=party.phone if inside else mask_phone(party.phone),
        address=party.address if inside else mask_address(party.address),
        credit_code=party.credit_code,
        legal_representative=party.legal_representative if inside else mask_name(party.legal_representative),
        group_size=party.group_size,
        refused=party.refused_at is not None,
        masked=not inside,
    )
    return view


def case_party_views(*, case: MediationCase, inside: bool, on: date | None = None) -> list[PartyView]:
    """Principal parties in order, each group with its representatives."""
    parties = list(case.parties.all())
    views = {p.pk: party_view(p, inside=inside, on=on) for p in parties}
    result = []
    for party in parties:
        if party.representative_of_id is None:
            result.append(views[party.pk])
    for party in parties:
        if party.representative_of_id is not None and party.representative_of_id in views:
            views[party.representative_of_id].representatives.append(views[party.pk])
    return result
