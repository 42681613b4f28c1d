"""Suggested probes for a center: the person confirms (and corrects) each before saving."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ungcuu.org.models import Center


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    kind: str
    target: str
    incident_type: str
    hint: str
    keyword: str = ""


def _province_portal(center: Center) -> str:
    slug = center.province.codename.replace("-", "")
    return f"https://dichvucong.{slug}.gov.vn/"


def presets_for(center: Center) -> list[Preset]:
    return [
        Preset(
            "line1",
            str(_("Đường truyền 1 (cổng mạng)")),
            "ping",
            "192.168.1.1",
            "internet",
            str(_("Địa chỉ modem/cổng mạng của nhà mạng thứ nhất; sửa theo mạng của Trung tâm.")),
        ),
        Preset(
            "line2",
            str(_("Đường truyền 2 (cổng mạng)")),
            "ping",
            "192.168.2.1",
            "internet",
            str(_("Cổng mạng của đường truyền dự phòng (nhà mạng thứ hai).")),
        ),
        Preset(
            "public",
            str(_("Internet (địa chỉ công cộng)")),
            "tcp",
            "1.1.1.1:443",
            "internet",
            str(_("Một địa chỉ ngoài Internet: đạt nghĩa là ra được Internet.")),
        ),
        Preset(
            "province",
            str(_("Hệ thống thông tin giải quyết TTHC của tỉnh")),
            "http",
            _province_portal(center),
            "software-down",
            str(_("Cổng dịch vụ công / phần mềm một cửa của tỉnh; kiểm tra lại địa chỉ.")),
        ),
        Preset(
            "national",
            str(_("Cổng Dịch vụ công quốc gia")),
            "http",
            "https://dichvucong.gov.vn/",
            "software-down",
            str(_("Cổng Dịch vụ công quốc gia.")),
        ),
        Preset(
            "qms",
            str(_("Hệ thống xếp hàng tự động (QMS)")),
            "http",
            "http://192.168.1.50/",
            "qms",
            str(_("Địa chỉ máy chủ/hộp QMS trong mạng nội bộ của Trung tâm.")),
        ),
        Preset(
            "printer",
            str(_("Máy in quầy 1 (SNMP)")),
            "snmp-printer",
            "192.168.1.100",
            "printer-paper",
            str(_("Hết giấy mở sự cố máy in hết giấy, sắp hết mực mở sự cố hết mực.")),
        ),
        Preset(
            "ups",
            str(_("Bộ lưu điện (NUT)")),
            "nut-ups",
            "ups@192.168.1.10",
            "power",
            str(_("Máy chủ NUT của bộ lưu điện: chạy bằng pin là mất điện lưới.")),
        ),
    ]


def preset_get(center: Center, key: str | None) -> Preset | None:
    return next((p for p in presets_for(center) if p.key == key), None)
