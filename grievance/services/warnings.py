"""Early warnings (主动治理): find recurring problems before they grow, as records the centre handles.

``warnings_scan`` (beat) looks at the recent complaints and keeps one warning per subject:
- hotspot 高频事项 — one matter (leaf) received ≥ ``HOTSPOT_MIN`` times within ``HOTSPOT_DAYS`` days in one
  grid cell, or in one community when no single cell of it reaches the threshold;
- surge 突增 — a street's complaints of one top-level class in the last 7 days ≥ ``SURGE_MIN`` and
  ≥ ``SURGE_FACTOR`` × its weekly average of the ``SURGE_BASELINE_WEEKS`` weeks before (from the rollups);
- repeat complainant 重复来电 — one phone number with ≥ ``REPEAT_MIN`` complaints within ``REPEAT_DAYS``;
- wage arrears 欠薪 — one enterprise (unified social credit code) with ≥ ``WAGE_MIN`` labour complaints about
  wages within ``WAGE_DAYS`` days.
Thresholds: ``settings.GRIEVANCE["WARNINGS"]`` (defaults below). Invariants: at most one not-closed
warning per subject key (a unique constraint); a scan updates it (count, window, complaints) and
never reopens a closed one — a closed subject warns again only when a complaint newer than its
window arrives. Assigning and closing are the centre's (dispatchers, administrators).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from common.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from common.validators import mask_phone
from grids.models import Division, GridCell, Unit
from grievance.models.complaints import Complaint
from grievance.models.matters import Matter
from grievance.models.rollups import DailyRollup, EarlyWarning, RollupGrain, WarningKind, WarningStatus

DEFAULTS = {
    "HOTSPOT_MIN": 5,
    "HOTSPOT_DAYS": 7,
    "SURGE_MIN": 10,
    "SURGE_FACTOR": 2.0,
    "SURGE_BASELINE_WEEKS": 4,
    "REPEAT_MIN": 3,
    "REPEAT_DAYS": 30,
    "WAGE_MIN": 3,
    "WAGE_DAYS": 90,
    "WAGE_WORDS": ["欠薪", "拖欠工资", "讨薪", "工资发放", "农民工工资", "克扣工资"],
}
WARNING_ACTOR_ROLES = frozenset({Role.DISPATCHER, Role.ADMIN})


def warning_settings() -> dict:
    return {**DEFAULTS, **(settings.GRIEVANCE.get("WARNINGS") or {})}


@dataclass
class Finding:
    kind: str
    key: str
    title: str
    complaint_ids: list[int]
    window_start: datetime
    window_end: datetime
    baseline: float | None = None
    fields: dict | None = None


def _names(model, ids) -> dict[int, str]:
    return dict(model.objects.filter(pk__in=set(ids)).values_list("pk", "name"))


def hotspots_find(*, now: datetime, config: dict) -> list[Finding]:
    start = now - timedelta(days=config["HOTSPOT_DAYS"])
    recent = Complaint.objects.filter(received_at__gte=start, received_at__lte=now, matter__isnull=False)
    minimum = config["HOTSPOT_MIN"]
    cells = list(
        recent.filter(grid__isnull=False)
        .values("grid_id", "community_id", "matter_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=minimum)
        .order_by()
    )
    covered = {(c["community_id"], c["matter_id"]) for c in cells}
    communities = [
        c
        for c in recent.filter(community__isnull=False)
        .values("community_id", "matter_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=minimum)
        .order_by()
        if (c["community_id"], c["matter_id"]) not in covered
    ]
    matters = _names(Matter, [c["matter_id"] for c in cells + communities])
    grids, divisions = (
        _names(GridCell, [c["grid_id"] for c in cells]),
        _names(Division, [c["community_id"] for c in cells + communities]),
    )
    findings = []
    for place, rows in (("grid", cells), ("community", communities)):
        for row in rows:
            where = grids.get(row["grid_id"]) if place == "grid" else divisions.get(row["community_id"])
            matching = recent.filter(matter_id=row["matter_id"], **{f"{place}_id": row[f"{place}_id"]})
            community = Division.objects.filter(pk=row["community_id"]).only("parent_id").first()
            findings.append(
                Finding(
                    kind=WarningKind.HOTSPOT,
                    key=f"hotspot:{place}:{row[f'{place}_id']}:{row['matter_id']}",
                    title=_("%(place)s「%(matter)s」%(days)d天内%(n)d件")
                    % {
                        "place": where,
                        "matter": matters.get(row["matter_id"]),
                        "days": config["HOTSPOT_DAYS"],
                        "n": row["n"],
                    },
                    complaint_ids=list(matching.values_list("pk", flat=True)),
                    window_start=start,
                    window_end=now,
                    fields={
                        "matter_id": row["matter_id"],
                        "community_id": row["community_id"],
                        "grid_id": row.get("grid_id"),
                        "street_id": community.parent_id if community else None,
                    },
                )
            )
    return findings


def surges_find(*, now: datetime, config: dict) -> list[Finding]:
    today = timezone.localdate(now)
    week_start = today - timedelta(days=6)
    base_start = week_start - timedelta(weeks=config["SURGE_BASELINE_WEEKS"])
    rows = DailyRollup.objects.filter(grain=RollupGrain.MATTER, day__gte=base_start, day__lte=today).exclude(
        street_id=0
    )
    recent = {
        (r["street_id"], r["matter_id"]): r["n"]
        for r in rows.filter(day__gte=week_start)
        .values("street_id", "matter_id")
        .annotate(n=Sum("received"))
        .order_by()
    }
    before = {
        (r["street_id"], r["matter_id"]): r["n"] / config["SURGE_BASELINE_WEEKS"]
        for r in rows.filter(day__lt=week_start)
        .values("street_id", "matter_id")
        .annotate(n=Sum("received"))
        .order_by()
    }
    findings = []
    streets, matters = _names(Division, [k[0] for k in recent]), _names(Matter, [k[1] for k in recent])
    start = timezone.make_aware(datetime.combine(week_start, datetime.min.time()))
    for (street_id, matter_id), count in recent.items():
        baseline = before.get((street_id, matter_id), 0.0)
        if count < config["SURGE_MIN"] or count < config["SURGE_FACTOR"] * max(baseline, 1.0):
            continue
        matching = Complaint.objects.filter(received_at__gte=start, received_at__lte=now, street_id=street_id)
        matching = matching.filter(
            Q(matter_id=matter_id) | Q(matter__parent_id=matter_id) | Q(matter__parent__parent_id=matter_id)
        )
        findings.append(
            Finding(
                kind=WarningKind.SURGE,
                key=f"surge:{street_id}:{matter_id}",
                title=_("%(street)s「%(matter)s」近7天%(n)d件，为周均%(base).1f件的%(x).1f倍")
                % {
                    "street": streets.get(street_id),
                    "matter": matters.get(matter_id),
                    "n": count,
                    "base": baseline,
                    "x": count / max(baseline, 1.0),
                },
                complaint_ids=list(matching.values_list("pk", flat=True)),
                window_start=start,
                window_end=now,
                baseline=baseline,
                fields={"street_id": street_id, "matter_id": matter_id},
            )
        )
    return findings


def repeat_complainants_find(*, now: datetime, config: dict) -> list[Finding]:
    start = now - timedelta(days=config["REPEAT_DAYS"])
    recent = Complaint.objects.filter(received_at__gte=start, received_at__lte=now).exclude(contact_phone="")
    rows = (
        recent.values("contact_phone").annotate(n=Count("pk")).filter(n__gte=config["REPEAT_MIN"]).order_by()
    )
    return [
        Finding(
            kind=WarningKind.REPEAT_COMPLAINANT,
            key=f"repeat:{row['contact_phone']}",
            title=_("来电人 %(phone)s %(days)d天内反映%(n)d次")
            % {"phone": mask_phone(row["contact_phone"]), "days": config["REPEAT_DAYS"], "n": row["n"]},
            complaint_ids=list(
                recent.filter(contact_phone=row["contact_phone"]).values_list("pk", flat=True)
            ),
            window_start=start,
            window_end=now,
            fields={"contact_phone": row["contact_phone"]},
        )
        for row in rows
    ]


def wage_complaints_q(config: dict) -> Q:
    """Complaints about wages: the matter's name/keywords or the title name a wage word."""
    q = Q()
    for word in config["WAGE_WORDS"]:
        q |= Q(matter__name__contains=word) | Q(matter__keywords__contains=word) | Q(title__contains=word)
    return q


