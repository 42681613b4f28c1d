"""The pages of paper intake: the form, the slip, re-entry, the board, the public status."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ungcuu.catalog.models import IncidentType
from ungcuu.continuity import services
from ungcuu.continuity.models import BoardNotice, PaperIntake
from ungcuu.core.errors import ServiceError
from ungcuu.core.testing import logged_in
from ungcuu.incidents.services import incident_close, incident_report, incident_resolve

pytestmark = pytest.mark.django_db


def take(actor, incident=None, **changes) -> PaperIntake:
    data = {
        "citizen_name": "Nguyễn Văn An",
        "citizen_id": "040190001234",
        "procedure": "Đăng ký khai sinh",
        "processing_days": 3,
    }
    data.update(changes)
    return services.intake_create(
        actor=actor, center=actor.center, incident=incident, **data
    ).intake


def form(center, **changes) -> dict:
    data = {
        "client_uuid": str(uuid.uuid4()),
        "center": center.code,
        "citizen_name": "Lê Thị Cúc",
        "citizen_id": "040 190 001 235",
        "procedure": "Chứng thực bản sao từ bản chính",
        "processing_days": "1",
        "documents": ["Bản sao Căn cước công dân"],
        "copies": "1",
        "return_place": "desk",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(changes)
    return data


def test_the_form_records_a_dossier_and_opens_its_slip_with_two_copies(staff_a, outage):
    client = logged_in(staff_a)
    page = client.get(f"/paper/new/?incident={outage.pk}")
    assert page.status_code == 200
    assert 'data-offline-api="/api/v1/paper-intakes"' in page.text

    response = client.post("/paper/new/", form(staff_a.center, incident=str(outage.pk)))

    intake = PaperIntake.objects.get()
    assert response.status_code == 302 and response.url == f"/paper/{intake.pk}/slip/"
    assert intake.incident == outage and intake.citizen_id == "040190001235"
    slip = client.get(response.url).text
    assert slip.count("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ") == 2
    assert "Liên 1: Giao người nộp hồ sơ" in slip and "Liên 2: Lưu hồ sơ" in slip
    assert intake.receipt_number in slip and "Lê Thị Cúc" in slip
    assert intake.expected_return_date.strftime("%d/%m/%Y") in slip
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in slip and "<svg" in slip
    assert f"Quyển số: {intake.book}, Số thứ tự: {intake.line}" in slip


def test_a_replayed_form_does_not_record_twice(staff_a):
    client = logged_in(staff_a)
    data = form(staff_a.center)

    client.post("/paper/new/", data)
    client.post("/paper/new/", data)

    assert PaperIntake.objects.count() == 1


def test_form_mistakes_are_shown_in_vietnamese_and_nothing_is_kept(staff_a):
    response = logged_in(staff_a).post(
        "/paper/new/", form(staff_a.center, citizen_id="12345", citizen_name="")
    )

    assert response.status_code == 200
    assert "Số CCCD phải gồm đúng 12 chữ số" in response.text
    assert "Vui lòng nhập họ và tên người nộp" in response.text
    assert 'value="12345"' in response.text  # what was typed stays in the form
    assert PaperIntake.objects.count() == 0


def test_the_slip_of_another_centers_dossier_is_404_and_anonymous_goes_to_login(
    staff_a, staff_b, province_user
):
    intake = take(staff_a)

    assert logged_in(staff_b).get(f"/paper/{intake.pk}/slip/").status_code == 404
    assert logged_in(province_user).get(f"/paper/{intake.pk}/slip/").status_code == 200
    for url in ["/paper/", "/paper/new/", "/paper/reentry/", f"/paper/{intake.pk}/slip/"]:
        response = Client().get(url)
        assert response.status_code == 302 and "/login" in response.url, url


def test_the_register_and_worklist_show_only_the_users_centers(staff_a, staff_b):
    take(staff_a, citizen_name="Người Ở Bạch Ngọc")
    take(staff_b, citizen_name="Người Ở Tân Kỳ")

    register = logged_in(staff_b).get("/paper/").text
    worklist = logged_in(staff_b).get("/paper/reentry/").text

    assert "Người Ở Tân Kỳ" in register and "Người Ở Bạch Ngọc" not in register
    assert "Người Ở Tân Kỳ" in worklist and "Người Ở Bạch Ngọc" not in worklist


def test_reentry_from_the_worklist_records_the_code_and_who(staff_a):
    intake = take(staff_a)
    client = logged_in(staff_a)

    response = client.post(
        "/paper/reentry/", {"intake": intake.pk, "dossier_code": "000.00.04.h40-261123-0002"}
    )

    intake.refresh_from_db()
    assert response.status_code == 302
    assert intake.dossier_code == "000.00.04.H40-261123-0002"
    assert intake.reentered_by == staff_a
    assert "Không còn hồ sơ nào chờ nhập lại" in client.get("/paper/reentry/").text


def test_an_incident_cannot_be_closed_while_paper_dossiers_wait(staff_a, leader_a, outage):
    intake = take(staff_a, incident=outage)
    incident_resolve(
        actor=leader_a,
        incident=outage,
        root_cause="Đứt cáp quang",
        restored_at=timezone.now(),
        on_site_reason="Tự khắc phục tại chỗ",
    )

    with pytest.raises(ServiceError) as refused:
        incident_close(actor=leader_a, incident=outage)
    assert refused.value.status == 409 and "1 hồ sơ" in refused.value.message

    services.intake_reenter(actor=staff_a, intake=intake, dossier_code="000.00.04.H40-261123-1")
    incident_close(actor=leader_a, incident=outage)
    outage.refresh_from_db()
    assert outage.status == "closed"


def test_overdue_reentry_is_flagged_to_the_leader_on_the_home_page(staff_a, leader_a):
    long_ago = timezone.now() - timedelta(days=10)
    outage = incident_report(
        actor=staff_a,
        center=staff_a.center,
        incident_type=IncidentType.objects.get(code="software-down"),
        started_at=long_ago - timedelta(hours=2),
        impact="stopped",
    ).incident
    take(staff_a, incident=outage, received_at=long_ago - timedelta(hours=1))
    incident_resolve(
        actor=leader_a,
        incident=outage,
        root_cause="Lỗi máy chủ",
        restored_at=long_ago,
        on_site_reason="Tự khắc phục tại chỗ",
    )

    home = logged_in(leader_a).get("/").text
    worklist = logged_in(leader_a).get("/paper/reentry/").text

    assert "1 hồ sơ quá hạn nhập lại" in home
    assert "Quá hạn nhập lại" in worklist


def test_no_deadline_while_the_incident_goes_on(staff_a, outage):
    intake = take(staff_a, incident=outage)

    assert services.reentry_due(intake) is None
    assert "khi sự cố được khắc phục" in logged_in(staff_a).get("/paper/reentry/").text


def test_the_incident_page_and_log_book_show_the_paper_counts(staff_a, outage):
    first = take(staff_a, incident=outage)
    take(staff_a, incident=outage)
    services.intake_reenter(actor=staff_a, intake=first, dossier_code="000.00.04.H40-261123-1")
    client = logged_in(staff_a)

    detail = client.get(f"/incidents/{outage.pk}/").text
    logbook = client.get("/logbook/").text

    assert "Hồ sơ nhận bằng giấy: 2, còn 1 chưa nhập lại." in detail
    assert "1 chưa nhập lại" in logbook


def test_the_waiting_room_board_needs_no_login_and_shows_nothing_personal(staff_a, outage):
    take(staff_a, incident=outage, citizen_name="Phạm Thị Dung")
    BoardNotice.objects.create(center=staff_a.center, expected_recovery="khoảng 10 giờ 30")

    page = Client().get("/board/bachngoc/", HTTP_ACCEPT_LANGUAGE="en")
    state = Client().get("/board/bachngoc/state.json").json()

    assert page.status_code == 200
    assert "Hệ thống đang gặp sự cố kỹ thuật tạm thời" in page.text  # Vietnamese for citizens
    assert "Kính thưa các bác, các anh chị" in page.text
    assert "khoảng 10 giờ 30" in page.text
    assert "Đang tiếp nhận hồ sơ bằng giấy" in page.text
    assert "Phạm Thị Dung" not in page.text and "040190001234" not in page.text
    assert state["normal"] is False and "Phạm Thị Dung" not in state["html"]


def test_the_board_of_a_quiet_center_says_all_is_normal(center_b):
    page = Client().get("/board/tanky/")
    assert "Hệ thống đang hoạt động bình thường" in page.text
    assert Client().get("/board/khong-co/").status_code == 404


def test_the_public_status_shows_the_state_and_never_the_person(staff_a):
    intake = take(staff_a, citizen_name="Hoàng Văn Em")
    url = f"/s/{intake.status_token}/"

    before = Client().get(url).text
    services.intake_reenter(actor=staff_a, intake=intake, dossier_code="000.00.04.H40-261123-0002")
    after = Client().get(url).text

    assert "Đang chờ nhập lại sau sự cố" in before
    assert "000.00.04.H40-261123-0002" in after
    assert intake.expected_return_date.strftime("%d/%m/%Y") in after
    for text in (before, after):
        assert "Hoàng Văn Em" not in text and intake.citizen_id not in text
    assert Client().get("/s/doan-bua/").status_code == 404
    assert len(intake.status_token) >= 24


def test_announcements_for_the_loudspeaker_zalo_and_facebook(staff_a, staff_b, outage):
    page = logged_in(staff_a).get(f"/announce/{outage.pk}/")

    assert page.status_code == 200
    assert "Đài truyền thanh" in page.text and "Bài đăng Zalo" in page.text
    assert "Bài đăng Facebook" in page.text
    assert "tiếp nhận hồ sơ bằng giấy" in page.text
    assert logged_in(staff_b).get(f"/announce/{outage.pk}/").status_code == 404


def test_the_leader_edits_what_the_board_says(leader_a, staff_a):
    client = logged_in(leader_a)
    client.post(
        "/board/",
        {"expected_recovery": "14 giờ", "paper_intake": "on", "message": "Mời bà con uống nước"},
    )

    assert "Mời bà con uống nước" in Client().get("/board/bachngoc/").text
    assert logged_in(staff_a).get("/board/").status_code == 404


def test_blank_forms_print_pack(staff_a):
    page = logged_in(staff_a).get("/paper/blank-forms/").text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in page
    assert "SỔ THEO DÕI HỒ SƠ TIẾP NHẬN TẠM" in page
    assert "BIÊN BẢN" in page and "CHỦ TỌA" in page


def test_a_drill_is_never_shown_to_citizens_as_an_outage(staff_a, outage):
    outage.is_drill = True
    outage.save()

    assert "Hệ thống đang hoạt động bình thường" in Client().get("/board/bachngoc/").text


def test_odd_input_is_answered_never_a_server_error(staff_a):
    client = logged_in(staff_a)

    impossible = client.post("/paper/new/", form(staff_a.center, received_at="2026-02-30T10:00"))
    not_a_number = client.post("/paper/reentry/", {"intake": "abc", "dossier_code": "X"})
    superscript = client.post("/paper/new/", form(staff_a.center, incident="²"))
    too_big = client.post("/paper/new/", form(staff_a.center, incident="9" * 30))
    missing = client.post("/paper/new/", form(staff_a.center, incident="987654"))

    assert impossible.status_code == 200 and "Thời điểm nhận không hợp lệ" in impossible.text
    assert not_a_number.status_code == 404
    # A bogus incident is said, not dropped: the dossier would lose its outage.
    assert superscript.status_code == 200 and "Mã sự cố không hợp lệ" in superscript.text
    assert too_big.status_code == 200 and "Mã sự cố không hợp lệ" in too_big.text
    assert missing.status_code == 200 and "Không tìm thấy sự cố này" in missing.text
    assert PaperIntake.objects.count() == 0


def test_the_time_of_receipt_left_empty_is_the_moment_of_recording(staff_a):
    before = timezone.now()
    logged_in(staff_a).post("/paper/new/", form(staff_a.center, received_at=""))

    assert PaperIntake.objects.get().received_at >= before.replace(microsecond=0)
