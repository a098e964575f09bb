"""The monthly analysis report (每月一题) and the Excel exports of the dashboard's tables.

- ``report_request(month=, actor=)`` keeps a pending ``Report`` and queues ``dashboard_report_generate``
  on commit (outbox rule: ``reports_requeue_stale`` re-queues a report whose task was lost).
- ``report_generate(report_id=)`` (the task's body, idempotent: a finished report is left alone)
  computes the month's figures from the rollups, renders the printable page
  (``dashboard/report.html``), prints it to PDF with Chromium (``--headless --print-to-pdf``; Debian's
  ``chromium`` package, path from ``GRIEVANCE["CHROMIUM_PATH"]`` / ``$CHROMIUM_PATH`` / ``$PATH``) and keeps
  both files. A failure is recorded on the report (status failed + error), never raised to the worker.
- ``xlsx_build(title=, headers=, rows=)`` turns any dashboard table into an .xlsx workbook (openpyxl).
"""

import io
import logging
import os
import shutil
import subprocess
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts.models import Role
from common.exceptions import ApplicationError, PermissionDeniedError
from common.queue import enqueue
from grids.models import Division
from grievance.models.complaints import Complaint
from grievance.models.rollups import ComplaintFact, EarlyWarning, Report, ReportStatus
from grievance.selectors.dashboard import Scope, day_start, overview_for_scope, rate
from grievance.selectors.dashboard_charts import (
    dashboard_rankings,
    dashboard_top_matters,
    dashboard_trend,
    map_shapes,
)

logger = logging.getLogger(__name__)
REPORT_ROLES = frozenset({Role.DISPATCHER, Role.ADMIN})
PDF_TIMEOUT_SECONDS = 120
STALE_AFTER = timedelta(minutes=10)
MIN_UNIT_VOLUME = 5  # units with fewer complaints in the month are not ranked in the report


def month_parse(value) -> date:
    """The first day of a month from a date or "YYYY-MM" / "YYYY-MM-DD" (400 otherwise)."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.replace(day=1)
    try:
        year, month = str(value).strip()[:7].split("-")
        return date(int(year), int(month), 1)
    except (ValueError, TypeError):
        raise ApplicationError(_("参数有误"), errors={"month": [_("应为年月，如 2026-05")]}) from None


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


@transaction.atomic
def report_request(*, month, actor) -> Report:
    """Keep a pending report of ``month`` (a past or the current month) and queue its generation."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDeniedError(_("请先登录"))
    if not (actor.is_superuser or actor.role in REPORT_ROLES):
        raise PermissionDeniedError(_("只有指挥中心派单员和管理员可以生成报告"))
    first = month_parse(month)
    if first > timezone.localdate().replace(day=1):
        raise ApplicationError(_("参数有误"), errors={"month": [_("不能生成未来月份的报告")]})
    report = Report.objects.create(month=first, requested_by=actor, title=_report_title(first))
    report_id = report.pk
    transaction.on_commit(lambda: _generate_enqueue(report_id))
    return report


def _generate_enqueue(report_id: int) -> bool:
    from grievance.dashboard_tasks import dashboard_report_generate

    return enqueue(dashboard_report_generate, report_id)


def reports_requeue_stale(*, now: datetime | None = None) -> int:
    """Re-queue reports still pending after ``STALE_AFTER`` (their task was lost)."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    ids = Report.objects.filter(status=ReportStatus.PENDING, created_at__lt=cutoff).values_list(
        "pk", flat=True
    )
    return sum(1 for pk in ids if _generate_enqueue(pk))


def _report_title(month: date) -> str:
    return _("%(year)d年%(month)d月 诉求办理分析报告（每月一题）") % {
        "year": month.year,
        "month": month.month,
    }


def _topic_places(scope: Scope, matter_id: int) -> list[dict]:
    """Where the month's topic concentrates: communities by count (facts of the month)."""
    facts = ComplaintFact.objects.filter(
        received_day__gte=scope.start, received_day__lte=scope.end, matter_id=matter_id
    )
    rows = list(facts.values("community_id").annotate(n=Count("pk")).order_by("-n")[:5])
    names = dict(Division.objects.filter(pk__in=[r["community_id"] for r in rows]).values_list("pk", "name"))
    total = facts.count()
    return [
        {"name": names.get(r["community_id"], _("未定位")), "received": r["n"], "share": rate(r["n"], total)}
        for r in rows
    ]


