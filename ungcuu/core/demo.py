"""The demo database: the five seed centers, their people, contacts, roster and a year of history.

Every incident is written through ``ungcuu.incidents.services`` with ``now=``
set to the moment of each event, so the demo timeline is exactly what the
product would have recorded; nothing is inserted behind the services' back.
A seeded ``random.Random`` (and seeded UUIDs) make the content reproducible
relative to the moment the demo is built.
"""

from __future__ import annotations

import random
import time as clock
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

import holidays
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from ungcuu.catalog.models import IncidentType, PlaybookStep, Tier
from ungcuu.incidents import services
from ungcuu.incidents.models import Impact, Incident, IncidentEvent, Status
from ungcuu.org.models import (
    Center,
    Contact,
    DutyShift,
    Organisation,
    OrganisationKind,
    Province,
    Role,
    User,
)
from ungcuu.org.services import center_create

DEMO_PASSWORD = "ungcuu-demo-2026"
DEMO_EMAIL_DOMAIN = "demo.ungcuu.vn"
DEMO_NOTE = "Chỉ dùng cho bản trình diễn (demo only)"

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Office hours of a commune center; the lunch break is when nobody reports.
SEGMENTS = ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))
ROSTER_PAST_DAYS = 30
ROSTER_FUTURE_DAYS = 60
# incident_report refuses an onset more than 366 days before the report.
MAX_HISTORY_DAYS = 364


class Writer(Protocol):
    def write(self, msg: str) -> object: ...


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

# (username suffix, role, title); the order of CenterSpec.names.
CENTER_PEOPLE = (
    ("staff", Role.STAFF, "Chuyên viên Bộ phận Một cửa"),
    ("it", Role.IT_OFFICER, "Cán bộ CNTT, thành viên Tổ ứng cứu sự cố"),
    ("leader", Role.TEAM_LEADER, "Tổ trưởng Tổ ứng cứu sự cố"),
    ("director", Role.CENTER_LEADER, ""),
    ("responder", Role.RESPONDER, "Thành viên Tổ ứng cứu sự cố"),
    ("commune", Role.COMMUNE_LEADER, ""),
)
PROVINCE_LOGIN = "nghean.province"
VENDOR_LOGIN = "vnpt.vendor"
ADMIN_LOGIN = "admin"
DEMO_LOGINS = (
    *(f"{slug}.{suffix}" for slug in CENTER_SLUGS for suffix, _, _ in CENTER_PEOPLE),
    PROVINCE_LOGIN,
    VENDOR_LOGIN,
    ADMIN_LOGIN,
)


