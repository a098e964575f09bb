"""Builders for mediation tests: valid official codes, organisations and mediators, applications, and
cases in any status.

``mediation_world()`` makes the district hub, the 坪山 street committee (with a community committee it
guides) and the 马峦 street committee, and these people:

- ``director`` (主任 of the 坪山 committee), ``mediator`` and ``mediator2`` (its mediators), ``member``
  (a mediator of the committee who is not on the case);
- ``hub_mediator`` (the hub: guides both streets), ``other_mediator`` (马峦: another organisation);
- ``supervisor``, ``dispatcher``, ``citizen``.

``case_in(world, status)`` registers a case through the services, puts ``mediator`` on it as its lead,
and then forces ``status`` with coherent fields (an agreement for agreed/closed) — tests only.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Role, User
from common.validators import ID_CHECK, ID_WEIGHTS, org_code_check_char, uscc_check_char
from mediation.models import (
    Agreement,
    AgreementForm,
    CaseStatus,
    MediationCase,
    MediationOrganisation,
    Mediator,
    OrganisationKind,
    PerformanceStatus,
)
from mediation.services.cases import mediation_case_apply
from mediation.services.organisations import mediator_upsert, organisation_upsert
from mediation.services.transitions import mediation_case_transition
from tests.grievance.factories import UserFactory


def citizen_id(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + ID_CHECK[total % 11]


def uscc(body: str = "914403007") -> str:
    """A valid 18-character credit code: ``body`` (authority, type, region start) padded to 8 + org code."""
    head = (body + "000000")[:8]  # 1 authority, 1 type, 6 region
    org8 = "MA5G7X3"[:7] + "1"
    org = org8 + org_code_check_char(org8)
    first17 = head + org
    return first17 + uscc_check_char(first17)


PERSON_A = citizen_id("44031019800101123")  # male (3 is odd)
PERSON_B = citizen_id("44031019850203124")  # female
PERSON_C = citizen_id("44031019900305135")
PERSON_D = citizen_id("44031019920707146")
COMPANY = uscc()


def person(role: str, name: str = "张三丰", id_number: str = PERSON_A, **extra) -> dict:
    data = {
        "role": role,
        "kind": "person",
        "name": name,
        "id_number": id_number,
        "ethnicity": "汉族",
        "occupation": "个体经营",
        "phone": "13812345678",
        "address": "深圳市坪山区坪山街道六和社区1号",
    }
    data.update(extra)
    return data


def enterprise(role: str = "respondent", **extra) -> dict:
    data = {
        "role": role,
        "kind": "enterprise",
        "name": "深圳市坪山示例电子有限公司",
        "credit_code": COMPANY,
        "legal_representative": "李四",
        "phone": "0755-28881234",
        "address": "深圳市坪山区坑梓街道工业路8号",
    }
    data.update(extra)
    return data


@dataclass
class MediationWorld:
    hub: MediationOrganisation
    street: MediationOrganisation
    community: MediationOrganisation
    other: MediationOrganisation
    director: User
    mediator: User
    mediator2: User
    member: User
    hub_mediator: User
    other_mediator: User
    supervisor: User
    dispatcher: User
    citizen: User
    memberships: dict = field(default_factory=dict)


def mediation_world() -> MediationWorld:
    hub, _ = organisation_upsert(code="PS-TJZX", name="坪山区矛盾纠纷多元化解中心", kind=OrganisationKind.HUB)
    street, _ = organisation_upsert(
        code="PS-PSJD-TWH", name="坪山街道人民调解委员会", kind=OrganisationKind.STREET, parent_code=hub.code
    )
    community, _ = organisation_upsert(
        code="PS-LHSQ-TWH",
        name="六和社区人民调解委员会",
        kind=OrganisationKind.COMMUNITY,
        parent_code=street.code,
    )
    other, _ = organisation_upsert(
        code="PS-MLJD-TWH", name="马峦街道人民调解委员会", kind=OrganisationKind.STREET, parent_code=hub.code
    )

    def mediator(username: str, organisation: MediationOrganisation, **kwargs) -> User:
        kwargs.setdefault("max_caseload", 200)  # tests make many cases; the caseload test sets its own
        user = UserFactory(username=username, role=Role.MEDIATOR, display_name=f"调解员{username}")
        mediator_upsert(user=user, organisation=organisation, **kwargs)
        return user

    world = MediationWorld(
        hub=hub,
        street=street,
        community=community,
        other=other,
        director=mediator("m-director", street, is_director=True),
        mediator=mediator("m-one", street, expertise=["neighbour", "labour"]),
        mediator2=mediator("m-two", street),
        member=mediator("m-member", street),
        hub_mediator=mediator("m-hub", hub),
        other_mediator=mediator("m-other", other),
        supervisor=UserFactory(username="sup", role=Role.SUPERVISOR),
        dispatcher=UserFactory(username="disp", role=Role.DISPATCHER),
        citizen=UserFactory(username="cit", role=Role.CITIZEN),
    )
    world.memberships = {m.user.username: m for m in Mediator.objects.select_related("user")}
    return world


def application(world: MediationWorld, **overrides) -> dict:
    data = {
        "organisation": world.street.code,
        "dispute_type": "neighbour",
        "source": "application_written",
        "summary": "楼上住户装修漏水，造成楼下天花板损坏，双方就赔偿金额发生争执。",
        "claims": "请求赔偿维修费用5000元",
        "amount": "5000",
        "parties": [
            person("applicant"),
            person("respondent", name="王芳", id_number=PERSON_B, phone="13900001111"),
        ],
    }
    data.update(overrides)
    return data


def membership(world: MediationWorld, user: User) -> Mediator:
    return world.memberships[user.username]


def case_new(world: MediationWorld, *, mediator: User | None = None, with_mediator: bool = True, **overrides):
    """A registered case (``applied``) with ``mediator`` (default ``world.mediator``) appointed as lead."""
    case = mediation_case_apply(actor=world.director, data=application(world, **overrides))
    if with_mediator:
        mediation_case_transition(
            case_id=case.pk,
            action="assign_mediator",
            actor=world.director,
            params={"mediator": membership(world, mediator or world.mediator).pk, "how": "appointed"},
        )
    return case


def agreement_for(
    case: MediationCase, *, form: str = AgreementForm.WRITTEN, effective: bool = True, **fields
):
    now = timezone.now()
    values = {
        "form": form,
        "facts": "漏水致楼下天花板受损，经现场查看属实。",
        "terms": "被申请人赔偿申请人维修费用人民币3000元。",
        "performance_method": "银行转账至申请人账户",
        "performance_deadline": timezone.localdate() + timedelta(days=10),
        "amount": Decimal("3000.00"),
        "oral_record": "双方口头同意赔偿3000元" if form == AgreementForm.ORAL else "",
        "signed_by_parties": effective,
        "signed_by_mediator": effective,
        "sealed": effective,
        "effective_at": now if effective else None,
        "confirmation_deadline": now + timedelta(days=30) if effective else None,
    }
    values.update(fields)
    return Agreement.objects.create(case=case, **values)


# Fields that make a forced status coherent (what the transitions into it would have set).
def _state_fields(status: str) -> dict:
    now = timezone.now()
    accepted = {"accepted_at": now}
    started = {**accepted, "started_at": now, "rights_notified_at": now}
    return {
        CaseStatus.ACCEPTED: accepted,
        CaseStatus.MEDIATING: started,
        CaseStatus.AGREED: {**started, "ended_at": now},
        CaseStatus.CLOSED: {**started, "ended_at": now, "closed_at": now},
        CaseStatus.FAILED: {**started, "ended_at": now, "end_reason": "协商不成"},
        CaseStatus.REFUSED: {"ended_at": now, "end_reason": "不属于受理范围"},
        CaseStatus.WITHDRAWN: {"ended_at": now, "end_reason": "申请人撤回"},
    }.get(status, {})


def case_in(
    world: MediationWorld, status: str, *, draft: bool = False, mediator: User | None = None, **overrides
) -> MediationCase:
    """A case with ``mediator`` on it, forced into ``status``; agreed/closed cases get an effective
    agreement (closed: performed); ``draft`` adds a draft agreement (not yet signed)."""
    case = case_new(world, mediator=mediator, **overrides)
    MediationCase.objects.filter(pk=case.pk).update(status=status, **_state_fields(status))
    if status in (CaseStatus.AGREED, CaseStatus.CLOSED):
        performance = (
            PerformanceStatus.PERFORMED if status == CaseStatus.CLOSED else PerformanceStatus.PENDING
        )
        agreement_for(case, performance_status=performance)
    elif draft:
        agreement_for(case, effective=False)
    case.refresh_from_db()
    return case
