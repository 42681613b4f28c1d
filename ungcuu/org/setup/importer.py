"""The set-up workbook: people, contacts, duty roster, equipment and supplies of a center.

The template is offered for download on the first-run page. An import reads every
sheet, checks every row and writes only when no row has an error, in one transaction.
Rows are matched by natural keys (username; organisation and contact name; day and
person; kind, name and location; supply name), so importing the same file twice
changes nothing. Passwords are never in the file: new people get no usable password
and set their own through a first sign-in link (see ``first_sign_in``)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ungcuu.core.errors import ServiceError
from ungcuu.core.text import NulCharacterError, clean_text, fold
from ungcuu.org.models import (
    CENTER_ROLES,
    RESPONSE_TEAM_ROLES,
    Center,
    Contact,
    DutyShift,
    Organisation,
    OrganisationKind,
    Role,
    User,
)

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000  # per sheet: a center has tens of people, not thousands
PHONE = re.compile(r"^\+?[0-9][0-9 .()-]{1,28}$")
USERNAME = re.compile(r"^[\w.@+-]+$")
YES = {"co", "x", "yes", "1", "true", "du phong"}
NO = {"", "khong", "no", "0", "false"}
# Roles above the IT officer's own: only a center leader (or an administrator) gives them.
LEADER_ROLES = frozenset({Role.CENTER_LEADER, Role.COMMUNE_LEADER})


@dataclass
class Column:
    header: str
    key: str
    required: bool = False
    limit: int = 0
    kind: str = "text"  # text, phone, email, username, int, date, bool, choice
    choices: tuple = ()
    width: int = 22


@dataclass
class Sheet:
    title: str
    key: str
    columns: list[Column]
    example: list[str]


def _labels(choices) -> tuple:
    return tuple((value, str(label)) for value, label in choices)


def _center_roles() -> tuple:
    return tuple((value, str(label)) for value, label in Role.choices if value in CENTER_ROLES)


def sheets() -> list[Sheet]:
    # Imported here: org stays the ground layer; readiness's choices are read at call time.
    from ungcuu.readiness.models import EquipmentKind, SupplyKind

    return [
        Sheet(
            "Nhân sự",
            "people",
            [
                Column("Tên đăng nhập", "username", True, 150, "username"),
                Column("Họ và tên", "full_name", True, 150, width=28),
                Column("Vai trò", "role", True, kind="choice", choices=_center_roles(), width=32),
                Column("Điện thoại", "phone", limit=30, kind="phone"),
                Column("Chức vụ", "title", limit=150),
                Column("Thư điện tử", "email", limit=254, kind="email", width=28),
            ],
            ["nguyen.van.an", "Nguyễn Văn An", "Tổ trưởng Tổ ứng cứu", "0912 345 678"],
        ),
        Sheet(
            "Đầu mối",
            "contacts",
            [
                Column("Đơn vị", "organisation", True, 200, width=30),
                Column(
                    "Loại đơn vị",
                    "kind",
                    True,
                    kind="choice",
                    choices=_labels(OrganisationKind.choices),
                    width=34,
                ),
                Column("Họ tên / bộ phận", "name", True, 150, width=28),
                Column("Chức vụ", "title", limit=150),
                Column("Điện thoại", "phone", limit=30, kind="phone"),
                Column("Zalo", "zalo", limit=60),
                Column("Thư điện tử", "email", limit=254, kind="email", width=28),
            ],
            ["VNPT Nghệ An", "Nhà mạng (Internet)", "Tổng đài kỹ thuật", "", "18001166"],
        ),
        Sheet(
            "Lịch trực",
            "duty",
            [
                Column("Ngày", "date", True, kind="date", width=14),
                Column("Tên đăng nhập", "username", True, 150, "username"),
            ],
            ["07/12/2026", "nguyen.van.an"],
        ),
        Sheet(
            "Thiết bị",
            "equipment",
            [
                Column(
                    "Loại",
                    "kind",
                    True,
                    kind="choice",
                    choices=_labels(EquipmentKind.choices),
                    width=28,
                ),
                Column("Tên, model", "name", True, 150, width=28),
                Column("Dự phòng", "is_backup", kind="bool", width=12),
                Column("Nhà cung cấp / nhà mạng", "provider", limit=150, width=26),
                Column("Số hợp đồng", "contract", limit=100),
                Column("Đường dây nóng", "hotline", limit=30, kind="phone"),
                Column("Vị trí", "location", limit=150),
            ],
            ["Máy in", "Canon LBP 2900", "Không", "", "", "", "Quầy 1"],
        ),
        Sheet(
            "Vật tư",
            "supplies",
            [
                Column("Loại", "kind", True, kind="choice", choices=_labels(SupplyKind.choices)),
                Column("Tên vật tư", "name", True, 150, width=28),
                Column("Đơn vị tính", "unit", True, 30, width=14),
                Column("Định mức", "quota", kind="int", width=12),
                Column("Báo sắp hết khi còn", "threshold", kind="int", width=18),
                Column("Tồn kho ban đầu", "stock", kind="int", width=16),
                Column("Dùng cho máy in", "printer_model", limit=100),
            ],
            ["Giấy A4", "Giấy A4 Double A", "ram", "20", "5", "12"],
        ),
    ]


# --- the template -----------------------------------------------------------------------


def template_bytes() -> bytes:
    """The empty workbook, with drop-down lists for roles and kinds and a guide sheet."""
    # openpyxl (and numpy, which it loads) only in the processes that use workbooks.
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    guide = book.active
    guide.title = "Hướng dẫn"
    lists = book.create_sheet("Danh mục")
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FDECEA")
    guide_lines = [
        "Mẫu khai báo Trung tâm – UngCuu",
        "Điền mỗi trang một bảng, từ dòng 2; không đổi tên trang và tên cột.",
        "Cột có dấu * là bắt buộc. Ngày ghi dd/mm/yyyy. Vai trò, loại: chọn trong danh sách.",
        "Không ghi mật khẩu vào tệp: người mới đặt mật khẩu qua đường dẫn đăng nhập lần đầu.",
        "Nhập lại cùng một tệp không tạo bản ghi trùng: dòng đã có được giữ nguyên hoặc cập nhật.",
        "Tệp có lỗi thì không dòng nào được ghi: sửa các dòng được báo rồi tải lên lại.",
        "",
        "Ví dụ từng trang:",
    ]
    for line in guide_lines:
        guide.append([line])
    guide["A1"].font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 100
    list_col = 1
    for spec in sheets():
        guide.append([f"{spec.title}: " + " | ".join(v for v in spec.example if v)])
        sheet = book.create_sheet(spec.title)
        sheet.append([c.header + (" *" if c.required else "") for c in spec.columns])
        for index, column in enumerate(spec.columns, start=1):
            letter = get_column_letter(index)
            sheet[f"{letter}1"].font = bold
            if column.required:
                sheet[f"{letter}1"].fill = fill
            sheet.column_dimensions[letter].width = column.width
            if column.kind == "date":
                for row in range(2, 400):
                    sheet[f"{letter}{row}"].number_format = "DD/MM/YYYY"
            if column.kind in ("phone", "username"):
                for row in range(2, 400):
                    sheet[f"{letter}{row}"].number_format = "@"  # keep a phone's leading 0
            if column.kind in ("choice", "bool"):
                values = (
                    [label for _, label in column.choices] if column.choices else ["Có", "Không"]
                )
                list_letter = get_column_letter(list_col)
                lists[f"{list_letter}1"] = column.header
                for row, value in enumerate(values, start=2):
                    lists[f"{list_letter}{row}"] = value
                ref = f"'Danh mục'!${list_letter}$2:${list_letter}${len(values) + 1}"
                validation = DataValidation(type="list", formula1=ref, allow_blank=True)
                sheet.add_data_validation(validation)
                validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
                list_col += 1
        sheet.freeze_panes = "A2"
    lists.sheet_state = "hidden"
    book.move_sheet(lists, offset=len(book.sheetnames))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- reading -----------------------------------------------------------------------------


SUMMARY_LABELS = [
    ("people", _("Nhân sự")),
    ("organisations", _("Đơn vị bên ngoài")),
    ("contacts", _("Đầu mối")),
    ("duty", _("Ca trực")),
    ("equipment", _("Thiết bị")),
    ("supplies", _("Vật tư")),
]


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    message: str


@dataclass
class Outcome:
    errors: list[RowError] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    new_people: list[User] = field(default_factory=list)

    def summary(self) -> list[tuple[str, int, int]]:
        """(what, created, updated) for each kind of row the file touched."""
        return [
            (str(label), self.created.get(key, 0), self.updated.get(key, 0))
            for key, label in SUMMARY_LABELS
            if self.created.get(key) or self.updated.get(key)
        ]

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


class _Bad(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def _cell(value, column: Column):
    """One cell's value, checked and converted; raises _Bad naming the column."""
    if isinstance(value, str):
        from openpyxl.utils.escape import unescape

        try:
            # Excel writes a control character as _xHHHH_ (a NUL as _x0000_).
            value = clean_text(unescape(value)).strip()
        except NulCharacterError as exc:
            raise _Bad(column.header, "Có ký tự không hợp lệ (NUL).") from exc
    if value is None or value == "":
        if column.required:
            raise _Bad(column.header, "Chưa điền (cột bắt buộc).")
        return None if column.kind in ("int", "date") else False if column.kind == "bool" else ""
    if column.kind == "int":
        if isinstance(value, bool) or not (
            isinstance(value, int)
            or (isinstance(value, float) and value.is_integer())
            or (isinstance(value, str) and value.isascii() and value.isdecimal())
        ):
            raise _Bad(column.header, "Phải là một số nguyên không âm.")
        number = int(value)
        if not 0 <= number <= 100_000:
            raise _Bad(column.header, "Phải từ 0 đến 100000.")
        return number
    if column.kind == "date":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return datetime.strptime(str(value), "%d/%m/%Y").date()
        except ValueError as exc:
            raise _Bad(column.header, "Ngày phải ghi dd/mm/yyyy, ví dụ 07/12/2026.") from exc
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        raise _Bad(column.header, "Ô này phải là chữ, không phải ngày tháng.")
    text = str(value)
    if column.limit and len(text) > column.limit:
        raise _Bad(column.header, f"Quá dài ({len(text)} ký tự, tối đa {column.limit}).")
    if column.kind == "phone":
        if isinstance(value, int) and not text.startswith("0") and len(text) in (9, 10):
            text = "0" + text  # Excel dropped the leading 0 of a number typed as a number
        if not PHONE.match(text):
            raise _Bad(column.header, "Số điện thoại chỉ gồm chữ số, dấu cách, + . - ( ).")
    elif column.kind == "email":
        try:
            validate_email(text)
        except ValidationError as exc:
            raise _Bad(column.header, "Thư điện tử không hợp lệ.") from exc
    elif column.kind == "username":
        if not USERNAME.match(text):
            raise _Bad(
                column.header, "Tên đăng nhập chỉ gồm chữ không dấu, số và . @ + - _ (không cách)."
            )
    elif column.kind == "bool":
        folded = fold(text).strip()
        if folded in YES:
            return True
        if folded in NO:
            return False
        raise _Bad(column.header, "Ghi “Có” hoặc “Không”.")
    elif column.kind == "choice":
        folded = fold(text).strip()
        for choice_value, label in column.choices:
            if folded in (fold(label), fold(choice_value)):
                return choice_value
        raise _Bad(column.header, f"“{text[:60]}” không có trong danh sách của cột này.")
    return text


