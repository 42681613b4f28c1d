"""The services a waiting citizen recognises, and which incident types stop each."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Each row of the waiting-room screen and the catalog codes that affect it.
SERVICES = [
    ("intake", _("Tiếp nhận hồ sơ"), {"software-down", "internet", "power", "login", "disaster"}),
    ("lookup", _("Tra cứu dữ liệu dân cư"), {"national-db", "internet", "power"}),
    ("printing", _("In giấy tờ, phiếu hẹn"), {"printer-paper", "printer-ink", "power"}),
    ("signing", _("Ký số, trả kết quả"), {"digital-cert", "power"}),
    ("queue", _("Bấm số thứ tự"), {"qms", "power"}),
]


@dataclass
class ServiceRow:
    key: str
    name: str
    state: str  # normal | incident | paper
    label: str


def services_status(state, notice) -> list[ServiceRow]:
    codes = {incident.incident_type.code for incident in state.incidents}
    slow = "slow-system" in codes or "other" in codes
    paper = state.paper_intake or bool(notice and notice.paper_intake)
    rows = []
    for key, name, affected_by in SERVICES:
        hit = bool(codes & affected_by) or (slow and key == "intake")
        if key == "intake" and hit and paper:
            rows.append(ServiceRow(key, name, "paper", _("Đang tiếp nhận hồ sơ bằng giấy")))
        elif hit:
            rows.append(ServiceRow(key, name, "incident", _("Đang khắc phục sự cố")))
        else:
            rows.append(ServiceRow(key, name, "normal", _("Bình thường")))
    return rows