def wage_arrears_find(*, now: datetime, config: dict) -> list[Finding]:
    start = now - timedelta(days=config["WAGE_DAYS"])
    recent = Complaint.objects.filter(received_at__gte=start, received_at__lte=now).exclude(
        enterprise_credit_code=""
    )
    recent = recent.filter(wage_complaints_q(config))
    rows = (
        recent.values("enterprise_credit_code")
        .annotate(n=Count("pk", distinct=True))
        .filter(n__gte=config["WAGE_MIN"])
    )
    return [
        Finding(
            kind=WarningKind.WAGE_ARREARS,
            key=f"wage:{row['enterprise_credit_code']}",
            title=_("企业 %(code)s %(days)d天内欠薪类诉求%(n)d件")
            % {"code": row["enterprise_credit_code"], "days": config["WAGE_DAYS"], "n": row["n"]},
            complaint_ids=list(
                recent.filter(enterprise_credit_code=row["enterprise_credit_code"])
                .values_list("pk", flat=True)
                .distinct()
            ),
            window_start=start,
            window_end=now,
            fields={"enterprise_credit_code": row["enterprise_credit_code"]},
        )
        for row in rows.order_by()
    ]


def _record(finding: Finding) -> str:
    """Create or refresh the warning of ``finding``; returns "created", "updated" or "skipped"."""
    current = EarlyWarning.objects.filter(key=finding.key).exclude(status=WarningStatus.CLOSED).first()
    if current is None:
        last_closed = EarlyWarning.objects.filter(key=finding.key, status=WarningStatus.CLOSED).aggregate(
            end=Max("window_end")
        )["end"]
        newest = Complaint.objects.filter(pk__in=finding.complaint_ids).aggregate(m=Max("received_at"))["m"]
        if last_closed is not None and (newest is None or newest <= last_closed):
            return "skipped"  # handled and closed; nothing new since
        try:
            with transaction.atomic():
                current = EarlyWarning.objects.create(
                    kind=finding.kind,
                    key=finding.key,
                    title=finding.title[:200],
                    count=len(finding.complaint_ids),
                    baseline=finding.baseline,
                    window_start=finding.window_start,
                    window_end=finding.window_end,
                    **(finding.fields or {}),
                )
        except IntegrityError:  # a concurrent scan created it first
            return "skipped"
        current.complaints.set(finding.complaint_ids)
        return "created"
    current.title = finding.title[:200]
    current.count = len(set(finding.complaint_ids) | set(current.complaints.values_list("pk", flat=True)))
    current.window_end = finding.window_end
    current.baseline = finding.baseline
    current.save(update_fields=["title", "count", "window_end", "baseline", "updated_at"])
    current.complaints.add(*finding.complaint_ids)
    return "updated"


