"""The center's plan: a page to read and print, the API, the Word document (R24, R43, R44,
R17), and the official words of seed 004 in every citizen notice (R107)."""

from __future__ import annotations

import importlib
import io
import json

import pytest
from django.apps import apps
from django.utils.html import escape
from docx import Document

from ungcuu.catalog.models import IncidentType
from ungcuu.catalog.plan import CITIZEN_SCRIPT
from ungcuu.catalog.services import catalog_entries
from ungcuu.core.testing import api_client, logged_in, make_user
from ungcuu.org.models import Contact, Organisation, OrganisationKind, Role
from ungcuu.org.services import center_create

PLAN = "/plan/"
API = "/api/v1/plan"
HEADINGS = ["Biểu hiện", "Xử lý", "Phụ trách", "Biện pháp phòng ngừa"]

# Seed 004, step 3, copied here by hand so a slip in the code's copy fails the test.
SCRIPT_004 = (
    "Kính thưa các bác, các anh chị, hệ thống của chúng tôi đang gặp sự cố kỹ thuật tạm thời. "
    "Các cán bộ kỹ thuật đang khẩn trương khắc phục để hệ thống sớm hoạt động trở lại. Rất mong "
    "các bác, các anh chị vui lòng chờ thêm ít phút và thông cảm cho sự bất tiện này. Xin chân "
    "thành cảm ơn!"
)


@pytest.fixture
def hungdao(db):
    """Seed 003's ward, in Hải Phòng: a city, whose plan says "thành phố"."""
    return center_create(ward_code=11689, code="hungdao", prefix="HD")


def _docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


# --- the page ----------------------------------------------------------------------------


def test_a_center_user_reads_the_whole_plan_of_their_center(staff_a, leader_a, director_a):
    leader_a.phone = "0912 345 678"
    leader_a.save()

    response = logged_in(staff_a).get(PLAN)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Trung tâm Phục vụ hành chính công xã Bạch Ngọc" in html
    for section in [
        "Mục đích",
        "Tổ ứng cứu sự cố, phân công nhiệm vụ",
        "Quy trình chung xử lý sự cố",
        "Xử lý từng loại sự cố",
        "Công tác sẵn sàng",
        "Ghi chép, báo cáo",
    ]:
        assert section in html, section
    # The team: who holds each role, with the phone stored for them.
    assert "Tổ trưởng Tổ ứng cứu" in html
    assert leader_a.display_name in html and "0912 345 678" in html
    assert director_a.display_name in html
    # Each type with its four headings and the texts no page showed before (R43, R44).
    for incident_type in IncidentType.objects.active():
        assert escape(incident_type.name) in html
        assert escape(incident_type.symptoms) in html
        assert escape(incident_type.owner) in html
        for line in incident_type.prevention_lines():
            assert escape(line) in html
    for heading in HEADINGS:
        assert html.count(f"<h4>{heading}</h4>") == IncidentType.objects.active().count()
    # Step 5 names the bodies of seed 000, the plan of Bạch Ngọc (R17).
    assert "UBND xã Bạch Ngọc, Sở Khoa học và Công nghệ tỉnh Nghệ An, Trung tâm Phục vụ" in html
    assert f"{API}?center=bachngoc&amp;format=docx" in html
    assert "Tải Word" in html


def test_the_page_has_no_inline_style_or_script(staff_a):
    html = logged_in(staff_a).get(PLAN).content.decode()

    assert "<style" not in html
    assert " style=" not in html
    assert "catalog/plan.css" in html
    assert "<script>" not in html


def test_the_types_contacts_are_on_the_plan(staff_a, center_a):
    isp = Organisation.objects.create(
        name="VNPT Nghệ An", kind=OrganisationKind.ISP, province=center_a.province
    )
    Contact.objects.create(organisation=isp, name="Kỹ thuật trực", phone="0238 3800 126")

    html = logged_in(staff_a).get(PLAN).content.decode()

    internet = html.split('id="internet"')[1].split('class="plan-type"')[0]
    assert "VNPT Nghệ An" in internet and "0238 3800 126" in internet
    printer = html.split('id="printer-paper"')[1].split('class="plan-type"')[0]
    assert "0238 3800 126" not in printer  # printers call the repair service, not the ISP


def test_a_province_user_chooses_a_center_of_the_province(province_user, center_a, center_b):
    client = logged_in(province_user)

    first = client.get(PLAN)
    chosen = client.get(PLAN, {"center": "tanky"})

    assert first.status_code == 200
    assert 'name="center"' in first.content.decode()  # the picker
    assert '<option value="tanky"' in first.content.decode()
    assert chosen.status_code == 200
    assert "Trung tâm Phục vụ hành chính công xã Tân Kỳ" in chosen.content.decode()
    # Tân Kỳ's plan (002) reports to the Sở Nội vụ.
    assert "Sở Nội vụ tỉnh Nghệ An" in chosen.content.decode()


