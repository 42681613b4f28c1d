"""The center's plan (phương án xử lý sự cố) as one document: what the five plans in the
seeds hold in common, filled with the center's own people, contacts and upper bodies.

The page, the API and the Word document all read :func:`plan_for`, so they never differ.
Requirements are cited by their number in SEED-REQUIREMENTS.md (R24, R43, R44, R17).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ungcuu.catalog.models import Tier
from ungcuu.catalog.playbooks import (
    Body,
    Playbook,
    Step,
    localised,
    lower_first,
    plan_level,
    playbooks_for,
    province_short_name,
    report_bodies,
)
from ungcuu.catalog.selectors import catalog_types
from ungcuu.core.text import person_sort_key
from ungcuu.org.models import Center, Contact, Role, User
from ungcuu.org.selectors import center_people, contacts_for

# Seed 004, step 3: what the one-stop desk says to waiting citizens, word for word (R107).
# Every type's default citizen notice starts with it.
CITIZEN_SCRIPT = (
    "Kính thưa các bác, các anh chị, hệ thống của chúng tôi đang gặp sự cố kỹ thuật tạm thời. "
    "Các cán bộ kỹ thuật đang khẩn trương khắc phục để hệ thống sớm hoạt động trở lại. "
    "Rất mong các bác, các anh chị vui lòng chờ thêm ít phút và thông cảm cho sự bất tiện "
    "này. Xin chân thành cảm ơn!"
)

# Mục đích: seeds 000 I and 001/003 I.1.
PURPOSE = [
    "Bảo đảm hoạt động tiếp nhận, giải quyết thủ tục hành chính cho cá nhân, tổ chức được "
    "thực hiện liên tục, không gián đoạn trong mọi tình huống bất khả kháng (mất điện, mất "
    "mạng, sự cố phần mềm, thiên tai, dịch bệnh...).",
    "Rút ngắn thời gian khắc phục sự cố, hạn chế gián đoạn công việc, tránh gây phiền hà, "
    "chậm trễ trong quá trình tiếp nhận và xử lý hồ sơ; hạn chế tối đa ảnh hưởng đến quyền "
    "lợi, thời gian và công việc của công dân và doanh nghiệp.",
    "Nâng cao năng lực xử lý tình huống cho cán bộ, công chức. Cán bộ nắm rõ quy trình xử lý "
    "sự cố, không lúng túng khi xảy ra sự cố kỹ thuật.",
    "Nâng cao hiệu quả phục vụ và sự hài lòng của người dân, doanh nghiệp.",
]

# Who does what, in the order the plans name them; the duties are the plans' words.
TEAM = [
    (
        Role.CENTER_LEADER,
        "Chỉ đạo thực hiện, điều chỉnh phương án khi cần thiết; nhận báo cáo sự cố; liên hệ "
        "đơn vị quản lý, nhà cung cấp dịch vụ khi chuyển tuyến.",
    ),
    (
        Role.TEAM_LEADER,
        "Nhận mọi báo cáo sự cố của Trung tâm, phân công xử lý; với sự cố phức tạp, ngay lập "
        "tức báo qua nhóm Zalo/Hotline cho Tổ Công tác tỉnh và Tổ Đối ứng của doanh nghiệp CNTT.",
    ),
    (
        Role.IT_OFFICER,
        "Phụ trách kỹ thuật: xử lý tại chỗ các sự cố máy in, mạng, phần mềm, chứng thư số; "
        "theo dõi thiết bị, vật tư dự phòng.",
    ),
    (
        Role.RESPONDER,
        "Túc trực tại Trung tâm theo lịch trực (ít nhất 01 người), sẵn sàng hỗ trợ khi có sự cố.",
    ),
    (
        Role.STAFF,
        "Phát hiện và báo cáo ngay sự cố; xử lý tại chỗ sự cố đơn giản theo hướng dẫn; thông "
        "báo, hướng dẫn người dân đang chờ; tiếp nhận hồ sơ bằng giấy khi cần.",
    ),
    (
        Role.COMMUNE_LEADER,
        "Nhận báo cáo sự cố và báo cáo định kỳ hàng quý; chỉ đạo khi sự cố kéo dài.",
    ),
]

# Seed 004, steps 1–2: how a report is made.
REPORTING_PROTOCOL = [
    (
        "Xác định loại sự cố và kênh báo cáo",
        "Sự cố đơn giản (máy in hết giấy, lỗi đăng nhập tài khoản...): báo cáo trực tiếp cho "
        "Tổ trưởng Tổ Ứng cứu để xử lý ngay. Sự cố phức tạp (mất mạng Internet, sập hệ thống "
        "phần mềm, lỗi kết nối cơ sở dữ liệu quốc gia, chuyên ngành): báo cáo ngay cho Tổ trưởng "
        "Tổ Ứng cứu; Tổ trưởng ngay lập tức báo cáo qua kênh liên lạc nhanh (Nhóm Zalo/Hotline) "
        "cho Tổ Công tác tỉnh và Tổ Đối ứng của doanh nghiệp CNTT tại địa phương.",
    ),
    (
        "Cung cấp thông tin đầy đủ khi báo cáo",
        "Mô tả rõ sự cố; thời điểm phát sinh; ảnh hưởng; chụp ảnh/quay video màn hình lỗi gửi "
        "kèm để bộ phận kỹ thuật dễ dàng chẩn đoán.",
    ),
    (
        "Thông báo cho người dân",
        "Trong khi chờ khắc phục, cán bộ Bộ phận Một cửa chủ động, lịch sự thông báo cho người "
        "dân và hướng dẫn các thủ tục có thể làm trước (điền vào đơn giấy, sắp xếp hồ sơ...).",
    ),
]

# Readiness duties of the plans: 000 1.1c, 1.2.3, 2.1c, 2.2.5, 2.3.5; 001 I.2, II; 003 VI.2.
READINESS = [
    "Bố trí ít nhất 01 cán bộ thuộc Tổ ứng cứu sự cố túc trực tại Trung tâm (lịch trực).",
    "Tổ ứng cứu sự cố hoặc cán bộ phụ trách kiểm tra phần mềm đầu ngày.",
    "Bố trí vật tư dự phòng (giấy in, mực in) theo định mức; giao cán bộ theo dõi và nhắc nhở "
    "bổ sung định kỳ.",
    "Có ít nhất 01 máy in dự phòng hoặc sử dụng luân phiên giữa các bộ phận một cửa.",
    "Trang bị đường truyền Internet dự phòng (2 nhà mạng luân phiên) và bộ phát Wi-Fi 4G/5G "
    "dự phòng.",
    "Trang bị máy nổ dự phòng; kiểm tra, chạy thử định kỳ.",
    "Theo dõi thời hạn chứng thư số (USB), gia hạn hoặc cấp mới trước khi hết hạn.",
    "Có sẵn quy trình làm việc ngoại tuyến: in sẵn phiếu tiếp nhận, biểu mẫu giấy; tiếp nhận "
    "hồ sơ, in giấy hẹn, nhập lại dữ liệu sau khi hệ thống khôi phục.",
    "Định kỳ sao lưu dữ liệu, bảo trì hệ thống.",
    "Kiểm tra, diễn tập phương án định kỳ (diễn tập tình huống sập hệ thống).",
    "Tham gia tập huấn: kỹ năng mềm, thái độ phục vụ, xử lý tình huống, hỗ trợ người dân yếu thế.",
]


@dataclass
class TeamRole:
    role: str
    title: str
    duty: str
    people: list[User]


PlanStep = Step


@dataclass
class StepGroup:
    title: str
    steps: list[str]


@dataclass
class PlanType:
    code: str
    name: str
    tier: str
    tier_label: str
    symptoms: str
    steps: list[PlanStep]
    owner: str
    prevention: list[str]
    citizen_notice: str
    escalation: str
    contacts: list[Contact]
    groups: list[StepGroup] = field(default_factory=list)
    adjusted_by: str = ""  # "", "province" or "center": whose own version this is


@dataclass
class Plan:
    center: Center
    level: str  # "tỉnh" or "thành phố"
    province_name: str
    report_to: list[Body]
    purpose: list[str]
    team: list[TeamRole]
    procedure: list[tuple[str, str]]
    reporting_protocol: list[tuple[str, str]]
    citizen_script: str
    types: list[PlanType]
    readiness: list[str]
    reporting: list[str]


def _procedure(report_to: list[Body]) -> list[tuple[str, str]]:
    """Seeds 000/001/003 III, the five steps; step 5 names the center's bodies."""
    bodies = ", ".join(body.name for body in report_to)
    return [
        (
            "Tiếp nhận sự cố",
            "Chuyên viên tại Trung tâm khi phát hiện sự cố báo cáo ngay cho cán bộ phụ trách "
            "kỹ thuật, Tổ ứng cứu sự cố và lãnh đạo Trung tâm (bấm “Báo sự cố” trên UngCuu, "
            "hoặc qua Zalo/Hotline).",
        ),
        (
            "Xử lý tại chỗ (nếu là sự cố đơn giản)",
            "Chuyên viên được phân công xử lý theo hướng dẫn (các bước xử lý của từng loại sự "
            "cố dưới đây).",
        ),
        (
            "Chuyển tuyến (nếu là sự cố phức tạp)",
            "Chuyên viên hoặc lãnh đạo Trung tâm liên hệ với đơn vị quản lý, nhà cung cấp dịch "
            "vụ, hoặc bộ phận kỹ thuật liên quan để giải quyết hoặc thông báo cho Tổ ứng cứu "
            "sự cố.",
        ),
        (
            "Tạm thời tiếp nhận hồ sơ thủ công (nếu cần)",
            "Trường hợp sự cố kéo dài, Trung tâm bố trí tiếp nhận bằng biện pháp giấy tờ tạm "
            "theo quy định: ghi phiếu tiếp nhận, hẹn trả kết quả, nhập lại dữ liệu sau khi hệ "
            "thống khôi phục.",
        ),
        (
            "Báo cáo sự cố",
            f"Ghi vào sổ theo dõi sự cố và báo cáo về {bodies}.",
        ),
    ]