@transaction.atomic
def warnings_scan(*, now: datetime | None = None) -> dict[str, int]:
    """Run every detector and record the findings (idempotent: a second scan only refreshes)."""
    now = now or timezone.now()
    config = warning_settings()
    result = {"created": 0, "updated": 0, "skipped": 0}
    for find in (hotspots_find, surges_find, repeat_complainants_find, wage_arrears_find):
        for finding in find(now=now, config=config):
            result[_record(finding)] += 1
    return result


def _warning_for_actor(*, warning_id: int, actor) -> EarlyWarning:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDeniedError(_("请先登录"))
    if not (actor.is_superuser or actor.role in WARNING_ACTOR_ROLES):
        raise PermissionDeniedError(_("只有指挥中心派单员和管理员可以处置预警"))
    warning = EarlyWarning.objects.select_for_update().filter(pk=warning_id).first()
    if warning is None:
        raise NotFoundError(_("预警不存在"))
    if warning.status == WarningStatus.CLOSED:
        raise ConflictError(_("预警已关闭"))
    return warning


@transaction.atomic
def warning_assign(
    *, warning_id: int, actor, unit, note: str = "", now: datetime | None = None
) -> EarlyWarning:
    """Hand the warning to ``unit`` (a Unit or its code) for follow-up."""
    warning = _warning_for_actor(warning_id=warning_id, actor=actor)
    found = (
        unit
        if isinstance(unit, Unit)
        else Unit.objects.filter(code=str(unit or "").strip(), is_active=True).first()
    )
    if found is None:
        raise ApplicationError(_("参数有误"), errors={"unit": [_("单位编码不存在")]})
    if len(note or "") > 2000:
        raise ApplicationError(_("参数有误"), errors={"note": [_("不能超过2000个字符")]})
    warning.status = WarningStatus.ASSIGNED
    warning.assigned_unit = found
    warning.assigned_by = actor
    warning.assigned_at = now or timezone.now()
    warning.note = (note or "").strip() or warning.note
    warning.save()
    return warning


@transaction.atomic
def warning_close(*, warning_id: int, actor, note: str, now: datetime | None = None) -> EarlyWarning:
    """Close the warning with what was done (required)."""
    warning = _warning_for_actor(warning_id=warning_id, actor=actor)
    note = (note or "").strip()
    if not note:
        raise ApplicationError(_("参数有误"), errors={"note": [_("请填写处置情况")]})
    if len(note) > 2000:
        raise ApplicationError(_("参数有误"), errors={"note": [_("不能超过2000个字符")]})
    warning.status = WarningStatus.CLOSED
    warning.note = note
    warning.closed_by = actor
    warning.closed_at = now or timezone.now()
    warning.save()
    return warning
