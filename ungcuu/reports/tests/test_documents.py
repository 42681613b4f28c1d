from __future__ import annotations

import io

import pytest
from docx import Document
from docx.shared import Pt
from openpyxl import load_workbook

from ungcuu.incidents.models import Incident
from ungcuu.reports import documents, periods
from ungcuu.reports.selectors import Scope
from ungcuu.reports.services import minutes_save, minutes_view
from ungcuu.reports.stats import compute

pytestmark = pytest.mark.django_db


def _texts(doc) -> list[str]:
    out = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            out.extend(cell.text for cell in row.cells)
    return out


def _figure(shown: str):
    """A figure as the DOCX prints it (1.234; 12,5; —) back to a number."""
    if shown == "—":
        return None
    plain = shown.replace(".", "").replace(",", ".")
    try:
        number = float(plain)
    except ValueError:
        return shown
    return int(number) if number.is_integer() else number


def _table_after(doc, header: str):
    return next(t for t in doc.tables if t.rows[0].cells[0].text == header)


def test_minutes_docx_has_the_decree_layout(quarter_a, director_a):
    incident = quarter_a[0]
    draft = minutes_view(incident)
    saved = minutes_save(
        actor=director_a,
        incident=incident,
        data={**draft.__dict__, "cause": "Đứt cáp quang do thi công đường"},
    )
    content = documents.minutes_docx(minutes_view(incident))
    doc = Document(io.BytesIO(content))

    section = doc.sections[0]
    size = [round(v.mm) for v in (section.page_width, section.page_height)]
    margins = [round(v.mm) for v in (section.top_margin, section.left_margin, section.right_margin)]
    assert size == [210, 297]  # A4
    assert margins == [20, 30, 15]
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert doc.styles["Normal"].font.size == Pt(14)

    head = doc.tables[0].rows[0].cells
    left = [p.text for p in head[0].paragraphs if p.text]
    right = [p.text for p in head[1].paragraphs if p.text]
    assert left == ["UBND XÃ BẠCH NGỌC", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "Số: 01/BB-TTPVHCC"]
    assert right == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert saved.number == 1

    body = [p.text for p in doc.paragraphs]
    assert "BIÊN BẢN" in body
    assert "Ghi nhận sự cố mất mạng internet" in body
    assert any(t.startswith("Thời gian bắt đầu:") for t in body)
    assert any(
        t.startswith("Địa điểm: Trung tâm Phục vụ hành chính công xã Bạch Ngọc") for t in body
    )
    assert "Đứt cáp quang do thi công đường" in body
    assert any("Thời điểm khôi phục: 01 giờ 30 ngày 11/01/2026" in t for t in body)
    assert any(t.startswith("Biên bản kết thúc vào") and t.endswith("./.") for t in body)
    signs = _texts(doc)
    assert any(c.startswith("THƯ KÝ\n(Ký, ghi rõ họ tên)") for c in signs)
    assert any(c.startswith("CHỦ TỌA\n(Ký, ghi rõ họ tên)") for c in signs)
    assert any(c.endswith("A Director") for c in signs)  # the center leader chairs
    assert "Nơi nhận:" in body


def test_second_minutes_of_the_year_takes_the_next_number(quarter_a, director_a):
    for incident in quarter_a[:2]:
        minutes_save(actor=director_a, incident=incident, data=minutes_view(incident).__dict__)
    again = minutes_save(
        actor=director_a, incident=quarter_a[0], data=minutes_view(quarter_a[0]).__dict__
    )
    assert again.number == 1
    assert minutes_view(quarter_a[1]).number == 2


def test_quarterly_docx_and_xlsx_show_the_database_figures(quarter_a, center_a):
    scope, period = Scope(center=center_a), periods.quarter(2026, 1, "calendar")
    stats = compute(scope, period)
    doc = Document(io.BytesIO(documents.quarterly_docx(scope, period, stats)))

    head = doc.tables[0].rows[0].cells
    assert [p.text for p in head[0].paragraphs if p.text][-1] == "Số:      /BC-TTPVHCC"
    assert "BÁO CÁO" in [p.text for p in doc.paragraphs]
    assert len(doc.inline_shapes) == 1  # the chart of incidents by type

    real = Incident.objects.filter(
        center=center_a, is_drill=False, started_at__year=2026, started_at__month__lte=3
    )
    summary = {row.cells[0].text: row.cells[1].text for row in _table_after(doc, "Chỉ tiêu").rows}
    assert summary["Tổng số sự cố"] == str(real.count()) == "5"
    cell = _table_after(doc, "Chỉ tiêu").rows[1].cells[1].paragraphs[0]
    assert cell.style.name == "Bảng số liệu" and cell.style.font.size == Pt(12)
    assert summary["Lượt người dân bị ảnh hưởng"] == "45"
    assert summary["Tổng thời gian gián đoạn (phút)"] == "507"
    assert summary["Thời gian nhận tin – trung vị (phút)"] == "10"
    assert summary["Thời gian nhận tin – 90% sự cố trong vòng (phút)"] == "32"
    assert summary["Hồ sơ tiếp nhận bằng giấy"] == "0"
    by_type = {
        row.cells[0].text: row.cells[2].text for row in _table_after(doc, "Loại sự cố").rows[1:]
    }
    assert by_type["Máy in hết giấy, kẹt giấy"] == str(
        real.filter(incident_type__code="printer-paper").count()
    )

    book = load_workbook(io.BytesIO(documents.quarterly_xlsx(scope, period, stats)))
    assert "Tổng hợp" in book.sheetnames and "Danh sách sự cố" in book.sheetnames
    xlsx_summary = {r[0]: r[1] for r in book["Tổng hợp"].iter_rows(min_row=3, values_only=True)}
    for name, shown in summary.items():
        if name == "Chỉ tiêu":
            continue
        assert _figure(shown) == xlsx_summary[name], name
    listed = [r[1] for r in book["Danh sách sự cố"].iter_rows(min_row=3, values_only=True)]
    assert sorted(listed) == sorted(i.number for i in real)


def test_province_report_has_the_center_table_and_two_charts(quarter_a, center_a):
    scope, period = Scope(province=center_a.province), periods.quarter(2026, 1, "calendar")
    doc = Document(io.BytesIO(documents.quarterly_docx(scope, period, compute(scope, period))))
    rows = {r.cells[0].text: r.cells[1].text for r in _table_after(doc, "Trung tâm").rows[1:]}
    assert rows["Xã Bạch Ngọc"] == "5"
    assert len(doc.inline_shapes) == 2


def test_demo_has_numbered_minutes_per_center(db):
    from ungcuu.core.demo import demo_build
    from ungcuu.reports.models import Minutes

    demo_build(months=3)
    per_center = {}
    for minutes in Minutes.objects.select_related("center"):
        per_center.setdefault(minutes.center.code, []).append(minutes.number)
    assert per_center, "the demo writes minutes"
    for numbers in per_center.values():
        assert sorted(numbers)[0] == 1


def test_incident_list_rows_are_the_log_book_rows(quarter_a, center_a, leader_a):
    from ungcuu.incidents.exports import logbook_row

    incident = quarter_a[1]
    Incident.objects.filter(pk=incident.pk).update(assignee=leader_a)
    scope, period = Scope(center=center_a), periods.quarter(2026, 1, "calendar")
    expected = [
        logbook_row(index, i)
        for index, i in enumerate(
            documents.incidents_in(scope, period).for_logbook().order_by("started_at", "id"),
            start=1,
        )
    ]
    assert list(documents.incident_rows(scope, period)) == expected
