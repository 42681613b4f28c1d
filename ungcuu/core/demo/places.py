"""The provinces and centers of the demo, their working calendar and duty roster."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import holidays

from ungcuu.core.demo.common import ROSTER_FUTURE_DAYS, ROSTER_PAST_DAYS, SEGMENTS, TZ, _landline
from ungcuu.org.models import Center, DutyShift, Organisation, User
from ungcuu.org.services import center_create

# --- what the demo is made of ---------------------------------------------------


@dataclass(frozen=True)
class ProvinceSpec:
    code: int
    short: str  # "Nghệ An"
    full: str  # "tỉnh Nghệ An" / "thành phố Hải Phòng"
    area: str  # landline area code
    slug: str  # for demo e-mail addresses
    system: str  # what staff call the provincial one-stop software
    software_vendor: str
    it_service: str
    carriers: tuple[str, ...]


PROVINCES = {
    40: ProvinceSpec(
        40,
        "Nghệ An",
        "tỉnh Nghệ An",
        "0238",
        "nghean",
        "hệ thống iGate",
        "VNPT Nghệ An – Hỗ trợ phần mềm iGate",
        "Công ty TNHH Tin học và Thiết bị văn phòng Hồng Lam",
        ("vnpt", "viettel"),
    ),
    19: ProvinceSpec(
        19,
        "Thái Nguyên",
        "tỉnh Thái Nguyên",
        "0208",
        "thainguyen",
        "Hệ thống thông tin giải quyết TTHC tỉnh",
        "VNPT Thái Nguyên – Hỗ trợ phần mềm một cửa điện tử",
        "Công ty TNHH Tin học Sông Cầu",
        ("vnpt", "viettel", "mobifone"),
    ),
    31: ProvinceSpec(
        31,
        "Hải Phòng",
        "thành phố Hải Phòng",
        "0225",
        "haiphong",
        "Hệ thống thông tin giải quyết TTHC thành phố",
        "VNPT Hải Phòng – Hỗ trợ phần mềm một cửa điện tử",
        "Công ty TNHH Thiết bị văn phòng Bạch Đằng",
        ("vnpt", "viettel"),
    ),
}
CARRIER_NAMES = {"vnpt": "VNPT", "viettel": "Viettel", "mobifone": "MobiFone"}


@dataclass(frozen=True)
class CenterSpec:
    slug: str
    ward_code: int
    prefix: str
    province: int
    address: str
    area: str  # local landline area code (Ba Bể keeps the old Bắc Kạn 0209)
    electricity: str
    carriers: tuple[str, str]  # primary line, backup line
    has_qms: bool
    per_year: int  # incidents in a typical year
    # staff, it_officer, team_leader, center_leader, responder, commune_leader
    names: tuple[str, str, str, str, str, str]
    director_title: str
    commune_title: str


CENTERS = (
    CenterSpec(
        "bachngoc",
        17623,
        "BN",
        40,
        "Trụ sở UBND xã Bạch Ngọc, tỉnh Nghệ An",
        "0238",
        "Điện lực Đô Lương",
        ("vnpt", "viettel"),
        False,
        70,
        (
            "Nguyễn Thị Hương",
            "Trần Văn Hùng",
            "Lê Văn Thắng",
            "Phạm Thị Thu Hà",
            "Hoàng Minh Đức",
            "Đặng Văn Bảy",
        ),
        "Giám đốc Trung tâm Phục vụ hành chính công xã",
        "Phó Chủ tịch UBND xã",
    ),
    CenterSpec(
        "dongphuc",
        1933,
        "DP",
        19,
        "Trụ sở UBND xã Đồng Phúc, tỉnh Thái Nguyên",
        "0209",
        "Điện lực Ba Bể",
        ("vnpt", "mobifone"),
        False,
        58,
        (
            "Hoàng Thị Lan",
            "Nông Văn Tuấn",
            "Triệu Đức Mạnh",
            "Ma Thị Thanh Huyền",
            "Hà Văn Sơn",
            "Tô Phong Nhuận",
        ),
        "Giám đốc Trung tâm Phục vụ hành chính công xã",
        "Phó Chủ tịch UBND xã",
    ),
    CenterSpec(
        "tanky",
        17266,
        "TK",
        40,
        "Trụ sở UBND xã Tân Kỳ, tỉnh Nghệ An",
        "0238",
        "Điện lực Tân Kỳ",
        ("vnpt", "viettel"),
        True,
        74,
        (
            "Nguyễn Thị Mai",
            "Võ Văn Hải",
            "Hồ Sỹ Long",
            "Phan Tiến Dũng",
            "Đinh Văn Quang",
            "Lê Thị Hồng Nhung",
        ),
        "Phó Giám đốc Trung tâm Phục vụ hành chính công xã",
        "Phó Chủ tịch UBND xã",
    ),
    CenterSpec(
        "hungdao",
        11689,
        "HD",
        31,
        "Trụ sở UBND phường Hưng Đạo, thành phố Hải Phòng",
        "0225",
        "Điện lực Dương Kinh",
        ("viettel", "vnpt"),
        True,
        84,
        (
            "Vũ Thị Ngọc Anh",
            "Bùi Quang Huy",
            "Đỗ Văn Khánh",
            "Ngô Thanh Phương",
            "Phạm Văn Toàn",
            "Nguyễn Văn Cường",
        ),
        "Phó Giám đốc Trung tâm Phục vụ hành chính công phường",
        "Chủ tịch UBND phường",
    ),
    CenterSpec(
        "thaihoa",
        16939,
        "TH",
        40,
        "Trụ sở UBND phường Thái Hòa, tỉnh Nghệ An",
        "0238",
        "Điện lực Thái Hòa",
        ("viettel", "vnpt"),
        True,
        66,
        (
            "Trần Thị Thu Trang",
            "Nguyễn Đình Nam",
            "Lê Quang Tùng",
            "Nguyễn Thị Thanh Bình",
            "Cao Xuân Hiếu",
            "Hoàng Nghĩa Thái",
        ),
        "Giám đốc Trung tâm Phục vụ hành chính công phường",
        "Chủ tịch UBND phường",
    ),
)
CENTER_SLUGS = tuple(spec.slug for spec in CENTERS)


class _Calendar:
    """Working days (Monday–Friday minus Vietnamese public holidays) and office hours."""

    def __init__(self, first: date, last: date) -> None:
        self.days_off = holidays.country_holidays("VN", years=range(first.year, last.year + 1))

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.days_off

    def working_days(self, first: date, last: date) -> list[date]:
        days = []
        day = first
        while day <= last:
            if self.is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    def _segments(self, day: date) -> list[tuple[datetime, datetime]]:
        if not self.is_working_day(day):
            return []
        return [
            (datetime.combine(day, start, TZ), datetime.combine(day, end, TZ))
            for start, end in SEGMENTS
        ]

    def in_hours(self, moment: datetime) -> bool:
        local = moment.astimezone(TZ)
        return any(start <= local < end for start, end in self._segments(local.date()))

    def next_open(self, moment: datetime) -> datetime:
        """``moment`` if the center is open then, else the next opening time."""
        local = moment.astimezone(TZ)
        day = local.date()
        for _ in range(30):
            for start, end in self._segments(day):
                if local < end:
                    return max(local, start)
            day += timedelta(days=1)
        return local

    def last_open(self, moment: datetime) -> datetime:
        """``moment`` if the center is open then, else the last closing time before it."""
        local = moment.astimezone(TZ)
        day = local.date()
        for _ in range(30):
            for start, end in reversed(self._segments(day)):
                if start <= local:
                    return min(local, end)
            day -= timedelta(days=1)
        return local

    def back(self, moment: datetime, minutes: float) -> datetime:
        """The moment ``minutes`` of office time before ``moment``."""
        remaining = timedelta(minutes=minutes)
        local = self.last_open(moment)
        for _ in range(60):
            segment_start = next(
                start for start, end in self._segments(local.date()) if start <= local <= end
            )
            available = local - segment_start
            if remaining <= available:
                return local - remaining
            remaining -= available
            local = self.last_open(segment_start - timedelta(seconds=1))
        return local


# --- people, organisations, roster -------------------------------------------------


@dataclass
class _CenterContext:
    spec: CenterSpec
    center: Center
    people: dict[str, User] = field(default_factory=dict)
    orgs: dict[str, list[Organisation]] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)

    @property
    def team(self) -> list[User]:
        """The Response Team members who take turns on duty."""
        return [self.people["it"], self.people["responder"], self.people["leader"]]

    def on_duty(self, day: date) -> User:
        offset = CENTER_SLUGS.index(self.spec.slug)
        return self.team[(day.toordinal() + offset) % len(self.team)]


def _create_centers(rng: random.Random) -> dict[str, _CenterContext]:
    contexts = {}
    for spec in CENTERS:
        center = center_create(ward_code=spec.ward_code, code=spec.slug, prefix=spec.prefix)
        center.address = spec.address
        center.phone = _landline(rng, spec.area)
        center.save(update_fields=["address", "phone"])
        contexts[spec.slug] = _CenterContext(spec=spec, center=center)
    return contexts


def _create_roster(contexts: dict[str, _CenterContext], calendar: _Calendar, today: date) -> int:
    shifts = [
        DutyShift(center=ctx.center, person=ctx.on_duty(day), date=day)
        for ctx in contexts.values()
        for day in calendar.working_days(
            today - timedelta(days=ROSTER_PAST_DAYS), today + timedelta(days=ROSTER_FUTURE_DAYS)
        )
    ]
    DutyShift.objects.bulk_create(shifts)
    return len(shifts)
