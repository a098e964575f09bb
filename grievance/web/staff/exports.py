"""Excel exports of the staff lists: the same filtered, sorted queryset as the page, contacts masked
as on screen (every list masks), at most ``EXPORT_MAX_ROWS`` rows."""

from datetime import datetime
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from common.validators import mask_name, mask_phone
from grievance.selectors.workbench import complaint_light

EXPORT_MAX_ROWS = 10000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIGHT_LABELS = {
    "red": gettext_lazy("红灯（超期）"),
    "yellow": gettext_lazy("黄灯（临期）"),
    "green": gettext_lazy("绿灯"),
    "": "",
}


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _columns() -> list[str]:
    return [
        _("查询码"),
        _("标题"),
        _("类型"),
        _("状态"),
        _("事项"),
        _("主办单位"),
        _("协办单位"),
        _("网格"),
        _("受理时间"),
        _("签收期限"),
        _("办理期限"),
        _("期限灯"),
        _("督办级别"),
        _("联系人"),
        _("联系电话"),
    ]


def _row(complaint, now: datetime) -> list:
    assignments = getattr(complaint, "active_assignments", [])
    return [
        complaint.tracking_code,
        complaint.title,
        complaint.get_kind_display(),
        complaint.get_status_display(),
        complaint.matter.name if complaint.matter_id else "",
        complaint.lead_unit.name if complaint.lead_unit_id else "",
        "、".join(a.unit.name for a in assignments if a.role == "co"),
        complaint.grid.code if complaint.grid_id else "",
        _local(complaint.received_at),
        _local(complaint.sign_deadline),
        _local(complaint.handle_deadline),
        str(LIGHT_LABELS[complaint_light(complaint, now)]),
        complaint.supervision_level,
        mask_name(complaint.contact_name),
        mask_phone(complaint.contact_phone) if complaint.contact_phone else "",
    ]


def complaints_xlsx(*, complaints, title: str, filename: str, now: datetime | None = None) -> HttpResponse:
    """An .xlsx download of ``complaints`` (an iterable of list rows) with a header row."""
    now = now or timezone.now()
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(_columns())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, complaint in enumerate(complaints):
        if index >= EXPORT_MAX_ROWS:
            break
        sheet.append(_row(complaint, now))
    sheet.freeze_panes = "A2"
    for letter, width in zip(
        "ABCDEFGHIJKLMNO", (16, 40, 8, 12, 20, 20, 24, 17, 17, 17, 17, 12, 8, 10, 14), strict=True
    ):
        sheet.column_dimensions[letter].width = width
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    return response