def _reporting(center: Center, report_to: list[Body]) -> list[str]:
    commune = lower_first(center.ward_name)
    uppers = [body.name for body in report_to if body.kind == "province_center"]
    upper = uppers[0] if uppers else report_to[-1].name if report_to else "cấp trên"
    return [
        "Ghi nhận mọi sự cố vào sổ theo dõi sự cố kỹ thuật: thời gian, diễn biến và cách xử lý.",
        "Lập biên bản ghi nhận sự cố (thời gian bắt đầu – khôi phục, nguyên nhân, cách xử lý, "
        "ảnh hưởng đến người dân); báo cáo lãnh đạo Trung tâm và cấp có thẩm quyền.",
        "Báo cáo về đơn vị quản lý cấp trên nếu sự cố kéo dài hoặc lặp lại nhiều lần.",
        f"Định kỳ hàng quý, tổng hợp và báo cáo lên lãnh đạo UBND {commune} và {upper}.",
        "Đề xuất các giải pháp cải tiến dựa trên thống kê sự cố thực tế.",
    ]


def _groups(steps: list[PlanStep]) -> list[StepGroup]:
    groups: list[StepGroup] = []
    for step in steps:
        if not groups or groups[-1].title != step.section:
            groups.append(StepGroup(step.section, []))
        groups[-1].steps.append(step.text)
    return groups