def _read(data: bytes, outcome: Outcome) -> dict[str, list[tuple[int, dict]]]:
    """Each sheet's rows as (row number, values by key); errors collected in ``outcome``."""
    if len(data) > MAX_BYTES:
        raise ServiceError("Tệp quá lớn (tối đa 2 MB).", field="file")
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ServiceError(
            "Không đọc được tệp: hãy dùng tệp mẫu .xlsx tải từ trang này.", field="file"
        ) from exc
    found: dict[str, list[tuple[int, dict]]] = {}
    try:
        for spec in sheets():
            found[spec.key] = []
            if spec.title not in book.sheetnames:
                continue  # a sheet left out is a sheet with nothing to import
            rows = book[spec.title].iter_rows(values_only=True)
            header = next(rows, None) or ()
            positions = {}
            for column in spec.columns:
                names = [fold(str(h or "")).rstrip(" *").strip() for h in header]
                wanted = fold(column.header)
                if wanted not in names:
                    if column.required:
                        outcome.errors.append(
                            RowError(spec.title, 1, column.header, "Thiếu cột này ở dòng tiêu đề.")
                        )
                    continue
                positions[column.key] = names.index(wanted)
            if any(e.sheet == spec.title for e in outcome.errors):
                continue
            for number, raw in enumerate(rows, start=2):
                if raw is None or all(
                    v is None or (isinstance(v, str) and not v.strip()) for v in raw
                ):
                    continue
                if number > MAX_ROWS + 1:
                    outcome.errors.append(
                        RowError(spec.title, number, "", f"Quá {MAX_ROWS} dòng trong một trang.")
                    )
                    break
                values, bad = {}, False
                for column in spec.columns:
                    at = positions.get(column.key)
                    value = raw[at] if at is not None and at < len(raw) else None
                    try:
                        values[column.key] = _cell(value, column)
                    except _Bad as exc:
                        outcome.errors.append(RowError(spec.title, number, exc.column, exc.message))
                        bad = True
                if not bad:
                    found[spec.key].append((number, values))
    finally:
        book.close()
    return found