def test_another_centers_code_is_a_404(staff_a, center_b, center_c, province_user):
    assert logged_in(staff_a).get(PLAN, {"center": "tanky"}).status_code == 404
    assert logged_in(staff_a).get(PLAN, {"center": "khong-co"}).status_code == 404
    # The province sees its own centers only.
    assert logged_in(province_user).get(PLAN, {"center": "dongphuc"}).status_code == 404


def test_a_vendor_has_no_plan_page(vendor_user, center_a):
    assert logged_in(vendor_user).get(PLAN).status_code == 404
    assert logged_in(vendor_user).get(PLAN, {"center": "bachngoc"}).status_code == 404
    assert api_client(vendor_user).get(API, {"center": "bachngoc"}).status_code == 404


def test_the_plan_needs_a_login(db):
    from django.test import Client

    response = Client().get(PLAN)

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_city_centers_plan_says_thanh_pho(hungdao):
    staff = make_user("hd.staff", Role.STAFF, center=hungdao)

    html = logged_in(staff).get(PLAN).content.decode()

    # Seed 003: UBND phường Hưng Đạo and the city's center, no department named.
    assert "báo cáo về UBND phường Hưng Đạo, Trung tâm Phục vụ hành chính công thành phố" in html
    assert "Trung tâm Phục vụ hành chính công tỉnh" not in html
    assert "Tổ Công tác tỉnh" not in html and "Tổ Công tác thành phố" in html
    assert "Sở Nội vụ" not in html


def test_the_navigation_links_to_the_plan(staff_a):
    html = logged_in(staff_a).get("/").content.decode()

    assert f'href="{PLAN}"' in html


# --- the API -----------------------------------------------------------------------------


def test_the_api_gives_the_plan_with_the_contract_fields(staff_a):
    response = api_client(staff_a).get(API)

    assert response.status_code == 200
    body = response.json()
    assert body["center"] == "bachngoc"
    assert body["level"] == "tỉnh"
    assert body["report_to"] == [
        {"name": "UBND xã Bạch Ngọc", "kind": "commune"},
        {"name": "Sở Khoa học và Công nghệ tỉnh Nghệ An", "kind": "department"},
        {"name": "Trung tâm Phục vụ hành chính công tỉnh Nghệ An", "kind": "province_center"},
    ]
    codes = [t["code"] for t in body["types"]]
    assert codes == list(IncidentType.objects.active().values_list("code", flat=True))
    internet = next(t for t in body["types"] if t["code"] == "internet")
    assert {
        "code",
        "name",
        "tier",
        "symptoms",
        "steps",
        "owner",
        "prevention",
        "citizen_notice",
    } <= set(internet)
    assert internet["tier"] == "complex"
    assert internet["symptoms"].startswith("Không truy cập được các hệ thống trực tuyến")
    assert internet["steps"][0]["position"] == 1 and internet["steps"][0]["text"]
    assert "2 nhà mạng luân phiên" in internet["prevention"]


def test_the_api_reports_the_sở_nội_vụ_for_dong_phuc(center_c):
    staff = make_user("dp.staff", Role.STAFF, center=center_c)

    body = api_client(staff).get(API).json()

    assert [b["name"] for b in body["report_to"]] == [
        "UBND xã Đồng Phúc",
        "Sở Nội vụ tỉnh Thái Nguyên",
        "Trung tâm Phục vụ hành chính công tỉnh Thái Nguyên",
    ]


def test_the_api_localises_a_citys_plan(hungdao):
    staff = make_user("hd.staff", Role.STAFF, center=hungdao)

    body = api_client(staff).get(API).json()

    assert body["level"] == "thành phố"
    assert [b["kind"] for b in body["report_to"]] == ["commune", "province_center"]
    software = next(t for t in body["types"] if t["code"] == "software-down")
    texts = [software["owner"]] + [s["text"] for s in software["steps"]]
    assert any("hành chính công thành phố" in text for text in texts)
    assert not any("hành chính công tỉnh" in text for text in texts)


def test_the_api_answers_404_for_another_center(staff_a, center_b, province_user, center_c):
    response = api_client(staff_a).get(API, {"center": "tanky"})

    assert response.status_code == 404
    assert response.json()["detail"].startswith("Không tìm thấy")
    assert api_client(province_user).get(API, {"center": "dongphuc"}).status_code == 404
    assert api_client(province_user).get(API, {"center": "tanky"}).status_code == 200


