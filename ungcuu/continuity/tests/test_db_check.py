"""000 2.3.4: a dossier taken on paper while the national database was down is checked
against it once the system is back; the check is recorded with who and when."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ungcuu.continuity import services
from ungcuu.continuity.models import PaperIntake
from ungcuu.core.errors import ServiceError
from ungcuu.core.testing import api_client, logged_in
from ungcuu.incidents.models import Incident, Status


def _intake(actor, *, incident=None, flagged=True) -> PaperIntake:
    return services.intake_create(
        actor=actor,
        center=actor.center,
        incident=incident,
        citizen_name="Nguyễn Văn An",
        citizen_id="040190001234",
        procedure="Đăng ký thường trú",
        processing_days=3,
        needs_db_check=flagged,
    ).intake


def _restore(incident) -> None:
    Incident.objects.filter(pk=incident.pk).update(
        status=Status.RESOLVED, resolved_at=timezone.now(), restored_at=timezone.now()
    )


def test_the_check_is_recorded_on_the_reentry_page_with_who_and_when(staff_a):
    intake = _intake(staff_a)
    client = logged_in(staff_a)
    page = client.get("/paper/reentry/").content.decode()
    assert "Cần đối chiếu CSDL quốc gia về dân cư" in page
    assert "Đã đối chiếu CSDL quốc gia" in page  # the button

    answer = client.post(
        "/paper/reentry/", {"intake": intake.pk, "action": "db_check"}, follow=True
    )
    html = answer.content.decode()
    assert f"Đã ghi nhận đối chiếu CSDL quốc gia cho hồ sơ {intake.receipt_number}." in html
    assert f"({staff_a.display_name})" in html
    intake.refresh_from_db()
    assert intake.db_checked_by == staff_a and intake.db_checked_at is not None
    # Still waiting to be entered: the dossier stays on the worklist, the check shown done.
    assert "Cần đối chiếu CSDL quốc gia về dân cư" not in html


def test_a_reentered_dossier_still_waits_for_its_check_below_the_worklist(staff_a):
    intake = _intake(staff_a)
    services.intake_reenter(actor=staff_a, intake=intake, dossier_code="000.00.04.H40-261204-0001")
    page = logged_in(staff_a).get("/paper/reentry/").content.decode()
    assert "Đã nhập lại, chưa đối chiếu CSDL quốc gia" in page
    assert f'id="check-{intake.pk}"' in page
    logged_in(staff_a).post("/paper/reentry/", {"intake": intake.pk, "action": "db_check"})
    page = logged_in(staff_a).get("/paper/reentry/").content.decode()
    assert "Đã nhập lại, chưa đối chiếu CSDL quốc gia" not in page


def test_not_before_the_outage_is_over(staff_a, outage):
    intake = _intake(staff_a, incident=outage)
    with pytest.raises(ServiceError) as refused:
        services.intake_db_check(actor=staff_a, intake=intake)
    assert refused.value.status == 409
    assert "sau khi hệ thống được khôi phục" in refused.value.message
    _restore(outage)
    intake.refresh_from_db()
    assert services.intake_db_check(actor=staff_a, intake=intake).db_checked_by == staff_a


def test_an_unflagged_dossier_has_nothing_to_check(staff_a):
    intake = _intake(staff_a, flagged=False)
    with pytest.raises(ServiceError) as refused:
        services.intake_db_check(actor=staff_a, intake=intake)
    assert "không cần đối chiếu" in refused.value.message
    assert (
        "Đã đối chiếu CSDL quốc gia"
        not in logged_in(staff_a).get("/paper/reentry/").content.decode()
    )


def test_the_api_records_the_check_once_and_keeps_the_first_author(staff_a, leader_a):
    intake = _intake(staff_a)
    url = f"/api/v1/paper-intakes/{intake.pk}/db-check"
    first = api_client(leader_a).post(url)
    assert first.status_code == 200
    body = first.json()
    assert body["db_checked_by"] == leader_a.display_name
    assert body["db_checked_at"]
    again = api_client(staff_a).post(url)
    assert again.status_code == 200
    assert again.json()["db_checked_by"] == leader_a.display_name
    assert again.json()["db_checked_at"] == body["db_checked_at"]
    detail = api_client(staff_a).get(f"/api/v1/paper-intakes/{intake.pk}").json()
    assert detail["db_checked_by"] == leader_a.display_name


def test_the_api_refuses_in_vietnamese(staff_a, outage, staff_b):
    open_one = _intake(staff_a, incident=outage)
    answer = api_client(staff_a).post(f"/api/v1/paper-intakes/{open_one.pk}/db-check")
    assert answer.status_code == 409
    assert "khôi phục" in answer.json()["detail"]
    other = api_client(staff_b).post(f"/api/v1/paper-intakes/{open_one.pk}/db-check")
    assert other.status_code == 404
    open_one.refresh_from_db()
    assert open_one.db_checked_at is None
