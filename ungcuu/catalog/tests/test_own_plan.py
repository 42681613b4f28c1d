"""Each center's own plan (R25; 000/001 V: "Lãnh đạo Trung tâm ... điều chỉnh phương án khi
cần thiết"): the shipped catalog is the default, a province adjusts it for its centers, a
center leader for the center, with the history of who changed what; every page, message and
document reads the center's version (R17, R43, R44)."""

from __future__ import annotations

import io

import pytest
from auditlog.models import LogEntry
from docx import Document

from ungcuu.catalog.models import ReportBody, TypeAdjustment
from ungcuu.catalog.plan import plan_for
from ungcuu.core.testing import api_client, logged_in
from ungcuu.incidents.models import Incident
from ungcuu.incidents.services import incident_report, incident_step
from ungcuu.org.models import Organisation, OrganisationKind
from ungcuu.reports.services import minutes_draft

ADJUST = "/plan/adjust/"

OWN_STEPS = (
    "# Tại quầy\nGọi anh Bình ở phòng bên mượn máy in.\nIn lại phiếu hẹn.\n# Sau đó\nGhi sổ."
)


def _type_form(client, code, **fields):
    page = client.get(f"{ADJUST}{code}/")
    assert page.status_code == 200
    values = page.context["values"]
    data = {
        "symptoms": values["symptoms"],
        "steps": values["steps"],
        "owner": values["owner"],
        "prevention": values["prevention"],
        "escalation": values["escalation"],
        "escalation_targets": values["escalation_targets"],
    }
    data.update(fields)
    return data


def test_a_center_leader_writes_the_centers_own_steps_and_staff_follow_them(
    director_a, staff_a, center_a, center_b, printer_paper
):
    client = logged_in(director_a)
    data = _type_form(client, "printer-paper", steps=OWN_STEPS, owner="Anh Bình, văn thư.")
    response = client.post(f"{ADJUST}printer-paper/", data)
    assert response.status_code == 302

    # The plan page, the API and a new incident all carry the center's version.
    plan = logged_in(staff_a).get(f"/plan/?center={center_a.code}").content.decode()
    assert "Gọi anh Bình ở phòng bên mượn máy in." in plan
    assert "Trung tâm đã điều chỉnh" in plan
    api = api_client(staff_a).get(f"/api/v1/plan?center={center_a.code}").json()
    paper = next(t for t in api["types"] if t["code"] == "printer-paper")
    assert [s["text"] for s in paper["steps"]][:2] == [
        "Gọi anh Bình ở phòng bên mượn máy in.",
        "In lại phiếu hẹn.",
    ]
    assert paper["owner"] == "Anh Bình, văn thư."

    incident = incident_report(actor=staff_a, center=center_a, incident_type=printer_paper).incident
    page = logged_in(staff_a).get(f"/incidents/{incident.pk}/").content.decode()
    assert "Gọi anh Bình ở phòng bên mượn máy in." in page
    assert "Anh Bình, văn thư." in page
    assert "Thêm giấy in đúng loại" not in page  # the shipped step is not shown

    # Another center keeps the shipped playbook.
    other = plan_for(center_b)
    shipped = next(t for t in other.types if t.code == "printer-paper")
    assert any("Thêm giấy in đúng loại" in s.text for s in shipped.steps)
    assert shipped.adjusted_by == ""


def test_an_open_incident_keeps_the_steps_it_was_reported_with(
    director_a, staff_a, center_a, printer_paper
):
    client = logged_in(director_a)
    client.post(f"{ADJUST}printer-paper/", _type_form(client, "printer-paper", steps=OWN_STEPS))
    incident = incident_report(actor=staff_a, center=center_a, incident_type=printer_paper).incident
    incident_step(actor=staff_a, incident=incident, step=2)

    # The leader rewrites the steps while the incident is open.
    client.post(
        f"{ADJUST}printer-paper/",
        _type_form(client, "printer-paper", steps="Bước mới một.\nBước mới hai.\nBước mới ba."),
    )

    incident.refresh_from_db()
    page = logged_in(staff_a).get(f"/incidents/{incident.pk}/").content.decode()
    assert "In lại phiếu hẹn." in page  # the ticked step is still the one that was done
    assert "Bước mới hai." not in page
    assert incident.events.filter(payload__text="In lại phiếu hẹn.").exists()


