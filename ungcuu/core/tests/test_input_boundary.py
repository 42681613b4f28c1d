"""The input boundary: pasted control characters, NUL, numbers the database cannot hold and
loose input never break a page, a document or the database, and change nothing."""

from __future__ import annotations

import io
import uuid

import pytest
from django.apps import apps as django_apps
from django.db import connection
from docx import Document
from openpyxl import load_workbook

from ungcuu.continuity.models import PaperIntake
from ungcuu.core.testing import api_client, logged_in
from ungcuu.core.text import clean_text, xml_safe
from ungcuu.incidents import services
from ungcuu.incidents.models import Incident, IncidentEvent

WORD_PASTE = "Máy in kẹt giấy\x0bgõ Shift+Enter trong Word\x01, rồi dán\r\nvào đây"
INCIDENTS = "/api/v1/incidents"
INTAKES = "/api/v1/paper-intakes"


def post_json(client, url, body):
    return client.post(url, body, content_type="application/json")


def report(client, **changes):
    body = {"client_uuid": str(uuid.uuid4()), "type": "printer-paper", **changes}
    return post_json(client, INCIDENTS, body)


def intake_body(**changes) -> dict:
    return {
        "client_uuid": str(uuid.uuid4()),
        "citizen_name": "Nguyễn Văn An",
        "citizen_id": "040190001234",
        "procedure": "Chứng thực bản sao từ bản chính",
        "processing_days": 1,
        **changes,
    }


def body_bytes(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


# --- one normalisation ------------------------------------------------------------------


def test_cleaning_keeps_tabs_and_newlines_and_drops_other_controls():
    assert clean_text("a\x0bb\x01\tc\r\nd\re\x85f\x7f") == "ab\tc\nd\nef"
    assert clean_text("Nguye\u0302\u0303n") == "Nguyễn"  # NFD from some keyboards → NFC
    assert xml_safe("a\x0b\x00b\ufffe") == "ab"


def test_a_word_paste_is_stored_clean_and_every_document_still_opens(leader_a, province_user):
    client = api_client(leader_a)

    created = report(client, description=WORD_PASTE)
    incident = Incident.objects.get()

    assert created.status_code == 201
    assert incident.description == "Máy in kẹt giấygõ Shift+Enter trong Word, rồi dán\nvào đây"
    web = logged_in(leader_a)
    logbook = web.get("/logbook/export.xlsx")
    assert logbook.status_code == 200
    assert "Shift+Enter" in reopen_xlsx_bytes(body_bytes(logbook))
    minutes = client.get(f"/api/v1/incidents/{incident.pk}/minutes.docx")
    assert minutes.status_code == 200
    Document(io.BytesIO(body_bytes(minutes)))
    code = leader_a.center.province.code
    for url in (
        f"/api/v1/reports/quarterly?center={leader_a.center.code}&format=xlsx",
        f"/api/v1/reports/quarterly?province={code}&format=xlsx",
    ):
        asker = client if "center=" in url else api_client(province_user)
        answer = asker.get(url)
        assert answer.status_code == 200, url
        load_workbook(io.BytesIO(body_bytes(answer)))


def reopen_xlsx_bytes(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return " ".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )


def test_text_stored_before_the_boundary_no_longer_breaks_the_exports(leader_a, printer_paper):
    incident = services.incident_report(
        actor=leader_a, center=leader_a.center, incident_type=printer_paper
    ).incident
    # As an earlier version let it in: straight into the row, past every check.
    Incident.objects.filter(pk=incident.pk).update(
        description="cũ\x0bcòn ký tự lạ\x01", root_cause="\x1bnguyên nhân"
    )
    client = api_client(leader_a)

    logbook = logged_in(leader_a).get("/logbook/export.xlsx")
    minutes = client.get(f"/api/v1/incidents/{incident.pk}/minutes.docx")
    quarterly = client.get(f"/api/v1/reports/quarterly?center={leader_a.center.code}&format=docx")

    assert logbook.status_code == 200
    assert "cũcòn ký tự lạ" in reopen_xlsx_bytes(body_bytes(logbook))
    assert minutes.status_code == 200 and quarterly.status_code == 200
    document = Document(io.BytesIO(body_bytes(minutes)))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    assert "nguyên nhân" in text


def test_the_migration_cleans_rows_already_stored(leader_a, printer_paper):
    from importlib import import_module

    migration = import_module("ungcuu.incidents.migrations.0007_clean_stored_text")
    incident = services.incident_report(
        actor=leader_a, center=leader_a.center, incident_type=printer_paper
    ).incident
    # PostgreSQL never held a NUL; SQLite did.
    nul = "" if connection.vendor == "postgresql" else "\x00"
    Incident.objects.filter(pk=incident.pk).update(description=f"a\x0bb{nul}c\r\nd")
    IncidentEvent.objects.filter(incident=incident).update(payload={"description": "x\x01y"})

    migration.clean_stored_text(django_apps, None)

    incident.refresh_from_db()
    assert incident.description == "abc\nd"
    assert IncidentEvent.objects.get(incident=incident).payload == {"description": "xy"}


# --- NUL is refused, naming the field ---------------------------------------------------


def test_a_nul_in_a_body_field_is_a_400_naming_it_and_nothing_is_stored(staff_a):
    answer = report(api_client(staff_a), description="hết giấy\x00")

    assert answer.status_code == 400
    assert answer.json()["field"] == "description"
    assert "NUL" in answer.json()["detail"]
    assert Incident.objects.count() == 0


def test_a_nul_deep_in_a_list_names_its_place(staff_a):
    answer = post_json(api_client(staff_a), INTAKES, intake_body(documents=["a", "b\x00"]))

    assert answer.status_code == 400
    assert answer.json()["field"] == "documents.1"
    assert PaperIntake.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/incidents?center=%00",
        "/api/v1/knowledge/search?q=%00",
        "/api/v1/paper-intakes?center=ab%00",
    ],
)
def test_a_nul_in_a_query_parameter_is_a_400(staff_a, url):
    answer = api_client(staff_a).get(url)

    assert answer.status_code == 400
    assert answer.json()["field"] in ("center", "q")


