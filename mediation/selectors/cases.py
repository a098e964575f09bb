"""Case reads for interfaces: the ONE place the visibility of mediation cases is decided.

Visibility (``case_list_for_actor`` / ``case_get_for_actor``):
- supervisors, administrators, superusers → every case;
- mediators → cases of their organisations, of the organisations those guide (``parent`` chain), and
  cases they are on;
- staff who may see a complaint (grievance visibility) → the case that complaint was turned into;
- nobody else. A case the user may not see answers 404, like one that does not exist.
"""

import math
import operator
from datetime import datetime
from functools import reduce

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import STAFF_ROLES
from common.exceptions import ApplicationError, NotFoundError
from grievance.selectors.complaints import complaint_list_for_actor, window_q
from mediation.conf import mediation_setting
from mediation.limits import limit_label
from mediation.models import (
    RUNNING_STATUSES,
    CaseEvent,
    CaseMediator,
    CaseSource,
    CaseStatus,
    DisputeType,
    MediationCase,
    MediationOrganisation,
    Party,
    Session,
)
from mediation.selectors.access import is_person, mediation_reads_all, mediator_memberships

RELATED = ("organisation", "organisation__parent", "complaint", "agreement")


def organisation_descendants(organisation_ids: set[int]) -> set[int]:
    """``organisation_ids`` and every organisation they guide, down the ``parent`` chain."""
    found = set(organisation_ids)
    frontier = set(organisation_ids)
    while frontier:
        children = set(
            MediationOrganisation.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        frontier = children - found
        found |= frontier
    return found


def _visible(user) -> QuerySet[MediationCase]:
    if not is_person(user):
        return MediationCase.objects.none()
    if mediation_reads_all(user):
        return MediationCase.objects.all()
    branches = []
    memberships = mediator_memberships(user)
    if memberships:
        organisations = organisation_descendants({m.organisation_id for m in memberships})
        branches.append(Q(organisation_id__in=organisations))
        on_case = CaseMediator.objects.filter(mediator__user=user, active=True).values("case_id")
        branches.append(Q(pk__in=on_case))
    if user.role in STAFF_ROLES:
        complaints = complaint_list_for_actor(user=user, filters={}).values("pk")
        branches.append(Q(complaint__isnull=False, complaint__in=complaints))
    if not branches:
        return MediationCase.objects.none()
    return MediationCase.objects.filter(reduce(operator.or_, branches))


def _choices(value, allowed, field: str) -> list[str]:
    values = value if isinstance(value, (list, tuple)) else str(value).replace("，", ",").split(",")
    values = [str(v).strip() for v in values if str(v).strip()]
    wrong = [v for v in values if v not in allowed]
    if wrong:
        raise ApplicationError(
            _("参数有误"), errors={field: [_("未知取值：%(values)s") % {"values": ", ".join(wrong)}]}
        )
    return values


def _truthy(value, field: str) -> bool:
    text = str(value).strip().lower()
    if text in {"true", "1", "yes"}:
        return True
    if text in {"false", "0", "no"}:
        return False
    raise ApplicationError(_("参数有误"), errors={field: [_("应为 true 或 false")]})


def _filtered(qs: QuerySet[MediationCase], filters, *, user, now: datetime) -> QuerySet[MediationCase]:
    get = filters.get
    if (value := get("status")) not in (None, ""):
        qs = qs.filter(status__in=_choices(value, CaseStatus.values, "status"))
    if (value := get("type")) not in (None, ""):
        qs = qs.filter(dispute_type__in=_choices(value, DisputeType.values, "type"))
    if (value := get("source")) not in (None, ""):
        qs = qs.filter(source__in=_choices(value, CaseSource.values, "source"))
    if (value := get("organisation")) not in (None, ""):
        qs = qs.filter(organisation__code=str(value).strip())
    if (value := get("mine")) not in (None, "") and _truthy(value, "mine"):
        qs = qs.filter(case_mediators__mediator__user=user, case_mediators__active=True).distinct()
    if (value := get("overdue")) not in (None, ""):
        late = Q(status__in=RUNNING_STATUSES, due_at__lt=now)
        qs = qs.filter(late) if _truthy(value, "overdue") else qs.exclude(late)
    if (value := get("q")) not in (None, ""):
        term = str(value).strip()
        qs = qs.filter(Q(number__icontains=term) | Q(summary__icontains=term))
    return qs.filter(window_q("applied_at", get("from"), get("to")))


def case_list_for_actor(*, user, filters: dict | None = None, now: datetime | None = None) -> QuerySet:
    """The cases ``user`` may see, filtered, newest first (the ONLY list interfaces use).

    ``filters``: ``status``, ``type``, ``source`` (one value or comma-separated), ``organisation``
    (code), ``mine`` (bool: cases the user mediates), ``overdue`` (bool: time limit passed while open),
    ``q`` (case number or summary), ``from``/``to`` (application time). Bad values → 400.
    """
    qs = _filtered(_visible(user), filters or {}, user=user, now=now or timezone.now())
    return qs.select_related(*RELATED).order_by("-applied_at", "-id")


def case_get_for_actor(*, user, case_id) -> MediationCase:
    """One case with parties, mediators, sessions and events, or NotFoundError (also when hidden)."""
    try:
        pk = int(case_id)
    except (TypeError, ValueError):
        pk = None
    case = None
    if pk is not None and pk > 0:
        case = (
            _visible(user)
            .filter(pk=pk)
            .select_related(*RELATED)
            .prefetch_related(
                Prefetch("parties", queryset=Party.objects.order_by("id")),
                Prefetch(
                    "case_mediators",
                    queryset=CaseMediator.objects.select_related("mediator__user").order_by("id"),
                ),
                Prefetch(
                    "sessions",
                    queryset=Session.objects.prefetch_related("attendees", "mediators__user").order_by(
                        "sequence"
                    ),
                ),
                Prefetch("events", queryset=CaseEvent.objects.select_related("actor").order_by("at", "id")),
                "extensions__consenting_parties",
                "visits",
            )
            .first()
        )
    if case is None:
        raise NotFoundError(_("调解案件不存在"))
    return case


def case_time_status(*, case: MediationCase, now: datetime | None = None) -> dict:
    """The time limit as pages and the API show it: due time, days left, warning, overdue and — for a
    labour dispute past its 15 days without agreement — that the parties may apply for arbitration."""
    now = now or timezone.now()
    running = case.status in RUNNING_STATUSES
    overdue = running and now >= case.due_at
    warning_days = int(mediation_setting("WARNING_DAYS"))
    left = (case.due_at - now).total_seconds() / 86400
    return {
        "due_at": case.due_at,
        "limit": limit_label(case.limit_amount, case.limit_unit),
        "estimated": case.deadline_estimated,
        "running": running,
        "days_left": max(0, math.ceil(left)) if running else None,
        "warning": running and not overdue and left <= warning_days,
        "overdue": overdue,
        "arbitration_open": overdue and case.dispute_type == DisputeType.LABOUR,
        "extension_days": case.extension_days_total,
    }
