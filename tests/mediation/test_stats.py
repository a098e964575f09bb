"""Statistics proved on hand-built data (cases written directly, not through the workflow), every number
worked out by hand in the comments."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from mediation.models import Agreement, CaseMediator, MediationCase
from mediation.selectors.stats import mediation_stats
from tests.mediation.factories import membership

TZ = ZoneInfo("Asia/Shanghai")


def _case(
    world,
    n,
    *,
    organisation,
    status,
    type_,
    source,
    applied_day,
    days=None,
    amount=None,
    lead=None,
    accepted=True,
    agreement=None,
):
    applied = (
        datetime(2026, 5, applied_day, 10, tzinfo=TZ) if applied_day else datetime(2026, 3, 1, 10, tzinfo=TZ)
    )
    case = MediationCase.objects.create(
        number=f"〔2026〕测字第{n}号",
        year=2026,
        sequence=n,
        organisation=organisation,
        dispute_type=type_,
        source=source,
        summary="手工构造的统计数据",
        status=status,
        applied_at=applied,
        accepted_at=applied if accepted else None,
        ended_at=applied + timedelta(days=days) if days is not None else None,
        amount=Decimal(amount) if amount is not None else None,
        limit_amount=1,
        limit_unit="month",
        due_at=applied + timedelta(days=30),
    )
    if lead is not None:
        CaseMediator.objects.create(case=case, mediator=membership(world, lead), how="appointed", lead=True)
    if agreement is not None:
        agreed_amount, performance, confirmation = agreement
        Agreement.objects.create(
            case=case,
            facts="f",
            terms="t",
            performance_method="m",
            performance_deadline=applied.date() + timedelta(days=40),
            amount=Decimal(agreed_amount),
            performance_status=performance,
            confirmation_status=confirmation,
        )
    return case


@pytest.fixture
def data(world):
    s, o = world.street, world.other
    # street committee
    _case(
        world,
        1,
        organisation=s,
        status="closed",
        type_="neighbour",
        source="application_written",
        applied_day=1,
        days=10,
        amount="5000",
        lead=world.mediator,
        agreement=("3000", "performed", "confirmed"),
    )
    _case(
        world,
        2,
        organisation=s,
        status="agreed",
        type_="labour",
        source="complaint",
        applied_day=2,
        days=4,
        amount="2000",
        lead=world.mediator,
        agreement=("1000", "not_performed", "none"),
    )
    _case(
        world,
        3,
        organisation=s,
        status="failed",
        type_="neighbour",
        source="initiative",
        applied_day=3,
        days=16,
        amount="10000",
        lead=world.mediator2,
    )
    _case(
        world,
        4,
        organisation=s,
        status="withdrawn",
        type_="neighbour",
        source="application_oral",
        applied_day=4,
        days=1,
        lead=world.mediator2,
    )
    _case(
        world,
        5,
        organisation=s,
        status="refused",
        type_="neighbour",
        source="government",
        applied_day=5,
        days=0,
        amount="300",
        accepted=False,
    )
    # the other street's committee
    _case(
        world,
        6,
        organisation=o,
        status="mediating",
        type_="consumer",
        source="police",
        applied_day=6,
        amount="700",
        lead=world.other_mediator,
    )
    _case(
        world,
        7,
        organisation=o,
        status="closed",
        type_="consumer",
        source="court",
        applied_day=7,
        days=2,
        amount="800",
        lead=world.other_mediator,
        agreement=("500", "partial", "rejected"),
    )
    # outside the window (March)
    _case(
        world,
        8,
        organisation=s,
        status="closed",
        type_="family",
        source="court",
        applied_day=None,
        days=3,
        amount="99999",
        lead=world.mediator,
        agreement=("99999", "performed", "confirmed"),
    )
    return world


MAY = {"date_from": "2026-05-01", "date_to": "2026-05-31"}


@pytest.mark.django_db
def test_overall_metrics(data):
    stats = mediation_stats(**MAY)
    assert stats["cases"] == 7  # 1–7; case 8 was applied for in March
    assert stats["accepted"] == 6  # all but the refused one
    assert stats["mediated"] == 4  # closed 1, agreed 2, failed 3, closed 7 (withdrawn/refused/open are not)
    assert stats["successful"] == 3 and stats["success_rate"] == 0.75  # 1, 2, 7
    assert stats["performed"] == 1 and stats["performance_rate"] == 0.3333  # 1 of (1, 2, 7) fully performed
    assert stats["confirmed"] == 1 and stats["confirmation_rate"] == 0.3333  # case 1 of three agreements
    assert stats["average_duration_days"] == 8.0  # (10 + 4 + 16 + 2) / 4
    assert stats["amount_in_dispute"] == "18800.00"  # 5000 + 2000 + 10000 + 300 + 700 + 800
    assert stats["amount_agreed"] == "4500.00"  # 3000 + 1000 + 500


@pytest.mark.django_db
def test_breakdowns_by_type_source_organisation_and_mediator(data):
    stats = mediation_stats(**MAY)
    assert {r["key"]: r["cases"] for r in stats["by_type"]} == {"neighbour": 4, "labour": 1, "consumer": 2}
    assert stats["by_type"][0]["label"] == "邻里纠纷"
    assert {r["key"] for r in stats["by_source"]} == {
        "application_written",
        "complaint",
        "initiative",
        "application_oral",
        "government",
        "police",
        "court",
    }
    by_org = {r["organisation"]: r for r in stats["by_organisation"]}
    street, other = by_org[data.street.code], by_org[data.other.code]
    assert (street["cases"], street["mediated"], street["successful"]) == (5, 3, 2)
    assert street["success_rate"] == 0.6667 and street["average_duration_days"] == 10.0  # (10+4+16)/3
    assert street["amount_agreed"] == "4000.00"
    assert (other["cases"], other["success_rate"], other["performance_rate"]) == (2, 1.0, 0.0)
    by_mediator = {r["name"]: r for r in stats["by_mediator"]}
    one, two = by_mediator["调解员m-one"], by_mediator["调解员m-two"]
    assert (one["cases"], one["successful"], one["success_rate"], one["amount_agreed"]) == (
        2,
        2,
        1.0,
        "4000.00",
    )
    assert (two["cases"], two["mediated"], two["success_rate"]) == (2, 1, 0.0)
    assert by_mediator["调解员m-other"]["confirmation_rate"] == 0.0


@pytest.mark.django_db
def test_per_organisation_includes_the_organisations_it_guides(data):
    street_only = mediation_stats(organisation=data.street, **MAY)
    assert street_only["cases"] == 5 and street_only["success_rate"] == 0.6667
    hub = mediation_stats(organisation=data.hub, **MAY)
    assert hub["cases"] == 7  # the hub guides both streets
    everything = mediation_stats()
    assert everything["cases"] == 8 and everything["amount_agreed"] == "104499.00"
    empty = mediation_stats(date_from="2030-01-01")
    assert empty["cases"] == 0 and empty["success_rate"] is None and empty["average_duration_days"] is None


@pytest.mark.django_db
def test_the_stats_api(data):
    api = APIClient()
    api.force_authenticate(data.supervisor)
    body = api.get("/api/v1/mediation/stats/?from=2026-05-01&to=2026-05-31").json()
    assert body["success_rate"] == 0.75 and len(body["by_organisation"]) == 2
    assert api.get("/api/v1/mediation/stats/?from=yesterday").status_code == 400
    assert api.get("/api/v1/mediation/stats/?organisation=NOPE").status_code == 404
