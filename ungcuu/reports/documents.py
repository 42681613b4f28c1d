"""The documents: incident minutes (DOCX) and the quarterly report (DOCX and XLSX),
each built from one ``MinutesView`` or one ``Stats``."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime

from django.db.models import F
from django.utils import timezone

from ungcuu.catalog.models import Tier
from ungcuu.catalog.playbooks import province_word, report_bodies
from ungcuu.incidents.exports import COLUMNS as LOG_COLUMNS
from ungcuu.incidents.exports import plain_text
from ungcuu.incidents.models import Impact, Status
from ungcuu.reports import charts, layout
from ungcuu.reports.periods import Period
from ungcuu.reports.selectors import Scope
from ungcuu.reports.services import MinutesView
from ungcuu.reports.stats import EpochSeconds, Stats, duration_text, incidents_in

NO_DATA = "chưa có số liệu"
TIER_NAMES = {"simple": "Đơn giản", "complex": "Phức tạp"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _parent(center) -> str:
    return f"UBND {center.ward_name}"


def _issuer(scope: Scope) -> tuple[str, str]:
    if scope.center:
        return _parent(scope.center), "Trung tâm Phục vụ hành chính công"
    return f"UBND {scope.name}", "Trung tâm Phục vụ hành chính công"


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _reporter(scope: Scope) -> str:
    if scope.center:
        return scope.center.name
    return f"Trung tâm Phục vụ hành chính công {_lower(scope.name)}"


def _place(center) -> str:
    return center.ward_name.split(" ", 1)[-1]


# --- minutes -------------------------------------------------------------------


def minutes_docx(minutes: MinutesView) -> bytes:
    incident = minutes.incident
    center = incident.center
    doc = layout.new_document()
    layout.header_block(
        doc,
        parent=_parent(center),
        issuer="Trung tâm Phục vụ hành chính công",
        number_line=f"Số: {minutes.number_text}/BB-{minutes.issuer_code}",
        place_date=None,
    )
    layout.title(doc, "Biên bản", f"Ghi nhận sự cố {incident.incident_type.name.lower()}")
    held = timezone.localtime(minutes.held_at)
    ended = timezone.localtime(minutes.ended_at)
    layout.rich(
        doc,
        [
            ("Thời gian bắt đầu: ", True),
            (f"{held:%H} giờ {held:%M}, ngày {held:%d} tháng {held:%m} năm {held:%Y}.", False),
        ],
    )
    layout.rich(doc, [("Địa điểm: ", True), (minutes.place, False)])
    layout.rich(doc, [("Thành phần tham dự:", True)])
    for line in minutes.lines("participants"):
        layout.text(doc, line, indent=True)
    layout.rich(doc, [("Chủ tọa: ", True), (minutes.chair, False)])
    layout.rich(doc, [("Thư ký (người ghi biên bản): ", True), (minutes.recorder, False)])
    layout.rich(doc, [("Nội dung:", True)])
    for heading, name in (
        ("1. Diễn biến sự cố", "happened"),
        ("2. Thời gian bắt đầu – khôi phục", "times"),
        ("3. Các biện pháp đã xử lý", "actions"),
        ("4. Ảnh hưởng đến người dân, hồ sơ", "effect"),
        ("5. Nguyên nhân", "cause"),
        ("6. Đề xuất, kiến nghị", "proposals"),
    ):
        layout.rich(doc, [(heading, True)])
        for line in minutes.lines(name) or ["Không có."]:
            layout.text(doc, line, indent=True)
    layout.text(
        doc,
        f"Biên bản kết thúc vào {ended:%H} giờ {ended:%M}, ngày {ended:%d} tháng {ended:%m} "
        f"năm {ended:%Y}; đã đọc lại cho những người tham dự cùng nghe và thống nhất ký tên./.",
        indent=True,
    )
    layout.signatures(
        doc,
        [("Thư ký", "", minutes.recorder_name), ("Chủ tọa", "", minutes.chair_name)],
    )
    parties = minutes.party_list
    for start in range(0, len(parties), 2):
        layout.text(doc, after=6)
        layout.signatures(doc, [(p, "", "") for p in parties[start : start + 2]])
    layout.recipients(doc, minutes.lines("recipients"))
    return layout.to_bytes(doc)


# --- quarterly report: tables shared by the DOCX and the XLSX --------------------------


def summary_rows(stats: Stats) -> list[list]:
    longest = stats.longest
    paper = stats.paper_intake or {}
    drills = stats.drills or {}
    return [
        ["Tổng số sự cố", stats.total],
        ["Sự cố diện rộng (nhiều Trung tâm cùng gặp, tính là một)", len(stats.major_incidents)],
        ["Số sự cố khi tính mỗi sự cố diện rộng là một", stats.outages],
        ["Sự cố đơn giản", stats.by_tier.get("simple", 0)],
        ["Sự cố phức tạp", stats.by_tier.get("complex", 0)],
        ["Chưa khôi phục", stats.not_restored],
        ["Thời gian nhận tin – trung vị (phút)", stats.mtta.median],
        ["Thời gian nhận tin – 90% sự cố trong vòng (phút)", stats.mtta.p90],
        ["Thời gian khắc phục – trung vị (phút)", stats.mttr.median],
        ["Thời gian khắc phục – 90% sự cố trong vòng (phút)", stats.mttr.p90],
        ["Tổng thời gian gián đoạn (phút)", stats.downtime_minutes],
        [
            "Gián đoạn dài nhất (phút)",
            longest.minutes if longest else None,
        ],
        ["Lượt người dân bị ảnh hưởng", stats.citizens_affected],
        ["Hồ sơ bị chậm", stats.dossiers_delayed],
        ["Hồ sơ tiếp nhận bằng giấy", paper.get("taken") if stats.paper_intake else NO_DATA],
        [
            "Hồ sơ nhập lại đúng hạn",
            paper.get("reentered_on_time") if stats.paper_intake else NO_DATA,
        ],
        ["Số cuộc diễn tập", drills.get("held") if stats.drills else NO_DATA],
        ["Sự cố lặp lại (nhóm)", len(stats.recurrences)],
        ["Thiết bị gặp sự cố lặp lại", len(stats.equipment_recurrences)],
        ["Sự cố cần báo cáo cấp trên", len(stats.to_report)],
    ]


def type_rows(stats: Stats) -> list[list]:
    return [
        [r.name, TIER_NAMES.get(r.tier, r.tier), r.count, r.downtime_minutes, r.citizens_affected]
        for r in stats.by_type
    ]


TYPE_HEADER = ["Loại sự cố", "Mức độ", "Số sự cố", "Gián đoạn (phút)", "Người dân bị ảnh hưởng"]
CENTER_HEADER = [
    "Trung tâm",
    "Số sự cố",
    "Phức tạp",
    "Gián đoạn (phút)",
    "Người dân bị ảnh hưởng",
    "Nhận tin – trung vị (phút)",
    "Khắc phục – trung vị (phút)",
]
FLAG_HEADER = ["Số sự cố", "Trung tâm", "Loại sự cố", "Phát sinh", "Thời gian (phút)", "Lý do"]


def center_rows(stats: Stats) -> list[list]:
    return [
        [
            r.name,
            r.count,
            r.complex,
            r.downtime_minutes,
            r.citizens_affected,
            r.mtta_median,
            r.mttr_median,
        ]
        for r in stats.by_center
    ]


def escalation_rows(stats: Stats) -> list[list]:
    return [[e["organisation"], e["count"]] for e in stats.escalations]


def recurrence_rows(stats: Stats) -> list[list]:
    return [[r.center, r.type, r.count, ", ".join(r.numbers)] for r in stats.recurrences]


EQUIPMENT_HEADER = ["Trung tâm", "Thiết bị", "Loại thiết bị", "Số lần", "Các số sự cố"]


def equipment_rows(stats: Stats) -> list[list]:
    return [
        [r.center, r.equipment, r.kind, r.count, ", ".join(r.numbers)]
        for r in stats.equipment_recurrences
    ]


def flag_rows(items) -> list[list]:
    return [[f.number, f.center, f.type, f.started_at, f.minutes, f.reason] for f in items]


# --- quarterly report: DOCX ---------------------------------------------------------


# Rows of a long list printed in the Word report; the workbook has them all.
DOCX_ROWS = 50


def _rest(doc, total: int, what: str) -> None:
    if total > DOCX_ROWS:
        layout.text(
            doc,
            f"(Nêu {DOCX_ROWS} trên tổng số {total} {what}; danh sách đầy đủ trong tệp Excel "
            "kèm theo.)",
            indent=True,
        )


def _picture(doc, png: bytes) -> None:
    from docx.shared import Cm

    doc.add_picture(io.BytesIO(png), width=Cm(16))
    doc.paragraphs[-1].alignment = 1


def quarterly_docx(
    scope: Scope, period: Period, stats: Stats, *, progress: Callable | None = None
) -> bytes:
    progress = progress or (lambda p, s: None)
    parent, issuer = _issuer(scope)
    today = timezone.localdate()
    place = _place(scope.center) if scope.center else scope.province.name
    doc = layout.new_document()
    layout.header_block(
        doc,
        parent=parent,
        issuer=issuer,
        number_line="Số:      /BC-TTPVHCC",
        place_date=layout.place_date(place, today),
    )
    layout.title(
        doc,
        "Báo cáo",
        f"Tình hình sự cố công nghệ thông tin {period.short_label}\ntại {scope.where}",
    )
    layout.text(
        doc,
        f"{_reporter(scope)} báo cáo tình hình sự cố công nghệ thông tin và kết quả ứng cứu, "
        f"khắc phục {period.short_label} ({period.first:%d/%m/%Y} – {period.last:%d/%m/%Y}) "
        "như sau:",
        indent=True,
    )
    layout.rich(doc, [("I. TỔNG HỢP SỐ LIỆU", True)], indent=False)
    layout.text(
        doc,
        f"Trong kỳ phát sinh {stats.total} sự cố ({stats.by_tier.get('simple', 0)} đơn giản, "
        f"{stats.by_tier.get('complex', 0)} phức tạp); tổng thời gian gián đoạn "
        f"{duration_text(stats.downtime_minutes)}; {stats.citizens_affected} lượt người dân bị "
        f"ảnh hưởng. Một nửa số sự cố được nhận tin trong vòng {duration_text(stats.mtta.median)} "
        f"và khắc phục trong vòng {duration_text(stats.mttr.median)}.",
        indent=True,
    )
    if stats.major_incidents:
        listed = "; ".join(
            f"{m.number} ({m.type}, {m.centers} Trung tâm, từ {m.started_at})"
            for m in stats.major_incidents[:DOCX_ROWS]
        )
        layout.text(
            doc,
            f"Trong đó có {len(stats.major_incidents)} sự cố diện rộng (nhiều Trung tâm cùng "
            f"gặp, tính là một): {listed}. Tính mỗi sự cố diện rộng là một, trong kỳ có "
            f"{stats.outages} sự cố; thời gian gián đoạn vẫn tính riêng cho từng Trung tâm.",
            indent=True,
        )
    layout.grid(doc, ["Chỉ tiêu", "Số liệu"], summary_rows(stats), widths=[11, 5])
    measured = [row for row in stats.availability if row["percent"] is not None]
    if measured:
        layout.text(doc, "Mức sẵn sàng của các dịch vụ được giám sát tự động:", indent=True)
        layout.grid(
            doc,
            ["Trung tâm", "Dịch vụ", "Số lần kiểm tra", "Sẵn sàng (%)"],
            [
                [row["center"], row["service"], row["checks"], row["percent"]]
                for row in measured[:DOCX_ROWS]
            ],
            widths=[4, 6, 3, 3],
        )
    progress(10, "Bảng theo loại sự cố")
    layout.rich(doc, [("II. SỰ CỐ THEO LOẠI", True)], indent=False)
    layout.grid(doc, TYPE_HEADER, type_rows(stats), widths=[6, 2.5, 2, 2.5, 3])
    recurring = {r.type_code for r in stats.recurrences}
    _picture(
        doc,
        charts.bars(
            [r.name for r in stats.by_type],
            [r.count for r in stats.by_type],
            title="Số sự cố theo loại (đỏ: có trung tâm bị lặp lại)",
            highlight=[r.code in recurring for r in stats.by_type],
        ),
    )
    progress(35, "Bảng theo trung tâm")
    if scope.is_province:
        layout.rich(doc, [("III. SỰ CỐ THEO TRUNG TÂM", True)], indent=False)
        layout.grid(
            doc, CENTER_HEADER, center_rows(stats), widths=[4, 1.7, 1.7, 2.2, 2.2, 2.1, 2.1]
        )
        top = [r for r in stats.by_center if r.count][:15]
        _picture(
            doc,
            charts.bars(
                [r.name for r in top],
                [r.downtime_minutes for r in top],
                title="Thời gian gián đoạn theo trung tâm (15 trung tâm nhiều nhất)",
                unit="phút",
            ),
        )
    progress(70, "Chuyển tuyến, lặp lại")
    number = "IV" if scope.is_province else "III"
    layout.rich(
        doc,
        [(f"{number}. CHUYỂN TUYẾN, SỰ CỐ LẶP LẠI VÀ CẦN BÁO CÁO CẤP TRÊN", True)],
        indent=False,
    )
    layout.rich(doc, [("1. Chuyển tuyến theo đơn vị hỗ trợ", True)])
    if stats.escalations:
        layout.grid(doc, ["Đơn vị", "Số sự cố"], escalation_rows(stats), widths=[12, 4])
    else:
        layout.text(doc, "Không có sự cố phải chuyển tuyến.", indent=True)
    layout.rich(doc, [(f"2. Sự cố lặp lại ({stats.thresholds['recurrence']} lần trở lên)", True)])
    if stats.recurrences:
        layout.grid(
            doc,
            ["Trung tâm", "Loại sự cố", "Số lần", "Các số sự cố"],
            recurrence_rows(stats)[:DOCX_ROWS],
            widths=[3.5, 5, 1.5, 6],
        )
        _rest(doc, len(stats.recurrences), "nhóm sự cố lặp lại")
    else:
        layout.text(doc, "Không có.", indent=True)
    if stats.equipment_recurrences:
        layout.text(doc, "Thiết bị gặp sự cố lặp lại:", indent=True)
        layout.grid(
            doc,
            EQUIPMENT_HEADER,
            equipment_rows(stats)[:DOCX_ROWS],
            widths=[3, 4.5, 3, 1.5, 4],
        )
        _rest(doc, len(stats.equipment_recurrences), "thiết bị")
    layout.rich(
        doc, [("3. Sự cố cần báo cáo đơn vị quản lý cấp trên (kéo dài hoặc lặp lại)", True)]
    )
    if stats.to_report:
        # The longest outages first; the whole list is in the workbook.
        ranked = sorted(stats.to_report, key=lambda f: (f.minutes is None, -(f.minutes or 0)))
        layout.grid(
            doc, FLAG_HEADER, flag_rows(ranked[:DOCX_ROWS]), widths=[2.6, 2.6, 3.6, 2.6, 1.6, 3]
        )
        _rest(doc, len(ranked), "sự cố")
    else:
        layout.text(doc, "Không có.", indent=True)
    number = "V" if scope.is_province else "IV"
    layout.rich(doc, [(f"{number}. ĐỀ XUẤT CÁC GIẢI PHÁP CẢI TIẾN", True)], indent=False)
    for line in stats.proposals:
        layout.text(doc, f"- {line}", indent=True)
    layout.text(
        doc, f"Trên đây là báo cáo {period.short_label} của {_reporter(scope)}./.", indent=True
    )
    progress(90, "Ký và nơi nhận")
    layout.signatures(doc, [("", "", ""), ("TM. Trung tâm", "Giám đốc", "")])
    # A center reports to the bodies its plan names (000 IV.2: the commune's leaders and
    # the province's center); a province to its own leaders and departments.
    if scope.center:
        bodies = report_bodies(scope.center)
        receivers = [f"- {body.name};" for body in bodies if body.kind != "department"]
    else:
        level = province_word(scope.province)
        receivers = [f"- UBND {level};", "- Sở Nội vụ;", "- Sở Khoa học và Công nghệ;"]
    layout.recipients(doc, receivers + ["- Lưu: VT."])
    return layout.to_bytes(doc)


# --- quarterly report: XLSX ---------------------------------------------------------


def _bold(sheet, values: list, size: float | None = None) -> list:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True, size=size) if size else Font(bold=True)
        cells.append(cell)
    return cells


def _sheet(workbook, name: str, heading: str, header: list[str], rows, widths):
    """One table per sheet (write-only: a province's incident list is large)."""
    sheet = workbook.create_sheet(name)
    for position, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + position)].width = width
    sheet.append(_bold(sheet, [heading], size=13))
    sheet.append(_bold(sheet, header))
    for row in rows:
        sheet.append(plain_text(sheet, list(row)))
    return sheet


