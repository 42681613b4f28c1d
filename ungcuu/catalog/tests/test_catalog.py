"""The shipped incident catalog: the thirteen stable codes, their tiers and playbooks."""

from __future__ import annotations

import unicodedata

import pytest

from ungcuu.catalog.models import IncidentType, PlaybookStep, Tier
from ungcuu.catalog.services import catalog_entries, catalog_load

SIMPLE = ["printer-paper", "printer-ink", "login", "slow-system"]
COMPLEX = [
    "internet",
    "software-down",
    "national-db",
    "digital-cert",
    "power",
    "qms",
    "disaster",
    "epidemic",
]
NAMES = {
    "printer-paper": "Máy in hết giấy, kẹt giấy",
    "printer-ink": "Máy in hết mực, in mờ",
    "login": "Lỗi đăng nhập tài khoản",
    "slow-system": "Hệ thống chạy chậm",
    "internet": "Mất mạng Internet",
    "software-down": "Sập hệ thống phần mềm",
    "national-db": "Lỗi kết nối CSDL quốc gia, chuyên ngành",
    "digital-cert": "Lỗi chứng thư số / phần mềm ký số",
    "power": "Mất điện",
    "qms": "Lỗi hệ thống bấm số xếp hàng tự động (QMS)",
    "disaster": "Thiên tai, bão lụt, hỏa hoạn",
    "epidemic": "Dịch bệnh",
    "other": "Sự cố khác",
}
VIETNAMESE_MARKS = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")


def is_nfc(text: str) -> bool:
    return unicodedata.normalize("NFC", text) == text


def has_vietnamese_marks(text: str) -> bool:
    return bool(VIETNAMESE_MARKS & set(text.lower()))


def test_the_catalog_holds_exactly_the_thirteen_codes(db):
    assert set(IncidentType.objects.values_list("code", flat=True)) == set(NAMES)
    assert IncidentType.objects.count() == 13


def test_each_type_has_its_vietnamese_name(db):
    assert dict(IncidentType.objects.values_list("code", "name")) == NAMES


def test_the_types_are_listed_in_the_order_of_the_plans(db):
    assert list(IncidentType.objects.values_list("code", flat=True)) == list(NAMES)


@pytest.mark.parametrize("code", SIMPLE)
def test_simple_types(db, code):
    incident_type = IncidentType.objects.get(code=code)
    assert incident_type.tier == Tier.SIMPLE
    assert incident_type.tier_chosen_by_reporter is False


@pytest.mark.parametrize("code", COMPLEX)
def test_complex_types(db, code):
    incident_type = IncidentType.objects.get(code=code)
    assert incident_type.tier == Tier.COMPLEX
    assert incident_type.tier_chosen_by_reporter is False


def test_the_reporter_chooses_the_tier_of_other(db):
    assert IncidentType.objects.get(code="other").tier_chosen_by_reporter is True


@pytest.mark.parametrize("code", list(NAMES))
def test_each_playbook_is_complete_and_in_vietnamese(db, code):
    incident_type = IncidentType.objects.get(code=code)
    steps = list(incident_type.steps.order_by("position"))

    assert len(steps) >= 4
    assert [step.position for step in steps] == list(range(1, len(steps) + 1))
    texts = {
        "name": incident_type.name,
        "symptoms": incident_type.symptoms,
        "owner": incident_type.owner,
        "citizen_notice": incident_type.citizen_notice,
    }
    for field, text in texts.items():
        assert text.strip(), f"{code}: {field} is empty"
        assert is_nfc(text), f"{code}: {field} is not NFC"
        assert has_vietnamese_marks(text), f"{code}: {field} has no Vietnamese diacritics"
    for step in steps:
        assert step.text.strip()
        assert is_nfc(step.text) and is_nfc(step.section)
    assert any(has_vietnamese_marks(step.text) for step in steps)
    assert is_nfc(incident_type.prevention) and is_nfc(incident_type.escalation)


def test_the_shipped_file_matches_the_loaded_catalog(db):
    for entry in catalog_entries():
        incident_type = IncidentType.objects.get(code=entry["code"])
        assert list(incident_type.steps.values_list("text", flat=True)) == [
            unicodedata.normalize("NFC", step["text"]) for step in entry["steps"]
        ]


def test_loading_again_keeps_the_admins_edits_and_adds_nothing(db):
    printer = IncidentType.objects.get(code="printer-paper")
    printer.name = "Máy in hết giấy (đã sửa)"
    printer.tier = Tier.COMPLEX
    printer.save()
    first_step = printer.steps.get(position=1)
    first_step.text = "Kiểm tra khay giấy ở cả hai máy in."
    first_step.save()
    printer.steps.filter(position=2).delete()
    types_before = IncidentType.objects.count()
    steps_before = PlaybookStep.objects.count()

    written = catalog_load()

    assert written == 0
    assert IncidentType.objects.count() == types_before == 13
    assert PlaybookStep.objects.count() == steps_before
    printer.refresh_from_db()
    assert printer.name == "Máy in hết giấy (đã sửa)"
    assert printer.tier == Tier.COMPLEX
    assert printer.steps.get(position=1).text == "Kiểm tra khay giấy ở cả hai máy in."
    assert not printer.steps.filter(position=2).exists()


def test_loading_restores_a_deleted_type_only(db):
    IncidentType.objects.filter(code="qms").delete()
    IncidentType.objects.filter(code="power").update(name="Mất điện lưới")

    written = catalog_load()

    assert written == 1
    assert IncidentType.objects.get(code="qms").steps.count() >= 4
    assert IncidentType.objects.get(code="power").name == "Mất điện lưới"


def test_overwrite_puts_back_the_shipped_playbook(db):
    printer = IncidentType.objects.get(code="printer-paper")
    shipped = list(printer.steps.values_list("text", flat=True))
    printer.steps.all().delete()
    IncidentType.objects.filter(pk=printer.pk).update(name="Tên khác")

    catalog_load(overwrite=True)

    printer.refresh_from_db()
    assert printer.name == NAMES["printer-paper"]
    assert list(printer.steps.values_list("text", flat=True)) == shipped
    assert IncidentType.objects.count() == 13