def test_a_province_adjusts_for_all_its_centers_and_a_center_overrides_it(
    province_user, director_a, center_a, center_b, center_c, internet
):
    province = logged_in(province_user)
    data = _type_form(province, "internet", escalation="Gọi Tổ Công tác tỉnh: 0238 3 000 000.")
    assert province.post(f"{ADJUST}internet/", data).status_code == 302

    def escalation(center):
        return next(t for t in plan_for(center).types if t.code == "internet").escalation

    assert escalation(center_a) == "Gọi Tổ Công tác tỉnh: 0238 3 000 000."
    assert escalation(center_b) == "Gọi Tổ Công tác tỉnh: 0238 3 000 000."
    assert escalation(center_c) != "Gọi Tổ Công tác tỉnh: 0238 3 000 000."  # another province

    # The center's own words win for the center; the province's edit form is the default.
    center = logged_in(director_a)
    form = _type_form(center, "internet")
    assert form["escalation"] == "Gọi Tổ Công tác tỉnh: 0238 3 000 000."
    form["escalation"] = "Gọi anh Hùng VNPT trước."
    center.post(f"{ADJUST}internet/", form)
    assert escalation(center_a) == "Gọi anh Hùng VNPT trước."
    assert escalation(center_b) == "Gọi Tổ Công tác tỉnh: 0238 3 000 000."

    # Back to the province's version.
    center.post(f"{ADJUST}internet/", {"reset": "1"})
    assert escalation(center_a) == "Gọi Tổ Công tác tỉnh: 0238 3 000 000."


def test_saving_the_default_unchanged_keeps_nothing_of_its_own(director_a, printer_paper):
    client = logged_in(director_a)
    client.post(f"{ADJUST}printer-paper/", _type_form(client, "printer-paper"))
    assert not TypeAdjustment.objects.exists()


def test_the_bodies_reported_to_and_the_level_word_are_the_centers(
    director_a, staff_a, center_a, printer_paper
):
    org = Organisation.objects.create(
        name="Sở Nội vụ tỉnh Nghệ An",
        kind=OrganisationKind.OTHER,
        province=center_a.province,
        email="snv@nghean.gov.vn",
    )
    client = logged_in(director_a)
    response = client.post(
        ADJUST,
        {
            "center": center_a.code,
            "level": "thanh-pho",
            "body-0-name": "UBND xã Bạch Ngọc",
            "body-0-kind": "commune",
            "body-1-name": "Sở Nội vụ tỉnh Nghệ An",
            "body-1-kind": "department",
            "body-1-organisation": str(org.pk),
            "body-2-name": "Trung tâm Phục vụ hành chính công thành phố Vinh",
            "body-2-kind": "province_center",
            "body-2-email": "ttpvhcc@vinh.gov.vn",
        },
    )
    assert response.status_code == 302

    plan = plan_for(center_a)
    assert plan.level == "thành phố"
    assert [b.name for b in plan.report_to] == [
        "UBND xã Bạch Ngọc",
        "Sở Nội vụ tỉnh Nghệ An",
        "Trung tâm Phục vụ hành chính công thành phố Vinh",
    ]
    assert "Sở Khoa học và Công nghệ" not in " ".join(p for _, p in plan.procedure)

    # The minutes' Nơi nhận and the Word plan use them.
    incident = incident_report(actor=staff_a, center=center_a, incident_type=printer_paper).incident
    recipients = minutes_draft(incident)["recipients"]
    assert "- Sở Nội vụ tỉnh Nghệ An;" in recipients
    assert "Trung tâm Phục vụ hành chính công thành phố Vinh" in recipients
    word = api_client(director_a).get(f"/api/v1/plan?center={center_a.code}&format=docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    assert "Sở Nội vụ tỉnh Nghệ An" in text

    # Back to the default list.
    client.post(ADJUST, {"center": center_a.code, "level": "", "bodies": "default"})
    assert not ReportBody.objects.exists()
    assert "Sở Khoa học và Công nghệ" in plan_for(center_a).report_to[1].name


def test_every_change_is_in_the_history_with_its_author(director_a, center_a):
    client = logged_in(director_a)
    client.post(f"{ADJUST}printer-ink/", _type_form(client, "printer-ink", owner="Chị Lan."))
    client.post(ADJUST, {"center": center_a.code, "level": "thanh-pho", "bodies": "default"})

    page = client.get(ADJUST)
    html = page.content.decode()
    assert "Lịch sử điều chỉnh" in html
    assert "Chị Lan." in html
    assert director_a.display_name in html
    assert LogEntry.objects.filter(actor=director_a).count() >= 2


@pytest.mark.parametrize("who", ["staff_a", "leader_a", "vendor_user", "staff_b"], ids=lambda w: w)
def test_only_the_center_leader_province_or_admin_may_adjust(request, who, center_a):
    user = request.getfixturevalue(who)
    client = logged_in(user)
    assert client.get(ADJUST).status_code == 404
    assert client.get(f"{ADJUST}printer-paper/?center={center_a.code}").status_code == 404
    response = client.post(
        f"{ADJUST}printer-paper/",
        {"center": center_a.code, "steps": "Xóa hết.", "symptoms": "x"},
    )
    assert response.status_code == 404
    assert not TypeAdjustment.objects.exists()


def test_a_center_leader_cannot_adjust_another_center_or_the_province(
    director_a, center_b, center_a
):
    client = logged_in(director_a)
    assert client.get(f"{ADJUST}?center={center_b.code}").status_code == 404
    assert client.get(f"{ADJUST}?province={center_a.province.code}").status_code == 404
    response = client.post(
        f"{ADJUST}printer-paper/", {"center": center_b.code, "steps": "Xóa hết."}
    )
    assert response.status_code == 404
    assert not TypeAdjustment.objects.exists()


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"steps": ""}, "steps"),
        ({"steps": "# chỉ có tên nhóm"}, "steps"),
        ({"steps": "x" * 600}, "steps"),
        ({"owner": "y" * 5000}, "owner"),
        ({"escalation_targets": ["isp", "bogus"]}, "escalation_targets"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(
    director_a, fields, field, printer_paper
):
    client = logged_in(director_a)
    data = _type_form(client, "printer-paper", **fields)
    response = client.post(f"{ADJUST}printer-paper/", data)
    assert response.status_code == 400
    assert field in response.context["errors"]
    assert not TypeAdjustment.objects.exists()
    # What was typed is still on the page.
    if "owner" in fields:
        assert response.context["values"]["owner"] == fields["owner"]


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"body-0-name": "UBND", "body-0-kind": "nowhere"}, "body-0-kind"),
        ({"body-0-name": "UBND", "body-0-kind": "commune", "body-0-email": "x@"}, "body-0-email"),
        ({"body-0-name": "", "body-1-name": ""}, "body-0-name"),
        ({"level": "quận"}, "level"),
    ],
)
def test_bad_bodies_are_refused(director_a, center_a, fields, field):
    data = {"center": center_a.code, "level": "", **fields}
    response = logged_in(director_a).post(ADJUST, data)
    assert response.status_code == 400
    assert field in response.context["errors"]
    assert not ReportBody.objects.exists()