# The log book's columns (incidents.exports), read as plain values: building 10,000 model
# instances and their get_FOO_display() cost more than writing the whole workbook.
DATE_COLUMNS = (6, 7, 8)
_PERSON = ("full_name", "first_name", "last_name", "username")


def _person(full_name, first, last, username) -> str:
    return full_name or f"{first or ''} {last or ''}".strip() or username or ""


def paper_counts(scope: Scope, period: Period) -> dict[int, tuple[int, int]]:
    """Paper dossiers per incident of the period: (taken, still to re-enter)."""
    from django.db.models import Count, Q

    from ungcuu.continuity.models import PaperIntake

    rows = (
        PaperIntake.objects.filter(incident__in=incidents_in(scope, period).values("id"))
        .values("incident_id")
        .annotate(total=Count("id"), pending=Count("id", filter=Q(reentered_at__isnull=True)))
    )
    return {row["incident_id"]: (row["total"], row["pending"]) for row in rows}


def incident_rows(scope: Scope, period: Period):
    """The incidents of the period as log book rows (same columns as the log book export)."""
    tiers, statuses, impacts = (dict(c.choices) for c in (Tier, Status, Impact))
    tiers = {k: str(v) for k, v in tiers.items()}
    statuses = {k: str(v) for k, v in statuses.items()}
    impacts = {k: str(v) for k, v in impacts.items()}
    zone = timezone.get_current_timezone()
    fields = (
        "number", "center__ward_name", "incident_type__name", "tier", "status",
        "started", "acknowledged", "restored", "description", "impact",
        *(f"reporter__{f}" for f in _PERSON), *(f"assignee__{f}" for f in _PERSON),
        "root_cause", "resolution", "citizens_affected", "dossiers_delayed", "id",
    )  # fmt: skip
    paper = paper_counts(scope, period)
    values = (
        incidents_in(scope, period)
        .annotate(
            started=EpochSeconds(F("started_at")),
            acknowledged=EpochSeconds(F("acknowledged_at")),
            restored=EpochSeconds(F("restored_at")),
        )
        .order_by("started_at", "id")
        .values_list(*fields)
        .iterator(chunk_size=2000)
    )
    for index, v in enumerate(values, start=1):
        started, acknowledged, restored = (
            None
            if epoch is None
            else datetime.fromtimestamp(round(epoch), zone).replace(tzinfo=None)
            for epoch in v[5:8]
        )
        yield [
            index,
            v[0],
            v[1],
            v[2],
            tiers.get(v[3], v[3]),
            statuses.get(v[4], v[4]),
            started,
            acknowledged,
            restored,
            round((restored - started).total_seconds() / 60) if restored else None,
            v[8],
            impacts.get(v[9], v[9]),
            _person(*v[10:14]),
            _person(*v[14:18]) if v[17] else "",
            v[18],
            v[19],
            v[20],
            v[21],
            *paper.get(v[22], (0, 0)),
        ]