def _plan_type(playbook: Playbook, center: Center) -> PlanType:
    incident_type = playbook.incident_type
    steps = [PlanStep(s.position, s.section, s.text) for s in playbook.steps]
    return PlanType(
        code=incident_type.code,
        name=incident_type.name,
        tier=incident_type.tier,
        tier_label=(
            "Đơn giản hoặc phức tạp, người báo chọn"
            if incident_type.tier_chosen_by_reporter
            else str(Tier(incident_type.tier).label)
        ),
        symptoms=playbook.symptoms,
        steps=steps,
        owner=playbook.owner,
        prevention=playbook.prevention,
        citizen_notice=incident_type.citizen_notice,
        escalation=playbook.escalation,
        contacts=contacts_for(center, kinds=playbook.escalation_targets)
        if playbook.escalation_targets
        else [],
        groups=_groups(steps),
        adjusted_by=playbook.adjusted_by,
    )


def _team(center: Center, level: str) -> list[TeamRole]:
    by_role: dict[str, list[User]] = {}
    for person in center_people(center):
        by_role.setdefault(person.role, []).append(person)
    return [
        TeamRole(
            role=str(role),
            title=str(Role(role).label),
            duty=localised(duty, level),
            people=sorted(by_role.get(role, []), key=lambda u: person_sort_key(u.display_name)),
        )
        for role, duty in TEAM
    ]


def plan_for(center: Center) -> Plan:
    """The whole plan of ``center``: the shipped catalog with the center's people, contacts
    and the bodies it reports to (R24)."""
    level = plan_level(center)
    report_to = report_bodies(center, level)
    return Plan(
        center=center,
        level=level,
        province_name=province_short_name(center.province),
        report_to=report_to,
        purpose=PURPOSE,
        team=_team(center, level),
        procedure=_procedure(report_to),
        reporting_protocol=[(title, localised(body, level)) for title, body in REPORTING_PROTOCOL],
        citizen_script=CITIZEN_SCRIPT,
        types=[_plan_type(p, center) for p in playbooks_for(center, catalog_types())],
        readiness=READINESS,
        reporting=_reporting(center, report_to),
    )