def _topic_leaves(scope: Scope, matter_id: int) -> list[dict]:
    """The concrete matters (leaves) under the month's topic class, most frequent first."""
    start, end = day_start(scope.start), day_start(scope.end + timedelta(days=1))
    rows = (
        Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
        .filter(matter__parent__parent_id=matter_id)
        .values("matter__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "matter__name")[:5]
    )
    return [{"name": r["matter__name"], "received": r["n"]} for r in rows]


def _recommendations(data: dict) -> list[str]:
    """Plain rules over the month's figures (each says which figure triggered it)."""
    tips = []
    topic, figures = data.get("topic"), data["overview"]
    if topic:
        where = "、".join(p["name"] for p in data["topic_places"][:3])
        tips.append(
            _("将「%(name)s」列为本月一题（占%(share).0f%%），由主管部门牵头在%(where)s开展专项治理。")
            % {"name": topic["name"], "share": 100 * (topic["share"] or 0), "where": where or _("重点区域")}
        )
    if figures["on_time_rate"] is not None and figures["on_time_rate"] < 0.95:
        late = [u["name"] for u in data["units_bottom"][:3]]
        tips.append(
            _("按期办结率%(rate).1f%%，低于95%%：对%(units)s等单位开展督办。")
            % {"rate": 100 * figures["on_time_rate"], "units": "、".join(late) or _("相关单位")}
        )
    if figures["return_rate"] is not None and figures["return_rate"] > 0.05:
        tips.append(
            _("退单率%(rate).1f%%，偏高：核对职责清单，减少派单争议。")
            % {"rate": 100 * figures["return_rate"]}
        )
    if figures["satisfaction_rate"] is not None and figures["satisfaction_rate"] < 0.9:
        tips.append(
            _("满意率%(rate).1f%%，低于90%%：对不满意件逐件回访复核。")
            % {"rate": 100 * figures["satisfaction_rate"]}
        )
    if figures["rework_rate"] is not None and figures["rework_rate"] > 0.05:
        tips.append(_("返工率%(rate).1f%%：加强办结前核查。") % {"rate": 100 * figures["rework_rate"]})
    if data["warnings_open"]:
        tips.append(_("尚有%(n)d条预警未关闭，请在下月初完成交办和反馈。") % {"n": data["warnings_open"]})
    if not tips:
        tips.append(_("各项指标良好，保持现有办理机制。"))
    return tips


def report_data(*, month: date, now: datetime | None = None) -> dict:
    """The figures of the monthly report (JSON-serialisable)."""
    now = now or timezone.now()
    end = _month_end(month)
    scope = Scope(month, end, None, None, now)
    previous_month = (month - timedelta(days=1)).replace(day=1)
    previous = Scope(previous_month, _month_end(previous_month), None, None, now)
    top = dashboard_top_matters(scope=scope, limit=8)
    before = {row["id"]: row["received"] for row in dashboard_top_matters(scope=previous, limit=50)}
    for row in top:
        row["previous"] = before.get(row["id"], 0)
        row["change"] = rate(row["received"] - row["previous"], row["previous"])
    units = [u for u in dashboard_rankings(scope=scope, by="unit") if u["received"] >= MIN_UNIT_VOLUME]
    six_months = Scope((month - timedelta(days=160)).replace(day=1), end, None, None, now)
    data = {
        "title": _report_title(month),
        "month": month.isoformat(),
        "generated_at": now.isoformat(),
        "overview": overview_for_scope(scope),
        "previous": overview_for_scope(previous),
        "top_matters": top,
        "topic": top[0] if top else None,
        "daily": [
            {**row, "period": row["period"].isoformat()} for row in dashboard_trend(scope=scope, period="day")
        ],
        "monthly": [
            {**row, "period": row["period"].isoformat()}
            for row in dashboard_trend(scope=six_months, period="month")
        ],
        "streets": dashboard_rankings(scope=scope, by="street"),
        "units_top": units[:5],
        "units_bottom": sorted(units, key=lambda u: (u["on_time_rate"] is None, u["on_time_rate"] or 0))[:5],
        "warnings": dict(
            EarlyWarning.objects.filter(created_at__date__gte=month, created_at__date__lte=end)
            .values_list("kind")
            .annotate(n=Count("pk"))
            .order_by()
        ),
        "warnings_open": EarlyWarning.objects.exclude(status="closed").count(),
    }
    data["topic_places"] = _topic_places(scope, data["topic"]["id"]) if data["topic"] else []
    data["topic_leaves"] = _topic_leaves(scope, data["topic"]["id"]) if data["topic"] else []
    data["recommendations"] = _recommendations(data)
    return data


def chromium_path() -> str | None:
    configured = settings.GRIEVANCE.get("CHROMIUM_PATH") or os.environ.get("CHROMIUM_PATH")
    return configured or shutil.which("chromium") or shutil.which("chromium-browser")


def html_to_pdf(html: str) -> bytes:
    """Print ``html`` (self-contained: no external assets) to PDF with headless Chromium."""
    binary = chromium_path()
    if not binary:
        raise RuntimeError("chromium not found: install Debian's chromium or set GRIEVANCE['CHROMIUM_PATH']")
    with tempfile.TemporaryDirectory(prefix="report-") as folder:
        source, target = Path(folder) / "report.html", Path(folder) / "report.pdf"
        source.write_text(html, encoding="utf-8")
        command = [
            binary,
            "--headless",
            "--no-sandbox",  # workers may run as root in containers
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--no-pdf-header-footer",
            f"--user-data-dir={folder}/profile",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        subprocess.run(command, capture_output=True, timeout=PDF_TIMEOUT_SECONDS, check=False)
        if not target.exists() or not target.read_bytes().startswith(b"%PDF"):
            raise RuntimeError("chromium did not write a PDF")
        return target.read_bytes()


def report_generate(*, report_id: int, now: datetime | None = None) -> str:
    """Build the report's data, HTML page and PDF (see the module docstring); returns its status."""
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status == ReportStatus.DONE:
            return report.status if report else "missing"
        try:
            data = report_data(month=report.month, now=now)
            context = {"report": report, "data": data, "shapes": map_shapes(level="street", width=640)}
            html = render_to_string("dashboard/report.html", context)
            pdf = html_to_pdf(html)
        except Exception as exc:  # recorded on the report; the centre sees why and may request again
            logger.exception("monthly report %s failed", report_id)
            report.status = ReportStatus.FAILED
            report.error = f"{exc.__class__.__name__}: {exc}"[:2000]
            report.save(update_fields=["status", "error", "updated_at"])
            return report.status
        stem = f"report-{report.month:%Y-%m}-{report.pk}"
        report.data = data
        report.title = data["title"]
        report.html.save(f"{stem}.html", ContentFile(html.encode("utf-8")), save=False)
        report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        report.status = ReportStatus.DONE
        report.error = ""
        report.generated_at = timezone.now()
        report.save()
        return report.status


def xlsx_build(*, title: str, headers: list[str], rows: list[list]) -> bytes:
    """An .xlsx workbook with one sheet: a bold header row, then ``rows`` (rates as numbers)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31] or "Sheet1"
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_excel_value(v) for v in row])
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(10, width * 1.6), 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _excel_value(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return value