# --- incident scenarios ----------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """One realistic way an incident of a type happens, and how it ends.

    Text may use {quay} (a counter), {he_thong} (the provincial software),
    {nha_mang} / {nha_mang_du_phong} (the carriers) and {dien_luc}."""

    description: str
    root_cause: str
    resolution: str
    minutes: tuple[int, int]  # onset → restored
    impact: str = Impact.PARTIAL
    escalate: float = 0.0  # chance of escalation to the type's target organisations
    targets: tuple[str, ...] = ()  # narrower than the type's escalation_targets
    months: tuple[int, ...] = ()  # only in these months (storms, heat)
    tier: str | None = None  # for "other", chosen by the reporter
    backup_carrier: bool = False  # the fault is on the backup line's carrier
    weight: float = 1.0  # how often, against the type's other scenarios


S = Scenario
STOPPED, PARTIAL, NONE = Impact.STOPPED, Impact.PARTIAL, Impact.NONE
SUMMER = (5, 6, 7, 8)
STORMS = (9, 10)

SCENARIOS: dict[str, tuple[Scenario, ...]] = {
    "printer-paper": (
        S(
            "Máy in tại {quay} báo lỗi hết giấy khi đang in Giấy tiếp nhận hồ sơ và hẹn trả "
            "kết quả.",
            "Hết giấy trong khay, đầu ca chưa bổ sung.",
            "Bổ sung giấy A4 đúng loại vào khay, in lại giấy tiếp nhận cho người dân.",
            (3, 12),
            NONE,
        ),
        S(
            "Máy in {quay} kẹt giấy, báo lỗi liên tục, không in được phiếu hẹn.",
            "Giấy bị ẩm, nhàu do để gần cửa sổ.",
            "Tắt máy, rút tờ giấy kẹt, thay xấp giấy mới khô phẳng và in lại.",
            (5, 20),
        ),
        S(
            "Máy in {quay} kẹt giấy ở khu vực sấy, bản in bị lệch trang.",
            "Dùng loại giấy mỏng, không đúng định lượng khuyến nghị.",
            "Lấy giấy kẹt ra, đổi sang giấy A4 định lượng 70 g/m², in thử đạt.",
            (8, 25),
        ),
        S(
            "Hết giấy in, kho vật tư không còn giấy dự phòng.",
            "Vật tư giấy in chưa được cấp bổ sung theo định mức tháng.",
            "Mượn tạm giấy của Văn phòng HĐND và UBND; đề nghị bộ phận hành chính cấp bổ "
            "sung 10 ram giấy.",
            (15, 60),
        ),
        S(
            "Máy in {quay} kẹt giấy liên tục, có tiếng kêu lạ khi kéo giấy.",
            "Trục kéo giấy của máy in bị mòn.",
            "Chuyển lệnh in sang máy in quầy bên cạnh; đơn vị sửa chữa thay trục kéo giấy.",
            (60, 240),
            escalate=0.9,
        ),
        S(
            "Máy in {quay} báo lỗi thiếu giấy dù khay vẫn còn giấy.",
            "Cảm biến khay giấy bị bụi bám.",
            "Vệ sinh cảm biến, lắp lại khay giấy, in thử đạt.",
            (5, 20),
            NONE,
        ),
    ),
    "printer-ink": (
        S(
            "Máy in {quay} in mờ, chữ nhạt trên phiếu hẹn trả kết quả.",
            "Hộp mực sắp hết.",
            "Lắc đều hộp mực, in thử; thay hộp mực mới lấy từ kho vật tư.",
            (5, 20),
            NONE,
        ),
        S(
            "Máy in {quay} báo hết mực, không in được kết quả giải quyết TTHC.",
            "Hết hộp mực dự phòng.",
            "Chuyển in sang máy in khác trong Trung tâm; đơn vị dịch vụ đến đổ mực và giao "
            "thêm 2 hộp mực dự phòng.",
            (40, 180),
            escalate=0.8,
        ),
        S(
            "Bản in của máy in {quay} có vệt đen dọc trang, khó đọc mã hồ sơ.",
            "Trống (drum) của hộp mực bị xước.",
            "Thay hộp mực mới, in thử rõ nét; để riêng hộp mực hỏng chờ bảo hành.",
            (10, 30),
        ),
        S(
            "Máy in {quay} in ra trang trắng sau khi thay hộp mực mới.",
            "Chưa bóc băng keo niêm phong trên hộp mực mới.",
            "Tháo hộp mực, bóc băng keo niêm phong, lắp lại và in thử.",
            (3, 10),
            NONE,
        ),
        S(
            "Máy in {quay} báo lỗi hộp mực không tương thích.",
            "Hộp mực đổ lại bị lỗi chip.",
            "Thay hộp mực chính hãng; đề nghị đơn vị đổ mực kiểm tra lại chip.",
            (20, 90),
            escalate=0.5,
        ),
    ),
    "login": (
        S(
            "Cán bộ {quay} không đăng nhập được {he_thong}, báo sai mật khẩu.",
            "Tài khoản bị khóa do nhập sai mật khẩu nhiều lần.",
            "Liên hệ quản trị hệ thống mở khóa sau khi xác minh danh tính; hướng dẫn đổi "
            "mật khẩu an toàn.",
            (10, 40),
            escalate=0.4,
        ),
        S(
            "Không đăng nhập được tài khoản cán bộ trên Cổng Dịch vụ công quốc gia.",
            "Mật khẩu hết hạn, hệ thống yêu cầu đổi mật khẩu.",
            "Đổi mật khẩu theo hướng dẫn, đăng nhập lại thành công.",
            (10, 25),
        ),
        S(
            "Cán bộ mới được phân công về Bộ phận Một cửa chưa vào được {he_thong}.",
            "Tài khoản chưa được kích hoạt và phân quyền lĩnh vực.",
            "Đề nghị quản trị hệ thống kích hoạt, phân quyền; cán bộ đăng nhập được.",
            (20, 40),
            escalate=0.8,
        ),
        S(
            "Nhập đúng mật khẩu nhưng {he_thong} vẫn báo đăng nhập không thành công.",
            "Bộ gõ tiếng Việt đang bật nên mật khẩu bị gõ sai ký tự.",
            "Tắt bộ gõ tiếng Việt, kiểm tra phím Caps Lock, đăng nhập lại.",
            (10, 15),
            NONE,
        ),
        S(
            "Cán bộ {quay} quên mật khẩu phần mềm quản lý hộ tịch.",
            "Cán bộ không nhớ mật khẩu sau thời gian nghỉ phép.",
            "Dùng chức năng “Quên mật khẩu”, đặt lại mật khẩu qua thư điện tử công vụ.",
            (10, 30),
        ),
        S(
            "Không đăng nhập được {he_thong} bằng tài khoản định danh điện tử (VNeID).",
            "Lỗi xác thực tài khoản định danh điện tử phía hệ thống.",
            "Đăng nhập bằng tài khoản cấp riêng của hệ thống trong khi chờ; nhà cung cấp "
            "khắc phục lỗi xác thực.",
            (15, 40),
            escalate=0.7,
        ),
    ),
    "slow-system": (
        S(
            "{he_thong} tải hồ sơ rất chậm, mỗi thao tác mất 1–2 phút.",
            "Hệ thống quá tải vào giờ cao điểm đầu tuần.",
            "Nhà cung cấp tăng tài nguyên máy chủ; hướng dẫn người dân điền tờ khai trong khi chờ.",
            (20, 90),
            escalate=0.6,
        ),
        S(
            "Máy tính {quay} chạy rất chậm, treo khi mở trình duyệt.",
            "Ổ cứng máy tính đầy, nhiều phần mềm khởi động cùng Windows.",
            "Dọn ổ cứng, gỡ phần mềm thừa, quét mã độc, khởi động lại máy.",
            (15, 60),
        ),
        S(
            "Không tải được tệp đính kèm hồ sơ lên hệ thống, đường truyền rất chậm.",
            "Băng thông bị chiếm do nhiều máy tự động cập nhật Windows.",
            "Tạm dừng cập nhật, đặt lịch cập nhật ngoài giờ làm việc.",
            (15, 45),
        ),
        S(
            "Cổng Dịch vụ công quốc gia phản hồi chậm khi đồng bộ trạng thái hồ sơ.",
            "Cổng Dịch vụ công quốc gia đang bảo trì, nâng cấp.",
            "Chờ hệ thống ổn định, đồng bộ lại trạng thái hồ sơ cuối ngày.",
            (30, 90),
            NONE,
        ),
        S(
            "Máy tính {quay} chậm bất thường, hiện nhiều cửa sổ quảng cáo.",
            "Máy tính nhiễm phần mềm quảng cáo độc hại từ USB mang từ ngoài vào.",
            "Quét, gỡ phần mềm độc hại; nhắc cán bộ không mở USB lạ trên máy nghiệp vụ.",
            (30, 90),
        ),
    ),
    "internet": (
        S(
            "Mất kết nối mạng toàn bộ Bộ phận Một cửa.",
            "Nhà mạng {nha_mang} đứt cáp quang.",
            "{nha_mang} hàn nối lại cáp quang; trong thời gian chờ dùng bộ phát Wi-Fi 4G dự "
            "phòng cho máy tiếp nhận.",
            (60, 240),
            STOPPED,
            escalate=0.95,
            weight=2.5,
        ),
        S(
            "Mất Internet toàn Trung tâm từ đầu giờ, đèn LOS trên modem quang báo đỏ.",
            "Tuyến cáp quang của nhà mạng {nha_mang} bị đứt do thi công đường.",
            "Nhà mạng xử lý tuyến cáp; Trung tâm chuyển sang đường truyền dự phòng "
            "{nha_mang_du_phong}.",
            (60, 240),
            STOPPED,
            escalate=0.95,
            weight=2.5,
        ),
        S(
            "Mất kết nối Internet toàn Trung tâm.",
            "Modem quang bị treo do điện áp chập chờn.",
            "Khởi động lại modem và router; đề xuất lắp bộ lưu điện cho thiết bị mạng.",
            (20, 45),
            STOPPED,
            escalate=0.3,
        ),
        S(
            "Một số máy tính tại các quầy tiếp nhận mất mạng.",
            "Switch mạng nội bộ hỏng cổng.",
            "Thay switch dự phòng, đấu nối lại dây mạng cho các quầy.",
            (30, 120),
        ),
        S(
            "Mạng chập chờn, mất kết nối từng đợt khi đang nộp hồ sơ trực tuyến.",
            "Dây cáp mạng dưới sàn bị chuột cắn.",
            "Thay đoạn cáp mạng hỏng, đi lại dây trong ống ghen bảo vệ.",
            (40, 180),
            escalate=0.1,
        ),
        S(
            "Mất Internet sau trận mưa giông, đường truyền dự phòng cũng không vào được mạng.",
            "Thiết bị đầu cuối quang (ONT) của nhà mạng {nha_mang_du_phong} hỏng do sét.",
            "Nhà mạng {nha_mang_du_phong} thay thiết bị ONT mới, cấu hình lại đường truyền.",
            (90, 240),
            STOPPED,
            escalate=0.95,
            months=(4, 5, 6, 7, 8, 9),
            backup_carrier=True,
        ),
    ),
    "software-down": (
        S(
            "Không thể đăng nhập vào {he_thong}, báo lỗi ‘Gateway Timeout’.",
            "Máy chủ {he_thong} gặp sự cố, dịch vụ ngừng phản hồi.",
            "Nhà cung cấp khởi động lại dịch vụ, hệ thống hoạt động trở lại; nhập lại các hồ "
            "sơ đã tiếp nhận bằng giấy.",
            (45, 300),
            STOPPED,
            escalate=0.95,
        ),
        S(
            "{he_thong} không tải được danh sách hồ sơ, báo lỗi 500.",
            "Lỗi sau khi cập nhật phiên bản mới của phần mềm.",
            "Nhà cung cấp khôi phục phiên bản trước, hẹn cập nhật lại ngoài giờ làm việc.",
            (60, 480),
            STOPPED,
            escalate=0.95,
        ),
        S(
            "Không in được Giấy tiếp nhận hồ sơ và hẹn trả kết quả từ phần mềm.",
            "Lỗi mẫu in sau khi cập nhật biểu mẫu theo Thông tư 03/2025/TT-VPCP.",
            "Nhà cung cấp sửa mẫu in; trong thời gian chờ viết phiếu hẹn bằng tay theo mẫu.",
            (30, 240),
            escalate=0.9,
            targets=("software_vendor",),
        ),
        S(
            "Hồ sơ không đồng bộ được lên Cổng Dịch vụ công quốc gia.",
            "Lỗi trục liên thông, tích hợp dữ liệu (LGSP) của tỉnh.",
            "Trung tâm CNTT tỉnh khắc phục trục liên thông, đồng bộ lại toàn bộ hồ sơ trong ngày.",
            (120, 1440),
            escalate=0.9,
        ),
        S(
            "Toàn bộ {he_thong} bị treo, không thao tác được.",
            "Máy chủ cơ sở dữ liệu quá tải do tác vụ sao lưu chạy trong giờ làm việc.",
            "Nhà cung cấp dừng tác vụ sao lưu, chuyển lịch sao lưu sang ban đêm.",
            (30, 180),
            STOPPED,
            escalate=0.9,
        ),
    ),
    "national-db": (
        S(
            "Không tra cứu được thông tin công dân trên CSDL quốc gia về dân cư.",
            "Mất kết nối tới CSDL quốc gia về dân cư do hệ thống bảo trì.",
            "Hệ thống khôi phục; đối chiếu lại thông tin các hồ sơ đã tiếp nhận bằng giấy.",
            (30, 240),
            escalate=0.8,
        ),
        S(
            "Phần mềm hộ tịch điện tử không kết nối được CSDL hộ tịch, không cấp được trích lục.",
            "Chứng chỉ kết nối của tài khoản hết hạn.",
            "Đầu mối kỹ thuật cấp tỉnh gia hạn chứng chỉ kết nối, cấp lại quyền truy cập.",
            (60, 300),
            escalate=0.9,
        ),
        S(
            "Không khai thác được dữ liệu đất đai khi tiếp nhận hồ sơ đăng ký biến động.",
            "CSDL đất đai đang đồng bộ dữ liệu sau sắp xếp đơn vị hành chính.",
            "Ghi nhận hồ sơ, hẹn người dân; đối chiếu dữ liệu sau khi hệ thống đồng bộ xong.",
            (90, 480),
            escalate=0.8,
        ),
        S(
            "Tra cứu CSDL dân cư báo ‘Không tìm thấy thông tin công dân’ với số định danh hợp lệ.",
            "Dữ liệu dân cư chưa cập nhật địa chỉ mới sau sắp xếp đơn vị hành chính 2025.",
            "Đầu mối kỹ thuật cấp tỉnh cập nhật dữ liệu; tiếp nhận hồ sơ bằng giấy cho các "
            "trường hợp cần xác minh.",
            (60, 300),
            escalate=0.9,
        ),
        S(
            "Xác thực thông tin công dân qua VNeID trên {he_thong} báo lỗi kết nối.",
            "Lỗi kết nối giữa hệ thống của tỉnh và hệ thống định danh, xác thực điện tử.",
            "Đầu mối kỹ thuật khắc phục kết nối; hướng dẫn người dân xuất trình CCCD gắn chip "
            "để đối chiếu trực tiếp.",
            (30, 180),
            escalate=0.8,
        ),
    ),
    "digital-cert": (
        S(
            "USB chứng thư số của lãnh đạo Trung tâm không nhận, không ký số được kết quả.",
            "USB chứng thư số bị hỏng.",
            "Đăng ký cấp mới chứng thư số theo quy định của Ban Cơ yếu Chính phủ; trong thời "
            "gian chờ, lãnh đạo khác được phân công ký thay.",
            (240, 1440),
            escalate=0.95,
        ),
        S(
            "Phần mềm ký số báo lỗi ‘Không tìm thấy chứng thư số’.",
            "Trình điều khiển USB token bị lỗi sau khi cập nhật Windows.",
            "Cài lại trình điều khiển và phần mềm ký số theo hướng dẫn của Trung tâm CNTT tỉnh.",
            (30, 180),
            escalate=0.8,
        ),
        S(
            "Chứng thư số của cán bộ {quay} báo hết hạn, không ký được văn bản.",
            "Chứng thư số hết hạn nhưng chưa làm thủ tục gia hạn.",
            "Gia hạn chứng thư số; lập danh sách theo dõi hạn dùng các chứng thư số của Trung tâm.",
            (120, 600),
            escalate=0.9,
        ),
        S(
            "Ký số kết quả TTHC báo lỗi không kiểm tra được trạng thái chứng thư.",
            "Máy chủ kiểm tra trạng thái chứng thư số không phản hồi.",
            "Chờ máy chủ khôi phục; ký lại các kết quả còn tồn.",
            (30, 120),
            escalate=0.6,
        ),
        S(
            "Máy tính mới của {quay} không ký số được.",
            "Máy tính chưa cài phần mềm ký số và chứng chỉ gốc.",
            "Trung tâm CNTT tỉnh hỗ trợ từ xa cài phần mềm ký số, chứng chỉ gốc.",
            (30, 90),
            escalate=0.7,
        ),
    ),
    "power": (
        S(
            "Mất điện toàn bộ Trung tâm.",
            "Mất điện lưới khu vực, chạy máy nổ.",
            "Chạy máy nổ dự phòng để duy trì tiếp nhận; {dien_luc} khôi phục lưới điện.",
            (60, 360),
            STOPPED,
            escalate=0.95,
        ),
        S(
            "Mất điện theo lịch cắt điện bảo dưỡng đường dây.",
            "{dien_luc} cắt điện bảo dưỡng đường dây, Trung tâm chưa nắm lịch kịp thời.",
            "Chạy máy nổ; đề nghị {dien_luc} gửi lịch cắt điện qua nhóm Zalo của Trung tâm.",
            (120, 360),
            STOPPED,
            escalate=0.9,
        ),
        S(
            "Mất điện Bộ phận Một cửa, aptomat tổng nhảy.",
            "Quá tải do bật đồng thời nhiều điều hòa và máy in.",
            "Đóng lại aptomat, phân bổ lại phụ tải; đề xuất nâng công suất đường dây.",
            (30, 60),
            STOPPED,
            escalate=0.05,
        ),
        S(
            "Điện chập chờn, máy tính các quầy tự khởi động lại.",
            "Sự cố tại trạm biến áp khu vực.",
            "{dien_luc} xử lý trạm biến áp; Trung tâm dùng bộ lưu điện cho máy chủ và modem.",
            (45, 240),
            escalate=0.9,
        ),
        S(
            "Mất điện sau giông lốc.",
            "Cây đổ vào đường dây trung thế do giông lốc.",
            "{dien_luc} xử lý sự cố đường dây; chạy máy nổ trong thời gian chờ.",
            (90, 360),
            STOPPED,
            escalate=0.95,
            months=(4, 5, 6, 7, 8, 9),
        ),
    ),
    "qms": (
        S(
            "Máy bấm số không in được phiếu thứ tự.",
            "Giấy in nhiệt của kiosk bấm số bị kẹt.",
            "Lấy giấy kẹt, thay cuộn giấy mới; phát số bằng phiếu giấy trong thời gian xử lý.",
            (20, 60),
            escalate=0.2,
        ),
        S(
            "Màn hình gọi số tại các quầy không hiển thị.",
            "Mất kết nối mạng giữa kiosk và máy chủ QMS.",
            "Kiểm tra, cắm lại dây mạng, khởi động lại máy chủ QMS.",
            (30, 120),
            escalate=0.5,
        ),
        S(
            "Hệ thống bấm số không phát được âm thanh gọi số.",
            "Lỗi phần mềm điều khiển loa gọi số sau khi cập nhật.",
            "Kỹ thuật nhà cung cấp cài lại phần mềm điều khiển; cán bộ gọi số trực tiếp trong "
            "lúc chờ.",
            (45, 180),
            escalate=0.9,
        ),
        S(
            "Kiosk bấm số bị treo, màn hình cảm ứng không phản hồi.",
            "Bo mạch cảm ứng của kiosk bị lỗi.",
            "Nhà cung cấp thay bo mạch cảm ứng; phát số thứ tự bằng phiếu giấy theo thứ tự đến.",
            (120, 480),
            escalate=0.9,
        ),
    ),
    "disaster": (
        S(
            "Mưa lớn do hoàn lưu bão, nước tràn vào tầng 1 Trung tâm.",
            "Mưa lớn kéo dài do hoàn lưu bão gây ngập cục bộ.",
            "Di chuyển hồ sơ, thiết bị lên tầng 2; thông báo trên Đài truyền thanh, Zalo, "
            "Facebook về việc tiếp nhận tạm tại hội trường UBND; tiếp nhận hồ sơ bằng giấy.",
            (240, 1440),
            STOPPED,
            escalate=0.95,
            months=STORMS,
        ),
        S(
            "Lũ dâng, các tuyến đường vào Trung tâm bị ngập, người dân không đến được.",
            "Lũ lên nhanh sau nhiều ngày mưa lớn.",
            "Thông báo khẩn trên Đài truyền thanh và nhóm Zalo; hướng dẫn người dân nộp hồ "
            "sơ trực tuyến, dời lịch hẹn trả kết quả.",
            (360, 1440),
            STOPPED,
            escalate=0.95,
            months=STORMS,
        ),
        S(
            "Chập điện ổ cắm gây cháy nhỏ tại khu vực kho lưu trữ hồ sơ.",
            "Chập điện do dây dẫn cũ, quá tải.",
            "Dùng bình chữa cháy dập tắt ngay, ngắt điện khu vực; kiểm tra hồ sơ lưu trữ, "
            "thay dây dẫn.",
            (60, 240),
            STOPPED,
            escalate=0.9,
        ),
        S(
            "Giông lốc làm tốc mái tôn khu vực chờ, một số máy tính bị ướt.",
            "Giông lốc mạnh kèm mưa lớn.",
            "Đưa người dân vào hội trường, che chắn thiết bị; sửa lại mái tôn; kiểm tra, hong "
            "khô máy tính.",
            (120, 480),
            STOPPED,
            escalate=0.9,
            months=SUMMER,
        ),
    ),
    "other": (
        S(
            "Máy quét (scan) {quay} không nhận, không số hóa được hồ sơ.",
            "Lỗi trình điều khiển máy quét sau khi cập nhật Windows.",
            "Cài lại trình điều khiển máy quét, quét thử đạt.",
            (15, 60),
            tier=Tier.SIMPLE,
        ),
        S(
            "Thiết bị đánh giá mức độ hài lòng tại {quay} không hoạt động.",
            "Thiết bị mất kết nối mạng không dây.",
            "Kết nối lại Wi-Fi, khởi động lại thiết bị.",
            (10, 40),
            NONE,
            tier=Tier.SIMPLE,
        ),
        S(
            "Máy tính {quay} không khởi động được.",
            "Bộ nguồn máy tính bị hỏng.",
            "Chuyển cán bộ sang máy tính dự phòng; thay bộ nguồn mới.",
            (30, 120),
            tier=Tier.SIMPLE,
        ),
        S(
            "Điều hòa khu vực chờ hỏng, người dân phản ánh nóng.",
            "Điều hòa hết gas, máy nén không chạy.",
            "Bật quạt, mở cửa thông gió; thợ đến nạp gas, sửa điều hòa.",
            (60, 240),
            NONE,
            months=SUMMER,
            tier=Tier.SIMPLE,
        ),
        S(
            "Camera giám sát khu vực Bộ phận Một cửa mất hình.",
            "Ổ cứng đầu ghi hình bị hỏng.",
            "Thay ổ cứng đầu ghi hình, kiểm tra việc lưu trữ hình ảnh.",
            (60, 240),
            NONE,
            tier=Tier.SIMPLE,
        ),
        S(
            "Máy chủ nội bộ lưu bản quét hồ sơ báo lỗi ổ cứng, không truy cập được thư mục chung.",
            "Một ổ cứng trong máy chủ lưu trữ bị hỏng.",
            "Thay ổ cứng, khôi phục dữ liệu từ bản sao lưu gần nhất.",
            (120, 480),
            escalate=0.7,
            tier=Tier.COMPLEX,
        ),
    ),
}

# Incidents per year per center before the center's own scale; disasters are
# added on top, in their season.
TYPE_WEIGHTS = {
    "printer-paper": 15,
    "printer-ink": 12,
    "login": 14,
    "slow-system": 8,
    "internet": 5,
    "software-down": 4,
    "national-db": 4,
    "digital-cert": 3,
    "power": 4,
    "qms": 3,
    "other": 4,
}
# Mountain communes lose power and lines more often; wards queue more people.
CENTER_WEIGHT_FACTORS = {
    "dongphuc": {"power": 1.6, "internet": 1.5},
    "hungdao": {"slow-system": 1.4, "qms": 1.5},
    "thaihoa": {"qms": 1.2},
}

ESCALATION_NOTES = (
    "Tổ trưởng đã báo qua nhóm Zalo cho Tổ Công tác tỉnh và {orgs}.",
    "Đã gọi đường dây nóng {orgs}, đề nghị cử kỹ thuật hỗ trợ.",
    "Đã gửi ảnh chụp màn hình lỗi, thời điểm phát sinh và ảnh hưởng cho {orgs}.",
)
HANDLER_NOTES = (
    "Đã chụp ảnh màn hình lỗi gửi nhóm Zalo của Tổ ứng cứu.",
    "Đã khởi động lại thiết bị, lỗi vẫn còn.",
    "Đã kiểm tra các quầy khác để xác định phạm vi ảnh hưởng.",
    "Đã báo lãnh đạo Trung tâm nắm tình hình.",
)
PAPER_START_NOTES = (
    "Sự cố kéo dài, chuyển sang tiếp nhận hồ sơ bằng giấy; đã treo thông báo tại khu vực chờ.",
    "Đã thông báo, xin lỗi người dân đang chờ; chuyển sang tiếp nhận hồ sơ bằng giấy theo "
    "quy trình ngoại tuyến.",
)
VENDOR_NOTES = (
    "Tổ Đối ứng VNPT Nghệ An đã nhận thông tin, cử kỹ thuật viên đến kiểm tra.",
    "VNPT Nghệ An: đã xác định vị trí sự cố, đang khắc phục.",
)
PROVINCE_NOTES = (
    "Tổ Công tác tỉnh đã nắm thông tin, đề nghị Trung tâm cập nhật tiến độ khắc phục.",
    "Tổ Công tác tỉnh: đã đôn đốc đơn vị liên quan hỗ trợ Trung tâm.",
)
REOPEN_REASONS = (
    "Lỗi tái diễn sau khi khắc phục khoảng nửa giờ.",
    "Người dân phản ánh vẫn chưa nộp được hồ sơ, kiểm tra lại thì lỗi còn.",
)

# The open incidents the home page shows: (center, type, scenario index,
# working minutes before the demo's "now", the stage to stop at).
OPEN_INCIDENTS = (
    ("bachngoc", "internet", 0, 170, Status.ESCALATED),
    ("thaihoa", "digital-cert", 0, 420, Status.ESCALATED),
    ("hungdao", "qms", 1, 50, Status.IN_PROGRESS),
    ("dongphuc", "slow-system", 0, 35, Status.IN_PROGRESS),
    ("thaihoa", "printer-ink", 0, 18, Status.ACKNOWLEDGED),
    ("tanky", "login", 0, 9, Status.REPORTED),
)


# --- the result ------------------------------------------------------------------


@dataclass
class DemoSummary:
    created: bool
    centers: int = 0
    users: int = 0
    organisations: int = 0
    contacts: int = 0
    duty_shifts: int = 0
    incidents: int = 0
    events: int = 0
    open_incidents: int = 0
    escalated_incidents: int = 0
    seconds: float = 0.0


def demo_exists() -> bool:
    """Whether the demo (or something that would clash with it) is already there."""
    return (
        User.objects.filter(username=ADMIN_LOGIN).exists()
        or Center.objects.filter(code__in=CENTER_SLUGS).exists()
        or Center.objects.filter(ward_code__in=[spec.ward_code for spec in CENTERS]).exists()
    )


def demo_logins() -> list[User]:
    """The demo accounts present in the database, in the demo's order."""
    found = {
        user.username: user
        for user in User.objects.filter(username__in=DEMO_LOGINS).select_related(
            "center", "province", "organisation"
        )
    }
    return [found[name] for name in DEMO_LOGINS if name in found]


