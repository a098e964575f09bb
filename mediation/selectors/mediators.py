"""Reads of organisations and mediators: availability and caseload."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from mediation.conf import mediation_setting
from mediation.models import RUNNING_STATUSES, CaseStatus, DisputeType, MediationOrganisation, Mediator

# A case keeps its mediator busy until the agreement is performed and the case closed.
BUSY_STATUSES = (*RUNNING_STATUSES, CaseStatus.AGREED)


def mediator_limit(*, mediator: Mediator) -> int:
    return mediator.max_caseload or int(mediation_setting("DEFAULT_MAX_CASELOAD"))


def mediator_caseload(*, mediator: Mediator) -> int:
    """Open cases the person is on (in any organisation: a person has one workload)."""
    return (
        Mediator.objects.filter(user_id=mediator.user_id)
        .filter(assignments__active=True, assignments__case__status__in=BUSY_STATUSES)
        .values("assignments__case")
        .distinct()
        .count()
    )


def mediator_list(
    *, organisation: MediationOrganisation | None = None, available_only: bool = False
) -> QuerySet:
    """Active mediators with ``caseload`` (open cases they are on in this membership), ordered by
    organisation; ``available_only`` keeps those who take cases today and are below their limit."""
    qs = (
        Mediator.objects.filter(is_active=True)
        .select_related("user", "organisation")
        .annotate(
            caseload=Count(
                "assignments",
                filter=Q(assignments__active=True, assignments__case__status__in=BUSY_STATUSES),
                distinct=True,
            )
        )
        .order_by("organisation__code", "-is_director", "user__username")
    )
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if available_only:
        today = timezone.localdate()
        qs = qs.filter(available=True).filter(
            Q(unavailable_until__isnull=True) | Q(unavailable_until__lt=today)
        )
    return qs


def mediator_is_available(*, mediator: Mediator, today=None) -> bool:
    """Takes cases today and is below the caseload limit (``caseload`` annotation used when present)."""
    today = today or timezone.localdate()
    if not mediator.available or (mediator.unavailable_until and mediator.unavailable_until >= today):
        return False
    load = getattr(mediator, "caseload", None)
    load = mediator_caseload(mediator=mediator) if load is None else load
    return load < mediator_limit(mediator=mediator)


def organisation_list(*, include_inactive: bool = False) -> QuerySet:
    """Organisations with their open and total case counts and mediator counts."""
    qs = MediationOrganisation.objects.select_related("parent", "unit").order_by("code")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.annotate(
        open_cases=Count("cases", filter=Q(cases__status__in=BUSY_STATUSES), distinct=True),
        total_cases=Count("cases", distinct=True),
        mediator_count=Count("mediators", filter=Q(mediators__is_active=True), distinct=True),
    )


def organisation_get(*, code: str) -> MediationOrganisation | None:
    return organisation_list().filter(code=code).first()


def organisations_of_user(user) -> QuerySet:
    """Organisations the user is an active mediator of."""
    if not getattr(user, "pk", None):
        return MediationOrganisation.objects.none()
    return MediationOrganisation.objects.filter(
        mediators__user=user, mediators__is_active=True, is_active=True
    ).distinct()


def mediators_with_availability(mediators) -> list[Mediator]:
    """The mediators (from ``mediator_list``) with ``limit`` and ``available_now`` set for display."""
    today = timezone.localdate()
    labels = dict(DisputeType.choices)
    result = list(mediators)
    for mediator in result:
        mediator.limit = mediator_limit(mediator=mediator)
        mediator.available_now = mediator_is_available(mediator=mediator, today=today)
        mediator.expertise_labels = [str(labels.get(code, code)) for code in mediator.expertise or []]
    return result
