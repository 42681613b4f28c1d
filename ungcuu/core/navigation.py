"""The menu: the few destinations of a person's role in the bar, the rest under "Thêm".

A phone shows four destinations in one row and a "Thêm" sheet; which four depends on the
daily work of the role (DESIGN.md, "Who uses it"). The page being shown is marked, so
"Báo sự cố" stands out only on the report page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# key -> (URL name, label). The order is the order of the "Thêm" sheet.
DESTINATIONS: dict[str, tuple[str, object]] = {
    "report": ("incidents:report", _("Báo sự cố")),
    "logbook": ("incidents:logbook", _("Sổ theo dõi")),
    "paper": ("continuity:register", _("Hồ sơ giấy")),
    "guides": ("knowledge:list", _("Hướng dẫn")),
    "plan": ("catalog:plan", _("Phương án")),
    "reports": ("reports:dashboard", _("Thống kê")),
    "duty": ("duty", _("Lịch trực")),
    "contacts": ("contacts", _("Danh bạ")),
    "readiness": ("readiness:index", _("Sẵn sàng")),
    "live": ("incidents:province_live", _("Tình hình")),
    "monitor": ("monitor:index", _("Giám sát")),
    "audit": ("audit:log", _("Nhật ký cấu hình")),
    "admin": ("admin:index", _("Quản trị")),
    "site": ("site_address", _("Địa chỉ công khai")),
}

# The bar of each role: what its people open every day.
BAR: dict[str, tuple[str, ...]] = {
    "staff": ("report", "paper", "guides", "plan"),
    "it_officer": ("report", "logbook", "readiness", "paper"),
    "responder": ("report", "logbook", "duty", "paper"),
    "team_leader": ("report", "logbook", "readiness", "duty"),
    "center_leader": ("logbook", "reports", "readiness", "report"),
    "commune_leader": ("logbook", "reports", "plan", "report"),
    "province": ("live", "logbook", "reports", "plan"),
    "vendor": ("logbook", "guides"),
    "admin": ("logbook", "reports", "audit", "admin"),
}


@dataclass(frozen=True)
class Link:
    key: str
    url: str
    label: str
    current: bool


@dataclass(frozen=True)
class Menu:
    bar: list[Link]
    more: list[Link]
    home_current: bool

    @property
    def more_current(self) -> bool:
        return any(link.current for link in self.more)


def _allowed(user) -> list[str]:
    role = user.role
    keys = list(DESTINATIONS)
    refused = set()
    if role == "vendor":
        refused |= {"report", "plan", "reports"}
    if not user.center_id:
        refused |= {"duty", "contacts"}
    if not (user.center_id or role == "province" or user.is_superuser):
        refused.add("readiness")
    if not (user.is_superuser or role in ("admin", "province", "center_leader")):
        refused.add("audit")
    if not user.is_staff:
        refused.add("admin")
    if not (user.is_superuser or role == "admin"):
        refused.add("site")
    if not (user.is_superuser or role in ("admin", "province")):
        refused.add("live")
    if not (
        user.is_superuser
        or (user.center_id and role in ("it_officer", "team_leader", "center_leader"))
    ):
        refused.add("monitor")
    return [key for key in keys if key not in refused]


def _current_key(path: str, urls: dict[str, str]) -> str | None:
    """The destination whose address is the longest start of ``path``."""
    best = None
    for key, url in urls.items():
        if path.startswith(url) and (best is None or len(url) > len(urls[best])):
            best = key
    return best


def menu_for(user, path: str) -> Menu:
    allowed = _allowed(user)
    urls = {key: reverse(DESTINATIONS[key][0]) for key in allowed}
    current = _current_key(path, urls)
    bar_keys = [key for key in BAR.get(user.role, BAR["staff"]) if key in urls]
    if user.is_superuser and user.role not in BAR:
        bar_keys = [key for key in BAR["admin"] if key in urls]

    def link(key: str) -> Link:
        return Link(key, urls[key], str(DESTINATIONS[key][1]), key == current)

    return Menu(
        bar=[link(key) for key in bar_keys],
        more=[link(key) for key in allowed if key not in bar_keys],
        home_current=path == reverse("home"),
    )
