"""The set-up workbook: a center's people, contacts, duty, equipment and supplies in one go."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from ungcuu.core.testing import logged_in, make_user
from ungcuu.org.models import Contact, DutyShift, Organisation, Role, User
from ungcuu.org.setup.importer import setup_import, template_bytes
from ungcuu.readiness.models import Equipment, StockMovement, SupplyItem

NUL_MARK = "NULMARK"
DAY = date.today() + timedelta(days=3)

PEOPLE = [
    ["Tên đăng nhập *", "Họ và tên *", "Vai trò *", "Điện thoại", "Chức vụ", "Thư điện tử"],
    ["bn.totruong", "Nguyễn Văn An", "Tổ trưởng Tổ ứng cứu", "0912 345 678", "Phó Giám đốc", ""],
    ["bn.cntt", "Trần Thị Bình", "Cán bộ CNTT", 912000111, "", "binh@example.vn"],
    ["bn.motcua", "Lê Văn Cường", "Chuyên viên Bộ phận Một cửa", "", "", ""],
]
CONTACTS = [
    [
        "Đơn vị *",
        "Loại đơn vị *",
        "Họ tên / bộ phận *",
        "Chức vụ",
        "Điện thoại",
        "Zalo",
        "Thư điện tử",
    ],
    ["VNPT Nghệ An", "Nhà mạng (Internet)", "Tổng đài kỹ thuật", "", "18001166", "", ""],
]
DUTY = [["Ngày *", "Tên đăng nhập *"], [DAY, "bn.totruong"], [DAY.strftime("%d/%m/%Y"), "bn.cntt"]]
EQUIPMENT = [
    [
        "Loại *",
        "Tên, model *",
        "Dự phòng",
        "Nhà cung cấp / nhà mạng",
        "Số hợp đồng",
        "Đường dây nóng",
        "Vị trí",
    ],
    ["Máy in", "Canon LBP 2900", "Không", "", "", "", "Quầy 1"],
    ["Máy nổ (máy phát điện)", "Honda EU22i", "Có", "", "", "", "Sân sau"],
]
SUPPLIES = [
    [
        "Loại *",
        "Tên vật tư *",
        "Đơn vị tính *",
        "Định mức",
        "Báo sắp hết khi còn",
        "Tồn kho ban đầu",
        "Dùng cho máy in",
    ],
    ["Giấy A4", "Giấy A4 Double A", "ram", 20, 5, 12, ""],
]


def workbook(**overrides) -> bytes:
    """A filled workbook; ``people=[...]`` etc. replace a sheet's rows (header included)."""
    sheets = {
        "Nhân sự": PEOPLE,
        "Đầu mối": CONTACTS,
        "Lịch trực": DUTY,
        "Thiết bị": EQUIPMENT,
        "Vật tư": SUPPLIES,
    }
    keys = {
        "people": "Nhân sự",
        "contacts": "Đầu mối",
        "duty": "Lịch trực",
        "equipment": "Thiết bị",
        "supplies": "Vật tư",
    }
    for key, rows in overrides.items():
        sheets[keys[key]] = rows
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return _with_nul(out.getvalue())