def test_the_api_refuses_an_unknown_format(staff_a):
    response = api_client(staff_a).get(API, {"format": "pdf"})

    assert response.status_code == 422
    assert response.json()["field"] == "format"


def test_the_operation_documents_its_answers(db):
    from ungcuu.api.api import api

    operation = api.get_openapi_schema()["paths"][API]["get"]

    responses = {str(code): answer for code, answer in operation["responses"].items()}
    assert {"200", "401", "404", "422"} <= set(responses)
    content = responses["200"]["content"]
    assert "application/vnd.openxmlformats-officedocument.wordprocessingml.document" in content


# --- the Word document -------------------------------------------------------------------


def test_the_word_document_holds_every_type_with_its_four_headings(staff_a):
    response = api_client(staff_a).get(API, {"format": "docx"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "phuong-an-xu-ly-su-co-bachngoc.docx" in response["Content-Disposition"]
    text = _docx_text(response.content)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "UBND XÃ BẠCH NGỌC" in text
    assert "Số:      /PA-TTPVHCC" in text
    assert "PHƯƠNG ÁN" in text
    assert "Nơi nhận:" in text
    assert "- Sở Khoa học và Công nghệ tỉnh Nghệ An (b/c);" in text
    for incident_type in IncidentType.objects.active():
        assert incident_type.name in text
    body = text.split("IV. XỬ LÝ TỪNG LOẠI SỰ CỐ")[1].split("V. CÔNG TÁC SẴN SÀNG")[0]
    for heading in HEADINGS:
        assert body.count(f"- {heading}:") == IncidentType.objects.active().count(), heading


def test_the_word_document_is_in_the_official_layout(staff_a):
    doc = Document(io.BytesIO(api_client(staff_a).get(API, {"format": "docx"}).content))

    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.left_margin.mm) == 30
    assert doc.styles["Normal"].font.name == "Times New Roman"


# --- the official words (R107, R48) ------------------------------------------------------


def test_the_code_carries_the_script_of_seed_004_word_for_word():
    assert CITIZEN_SCRIPT == SCRIPT_004


def test_every_types_citizen_notice_starts_with_the_script_of_seed_004(db):
    for incident_type in IncidentType.objects.all():
        assert incident_type.citizen_notice.startswith(SCRIPT_004), incident_type.code
    for entry in catalog_entries():
        assert entry["citizen_notice"].startswith(SCRIPT_004), entry["code"]


def test_the_api_gives_every_type_the_script_of_seed_004(staff_a):
    for item in api_client(staff_a).get(API).json()["types"]:
        assert item["citizen_notice"].startswith(SCRIPT_004), item["code"]


def test_the_printer_symptoms_keep_the_software_error_of_the_plans(db):
    # R48: 001/003 list "báo lỗi phần mềm" among the printer's symptoms.
    assert "báo lỗi phần mềm" in IncidentType.objects.get(code="printer-paper").symptoms


def test_the_shipped_texts_are_in_nfc(db):
    import unicodedata

    text = json.dumps(catalog_entries(), ensure_ascii=False)
    assert unicodedata.normalize("NFC", text) == text


def test_the_data_migration_changes_only_the_texts_still_as_shipped(db):
    migration = importlib.import_module("ungcuu.catalog.migrations.0003_official_words")
    printer = IncidentType.objects.get(code="printer-paper")
    login = IncidentType.objects.get(code="login")
    old_printer, new_printer = migration.CHANGES[("printer-paper", "citizen_notice")]
    printer.citizen_notice = old_printer
    printer.save()
    login.citizen_notice = "Thông báo riêng do Trung tâm viết."
    login.save()

    migration.forwards(apps, None)

    printer.refresh_from_db()
    login.refresh_from_db()
    assert printer.citizen_notice == new_printer
    assert login.citizen_notice == "Thông báo riêng do Trung tâm viết."


# --- the report form and the incident page -----------------------------------------------


def test_the_report_form_shows_each_types_symptoms(staff_a):
    html = logged_in(staff_a).get("/incidents/new/").content.decode()

    assert '<small class="symptoms">Không truy cập được các hệ thống trực tuyến' in html
    assert html.count('class="symptoms"') == IncidentType.objects.active().count()


def test_the_incident_page_shows_owner_and_prevention(staff_a):
    from ungcuu.api.tests.helpers import report

    incident = report(staff_a, staff_a.center, code="internet")
    internet = incident.incident_type

    html = logged_in(staff_a).get(f"/incidents/{incident.pk}/").content.decode()

    assert "Phụ trách" in html and escape(internet.owner) in html
    assert "Biện pháp phòng ngừa" in html
    assert escape(internet.prevention_lines()[0]) in html
    assert f"{PLAN}?center=bachngoc#internet" in html