def test_a_body_cannot_point_at_another_provinces_organisation(director_a, center_a, center_c):
    foreign = Organisation.objects.create(
        name="Sở Nội vụ Thái Nguyên", kind=OrganisationKind.OTHER, province=center_c.province
    )
    response = logged_in(director_a).post(
        ADJUST,
        {
            "center": center_a.code,
            "body-0-name": "Sở Nội vụ",
            "body-0-kind": "department",
            "body-0-organisation": str(foreign.pk),
        },
    )
    assert response.status_code == 400
    assert not ReportBody.objects.exists()


def test_a_replayed_save_changes_nothing_more(director_a, printer_paper):
    client = logged_in(director_a)
    data = _type_form(client, "printer-paper", owner="Chị Lan.")
    client.post(f"{ADJUST}printer-paper/", data)
    before = LogEntry.objects.count()
    client.post(f"{ADJUST}printer-paper/", data)
    assert TypeAdjustment.objects.count() == 1
    assert LogEntry.objects.count() == before


def test_the_center_leader_sees_the_adjust_link_staff_do_not(director_a, staff_a):
    assert "Điều chỉnh phương án" in logged_in(director_a).get("/plan/").content.decode()
    assert "Điều chỉnh phương án" not in logged_in(staff_a).get("/plan/").content.decode()


def test_a_city_center_reads_thanh_pho_in_its_incident_steps(
    director_a, staff_a, center_a, internet
):
    logged_in(director_a).post(
        ADJUST, {"center": center_a.code, "level": "thanh-pho", "bodies": "default"}
    )
    incident = incident_report(actor=staff_a, center=center_a, incident_type=internet).incident
    page = logged_in(staff_a).get(f"/incidents/{incident.pk}/").content.decode()
    assert "Tổ Công tác thành phố" in page or "cấp thành phố" in page
    assert Incident.objects.count() == 1
