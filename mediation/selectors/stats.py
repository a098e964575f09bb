"""Mediation statistics (DOMAIN.md §4 metrics), overall and per type, source, organisation and mediator.

Definitions (cases counted by application time within the window):
- ``mediated``: mediation concluded — an agreement (agreed or closed) or a failure (终止, incl. a party's
  refusal); refused applications and withdrawals were never mediated to an end and are left out;
- ``success_rate`` = agreements ÷ mediated;
- ``performance_rate`` = fully performed ÷ agreements whose performance has been recorded;
- ``confirmation_rate`` = judicially confirmed ÷ agreements;
- ``average_duration_days``: application → end of mediation (agreement or failure), in days;
- ``amount_in_dispute``: sum over all cases; ``amount_agreed``: sum over agreements.
Rates are fractions in [0, 1], or None when the denominator is 0. Per mediator: the cases they led.
Each breakdown is one grouped query.
"""

from decimal import Decimal

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum

from grievance.selectors.complaints import window_q
from mediation.models import (
    CaseMediator,
    CaseSource,
    CaseStatus,
    ConfirmationStatus,
    DisputeType,
    MediationCase,
    MediationOrganisation,
    PerformanceStatus,
)
from mediation.selectors.cases import organisation_descendants

SUCCESS = (CaseStatus.AGREED, CaseStatus.CLOSED)
MEDIATED = (*SUCCESS, CaseStatus.FAILED)
KNOWN_PERFORMANCE = (PerformanceStatus.PERFORMED, PerformanceStatus.PARTIAL, PerformanceStatus.NOT_PERFORMED)


def _aggregates(prefix: str = "") -> dict:
    f = prefix

    def q(**lookups) -> Q:
        return Q(**{f"{f}{key}": value for key, value in lookups.items()})

    duration = ExpressionWrapper(F(f"{f}ended_at") - F(f"{f}applied_at"), output_field=DurationField())
    return {
        "cases": Count(f"{f}pk" if f else "pk", distinct=True),
        "accepted": Count(f"{f}pk" if f else "pk", filter=q(accepted_at__isnull=False), distinct=True),
        "mediated": Count(f"{f}pk" if f else "pk", filter=q(status__in=MEDIATED), distinct=True),
        "successful": Count(f"{f}pk" if f else "pk", filter=q(status__in=SUCCESS), distinct=True),
        "performance_known": Count(
            f"{f}pk" if f else "pk",
            filter=q(agreement__performance_status__in=KNOWN_PERFORMANCE),
            distinct=True,
        ),
        "performed": Count(
            f"{f}pk" if f else "pk",
            filter=q(agreement__performance_status=PerformanceStatus.PERFORMED),
            distinct=True,
        ),
        "confirmed": Count(
            f"{f}pk" if f else "pk",
            filter=q(status__in=SUCCESS, agreement__confirmation_status=ConfirmationStatus.CONFIRMED),
            distinct=True,
        ),
        "duration": Avg(duration, filter=q(status__in=MEDIATED, ended_at__isnull=False)),
        "amount_in_dispute": Sum(f"{f}amount"),
        "amount_agreed": Sum(f"{f}agreement__amount", filter=q(status__in=SUCCESS)),
    }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _money(value) -> str:
    return str((value or Decimal("0")).quantize(Decimal("0.01")))


def _metrics(row: dict) -> dict:
    duration = row.get("duration")
    return {
        "cases": row["cases"],
        "accepted": row["accepted"],
        "mediated": row["mediated"],
        "successful": row["successful"],
        "success_rate": _rate(row["successful"], row["mediated"]),
        "performed": row["performed"],
        "performance_rate": _rate(row["performed"], row["performance_known"]),
        "confirmed": row["confirmed"],
        "confirmation_rate": _rate(row["confirmed"], row["successful"]),
        "average_duration_days": round(duration.total_seconds() / 86400, 1) if duration is not None else None,
        "amount_in_dispute": _money(row["amount_in_dispute"]),
        "amount_agreed": _money(row["amount_agreed"]),
    }


def _cases(*, date_from=None, date_to=None, organisation: MediationOrganisation | None = None) -> QuerySet:
    qs = MediationCase.objects.filter(window_q("applied_at", date_from, date_to))
    if organisation is not None:
        qs = qs.filter(organisation_id__in=organisation_descendants({organisation.pk}))
    return qs


def mediation_stats(
    *, date_from=None, date_to=None, organisation: MediationOrganisation | None = None
) -> dict:
    """Every metric overall and per type, source, organisation and mediator (``organisation`` limits the
    statistics to it and the organisations it guides). Bad dates raise ApplicationError (400)."""
    qs = _cases(date_from=date_from, date_to=date_to, organisation=organisation)
    aggregates = _aggregates()
    type_labels, source_labels = dict(DisputeType.choices), dict(CaseSource.choices)
    by_type = [
        {
            "key": row["dispute_type"],
            "label": str(type_labels.get(row["dispute_type"], "")),
            "cases": row["cases"],
        }
        for row in qs.values("dispute_type").annotate(cases=Count("pk")).order_by("-cases", "dispute_type")
    ]
    by_source = [
        {"key": row["source"], "label": str(source_labels.get(row["source"], "")), "cases": row["cases"]}
        for row in qs.values("source").annotate(cases=Count("pk")).order_by("-cases", "source")
    ]
    organisations = dict(MediationOrganisation.objects.values_list("pk", "code"))
    names = dict(MediationOrganisation.objects.values_list("pk", "name"))
    by_organisation = [
        {
            "organisation": organisations[row["organisation"]],
            "name": names[row["organisation"]],
            **_metrics(row),
        }
        for row in qs.values("organisation").annotate(**aggregates).order_by("organisation")
    ]
    led = CaseMediator.objects.filter(lead=True, case__in=qs.values("pk"))
    by_mediator = [
        {
            "mediator": row["mediator"],
            "name": row["mediator__user__display_name"] or row["mediator__user__username"],
            "organisation": row["mediator__organisation__code"],
            **_metrics(row),
        }
        for row in led.values(
            "mediator",
            "mediator__user__display_name",
            "mediator__user__username",
            "mediator__organisation__code",
        )
        .annotate(**_aggregates("case__"))
        .order_by("mediator__organisation__code", "mediator")
    ]
    return {
        **_metrics(qs.aggregate(**aggregates)),
        "by_type": by_type,
        "by_source": by_source,
        "by_organisation": by_organisation,
        "by_mediator": by_mediator,
    }