def test_a_nul_in_a_page_address_or_form_is_a_400_page_in_vietnamese(staff_a):
    client = logged_in(staff_a)

    public = client.get("/s/%00/")
    listing = client.get("/logbook/?q=%00")
    form = client.post("/incidents/new/", {"incident_type": "x", "description": "a\x00"})

    for answer in (public, listing, form):
        assert answer.status_code == 400
        assert "không hợp lệ (NUL)" in answer.text
    assert "“description”" in form.text
    assert Incident.objects.count() == 0


def test_a_cookie_holding_a_nul_is_ignored_not_a_crash(staff_a):
    client = logged_in(staff_a)
    client.cookies["sessionid"] = "abc\x00def"

    answer = client.get("/")

    assert answer.status_code in (200, 302)


# --- numbers and ids bounded --------------------------------------------------------------

BIG = "9" * 30


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/incidents?limit=1e23", "limit"),
        (f"/api/v1/incidents?limit={BIG}", "limit"),
        (f"/api/v1/incidents?offset={BIG}", "offset"),
        ("/api/v1/paper-intakes?incident=1e30", "incident"),
        (f"/api/v1/paper-intakes?incident={BIG}", "incident"),
        (f"/api/v1/incidents/{BIG}", "incident_id"),
        (f"/api/v1/paper-intakes/{BIG}", "intake_id"),
    ],
)
def test_numbers_too_big_for_the_database_are_a_422_with_the_field(staff_a, url, field):
    answer = api_client(staff_a).get(url)

    assert answer.status_code == 422
    assert answer.json()["field"] == field


def test_an_escalation_to_an_id_too_big_is_a_422(leader_a):
    client = api_client(leader_a)
    incident = report(client).json()

    answer = post_json(
        client,
        f"/api/v1/incidents/{incident['id']}/events",
        {"kind": "escalated", "organisations": [2**70]},
    )

    assert answer.status_code == 422
    assert answer.json()["field"] == "organisations.0"


