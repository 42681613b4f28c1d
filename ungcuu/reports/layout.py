"""Word documents in the layout of Decree 30/2020/NĐ-CP (appendix I): A4, Times New Roman,
the national title block, the numbering line, the signature block and "Nơi nhận"."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import _Cell

from ungcuu.core.text import xml_safe

FONT = "Times New Roman"
TABLE_STYLE = "Bảng số liệu"  # table text: 12 pt, no space after
BODY_PT = 14
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def new_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(20)
    section.bottom_margin = Mm(20)
    section.left_margin = Mm(30)
    section.right_margin = Mm(15)
    section.header_distance = Mm(10)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    style.paragraph_format.space_after = Pt(6)
    style.paragraph_format.space_before = Pt(0)
    cells = doc.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cells.base_style = style
    cells.font.size = Pt(12)
    cells.paragraph_format.space_after = Pt(0)
    _page_numbers(section)
    return doc


def _page_numbers(section) -> None:
    """Page numbers centred in the top margin, from page 2 on."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run._r.append(field)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
    run.font.size = Pt(13)


def text(
    container,
    content: str = "",
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    align: str = "justify",
    indent: bool = False,
    after: float = 6,
    before: float = 0,
):
    paragraph = container.add_paragraph()
    paragraph.alignment = {
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(before)
    if indent:
        fmt.first_line_indent = Cm(1.27)
    if content:
        run = paragraph.add_run(xml_safe(content))
        run.font.size = Pt(size)
        run.bold = bold
        run.italic = italic
    return paragraph


def rich(container, parts: list[tuple[str, bool]], *, indent: bool = True):
    """A body paragraph of (text, bold) runs."""
    paragraph = text(container, indent=indent)
    for content, bold in parts:
        run = paragraph.add_run(xml_safe(content))
        run.bold = bold
        run.font.size = Pt(BODY_PT)
    return paragraph


def _rule(paragraph, width_cm: float, cell_cm: float) -> None:
    """A short line under a centred heading (a bottom border on an indented empty line)."""
    fmt = paragraph.paragraph_format
    side = max((cell_cm - width_cm) / 2, 0)
    fmt.left_indent = Cm(side)
    fmt.right_indent = Cm(side)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _row_cells(table, tr) -> list[_Cell]:
    # ``row.cells`` walks the whole table each time: quadratic on a province's tables.
    return [_Cell(tc, table) for tc in tr.tc_lst]


def _widths(table, widths_cm: list[float]) -> None:
    table.autofit = False
    for tr in table._tbl.tr_lst:
        for cell, width in zip(_row_cells(table, tr), widths_cm, strict=False):
            cell.width = Cm(width)


def header_block(
    doc,
    *,
    parent: str,
    issuer: str,
    number_line: str,
    place_date: str | None,
) -> None:
    """The borderless two-column header: issuing body and number left, nation and motto right."""
    left_cm, right_cm = 6.5, 9.5
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    _widths(table, [left_cm, right_cm])
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    p = left.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    run = p.add_run(xml_safe(parent.upper()))
    run.font.size = Pt(13)
    text(left, issuer.upper(), size=13, bold=True, align="center", after=0)
    _rule(text(left, align="center", after=6, size=6), 2.5, left_cm)
    text(left, number_line, size=13, align="center", after=0)

    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    run = p.add_run(NATION)
    run.font.size = Pt(12)
    run.bold = True
    text(right, MOTTO, size=14, bold=True, align="center", after=0)
    _rule(text(right, align="center", after=6, size=6), 5.6, right_cm)
    if place_date:
        text(right, place_date, size=14, italic=True, align="center", after=0)


def place_date(place: str, day: date) -> str:
    return f"{place}, ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def title(doc, kind: str, summary: str) -> None:
    text(doc, kind.upper(), size=14, bold=True, align="center", after=0, before=18)
    for line in summary.splitlines():
        text(doc, line, size=14, bold=True, align="center", after=0)
    text(doc, after=6)


def signatures(doc, columns: list[tuple[str, str, str]]) -> None:
    """Signature columns of (capacity line, title, name), left to right."""
    table = doc.add_table(rows=1, cols=len(columns))
    _no_borders(table)
    width = 16.0 / len(columns)
    _widths(table, [width] * len(columns))
    for cell, (capacity, role, name) in zip(table.rows[0].cells, columns, strict=True):
        cell.paragraphs[0].paragraph_format.space_after = Pt(0)
        first = True
        for line in (capacity, role):
            if not line:
                continue
            target = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            target.alignment = WD_ALIGN_PARAGRAPH.CENTER
            target.paragraph_format.space_after = Pt(0)
            run = target.add_run(xml_safe(line.upper()))
            run.bold = True
            run.font.size = Pt(13)
        note = cell.add_paragraph()
        note.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = note.add_run("(Ký, ghi rõ họ tên)")
        run.italic = True
        run.font.size = Pt(13)
        for _ in range(3):
            cell.add_paragraph()
        signer = cell.add_paragraph()
        signer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = signer.add_run(xml_safe(name))
        run.bold = True
        run.font.size = Pt(14)


def recipients(doc, lines: list[str]) -> None:
    text(doc, "Nơi nhận:", size=12, bold=True, italic=True, align="left", after=0, before=12)
    for line in lines:
        text(doc, line, size=11, align="left", after=0)


def number(value) -> str:
    """Vietnamese figures: 1.234 and 12,5; "—" for no value."""
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return str(value)


def grid(doc, header: list[str], rows: list[list], *, widths: list[float] | None = None):
    """A bordered table of figures (13 pt), header row bold."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # The style's id, set on each paragraph directly: ``paragraph.style = …`` looks the
    # style up among all the document's styles for every cell.
    style_id = doc.styles[TABLE_STYLE].style_id
    for cell, name in zip(table.rows[0].cells, header, strict=True):
        paragraph = cell.paragraphs[0]
        paragraph._p.get_or_add_pPr().style = style_id
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(xml_safe(name)).bold = True
    for values in rows:
        cells = _row_cells(table, table.add_row()._tr)
        for position, (cell, value) in enumerate(zip(cells, values, strict=True)):
            paragraph = cell.paragraphs[0]
            paragraph._p.get_or_add_pPr().style = style_id
            if position > 0 and isinstance(value, int | float):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.add_run(xml_safe(number(value)))
    if widths:
        _widths(table, widths)
    text(doc, after=0)
    return table


def to_bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