# --- checking against what exists, then writing ----------------------------------------------


def _set(obj, values: dict) -> bool:
    """Copy the changed values onto ``obj``; True when something changed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


class _Run:
    def __init__(self, actor: User, center: Center, rows: dict, outcome: Outcome) -> None:
        self.actor, self.center, self.rows, self.outcome = actor, center, rows, outcome
        self.people: dict[str, User] = {}  # by folded username, existing or to be created
        self.roles: dict[str, str] = {}
        self.plan: list[Callable[[], None]] = []

    def error(self, sheet: str, row: int, column: str, message: str) -> None:
        self.outcome.errors.append(RowError(sheet, row, column, message))

    def count(self, what: str, created: bool) -> None:
        bucket = self.outcome.created if created else self.outcome.updated
        bucket[what] = bucket.get(what, 0) + 1

    def check_people(self) -> None:
        seen: dict[str, int] = {}
        may_give_leader = self.actor.is_superuser or self.actor.role in (
            Role.ADMIN,
            Role.CENTER_LEADER,
        )
        for number, v in self.rows["people"]:
            key = v["username"].casefold()
            if key in seen:
                self.error("Nhân sự", number, "Tên đăng nhập", f"Trùng với dòng {seen[key]}.")
                continue
            seen[key] = number
            existing = User.objects.filter(username__iexact=v["username"]).first()
            if existing and (existing.center_id != self.center.id or existing.is_superuser):
                self.error(
                    "Nhân sự",
                    number,
                    "Tên đăng nhập",
                    "Tên đăng nhập này đã có người dùng ở nơi khác: chọn tên khác.",
                )
                continue
            fields = {k: v[k] for k in ("full_name", "role", "phone", "title", "email")}
            if existing is None:
                touches_leader = v["role"] in LEADER_ROLES
            else:
                unchanged = all(getattr(existing, k) == value for k, value in fields.items())
                touches_leader = not unchanged and LEADER_ROLES & {existing.role, v["role"]}
            if touches_leader and not may_give_leader:
                self.error(
                    "Nhân sự",
                    number,
                    "Vai trò",
                    "Chỉ Lãnh đạo Trung tâm được khai báo vai trò lãnh đạo.",
                )
                continue
            if existing is not None and existing.pk == self.actor.pk and v["role"] != existing.role:
                self.error("Nhân sự", number, "Vai trò", "Không tự đổi vai trò của chính mình.")
                continue
            self.roles[key] = v["role"]
            if existing:
                self.people[key] = existing
                self.plan.append(lambda u=existing, f=fields: self._update_person(u, f))
            else:
                self.plan.append(lambda u=v["username"], f=fields, k=key: self._new_person(u, f, k))

    def _new_person(self, username: str, fields: dict, key: str) -> None:
        person = User(username=username, center=self.center, **fields)
        person.set_unusable_password()
        person.save()
        self.people[key] = person
        self.outcome.new_people.append(person)
        self.count("people", True)

    def _update_person(self, person: User, fields: dict) -> None:
        if _set(person, fields):
            person.save(update_fields=[*fields])
            self.count("people", False)

    def check_contacts(self) -> None:
        seen: dict[tuple, int] = {}
        for number, v in self.rows["contacts"]:
            key = (fold(v["organisation"]), fold(v["name"]))
            if key in seen:
                self.error("Đầu mối", number, "Họ tên / bộ phận", f"Trùng với dòng {seen[key]}.")
                continue
            seen[key] = number
            self.plan.append(lambda v=v: self._contact(v))

    def _contact(self, v: dict) -> None:
        province = self.center.province
        org = (
            Organisation.objects.filter(name__iexact=v["organisation"], province=province).first()
            or Organisation.objects.filter(
                name__iexact=v["organisation"], province__isnull=True
            ).first()
        )
        if org is None:
            org = Organisation.objects.create(
                name=v["organisation"], kind=v["kind"], province=province
            )
            self.count("organisations", True)
        fields = {k: v[k] for k in ("title", "phone", "zalo", "email")}
        contact = Contact.objects.filter(
            organisation=org, center=self.center, name__iexact=v["name"]
        ).first()
        if contact is None:
            Contact.objects.create(organisation=org, center=self.center, name=v["name"], **fields)
            self.count("contacts", True)
        elif _set(contact, fields):
            contact.save(update_fields=[*fields])
            self.count("contacts", False)

    def check_duty(self) -> None:
        today = timezone.localdate()
        for number, v in self.rows["duty"]:
            key = v["username"].casefold()
            if not today - timedelta(days=366) <= v["date"] <= today + timedelta(days=731):
                self.error(
                    "Lịch trực", number, "Ngày", "Ngày quá xa (trong vòng 1 năm trước, 2 năm sau)."
                )
                continue
            role = self.roles.get(key)
            if role is None:
                person = User.objects.filter(
                    username__iexact=v["username"], center=self.center, is_active=True
                ).first()
                if person is None:
                    self.error(
                        "Lịch trực",
                        number,
                        "Tên đăng nhập",
                        "Không có người này ở Trung tâm (thêm vào trang Nhân sự trước).",
                    )
                    continue
                self.people[key], role = person, person.role
            if role not in RESPONSE_TEAM_ROLES:
                self.error(
                    "Lịch trực",
                    number,
                    "Tên đăng nhập",
                    "Người này không thuộc Tổ ứng cứu nên không xếp trực được.",
                )
                continue
            self.plan.append(lambda k=key, d=v["date"]: self._duty(k, d))

    def _duty(self, key: str, day: date) -> None:
        _, created = DutyShift.objects.get_or_create(
            center=self.center, date=day, person=self.people[key]
        )
        if created:
            self.count("duty", True)

    def check_equipment(self) -> None:
        seen: dict[tuple, int] = {}
        for number, v in self.rows["equipment"]:
            key = (v["kind"], fold(v["name"]), fold(v["location"]))
            if key in seen:
                self.error("Thiết bị", number, "Tên, model", f"Trùng với dòng {seen[key]}.")
                continue
            seen[key] = number
            self.plan.append(lambda v=v: self._equipment(v))

    def _equipment(self, v: dict) -> None:
        from ungcuu.readiness.models import Equipment

        fields = {k: v[k] for k in ("is_backup", "provider", "contract", "hotline")}
        found = Equipment.objects.filter(
            center=self.center,
            kind=v["kind"],
            name__iexact=v["name"],
            location__iexact=v["location"],
        ).first()
        if found is None:
            Equipment.objects.create(
                center=self.center, kind=v["kind"], name=v["name"], location=v["location"], **fields
            )
            self.count("equipment", True)
        elif _set(found, fields):
            found.save(update_fields=[*fields])
            self.count("equipment", False)

    def check_supplies(self) -> None:
        seen: dict[str, int] = {}
        for number, v in self.rows["supplies"]:
            key = fold(v["name"])
            if key in seen:
                self.error("Vật tư", number, "Tên vật tư", f"Trùng với dòng {seen[key]}.")
                continue
            seen[key] = number
            self.plan.append(lambda v=v: self._supply(v))

    def _supply(self, v: dict) -> None:
        from ungcuu.readiness.models import MovementKind, StockMovement, SupplyItem

        fields = {
            "kind": v["kind"],
            "unit": v["unit"],
            "printer_model": v["printer_model"],
            "quota": v["quota"] or 0,
            "threshold": v["threshold"] or 0,
        }
        item = SupplyItem.objects.filter(center=self.center, name__iexact=v["name"]).first()
        if item is None:
            item = SupplyItem.objects.create(center=self.center, name=v["name"], **fields)
            if v["stock"]:
                # The opening stock, once: later counts move only by receipts and use.
                StockMovement.objects.create(
                    item=item,
                    kind=MovementKind.RECEIVED,
                    quantity=v["stock"],
                    at=timezone.now(),
                    actor=self.actor,
                    note="Tồn kho ban đầu (nhập từ tệp Excel)",
                )
                SupplyItem.objects.filter(pk=item.pk).update(stock=F("stock") + v["stock"])
            self.count("supplies", True)
        elif _set(item, fields):
            item.save(update_fields=[*fields])
            self.count("supplies", False)


def setup_import(*, actor: User, center: Center, data: bytes) -> Outcome:
    """Check the whole workbook; write it in one transaction only if no row has an error."""
    from ungcuu.org.setup.checks import require_setup

    require_setup(actor, center)
    outcome = Outcome()
    rows = _read(data, outcome)
    run = _Run(actor, center, rows, outcome)
    run.check_people()
    run.check_contacts()
    run.check_duty()
    run.check_equipment()
    run.check_supplies()
    if outcome.errors:
        outcome.errors.sort(key=lambda e: ([s.title for s in sheets()].index(e.sheet), e.row))
        return outcome
    with transaction.atomic():
        for step in run.plan:
            step()
    return outcome