@pytest.mark.parametrize(
    "url", [f"/incidents/{BIG}/", f"/paper/{BIG}/slip/", f"/reports/minutes/{BIG}/"]
)
def test_a_page_address_with_an_id_too_big_is_a_404(staff_a, url):
    assert logged_in(staff_a).get(url).status_code == 404


def test_a_form_naming_equipment_by_an_id_too_big_is_answered(leader_a, printer_paper):
    incident = services.incident_report(
        actor=leader_a, center=leader_a.center, incident_type=printer_paper
    ).incident

    answer = logged_in(leader_a).post(
        f"/readiness/incidents/{incident.pk}/equipment/", {"equipment": BIG}, follow=True
    )

    assert answer.status_code == 200
    assert "Vui lòng chọn thiết bị" in answer.text


# --- strict input ---------------------------------------------------------------------------


@pytest.mark.parametrize("cccd", ["０４０１９０００１２３４", "٠٤٠١٩٠٠٠١٢٣٤", "04019000123４"])
def test_a_citizen_id_in_other_digits_is_refused(staff_a, cccd):
    answer = post_json(api_client(staff_a), INTAKES, intake_body(citizen_id=cccd))

    assert answer.status_code == 400
    assert answer.json()["field"] == "citizen_id"
    assert PaperIntake.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"copies": 0}, "copies"),
        ({"copies": True}, "copies"),
        ({"copies": 2.5}, "copies"),
        ({"processing_days": True}, "processing_days"),
        ({"documents": ["x" * 100_000]}, "documents"),
        ({"documents": "x" * 100_000}, "documents"),
        ({"incident": BIG}, "incident"),
        ({"incident": "²"}, "incident"),
    ],
)
def test_out_of_range_or_loose_values_are_refused_not_coerced(staff_a, changes, field):
    answer = post_json(api_client(staff_a), INTAKES, intake_body(**changes))

    assert answer.status_code in (400, 422)
    assert answer.json()["field"] == field
    assert PaperIntake.objects.count() == 0


def test_a_boolean_is_not_a_number(staff_a):
    answer = report(api_client(staff_a), citizens_waiting=True)

    assert answer.status_code == 422
    assert answer.json()["field"] == "citizens_waiting"
    assert Incident.objects.count() == 0


def test_a_paper_intake_replayed_with_another_body_is_a_409_naming_the_first(staff_a):
    client = api_client(staff_a)
    body = intake_body()

    first = post_json(client, INTAKES, body)
    again = post_json(client, INTAKES, body)
    changed = post_json(client, INTAKES, {**body, "citizen_name": "Trần Thị Bình"})

    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["receipt_number"] == first.json()["receipt_number"]
    assert changed.status_code == 409
    assert changed.json()["id"] == first.json()["id"]
    assert PaperIntake.objects.get().citizen_name == "Nguyễn Văn An"


def test_an_event_uuid_replayed_as_another_kind_is_a_409(leader_a):
    client = api_client(leader_a)
    incident = report(client).json()
    url = f"/api/v1/incidents/{incident['id']}/events"
    key = str(uuid.uuid4())

    first = post_json(client, url, {"uuid": key, "kind": "note", "text": "đã gọi nhà cung cấp"})
    again = post_json(client, url, {"uuid": key, "kind": "note", "text": "đã gọi nhà cung cấp"})
    other = post_json(client, url, {"uuid": key, "kind": "acknowledged"})

    assert first.status_code == 201 and again.status_code == 200
    assert other.status_code == 409
    assert Incident.objects.get().status == "reported"


def test_the_command_line_goes_through_the_same_cleaning():
    from ungcuu.cli import _cleaned

    assert _cleaned(["channel", "add", "a.leader\x0b", "json://x\r\n"]) == [
        "channel",
        "add",
        "a.leader",
        "json://x\n",
    ]