# --- small helpers -----------------------------------------------------------------


def _say(stdout: Writer | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


def _mobile(rng: random.Random) -> str:
    prefix = f"09{rng.choice('1134678')}{rng.randint(0, 9)}"
    return f"{prefix} {rng.randint(100, 999)} {rng.randint(100, 999)}"


def _landline(rng: random.Random, area: str) -> str:
    return f"{area} 3{rng.randint(500, 999)} {rng.randint(100, 999)}"


def _email(local: str) -> str:
    return f"{local}@{DEMO_EMAIL_DOMAIN}"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _log_minutes(rng: random.Random, low: int, high: int) -> float:
    """A duration skewed to the short end, as real outages are."""
    return low * (high / low) ** rng.random()


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


def _create_people(
    rng: random.Random, contexts: dict[str, _CenterContext], vendor_org: Organisation
) -> dict[str, User]:
    # One argon2 hash for everybody: hashing 33 times would dominate the build.
    password = make_password(DEMO_PASSWORD)
    people: dict[str, User] = {}

    def add(username: str, role: str, full_name: str, title: str, **home) -> User:
        user = User(
            username=username,
            password=password,
            role=role,
            full_name=full_name,
            title=title,
            phone=_mobile(rng),
            email=_email(username),
            **home,
        )
        user.save()
        people[username] = user
        return user

    for ctx in contexts.values():
        spec = ctx.spec
        for (suffix, role, title), full_name in zip(CENTER_PEOPLE, spec.names, strict=True):
            if role == Role.CENTER_LEADER:
                title = spec.director_title
            elif role == Role.COMMUNE_LEADER:
                title = spec.commune_title
            ctx.people[suffix] = add(
                f"{spec.slug}.{suffix}", role, full_name, title, center=ctx.center
            )

    nghean = Province.objects.get(code=40)
    add(
        PROVINCE_LOGIN,
        Role.PROVINCE,
        "Trần Quốc Bảo",
        "Chuyên viên Trung tâm Phục vụ hành chính công tỉnh, thành viên Tổ Công tác tỉnh",
        province=nghean,
    )
    add(
        VENDOR_LOGIN,
        Role.VENDOR,
        "Nguyễn Văn Phúc",
        "Kỹ thuật viên, Tổ Đối ứng VNPT Nghệ An",
        organisation=vendor_org,
    )
    add(
        ADMIN_LOGIN,
        Role.ADMIN,
        "Quản trị hệ thống",
        "Quản trị hệ thống UngCuu (bản trình diễn)",
        is_staff=True,
        is_superuser=True,
    )
    return people


def _create_organisations(
    rng: random.Random, contexts: dict[str, _CenterContext]
) -> tuple[list[Organisation], int]:
    """Every outside body the centers call on, with contacts; fills ``ctx.orgs``."""
    organisations: list[Organisation] = []
    contact_count = 0
    provinces = {ctx.center.province.code: ctx.center.province for ctx in contexts.values()}
    centers_of = {
        code: [ctx for ctx in contexts.values() if ctx.center.province.code == code]
        for code in provinces
    }

    def org(name: str, kind: str, province: Province, area: str, local: str) -> Organisation:
        organisation = Organisation.objects.create(
            name=name,
            kind=kind,
            province=province,
            hotline=_landline(rng, area),
            email=_email(local),
        )
        organisations.append(organisation)
        return organisation

    def contact(
        organisation: Organisation,
        name: str,
        title: str = "",
        *,
        center: Center | None = None,
        local: str,
        landline: str = "",
    ) -> None:
        nonlocal contact_count
        mobile = _mobile(rng)
        Contact.objects.create(
            organisation=organisation,
            center=center,
            name=name,
            title=title,
            phone=landline or mobile,
            zalo=mobile,
            email=_email(local),
        )
        contact_count += 1

    first_names = ("Nguyễn Văn", "Trần Văn", "Lê Đình", "Phạm Quang", "Hoàng Văn", "Đặng Xuân")
    given_names = ("An", "Bình", "Chiến", "Dũng", "Hải", "Khoa", "Lâm", "Minh", "Nghĩa", "Vinh")

    def person_name() -> str:
        return f"{rng.choice(first_names)} {rng.choice(given_names)}"

    for code, province in sorted(provinces.items()):
        pspec = PROVINCES[code]
        local_ctxs = centers_of[code]
        isp: dict[str, Organisation] = {}
        for carrier in pspec.carriers:
            label = CARRIER_NAMES[carrier]
            organisation = org(
                f"{label} {pspec.short}",
                OrganisationKind.ISP,
                province,
                pspec.area,
                f"{carrier}.{pspec.slug}",
            )
            isp[carrier] = organisation
            contact(
                organisation,
                f"Tổ Đối ứng {label} {pspec.short} (trực kỹ thuật)",
                "Đường dây nóng kỹ thuật",
                local=f"doiung.{carrier}.{pspec.slug}",
                landline=_landline(rng, pspec.area),
            )
            for ctx in local_ctxs:
                if carrier not in ctx.spec.carriers:
                    continue
                ward = ctx.center.ward_name
                ward = f"{ward[:1].lower()}{ward[1:]}"
                title = f"Kỹ thuật viên phụ trách {ward}"
                if carrier == "mobifone":
                    # Seed 001: Đồng Phúc asks "kỹ thuật MBF" for account problems too.
                    title = f"Kỹ thuật MBF hỗ trợ {ward}"
                contact(
                    organisation,
                    person_name(),
                    title,
                    center=ctx.center,
                    local=f"{carrier}.{ctx.spec.slug}",
                )

        software = org(
            pspec.software_vendor,
            OrganisationKind.SOFTWARE_VENDOR,
            province,
            pspec.area,
            f"phanmem.{pspec.slug}",
        )
        contact(
            software,
            "Bộ phận hỗ trợ phần mềm (hotline)",
            "Hỗ trợ tài khoản, lỗi phần mềm",
            local=f"hotro.phanmem.{pspec.slug}",
            landline=_landline(rng, pspec.area),
        )
        contact(software, person_name(), "Kỹ sư triển khai", local=f"trienkhai.{pspec.slug}")

        province_it = org(
            f"Trung tâm CNTT – Sở Khoa học và Công nghệ {pspec.full}",
            OrganisationKind.PROVINCE_IT,
            province,
            pspec.area,
            f"cntt.skhcn.{pspec.slug}",
        )
        contact(
            province_it,
            "Phòng Hạ tầng và An toàn thông tin",
            "Hỗ trợ chứng thư số, ký số, trục liên thông",
            local=f"hatang.cntt.{pspec.slug}",
            landline=_landline(rng, pspec.area),
        )
        contact(
            province_it, person_name(), "Phó Giám đốc Trung tâm", local=f"pgd.cntt.{pspec.slug}"
        )

        province_center = org(
            f"Trung tâm Phục vụ hành chính công {pspec.full}",
            OrganisationKind.PROVINCE_CENTER,
            province,
            pspec.area,
            f"ttpvhcc.{pspec.slug}",
        )
        contact(
            province_center,
            f"Tổ Công tác {'thành phố' if code == 31 else 'tỉnh'} (nhóm Zalo điều phối sự cố)",
            "Đầu mối điều phối sự cố",
            local=f"tocongtac.{pspec.slug}",
            landline=_landline(rng, pspec.area),
        )
        contact(
            province_center,
            person_name(),
            "Phó Giám đốc Trung tâm",
            local=f"pgd.ttpvhcc.{pspec.slug}",
        )

        focal = org(
            f"Đầu mối kỹ thuật CSDL quốc gia, chuyên ngành {pspec.full}",
            OrganisationKind.PROVINCE_FOCAL,
            province,
            pspec.area,
            f"csdl.{pspec.slug}",
        )
        for name, title, local in (
            (f"Phòng PC06 – Công an {pspec.full}", "CSDL quốc gia về dân cư, VNeID", "pc06"),
            ("Sở Tư pháp", "CSDL hộ tịch điện tử", "sotuphap"),
            ("Sở Nông nghiệp và Môi trường", "CSDL đất đai", "sonnmt"),
        ):
            contact(
                focal,
                name,
                title,
                local=f"{local}.{pspec.slug}",
                landline=_landline(rng, pspec.area),
            )

        it_service = org(
            pspec.it_service,
            OrganisationKind.IT_SERVICE,
            province,
            pspec.area,
            f"suachua.{pspec.slug}",
        )
        contact(
            it_service,
            person_name(),
            "Kỹ thuật sửa chữa máy in, đổ mực",
            local=f"kythuat.{pspec.slug}",
        )

        for ctx in local_ctxs:
            slug = ctx.spec.slug
            electricity = org(
                ctx.spec.electricity,
                OrganisationKind.ELECTRICITY,
                province,
                ctx.spec.area,
                f"dienluc.{slug}",
            )
            contact(
                electricity,
                "Trực vận hành, sửa chữa điện",
                "Báo mất điện, sự cố lưới điện",
                center=ctx.center,
                local=f"trucvanhanh.{slug}",
                landline=_landline(rng, ctx.spec.area),
            )
            ward = ctx.center.ward_name
            commune = org(
                f"UBND {ward[:1].lower()}{ward[1:]}",
                OrganisationKind.COMMUNE,
                province,
                ctx.spec.area,
                f"ubnd.{slug}",
            )
            contact(
                commune,
                "Văn phòng HĐND và UBND",
                "Điều phối máy nổ, Đài truyền thanh",
                center=ctx.center,
                local=f"vanphong.{slug}",
                landline=_landline(rng, ctx.spec.area),
            )
            contact(
                commune,
                ctx.spec.names[5],
                ctx.spec.commune_title,
                center=ctx.center,
                local=f"lanhdao.{slug}",
            )
            carriers = ctx.spec.carriers
            ctx.orgs = {
                OrganisationKind.ISP: [isp[carriers[0]], isp[carriers[1]]],
                OrganisationKind.SOFTWARE_VENDOR: [software],
                OrganisationKind.PROVINCE_IT: [province_it],
                OrganisationKind.PROVINCE_CENTER: [province_center],
                OrganisationKind.PROVINCE_FOCAL: [focal],
                OrganisationKind.IT_SERVICE: [it_service],
                OrganisationKind.ELECTRICITY: [electricity],
                OrganisationKind.COMMUNE: [commune],
            }
            ctx.words = {
                "he_thong": pspec.system,
                "nha_mang": CARRIER_NAMES[carriers[0]],
                "nha_mang_du_phong": CARRIER_NAMES[carriers[1]],
                "dien_luc": ctx.spec.electricity,
            }
    return organisations, contact_count


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


# --- the history ---------------------------------------------------------------------


@dataclass
class _Planned:
    ctx: _CenterContext
    incident_type: IncidentType
    scenario: Scenario
    onset: datetime
    report_delay: timedelta
    stop: str | None = None  # leave the incident open in this state

    @property
    def reported_at(self) -> datetime:
        return self.onset + self.report_delay


class _StopPlaying(Exception):
    """The next event would be after the demo's "now" (or past the wanted state)."""


class _History:
    def __init__(
        self,
        rng: random.Random,
        calendar: _Calendar,
        now: datetime,
        types: dict[str, IncidentType],
        vendor: User,
        province_user: User,
    ) -> None:
        self.rng = rng
        self.calendar = calendar
        self.now = now
        self.types = types
        self.vendor = vendor
        self.province_user = province_user
        # The incident being played, its text words and the time of its last event.
        self.incident: Incident | None = None
        self.words: dict[str, str] = {}
        self.cursor = now
        self.step_positions: dict[int, list[int]] = {}
        for type_id, position in PlaybookStep.objects.values_list("incident_type_id", "position"):
            self.step_positions.setdefault(type_id, []).append(position)

    # planning

    def scenario_for(self, code: str, month: int) -> Scenario:
        fitting = [s for s in SCENARIOS[code] if not s.months or month in s.months]
        fitting = fitting or [s for s in SCENARIOS[code] if not s.months]
        return self.rng.choices(fitting, weights=[s.weight for s in fitting])[0]

    def onset_on(self, day: date, code: str) -> datetime:
        rng = self.rng
        if code == "login" and rng.random() < 0.5:
            # Accounts fail at the start-of-day check, when everyone logs in.
            start, end = time(7, 30), time(8, 45)
        elif rng.random() < 0.6:
            start, end = SEGMENTS[0][0], time(11, 15)
        else:
            start, end = SEGMENTS[1][0], time(16, 45)
        first = datetime.combine(day, start, TZ)
        span = (datetime.combine(day, end, TZ) - first).total_seconds() // 60
        return first + timedelta(minutes=rng.randint(0, int(span)), seconds=rng.randint(0, 59))

    def plan_center(self, ctx: _CenterContext, first: date, last: date, months: int) -> list:
        rng = self.rng
        days = self.calendar.working_days(first, last)
        if not days:
            return []
        count = max(3, round((ctx.spec.per_year + rng.randint(-6, 6)) * months / 12))
        weights = dict(TYPE_WEIGHTS)
        if not ctx.spec.has_qms:
            weights.pop("qms")
        for code, factor in CENTER_WEIGHT_FACTORS.get(ctx.spec.slug, {}).items():
            if code in weights:
                weights[code] *= factor
        plans = []
        for _ in range(count):
            day = rng.choice(days)
            month_weights = dict(weights)
            if day.month in SUMMER:
                # Heat and thunderstorms: the grid and the lines suffer.
                month_weights["power"] *= 1.8
                month_weights["internet"] *= 1.3
            if day.month in STORMS:
                month_weights["internet"] *= 1.3
            codes = list(month_weights)
            code = rng.choices(codes, weights=[month_weights[c] for c in codes])[0]
            plans.append(self.planned(ctx, code, day))
        # Disasters are rare and seasonal: storms and floods in September–October.
        storm_days = [day for day in days if day.month in STORMS]
        for _ in range(rng.choice((0, 1, 1, 2)) if storm_days else 0):
            plans.append(self.planned(ctx, "disaster", rng.choice(storm_days)))
        return plans

    def planned(self, ctx: _CenterContext, code: str, day: date) -> _Planned:
        itype = self.types[code]
        # A printer or a password is noticed at once; an outage is first tried
        # again, checked on other counters, before someone reports it.
        latest = 6 if itype.tier == Tier.SIMPLE else 15
        return _Planned(
            ctx=ctx,
            incident_type=itype,
            scenario=self.scenario_for(code, day.month),
            onset=self.onset_on(day, code),
            report_delay=timedelta(
                minutes=self.rng.randint(1, latest), seconds=self.rng.randint(0, 59)
            ),
        )

    def ensure_every_type(self, plans: list[_Planned]) -> None:
        """A short history still shows every type of the catalog at least once."""
        present = {plan.incident_type.code for plan in plans}
        for code in self.types:
            if code in present:
                continue
            candidates = [
                plan
                for plan in plans
                if plan.incident_type.code in ("printer-paper", "printer-ink", "login")
                and (code != "qms" or plan.ctx.spec.has_qms)
            ]
            if not candidates:
                continue
            plan = self.rng.choice(candidates)
            plan.incident_type = self.types[code]
            plan.scenario = self.scenario_for(code, plan.onset.month)
            present.add(code)

    # playing

    def play(self, plan: _Planned) -> Incident | None:
        self.cursor = plan.onset
        try:
            return self._play(plan)
        except _StopPlaying:
            return self.incident

    def at(self, moment: datetime) -> datetime:
        """The next event's time: after the previous one, never after "now"."""
        moment = max(moment, self.cursor + timedelta(seconds=self.rng.randint(20, 90)))
        if moment > self.now:
            raise _StopPlaying
        self.cursor = moment
        return moment

    def minutes(self, low: float, high: float) -> timedelta:
        return timedelta(minutes=self.rng.uniform(low, high))

    def office(self, moment: datetime) -> datetime:
        """``moment``, or a while after the office opens again if it was closed then."""
        if self.calendar.in_hours(moment):
            return moment
        return self.calendar.next_open(moment) + self.minutes(3, 45)

    def during(self, restored: datetime) -> datetime:
        """A moment while the outage lasts, so work shown on the timeline fits inside it."""
        if restored - self.cursor > timedelta(minutes=2):
            return self.cursor + (restored - self.cursor) * self.rng.uniform(0.15, 0.6)
        return self.cursor + self.minutes(0.5, 2)

    def _play(self, plan: _Planned) -> Incident:
        rng, ctx, scenario = self.rng, plan.ctx, plan.scenario
        itype = plan.incident_type
        people = ctx.people
        self.incident = None
        self.words = words = {**ctx.words, "quay": f"quầy số {rng.randint(1, 5)}"}
        tier = scenario.tier or itype.tier
        complex_ = tier == Tier.COMPLEX
        waiting = {
            STOPPED: rng.randint(3, 18),
            PARTIAL: rng.randint(1, 8),
            NONE: rng.randint(0, 3),
        }[scenario.impact]

        reporter = rng.choices(
            [people["staff"], people["it"], people["responder"], people["leader"]],
            weights=[70, 12, 10, 8],
        )[0]
        reported_at = self.at(plan.reported_at)
        self.incident = incident = services.incident_report(
            actor=reporter,
            center=ctx.center,
            incident_type=itype,
            description=_capitalised(scenario.description.format(**words)),
            started_at=plan.onset,
            impact=scenario.impact,
            citizens_waiting=waiting,
            tier=scenario.tier,
            client_uuid=_uuid(rng),
            now=reported_at,
        ).incident
        if plan.stop == Status.REPORTED:
            return incident

        duty = ctx.on_duty(plan.onset.astimezone(TZ).date())
        handler = duty
        if rng.random() < 0.85 or plan.stop == Status.ACKNOWLEDGED:
            # The team leader receives every report and takes the complex ones in person.
            acker = people["leader"] if complex_ and rng.random() < 0.6 else duty
            services.incident_acknowledge(
                actor=acker,
                incident=incident,
                event_uuid=_uuid(rng),
                now=self.at(reported_at + self.minutes(1, 20 if complex_ else 8)),
            )
            if plan.stop == Status.ACKNOWLEDGED:
                return incident
            if not complex_ and acker == people["leader"] and rng.random() < 0.4:
                handler = people["it"]
                services.incident_assign(
                    actor=acker,
                    incident=incident,
                    assignee=handler,
                    event_uuid=_uuid(rng),
                    now=self.at(self.cursor + self.minutes(0.5, 3)),
                )
        elif rng.random() < 0.3:
            handler = people["it"]

        started = self.at(self.cursor + self.minutes(0.5, 5))
        services.incident_start(
            actor=handler, incident=incident, event_uuid=_uuid(rng), now=started
        )

        low, high = scenario.minutes
        restored = plan.onset + timedelta(minutes=_log_minutes(rng, low, high))
        if complex_:
            # Escalation and outside help come while the outage still lasts.
            restored = max(restored, started + self.minutes(2, 6))
        else:
            # A simple fault is often fixed on the spot before the officer confirms it.
            restored = max(restored, reported_at + self.minutes(1, 3))
        positions = self.step_positions.get(itype.pk, [])
        ticks = sorted(rng.sample(positions, k=min(len(positions), rng.randint(1, 4))))
        if rng.random() < 0.25:
            ticks = []
        # The first ticks come at once: the playbook is read as the work starts.
        for position in ticks[: max(1, len(ticks) // 2)]:
            services.incident_step(
                actor=handler,
                incident=incident,
                step=position,
                event_uuid=_uuid(rng),
                now=self.at(self.cursor + self.minutes(0.5, 3)),
            )

        escalated_to: list[Organisation] = []
        wanted = rng.random() < scenario.escalate and plan.stop != Status.IN_PROGRESS
        if wanted or plan.stop == Status.ESCALATED:
            escalated_to = self.targets(ctx, itype, scenario)
        if escalated_to:
            escalator = people["leader"] if rng.random() < 0.8 else people["director"]
            note = rng.choice(ESCALATION_NOTES).format(
                orgs=", ".join(org.name for org in escalated_to)
            )
            services.incident_escalate(
                actor=escalator,
                incident=incident,
                organisations=escalated_to,
                note=note,
                event_uuid=_uuid(rng),
                now=self.at(self.cursor + self.minutes(2, 12)),
            )
            # Outside help is not instant: whoever was called needs time to act.
            restored = max(
                restored, self.cursor + self.minutes(*((10, 40) if complex_ else (5, 20)))
            )

        outage = restored - plan.onset
        prolonged = (
            outage > timedelta(minutes=30)
            and scenario.impact != NONE
            and (scenario.impact == STOPPED or complex_)
        )
        paper = 0
        if prolonged and rng.random() < 0.85:
            paper = max(1, round(outage.total_seconds() / 60 / rng.uniform(12, 25)))
            self.note(people["staff"], rng.choice(PAPER_START_NOTES), self.minutes(3, 12))
            self.note(
                people["staff"],
                f"Đã tiếp nhận {paper} hồ sơ bằng giấy, ghi phiếu tiếp nhận và hẹn trả kết quả.",
                self.minutes(20, 50),
                before=restored,
            )

        vendor_involved = self.vendor.organisation in escalated_to
        if vendor_involved and rng.random() < 0.7:
            self.note(self.vendor, rng.choice(VENDOR_NOTES), self.minutes(5, 25), before=restored)
        if (
            ctx.orgs[OrganisationKind.PROVINCE_CENTER][0] in escalated_to
            and self.province_user.province_id == ctx.center.province_id
            and rng.random() < 0.4
        ):
            self.note(self.province_user, rng.choice(PROVINCE_NOTES), self.minutes(5, 30))
        if rng.random() < 0.2:
            self.note(handler, rng.choice(HANDLER_NOTES), self.minutes(2, 10), before=restored)
        if plan.stop == Status.ESCALATED:
            return incident

        if vendor_involved and rng.random() < 0.6:
            services.incident_start(
                actor=self.vendor,
                incident=incident,
                event_uuid=_uuid(rng),
                now=self.at(self.during(restored)),
            )
        for position in ticks[max(1, len(ticks) // 2) :]:
            services.incident_step(
                actor=handler,
                incident=incident,
                step=position,
                event_uuid=_uuid(rng),
                now=self.at(self.during(restored)),
            )
        if plan.stop == Status.IN_PROGRESS:
            return incident

        self.resolve(plan, handler, restored, vendor_involved, waiting, paper)

        if complex_ and rng.random() < 0.04:
            services.incident_reopen(
                actor=people["leader"],
                incident=incident,
                reason=rng.choice(REOPEN_REASONS),
                event_uuid=_uuid(rng),
                now=self.at(self.cursor + self.minutes(20, 60)),
            )
            self.resolve(plan, handler, self.cursor + self.minutes(20, 90), False, waiting, paper)

        closer = people["leader"] if rng.random() < 0.85 else people["director"]
        services.incident_close(
            actor=closer,
            incident=incident,
            event_uuid=_uuid(rng),
            now=self.at(self.office(self.cursor + self.minutes(10, 240))),
        )
        return incident

    def targets(
        self, ctx: _CenterContext, itype: IncidentType, scenario: Scenario
    ) -> list[Organisation]:
        kinds = scenario.targets or tuple(itype.escalation_targets)
        chosen = []
        for kind in kinds:
            options = ctx.orgs.get(kind, [])
            if not options:
                continue
            if kind == OrganisationKind.ISP:
                chosen.append(options[1] if scenario.backup_carrier else options[0])
            else:
                chosen.append(options[0])
        if not chosen:
            # "Other" has no targets of its own: the repair firm is who a center calls.
            chosen = ctx.orgs[OrganisationKind.IT_SERVICE][:1]
        return chosen

    def note(
        self, actor: User, text: str, after: timedelta, *, before: datetime | None = None
    ) -> None:
        moment = self.cursor + after
        if before is not None and moment >= before:
            moment = self.cursor + (before - self.cursor) / 2
        services.incident_note(
            actor=actor,
            incident=self.incident,
            text=text,
            event_uuid=_uuid(self.rng),
            now=self.at(moment),
        )

    def resolve(
        self,
        plan: _Planned,
        handler: User,
        restored: datetime,
        vendor_involved: bool,
        waiting: int,
        paper: int,
    ) -> None:
        rng, scenario, ctx = self.rng, plan.scenario, plan.ctx
        # Restored overnight → recorded when the office opens the next morning.
        resolved_at = self.office(restored + self.minutes(0.5, 10))
        resolver = self.vendor if vendor_involved and rng.random() < 0.5 else handler
        outage_minutes = (restored - plan.onset).total_seconds() / 60
        affected = waiting
        if scenario.impact == STOPPED:
            affected += round(outage_minutes / rng.uniform(6, 15))
        elif scenario.impact == PARTIAL:
            affected += round(outage_minutes / rng.uniform(15, 40))
        delayed = 0
        if paper:
            delayed = rng.randint(1, max(1, paper // 2 + 1))
        elif scenario.impact == STOPPED and outage_minutes > 30:
            delayed = rng.randint(0, 3)
        services.incident_resolve(
            actor=resolver,
            incident=self.incident,
            root_cause=_capitalised(scenario.root_cause.format(**self.words)),
            resolution=_capitalised(scenario.resolution.format(**self.words)),
            restored_at=restored,
            citizens_affected=affected,
            dossiers_delayed=delayed,
            event_uuid=_uuid(rng),
            now=self.at(resolved_at),
        )
        if paper:
            self.note(
                ctx.people["staff"],
                f"Đã nhập lại {paper}/{paper} hồ sơ tiếp nhận bằng giấy vào hệ thống.",
                self.minutes(10, 90),
            )


def _plan_open(
    history: _History, contexts: dict[str, _CenterContext], anchor: datetime
) -> list[_Planned]:
    plans = []
    for slug, code, index, minutes_before, stop in OPEN_INCIDENTS:
        ctx = contexts[slug]
        onset = history.calendar.back(anchor, minutes_before)
        delay = min(
            timedelta(minutes=history.rng.randint(2, 6)), timedelta(minutes=minutes_before / 3)
        )
        plans.append(
            _Planned(
                ctx=ctx,
                incident_type=history.types[code],
                scenario=SCENARIOS[code][index],
                onset=onset,
                report_delay=delay,
                stop=stop,
            )
        )
    return plans


# --- the whole demo ----------------------------------------------------------------------


def demo_build(
    *,
    stdout: Writer | None = None,
    seed: int = 2026,
    months: int = 12,
    now: datetime | None = None,
) -> DemoSummary:
    """Build the demo database (no-op when it is already there).

    ``months`` is how much history to write (tests use a little); ``now`` is
    the moment the demo pretends it is."""
    if demo_exists():
        return DemoSummary(created=False)
    began = clock.monotonic()
    now = (now or timezone.now()).replace(microsecond=0)
    today = now.astimezone(TZ).date()
    history_days = min(MAX_HISTORY_DAYS, round(months * 30.44))
    calendar = _Calendar(today - timedelta(days=history_days + 7), today + timedelta(days=90))
    events_before = IncidentEvent.objects.count()
    incidents_before = Incident.objects.count()

    with transaction.atomic():
        contexts = _create_centers(random.Random(f"{seed}:centers"))
        organisations, contacts = _create_organisations(random.Random(f"{seed}:orgs"), contexts)
        vendor_org = next(
            org
            for org in organisations
            if org.kind == OrganisationKind.ISP and org.name == "VNPT Nghệ An"
        )
        people = _create_people(random.Random(f"{seed}:people"), contexts, vendor_org)
        shifts = _create_roster(contexts, calendar, today)
        _say(
            stdout,
            f"Đã tạo {len(contexts)} Trung tâm, {len(people)} người dùng, "
            f"{len(organisations)} đơn vị bên ngoài, {contacts} đầu mối liên hệ, "
            f"{shifts} ca trực.",
        )

        rng = random.Random(f"{seed}:history")
        types = {itype.code: itype for itype in IncidentType.objects.active()}
        history = _History(rng, calendar, now, types, people[VENDOR_LOGIN], people[PROVINCE_LOGIN])
        # The demo's "now" for the open incidents: the last moment the centers were open.
        anchor = calendar.last_open(now)
        first = today - timedelta(days=history_days)
        # History stops two days before, so old incidents are closed and only the
        # deliberately open ones are open.
        last = (anchor - timedelta(days=2)).date()
        plans: list[_Planned] = []
        for ctx in contexts.values():
            plans.extend(history.plan_center(ctx, first, last, months))
        history.ensure_every_type(plans)
        plans.extend(_plan_open(history, contexts, anchor))

        for ctx in contexts.values():
            mine = sorted(
                (plan for plan in plans if plan.ctx is ctx), key=lambda plan: plan.reported_at
            )
            for plan in mine:
                history.play(plan)
            _say(stdout, f"  {ctx.center.short_name}: {len(mine)} sự cố")

    incidents = Incident.objects.filter(center__code__in=CENTER_SLUGS)
    return DemoSummary(
        created=True,
        centers=len(contexts),
        users=len(people),
        organisations=len(organisations),
        contacts=contacts,
        duty_shifts=shifts,
        incidents=Incident.objects.count() - incidents_before,
        events=IncidentEvent.objects.count() - events_before,
        open_incidents=incidents.open().count(),
        escalated_incidents=incidents.filter(escalated_at__isnull=False).count(),
        seconds=round(clock.monotonic() - began, 1),
    )
