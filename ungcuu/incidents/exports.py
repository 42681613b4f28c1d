"""The log book as an Excel workbook."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone

from ungcuu.core.text import xml_safe
from ungcuu.incidents.models import Incident

COLUMNS = [
    ("STT", 6),
    ("Số sự cố", 16),
    ("Trung tâm", 18),
    ("Loại sự cố", 34),
    ("Mức độ", 10),
    ("Trạng thái", 16),
    ("Phát sinh lúc", 17),
    ("Nhận tin lúc", 17),
    ("Khôi phục lúc", 17),
    ("Gián đoạn (phút)", 10),
    ("Mô tả", 40),
    ("Ảnh hưởng", 24),
    ("Người báo", 22),
    ("Người xử lý", 22),
    ("Nguyên nhân", 34),
    ("Cách khắc phục", 34),
    ("Người dân bị ảnh hưởng", 10),
    ("Hồ sơ bị chậm", 10),
    ("Hồ sơ nhận bằng giấy", 10),
    ("Hồ sơ giấy chưa nhập lại", 10),
]


def plain_text(sheet, row: list) -> list:
    """The row with any text that Excel would run as a formula ("=…") kept as text: what
    a reporter typed must never execute on the reader's computer. Characters a workbook
    cannot hold are left out, so no stored text can stop the export."""
    for position, value in enumerate(row):
        if isinstance(value, str):
            row[position] = value = xml_safe(value)
        if isinstance(value, str) and value.startswith("="):
            from openpyxl.cell import WriteOnlyCell

            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            row[position] = cell
    return row


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def logbook_row(index: int, incident: Incident) -> list:
    downtime = incident.downtime
    return [
        index,
        incident.number,
        incident.center.short_name,
        incident.incident_type.name,
        incident.get_tier_display(),
        incident.get_status_display(),
        _local(incident.started_at),
        _local(incident.acknowledged_at),
        _local(incident.restored_at),
        round(downtime.total_seconds() / 60) if downtime is not None else None,
        incident.description,
        incident.get_impact_display(),
        incident.reporter.display_name,
        incident.assignee.display_name if incident.assignee_id else "",
        incident.root_cause,
        incident.resolution,
        incident.citizens_affected,
        incident.dossiers_delayed,
        getattr(incident, "paper_total", 0),
        getattr(incident, "paper_pending", 0),
    ]


def logbook_xlsx(incidents: Iterable[Incident], *, title: str) -> bytes:
    # openpyxl (and numpy, which it loads) only in the processes that write workbooks.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sổ theo dõi sự cố")
    for position, (_, width) in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + position)].width = width
    heading = WriteOnlyCell(sheet, value=title)
    heading.font = Font(bold=True, size=13)
    sheet.append([heading])
    header = []
    for name, _ in COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for index, incident in enumerate(incidents, start=1):
        row = plain_text(sheet, logbook_row(index, incident))
        for position, value in enumerate(row):
            if hasattr(value, "hour"):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD/MM/YYYY HH:MM"
                row[position] = cell
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
