"""Demo mediation data: the district hub, a people's mediation committee per street office, community
committees of 坪山街道, the district labour-dispute mediation centre and a property-management committee;
mediators (``mediator1`` directs the 坪山街道 committee and also mediates labour disputes); and a few
cases in different states, made through the services (so numbers, time limits and events are real).

Idempotent: organisations and mediators are upserted; the demo cases are made only once (they are
recognised by their ``source_reference`` ``DEMO-<n>``). Accounts come from ``accounts.services``.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Role, User
from accounts.services import UserSpec, users_ensure
from common.validators import ID_CHECK, ID_WEIGHTS, org_code_check_char, uscc_check_char
from grids.models import Unit, UnitKind
from mediation.models import MediationCase, MediationOrganisation, Mediator, OrganisationKind
from mediation.services.cases import mediation_case_apply
from mediation.services.organisations import mediator_upsert, organisation_upsert
from mediation.services.transitions import mediation_case_transition

DEMO_PASSWORD = "demo-pass-2026"
HUB_CODE = "PS-TJZX"
LABOUR_CODE = "PS-LDTJ"
PROPERTY_CODE = "PS-WYTJ"
STREET_COMMITTEE = "{unit}-TWH"  # 坪山街道办事处 PS-PSJD → 坪山街道人民调解委员会 PS-PSJD-TWH
DEMO_MEDIATORS = [
    UserSpec("mediator1", Role.MEDIATOR, "人民调解员"),
    UserSpec("mediator2", Role.MEDIATOR, "坪山街道调解员"),
    UserSpec("mediator3", Role.MEDIATOR, "马峦街道调委会主任"),
    UserSpec("mediator4", Role.MEDIATOR, "劳动争议调解员"),
    UserSpec("mediator5", Role.MEDIATOR, "区调解中心调解员"),
]


def _citizen_id(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + ID_CHECK[total % 11]


def _uscc(org8: str) -> str:
    first17 = "91440300" + org8 + org_code_check_char(org8)
    return first17 + uscc_check_char(first17)


def _organisations() -> dict[str, MediationOrganisation]:
    made = {}

    def upsert(code, name, kind, parent=None, unit=None):
        unit_code = unit if unit and Unit.objects.filter(code=unit).exists() else None
        made[code], _created = organisation_upsert(
            code=code, name=name, kind=kind, parent_code=parent, unit_code=unit_code, phone="0755-12345"
        )

    upsert(HUB_CODE, "坪山区矛盾纠纷多元化解中心", OrganisationKind.HUB, unit="PS")
    upsert(LABOUR_CODE, "坪山区劳动人事争议调解中心", OrganisationKind.LABOUR, parent=HUB_CODE, unit="PS-RS")
    upsert(PROPERTY_CODE, "坪山区物业纠纷人民调解委员会", OrganisationKind.INDUSTRY, parent=HUB_CODE)
    for street in Unit.objects.filter(kind=UnitKind.STREET).order_by("code"):
        code = STREET_COMMITTEE.format(unit=street.code)
        upsert(
            code,
            street.name.replace("办事处", "") + "人民调解委员会",
            OrganisationKind.STREET,
            HUB_CODE,
            street.code,
        )
        if street.code == "PS-PSJD":
            for community in Unit.objects.filter(kind=UnitKind.COMMUNITY, parent=street).order_by("code"):
                upsert(
                    STREET_COMMITTEE.format(unit=community.code),
                    community.name.replace("工作站", "").replace("居委会", "") + "人民调解委员会",
                    OrganisationKind.COMMUNITY,
                    code,
                    community.code,
                )
    return made


def _mediators(organisations: dict) -> int:
    users_ensure(specs=DEMO_MEDIATORS, password=DEMO_PASSWORD)
    users = {u.username: u for u in User.objects.filter(username__in=[s.username for s in DEMO_MEDIATORS])}
    pingshan = STREET_COMMITTEE.format(unit="PS-PSJD")
    maluan = STREET_COMMITTEE.format(unit="PS-MLJD")
    plan = [
        (
            "mediator1",
            pingshan,
            {
                "is_director": True,
                "kind": "full_time",
                "expertise": ["neighbour", "property_management", "family"],
                "languages": "普通话、客家话",
            },
        ),
        ("mediator1", LABOUR_CODE, {"expertise": ["labour"], "languages": "普通话"}),
        ("mediator2", pingshan, {"expertise": ["neighbour", "consumer"], "languages": "普通话、粤语"}),
        ("mediator3", maluan, {"is_director": True, "kind": "full_time", "expertise": ["land_housing"]}),
        ("mediator4", LABOUR_CODE, {"is_director": True, "kind": "full_time", "expertise": ["labour"]}),
        (
            "mediator5",
            HUB_CODE,
            {"is_director": True, "kind": "full_time", "expertise": ["contract", "damage"]},
        ),
    ]
    count = 0
    for username, code, attributes in plan:
        if code in organisations:
            mediator_upsert(user=users[username], organisation=organisations[code], **attributes)
            count += 1
    return count


def _person(role, name, first17, phone, **extra):
    return {
        "role": role,
        "kind": "person",
        "name": name,
        "id_number": _citizen_id(first17),
        "phone": phone,
        "ethnicity": "汉族",
        "address": "深圳市坪山区",
        **extra,
    }


def _company(role="respondent"):
    return {
        "role": role,
        "kind": "enterprise",
        "name": "深圳市坪山演示精密制造有限公司",
        "credit_code": _uscc("MA5DEM20"),
        "legal_representative": "周某",
        "phone": "0755-28880000",
        "address": "深圳市坪山区坑梓街道演示路1号",
    }


def _cases(organisations: dict) -> int:
    if MediationCase.objects.filter(source_reference__startswith="DEMO-").exists():
        return 0
    pingshan = STREET_COMMITTEE.format(unit="PS-PSJD")
    if pingshan not in organisations or LABOUR_CODE not in organisations:
        return 0
    now = timezone.now()
    director = User.objects.get(username="mediator1")
    labour_director = User.objects.get(username="mediator4")
    mediator2 = User.objects.get(username="mediator2")

    def apply(actor, number, **data):
        return mediation_case_apply(actor=actor, data={"source_reference": f"DEMO-{number}", **data}, now=now)

    def act(case, action, actor, **params):
        return mediation_case_transition(case_id=case.pk, action=action, actor=actor, params=params, now=now)

    def member(user, code):
        return Mediator.objects.get(user=user, organisation=organisations[code]).pk

    neighbours = [
        _person("applicant", "陈建国", "44030719700315123", "13800000001", occupation="退休职工"),
        _person("respondent", "林美华", "44030719880620124", "13800000002", occupation="个体经营"),
    ]
    # 1. A fresh application waiting for acceptance.
    apply(
        director,
        1,
        organisation=pingshan,
        dispute_type="neighbour",
        source="application_written",
        summary="楼上住户空调外机滴水，影响楼下晾晒，多次沟通未果。",
        claims="请求对方整改空调排水",
        parties=neighbours,
        applied_at=(now - timedelta(hours=3)).isoformat(),
    )
    # 2. A collective wage dispute under mediation, a session tomorrow (labour: 15 days).
    group = {
        "role": "applicant",
        "kind": "group",
        "name": "黄某等15名劳动者",
        "group_size": 15,
        "representatives": [
            _person("applicant", "黄志强", "44030719900101123", "13800000003"),
            _person("applicant", "吴丽", "44030719920202124", "13800000004"),
        ],
    }
    wages = apply(
        labour_director,
        2,
        organisation=LABOUR_CODE,
        dispute_type="labour",
        source="application_written",
        summary="公司拖欠15名员工2026年10月工资。",
        claims="支付拖欠工资",
        amount="126000",
        wage_arrears=True,
        parties=[group, _company()],
        applied_at=(now - timedelta(days=6)).isoformat(),
    )
    act(wages, "accept", labour_director)
    act(
        wages,
        "assign_mediator",
        labour_director,
        mediator=member(director, LABOUR_CODE),
        how="appointed",
        lead=True,
    )
    act(wages, "start", director)
    act(
        wages,
        "schedule_session",
        director,
        starts_at=(now + timedelta(days=1)).replace(hour=9, minute=30).isoformat(),
        place="区劳动人事争议调解中心第一调解室",
    )
    # 3. A property dispute with a written agreement awaiting performance.
    agreed = apply(
        director,
        3,
        organisation=pingshan,
        dispute_type="property_management",
        source="application_oral",
        oral_application_record="申请人口述：物业公司未及时维修电梯，要求减免物业费。",
        amount="2400",
        summary="业主与物业公司就电梯停运期间物业费发生争议。",
        parties=[_person("applicant", "郑海", "44030719820808123", "13800000005"), _company()],
        applied_at=(now - timedelta(days=10)).isoformat(),
    )
    act(agreed, "accept", director)
    act(agreed, "assign_mediator", director, mediator=member(director, pingshan), how="chosen")
    act(agreed, "start", director)
    act(
        agreed,
        "record_session",
        director,
        minutes="双方陈述意见，物业公司同意减免部分物业费。",
        place="街道调解室",
    )
    act(
        agreed,
        "draft_agreement",
        director,
        facts="电梯停运20天，业主要求减免物业费。",
        terms="物业公司减免申请人物业费1200元。",
        performance_method="在下期物业费账单中直接抵扣",
        performance_deadline=(now + timedelta(days=20)).date().isoformat(),
        amount="1200",
    )
    act(agreed, "agree", director, signed_by_parties=True, signed_by_mediator=True, sealed=True)
    # 4. A consumer dispute, agreed, performed and closed.
    closed = apply(
        director,
        4,
        organisation=pingshan,
        dispute_type="consumer",
        source="initiative",
        summary="顾客与商户就退货发生争执。",
        amount="800",
        parties=[
            _person("applicant", "孙雪", "44030719950505124", "13800000006"),
            _person("respondent", "钱宇", "44030719800606123", "13800000007"),
        ],
        applied_at=(now - timedelta(days=15)).isoformat(),
    )
    act(closed, "accept", director)
    act(closed, "assign_mediator", director, mediator=member(mediator2, pingshan), how="appointed")
    act(closed, "start", mediator2)
    act(
        closed,
        "draft_agreement",
        mediator2,
        facts="商品存在质量问题。",
        terms="商户退还货款800元。",
        performance_method="当场退款",
        performance_deadline=now.date().isoformat(),
        amount="800",
    )
    act(closed, "agree", mediator2, signed_by_parties=True, signed_by_mediator=True, sealed=True)
    act(closed, "record_performance", mediator2, performance="performed", amount="800", note="已当场退款")
    act(closed, "close", mediator2)
    # 5. A family dispute in which mediation failed.
    failed = apply(
        director,
        5,
        organisation=pingshan,
        dispute_type="family",
        source="police",
        summary="兄弟间因赡养费分担发生争执。",
        parties=[
            _person("applicant", "何大", "44030719650707123", "13800000008"),
            _person("respondent", "何二", "44030719680909123", "13800000009"),
        ],
        applied_at=(now - timedelta(days=20)).isoformat(),
    )
    act(failed, "accept", director)
    act(failed, "assign_mediator", director, mediator=member(director, pingshan), how="appointed")
    act(failed, "start", director)
    act(
        failed,
        "terminate",
        director,
        reason="双方分歧较大，无法达成一致",
        legal_channels="已告知可向人民法院提起诉讼",
    )
    return 5


def demo_mediation_load() -> dict:
    """Load (or refresh) the demo organisations, mediators and cases; returns counts."""
    organisations = _organisations()
    mediators = _mediators(organisations)
    cases = _cases(organisations)
    return {"organisations": len(organisations), "mediators": mediators, "cases_created": cases}
