"""The same equipment failing three times or more in a quarter is a recurring fault."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from ungcuu.core.testing import logged_in
from ungcuu.readiness.models import Equipment, EquipmentKind
from ungcuu.readiness.services.equipment import equipment_link
from ungcuu.reports import documents, periods
from ungcuu.reports.selectors import Scope
from ungcuu.reports.stats import compute

pytestmark = pytest.mark.django_db

Q1 = periods.quarter(2026, 1, "calendar")


@pytest.fixture
def equipment(quarter_a, center_a, leader_a):
    printer = Equipment.objects.create(
        center=center_a, kind=EquipmentKind.PRINTER, name="Máy in quầy 2"
    )
    pc = Equipment.objects.create(center=center_a, kind=EquipmentKind.PC, name="Máy tính quầy 1")
    ups = Equipment.objects.create(center=center_a, kind=EquipmentKind.UPS, name="Bộ lưu điện")
    internet, paper1, paper2, paper3, power, drill, april = quarter_a
    for incident in (paper1, paper2, paper3):
        equipment_link(actor=leader_a, incident=incident, equipment=printer)
    for incident in (internet, paper1, paper2):
        equipment_link(actor=leader_a, incident=incident, equipment=pc)
    # One real incident in the quarter; the drill and April's incident do not count.
    for incident in (power, drill, april):
        equipment_link(actor=leader_a, incident=incident, equipment=ups)
    return printer, pc, ups


def test_equipment_named_three_times_is_a_recurrence(equipment, quarter_a, center_a):
    printer, pc, _ups = equipment
    stats = compute(Scope(center=center_a), Q1)
    found = {r.equipment: r for r in stats.equipment_recurrences}
    assert set(found) == {"Máy in quầy 2", "Máy tính quầy 1"}
    assert found["Máy in quầy 2"].count == 3
    assert found["Máy in quầy 2"].kind == "Máy in"
    assert found["Máy in quầy 2"].numbers == [i.number for i in quarter_a[1:4]]
    assert found["Máy tính quầy 1"].numbers == [i.number for i in quarter_a[0:3]]

    # Each incident is reported upwards once: the printer's latest incident is already
    # there as the third "printer out of paper"; the computer's latest is added for it.
    reported = [f.id for f in stats.to_report]
    assert reported.count(quarter_a[3].pk) == 1
    computer = next(f for f in stats.to_report if f.id == quarter_a[2].pk)
    assert computer.reason.startswith("thiết bị “Máy tính quầy 1” gặp sự cố 3 lần")
    assert any("thiết bị “Máy in quầy 2” gặp sự cố 3 lần" in p for p in stats.proposals)


def test_documents_and_dashboard_show_the_equipment(equipment, center_a, leader_a):
    scope = Scope(center=center_a)
    stats = compute(scope, Q1)
    doc = Document(io.BytesIO(documents.quarterly_docx(scope, Q1, stats)))
    table = next(t for t in doc.tables if t.rows[0].cells[1].text == "Thiết bị")
    shown = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [r[1] for r in shown] == ["Máy in quầy 2", "Máy tính quầy 1"]
    summary = {r.cells[0].text: r.cells[1].text for r in doc.tables[1].rows}
    assert summary["Thiết bị gặp sự cố lặp lại"] == "2"

    book = load_workbook(io.BytesIO(documents.quarterly_xlsx(scope, Q1, stats)))
    rows = list(book["Thiết bị lặp lại"].iter_rows(min_row=3, values_only=True))
    assert [(r[1], r[3]) for r in rows] == [("Máy in quầy 2", 3), ("Máy tính quầy 1", 3)]
    assert [r[1] for r in rows] == [r[1] for r in shown]

    page = logged_in(leader_a).get(
        "/reports/dashboard/", {"year": "2026", "quarter": "1", "period": "calendar"}
    )
    html = page.content.decode()
    assert "Thiết bị gặp sự cố lặp lại" in html
    assert f'href="/readiness/equipment/{equipment[0].pk}/"' in html


def test_no_equipment_section_when_nothing_repeats(quarter_a, center_a):
    stats = compute(Scope(center=center_a), Q1)
    assert stats.equipment_recurrences == []
    assert not any("thiết bị “" in p for p in stats.proposals)