def _with_nul(data: bytes) -> bytes:
    """openpyxl will not write a NUL; a workbook made elsewhere can hold one (``_x0000_``)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.endswith(".xml"):
                content = content.replace(NUL_MARK.encode(), b"_x0000_")
            target.writestr(item, content)
    return out.getvalue()


def counts(center) -> dict:
    return {
        "people": User.objects.filter(center=center).count(),
        "contacts": Contact.objects.filter(center=center).count(),
        "organisations": Organisation.objects.count(),
        "duty": DutyShift.objects.filter(center=center).count(),
        "equipment": Equipment.objects.filter(center=center).count(),
        "supplies": SupplyItem.objects.filter(center=center).count(),
        "movements": StockMovement.objects.filter(item__center=center).count(),
    }


def test_the_template_offers_every_sheet_with_its_columns(director_a):
    response = logged_in(director_a).get(reverse("setup_template"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert {"Nhân sự", "Đầu mối", "Lịch trực", "Thiết bị", "Vật tư"} <= set(book.sheetnames)
    header = [c.value for c in book["Nhân sự"][1]]
    assert header[:3] == ["Tên đăng nhập *", "Họ và tên *", "Vai trò *"]
    assert not any("mật khẩu" in str(c.value).lower() for c in book["Nhân sự"][1])
    # The template's own rows import cleanly: nothing in it but headers.
    outcome = setup_import(actor=director_a, center=director_a.center, data=template_bytes())
    assert outcome.errors == [] and outcome.changed == 0


def test_a_good_file_sets_up_the_center(director_a):
    center = director_a.center
    outcome = setup_import(actor=director_a, center=center, data=workbook())
    assert outcome.errors == []
    leader = User.objects.get(username="bn.totruong")
    assert (leader.center, leader.role, leader.phone) == (center, Role.TEAM_LEADER, "0912 345 678")
    # Excel turned the phone typed as a number into 912000111: the leading 0 comes back.
    assert User.objects.get(username="bn.cntt").phone == "0912000111"
    assert not leader.has_usable_password()  # they choose it through their first sign-in link
    assert {p.username for p in outcome.new_people} == {"bn.totruong", "bn.cntt", "bn.motcua"}
    assert Contact.objects.get(center=center).organisation.name == "VNPT Nghệ An"
    assert set(
        DutyShift.objects.filter(center=center, date=DAY).values_list("person__username", flat=True)
    ) == {
        "bn.totruong",
        "bn.cntt",
    }
    assert Equipment.objects.get(center=center, name="Honda EU22i").is_backup
    paper = SupplyItem.objects.get(center=center)
    assert (paper.quota, paper.threshold, paper.stock) == (20, 5, 12)


def test_importing_the_same_file_again_changes_nothing(director_a):
    center = director_a.center
    data = workbook()
    setup_import(actor=director_a, center=center, data=data)
    before = counts(center)
    leader = User.objects.get(username="bn.totruong")
    again = setup_import(actor=director_a, center=center, data=data)
    assert again.errors == [] and again.changed == 0 and again.new_people == []
    assert counts(center) == before
    assert SupplyItem.objects.get(center=center).stock == 12  # the opening stock counts once
    assert User.objects.get(pk=leader.pk).password == leader.password


def test_a_changed_row_updates_the_record_it_names(director_a):
    center = director_a.center
    setup_import(actor=director_a, center=center, data=workbook())
    people = [
        PEOPLE[0],
        ["bn.totruong", "Nguyễn Văn An", "Tổ trưởng Tổ ứng cứu", "0988 000 111", "", ""],
    ]
    outcome = setup_import(actor=director_a, center=center, data=workbook(people=people))
    assert outcome.errors == [] and outcome.updated == {"people": 1}
    assert User.objects.get(username="bn.totruong").phone == "0988 000 111"


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (["bn.x", "Tên" + NUL_MARK + "lạ", "Cán bộ CNTT", "", "", ""], "Họ và tên", "NUL"),
        (["bn.x", "Người X", "Cán bộ CNTT", "", "Phó" + NUL_MARK, ""], "Chức vụ", "NUL"),
        (["bn.x", "A" * 151, "Cán bộ CNTT", "", "", ""], "Họ và tên", "Quá dài"),
        (
            ["bn.x", "Người X", "Trưởng ban vũ trụ", "", "", ""],
            "Vai trò",
            "không có trong danh sách",
        ),
        (["bn.x", "Người X", "Cán bộ CNTT", "09abc12345", "", ""], "Điện thoại", "chữ số"),
        (["bn x", "Người X", "Cán bộ CNTT", "", "", ""], "Tên đăng nhập", "không cách"),
        (
            ["bn.x", "Người X", "Cán bộ CNTT", "", "", "khong-phai-thu"],
            "Thư điện tử",
            "không hợp lệ",
        ),
        (["bn.x", "", "Cán bộ CNTT", "", "", ""], "Họ và tên", "bắt buộc"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_written(director_a, row, column, words):
    center = director_a.center
    before = counts(center)
    outcome = setup_import(actor=director_a, center=center, data=workbook(people=[*PEOPLE, row]))
    assert len(outcome.errors) == 1
    error = outcome.errors[0]
    assert (error.sheet, error.row, error.column) == ("Nhân sự", 5, column)
    assert words in error.message
    assert counts(center) == before  # the good rows before it are not written either


def test_a_username_of_another_center_is_refused(director_a, staff_b):
    center = director_a.center
    people = [*PEOPLE, [staff_b.username, "Kẻ Mạo Danh", "Cán bộ CNTT", "", "", ""]]
    outcome = setup_import(actor=director_a, center=center, data=workbook(people=people))
    assert [(e.row, e.column) for e in outcome.errors] == [(5, "Tên đăng nhập")]
    staff_b.refresh_from_db()
    assert (staff_b.center_id, staff_b.full_name) != (center.pk, "Kẻ Mạo Danh")
    assert counts(center)["people"] == 1  # the director only


def test_duty_for_someone_outside_the_team_or_the_center_is_refused(director_a, staff_a, staff_b):
    duty = [DUTY[0], [DAY, staff_a.username], [DAY, staff_b.username], ["31/02/2026", "bn.cntt"]]
    outcome = setup_import(actor=director_a, center=director_a.center, data=workbook(duty=duty))
    assert [(e.sheet, e.row, e.column) for e in outcome.errors] == [
        ("Lịch trực", 2, "Tên đăng nhập"),
        ("Lịch trực", 3, "Tên đăng nhập"),
        ("Lịch trực", 4, "Ngày"),
    ]
    assert not DutyShift.objects.exists()


def test_duplicate_rows_in_the_file_are_named(director_a):
    people = [*PEOPLE, ["BN.TOTRUONG", "Trùng", "Cán bộ CNTT", "", "", ""]]
    outcome = setup_import(actor=director_a, center=director_a.center, data=workbook(people=people))
    assert [(e.row, e.message) for e in outcome.errors] == [(5, "Trùng với dòng 2.")]


def test_an_it_officer_cannot_make_a_center_leader(center_a):
    officer = make_user("a.cntt", Role.IT_OFFICER, center=center_a)
    people = [PEOPLE[0], ["bn.sep", "Sếp Mới", "Lãnh đạo Trung tâm", "", "", ""]]
    outcome = setup_import(
        actor=officer, center=center_a, data=workbook(people=people, duty=DUTY[:1])
    )
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "Vai trò")]
    assert not User.objects.filter(username="bn.sep").exists()


def test_a_file_that_is_not_a_workbook_is_refused_on_the_page(director_a):
    client = logged_in(director_a)
    upload = io.BytesIO(b"PK\x03\x04 not really a zip")
    upload.name = "danh-sach.xlsx"
    response = client.post(reverse("setup_import"), {"file": upload})
    assert response.status_code == 400
    assert "Không đọc được tệp" in response.content.decode()


def test_the_page_lists_row_errors_and_writes_nothing(director_a):
    client = logged_in(director_a)
    upload = io.BytesIO(workbook(people=[*PEOPLE, ["bn.x", "X", "Vai lạ", "", "", ""]]))
    upload.name = "danh-sach.xlsx"
    response = client.post(reverse("setup_import"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 400
    assert "chưa ghi dòng nào" in page and "Vai lạ" in page
    assert not User.objects.filter(username="bn.totruong").exists()


def test_the_page_imports_and_hands_out_first_sign_in_links(director_a, client):
    page_client = logged_in(director_a)
    upload = io.BytesIO(workbook())
    upload.name = "danh-sach.xlsx"
    response = page_client.post(reverse("setup_import"), {"file": upload})
    assert response.status_code == 200
    link = next(
        url for person, url in response.context["waiting"] if person.username == "bn.totruong"
    )
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    done = client.post(
        "/" + path, {"new_password1": "Truc-ban-2026!", "new_password2": "Truc-ban-2026!"}
    )
    assert done.status_code == 302
    assert User.objects.get(username="bn.totruong").check_password("Truc-ban-2026!")
    # Used once: the same link no longer sets a password.
    assert client.get("/" + path).status_code == 404


def test_another_centers_leader_cannot_import_into_this_center(director_a, center_b):
    outsider = make_user("b.director", Role.CENTER_LEADER, center=center_b)
    upload = io.BytesIO(workbook())
    upload.name = "danh-sach.xlsx"
    logged_in(outsider).post(
        reverse("setup_import"), {"file": upload, "center": director_a.center.code}
    )
    # The form's center field is ignored: the import went to the outsider's own center.
    assert not User.objects.filter(center=director_a.center, username="bn.totruong").exists()
    assert User.objects.get(username="bn.totruong").center == center_b


def test_staff_and_team_leaders_do_not_get_the_setup_page(staff_a, leader_a):
    assert logged_in(staff_a).get(reverse("setup")).status_code == 404
    assert logged_in(leader_a).get(reverse("setup")).status_code == 404
    assert logged_in(staff_a).get(reverse("setup_template")).status_code == 404