def quarterly_xlsx(
    scope: Scope, period: Period, stats: Stats, *, progress: Callable | None = None
) -> bytes:
    from openpyxl import Workbook  # loaded by the processes that write workbooks only
    from openpyxl.cell import WriteOnlyCell

    progress = progress or (lambda p, s: None)
    workbook = Workbook(write_only=True)
    heading = f"{scope.name} – {period.label}"
    _sheet(workbook, "Tổng hợp", heading, ["Chỉ tiêu", "Số liệu"], summary_rows(stats), [52, 16])
    _sheet(workbook, "Theo loại", heading, TYPE_HEADER, type_rows(stats), [40, 12, 10, 16, 16])
    if scope.is_province:
        _sheet(
            workbook,
            "Theo trung tâm",
            heading,
            CENTER_HEADER,
            center_rows(stats),
            [30, 10, 10, 16, 16, 16, 16],
        )
    _sheet(
        workbook, "Chuyển tuyến", heading, ["Đơn vị", "Số sự cố"], escalation_rows(stats), [50, 12]
    )
    _sheet(
        workbook,
        "Lặp lại",
        heading,
        ["Trung tâm", "Loại sự cố", "Số lần", "Các số sự cố"],
        recurrence_rows(stats),
        [24, 36, 10, 60],
    )
    _sheet(
        workbook,
        "Thiết bị lặp lại",
        heading,
        EQUIPMENT_HEADER,
        equipment_rows(stats),
        [24, 36, 24, 10, 60],
    )
    _sheet(
        workbook,
        "Cần báo cáo cấp trên",
        heading,
        FLAG_HEADER,
        flag_rows(stats.to_report),
        [16, 20, 36, 18, 12, 40],
    )
    _sheet(
        workbook,
        "Nhận tin chậm",
        heading,
        FLAG_HEADER,
        flag_rows(stats.slow_acks),
        [16, 20, 36, 18, 12, 30],
    )
    _sheet(
        workbook,
        "Gián đoạn dài",
        heading,
        FLAG_HEADER,
        flag_rows(stats.long_outages),
        [16, 20, 36, 18, 12, 30],
    )
    _sheet(
        workbook,
        "Đề xuất",
        heading,
        ["Đề xuất các giải pháp cải tiến"],
        [[line] for line in stats.proposals],
        [120],
    )
    progress(40, "Danh sách sự cố")
    sheet = _sheet(
        workbook,
        "Danh sách sự cố",
        heading,
        [name for name, _ in LOG_COLUMNS],
        [],
        [width for _, width in LOG_COLUMNS],
    )
    for row in incident_rows(scope, period):
        for position in DATE_COLUMNS:
            if row[position] is not None:
                cell = WriteOnlyCell(sheet, value=row[position])
                cell.number_format = "DD/MM/YYYY HH:MM"
                row[position] = cell
        sheet.append(plain_text(sheet, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def file_name(scope: Scope, period: Period, extension: str) -> str:
    return f"bao-cao-su-co-{scope.slug}-{period.slug}.{extension}"


def quarterly_file(scope, period, stats, format: str, *, progress=None) -> tuple[bytes, str]:
    if format == "xlsx":
        return quarterly_xlsx(scope, period, stats, progress=progress), file_name(
            scope, period, "xlsx"
        )
    return quarterly_docx(scope, period, stats, progress=progress), file_name(scope, period, "docx")
