"""The center's plan as a Word document in the layout of Decree 30/2020 (a "phương án",
kind code PA), from the same :class:`~ungcuu.catalog.plan.Plan` the page shows (R24)."""

from __future__ import annotations

from django.utils import timezone

from ungcuu.catalog.plan import Plan
from ungcuu.reports import layout

# The four headings of each type, in the words of seeds 000 and 001 (R43, R44).
HEADINGS = ("Biểu hiện", "Xử lý", "Phụ trách", "Biện pháp phòng ngừa")


def _labelled(doc, label: str, value: str) -> None:
    layout.rich(doc, [(f"- {label}: ", True), (value, False)])


def _lines(doc, lines: list[str], mark: str = "-") -> None:
    for line in lines:
        layout.text(doc, f"{mark} {line}", indent=True)


def plan_docx(plan: Plan) -> bytes:
    center = plan.center
    place = center.ward_name.split(" ", 1)[-1]
    doc = layout.new_document()
    layout.header_block(
        doc,
        parent=f"UBND {center.ward_name}",
        issuer="Trung tâm Phục vụ hành chính công",
        number_line="Số:      /PA-TTPVHCC",
        place_date=layout.place_date(place, timezone.localdate()),
    )
    layout.title(doc, "Phương án", f"Xử lý sự cố tại {center.name}")

    layout.rich(doc, [("I. MỤC ĐÍCH", True)], indent=False)
    _lines(doc, plan.purpose)

    layout.rich(doc, [("II. TỔ ỨNG CỨU SỰ CỐ, PHÂN CÔNG NHIỆM VỤ", True)], indent=False)
    for number, group in enumerate(plan.team, start=1):
        layout.rich(doc, [(f"{number}. {group.title}: ", True), (group.duty, False)])
        for person in group.people:
            details = " – ".join(part for part in (person.title, person.phone) if part)
            layout.text(
                doc, f"- {person.display_name}{f' ({details})' if details else ''}", indent=True
            )

    layout.rich(doc, [("III. QUY TRÌNH CHUNG XỬ LÝ SỰ CỐ", True)], indent=False)
    for number, (title, body) in enumerate(plan.procedure, start=1):
        layout.rich(doc, [(f"{number}. {title}: ", True), (body, False)])
    layout.rich(doc, [("Khi báo cáo sự cố:", True)])
    for number, (title, body) in enumerate(plan.reporting_protocol, start=1):
        layout.rich(doc, [(f"Bước {number}: {title}. ", True), (body, False)])
    layout.text(doc, f"“{plan.citizen_script}”", italic=True, indent=True)

    layout.rich(doc, [("IV. XỬ LÝ TỪNG LOẠI SỰ CỐ", True)], indent=False)
    for number, item in enumerate(plan.types, start=1):
        layout.rich(doc, [(f"{number}. {item.name} (sự cố {item.tier_label.lower()})", True)])
        symptoms, handling, owner, prevention = HEADINGS
        _labelled(doc, symptoms, item.symptoms)
        layout.rich(doc, [(f"- {handling}:", True)])
        for group in item.groups:
            if group.title:
                layout.text(doc, f"{group.title}:", italic=True, indent=True)
            _lines(doc, group.steps, "+")
        _labelled(doc, owner, item.owner)
        layout.rich(doc, [(f"- {prevention}:", True)])
        _lines(doc, item.prevention, "+")
        if item.escalation:
            _labelled(doc, "Báo cáo, liên hệ", item.escalation)
        for contact in item.contacts:
            reach = " – ".join(
                p for p in (contact.phone, contact.zalo and f"Zalo {contact.zalo}") if p
            )
            layout.text(
                doc,
                f"+ {contact.organisation.name}: {contact.name}{f' ({reach})' if reach else ''}",
                indent=True,
            )
        _labelled(doc, "Thông báo cho người dân", item.citizen_notice)

    layout.rich(doc, [("V. CÔNG TÁC SẴN SÀNG", True)], indent=False)
    _lines(doc, plan.readiness)

    layout.rich(doc, [("VI. GHI CHÉP, BÁO CÁO", True)], indent=False)
    _lines(doc, plan.reporting)

    layout.text(
        doc,
        "Phương án này được phổ biến đến toàn bộ cán bộ, công chức, chuyên viên làm việc tại "
        f"{center.name}. Lãnh đạo Trung tâm chịu trách nhiệm chỉ đạo thực hiện, điều chỉnh "
        "phương án khi cần thiết./.",
        indent=True,
    )
    layout.signatures(doc, [("", "", ""), ("TM. Trung tâm", "Giám đốc", "")])
    layout.recipients(
        doc,
        [f"- {body.name} (b/c);" for body in plan.report_to]
        + ["- Cán bộ, công chức Trung tâm (t/h);", "- Lưu: VT, TTPVHCC."],
    )
    return layout.to_bytes(doc)
