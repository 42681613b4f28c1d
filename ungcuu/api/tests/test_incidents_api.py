"""Reporting and following an incident through /api/v1/incidents."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ungcuu.api.tests.helpers import (
    INCIDENTS,
    is_vietnamese,
    png_bytes,
    png_upload,
    post_event,
    post_json,
    report,
    report_body,
)
from ungcuu.core.testing import api_client, logged_in
from ungcuu.incidents.models import Attachment, Incident, IncidentEvent

# --- idempotent create and numbering -----------------------------------------


def test_reporting_answers_201_with_number_tier_and_status(staff_a):
    response = post_json(api_client(staff_a), INCIDENTS, report_body())

    assert response.status_code == 201
    body = response.json()
    year = timezone.localtime().year
    assert isinstance(body["id"], int)
    assert body["number"] == f"BN-{year}-0001"
    assert body["tier"] == "simple"
    assert body["status"] == "reported"
    assert body["center"] == "bachngoc"
    assert body["type"] == "printer-paper"
    assert body["reporter"] == "a.staff"


def test_the_tier_comes_from_the_catalog(staff_a):
    response = post_json(api_client(staff_a), INCIDENTS, report_body(type="internet"))

    assert response.status_code == 201
    assert response.json()["tier"] == "complex"


def test_replaying_the_same_client_uuid_returns_the_first_incident(staff_a):
    client = api_client(staff_a)
    body = report_body()

    first = post_json(client, INCIDENTS, body)
    again = post_json(client, INCIDENTS, body)
    changed = post_json(client, INCIDENTS, {**body, "description": "gửi lại từ hàng đợi"})

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["number"] == first.json()["number"]
    # Another body under the same client_uuid is a conflict naming the first record.
    assert changed.status_code == 409
    assert changed.json()["id"] == first.json()["id"]
    assert changed.json()["field"] == "client_uuid"
    assert Incident.objects.count() == 1
    assert IncidentEvent.objects.filter(kind="reported").count() == 1
    assert Incident.objects.get().description == "Máy in quầy số 2 báo hết giấy"


def test_a_colleague_replaying_the_client_uuid_gets_the_same_incident(staff_a, leader_a):
    body = report_body()
    first = post_json(api_client(staff_a), INCIDENTS, body)

    again = post_json(api_client(leader_a), INCIDENTS, body)

    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Incident.objects.count() == 1


def test_a_client_uuid_used_at_another_center_is_refused_without_revealing_it(staff_a, staff_b):
    body = report_body()
    first = post_json(api_client(staff_a), INCIDENTS, body)

    response = post_json(api_client(staff_b), INCIDENTS, body)

    assert response.status_code == 409
    assert "client_uuid" in response.json()["errors"]
    assert first.json()["number"] not in response.content.decode()
    assert Incident.objects.count() == 1


def test_numbers_run_per_center_starting_at_0001(staff_a, staff_b):
    year = timezone.localtime().year

    first_a = post_json(api_client(staff_a), INCIDENTS, report_body()).json()
    first_b = post_json(api_client(staff_b), INCIDENTS, report_body()).json()
    second_a = post_json(api_client(staff_a), INCIDENTS, report_body(type="login")).json()

    assert first_a["number"] == f"BN-{year}-0001"
    assert first_b["number"] == f"TK-{year}-0001"
    assert second_a["number"] == f"BN-{year}-0002"


def test_a_replay_does_not_use_up_a_number(staff_a):
    client = api_client(staff_a)
    body = report_body()
    post_json(client, INCIDENTS, body)
    post_json(client, INCIDENTS, body)

    second = post_json(client, INCIDENTS, report_body()).json()

    assert re.fullmatch(r"BN-\d{4}-0002", second["number"])


def test_an_event_sent_twice_with_the_same_uuid_is_recorded_once(staff_a):
    incident = report(staff_a, staff_a.center)
    client = api_client(staff_a)
    event_uuid = str(uuid.uuid4())

    first = post_event(client, incident.pk, uuid=event_uuid, kind="note", text="Đã gọi IT")
    again = post_event(client, incident.pk, uuid=event_uuid, kind="note", text="Đã gọi IT")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["uuid"] == first.json()["uuid"] == event_uuid
    assert incident.events.filter(kind="note").count() == 1


# --- validation: 422 (schema) or 400/409 (service), Vietnamese, nothing changes -----


def _counts():
    return Incident.objects.count(), IncidentEvent.objects.count()


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (report_body(type="khong-co"), 400, "type"),
        ({k: v for k, v in report_body().items() if k != "client_uuid"}, 422, "client_uuid"),
        (report_body(client_uuid="khong-phai-uuid"), 422, "client_uuid"),
        ({k: v for k, v in report_body().items() if k != "type"}, 422, "type"),
        (report_body(citizens_waiting=-1), 422, "citizens_waiting"),
        (report_body(citizens_waiting="nhieu"), 422, "citizens_waiting"),
        (report_body(impact="rat-nang"), 422, "impact"),
        (report_body(started_at="hôm qua"), 422, "started_at"),
        (report_body(description="x" * 4001), 422, "description"),
        (report_body(center="khong-co"), 400, "center"),
    ],
    ids=[
        "unknown-type",
        "missing-client-uuid",
        "bad-client-uuid",
        "missing-type",
        "negative-citizens",
        "citizens-not-a-number",
        "unknown-impact",
        "unparseable-started-at",
        "description-too-long",
        "unknown-center",
    ],
)
def test_a_bad_report_is_refused_field_by_field_and_creates_nothing(staff_a, body, status, field):
    response = post_json(api_client(staff_a), INCIDENTS, body)

    assert response.status_code == status
    data = response.json()
    assert data["detail"]
    assert field in data["errors"], data
    assert data["errors"][field]
    assert _counts() == (0, 0)


def test_a_report_in_the_future_is_refused_on_started_at(staff_a):
    future = (timezone.now() + timedelta(hours=2)).isoformat()

    response = post_json(api_client(staff_a), INCIDENTS, report_body(started_at=future))

    assert response.status_code == 400
    assert response.json()["errors"]["started_at"] == "Thời điểm không được ở tương lai."
    assert _counts() == (0, 0)


def test_a_report_more_than_a_year_old_is_refused_on_started_at(staff_a):
    old = (timezone.now() - timedelta(days=400)).isoformat()

    response = post_json(api_client(staff_a), INCIDENTS, report_body(started_at=old))

    assert response.status_code == 400
    assert "started_at" in response.json()["errors"]
    assert _counts() == (0, 0)


def test_a_body_that_is_not_json_is_refused_and_creates_nothing(staff_a):
    response = api_client(staff_a).post(
        INCIDENTS, "{không phải json", content_type="application/json"
    )

    assert response.status_code in (400, 422)
    assert _counts() == (0, 0)


def test_a_body_that_is_not_json_is_refused_in_vietnamese(staff_a):
    response = api_client(staff_a).post(
        INCIDENTS, "{không phải json", content_type="application/json"
    )

    assert is_vietnamese(response.json()["detail"])


def test_validation_messages_are_vietnamese(staff_a):
    body = {k: v for k, v in report_body().items() if k != "client_uuid"}

    response = post_json(api_client(staff_a), INCIDENTS, body)

    assert response.json()["detail"] == "Dữ liệu chưa hợp lệ."
    assert response.json()["field"] == "client_uuid"
    assert response.json()["errors"] == {"client_uuid": "Thiếu thông tin bắt buộc."}


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"kind": "resolved", "root_cause": ""}, 400, "root_cause"),
        ({"kind": "reopened", "reason": "mở lại"}, 409, None),
        ({"kind": "closed"}, 409, None),
        ({"kind": "note", "text": "   "}, 400, "text"),
        ({"kind": "step_done"}, 400, "step"),
        ({"kind": "step_done", "step": 999}, 400, "step"),
        ({"kind": "escalated", "organisations": []}, 400, "organisations"),
        ({"kind": "escalated", "organisations": [987654]}, 400, "organisations"),
        ({"kind": "assigned", "assignee": "khong-ai"}, 400, "assignee"),
        ({"kind": "assigned", "assignee": "b.staff"}, 400, "assignee"),
        ({"kind": "reported"}, 422, "kind"),
        ({"kind": "attachment"}, 422, "kind"),
        ({"kind": "resolved", "root_cause": "x", "citizens_affected": -3}, 422, None),
        ({"kind": "note", "text": "x", "uuid": "khong-phai-uuid"}, 422, "uuid"),
    ],
    ids=[
        "resolve-without-root-cause",
        "reopen-an-open-incident",
        "close-a-reported-incident",
        "blank-note",
        "step-missing",
        "step-not-in-playbook",
        "escalate-to-nobody",
        "escalate-to-unknown-organisation",
        "assign-unknown-person",
        "assign-someone-of-another-center",
        "kind-reported-is-not-an-api-event",
        "kind-attachment-is-not-an-api-event",
        "negative-citizens-affected",
        "bad-event-uuid",
    ],
)
def test_a_bad_event_is_refused_and_changes_nothing(leader_a, staff_b, body, status, field):
    incident = report(leader_a, leader_a.center)
    before = _counts()

    response = post_event(api_client(leader_a), incident.pk, **body)

    assert response.status_code == status, response.content
    data = response.json()
    assert data["detail"]
    if field:
        assert data["errors"][field], data
    assert _counts() == before
    incident.refresh_from_db()
    assert incident.status == "reported"
    assert incident.acknowledged_at is None


def test_a_restore_time_before_the_onset_is_refused(leader_a):
    started = timezone.now() - timedelta(hours=1)
    incident = report(leader_a, leader_a.center, started_at=started)
    before = _counts()

    response = post_event(
        api_client(leader_a),
        incident.pk,
        kind="resolved",
        root_cause="Hết giấy",
        restored_at=(started - timedelta(hours=1)).isoformat(),
    )

    assert response.status_code == 400
    assert "restored_at" in response.json()["errors"]
    assert _counts() == before


def test_reopening_needs_a_reason(leader_a):
    incident = report(leader_a, leader_a.center)
    client = api_client(leader_a)
    post_event(client, incident.pk, kind="resolved", root_cause="Hết giấy")
    before = _counts()

    response = post_event(client, incident.pk, kind="reopened", reason="")

    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    assert _counts() == before
    incident.refresh_from_db()
    assert incident.status == "resolved"


def test_an_event_for_an_incident_that_does_not_exist_answers_404(leader_a):
    response = post_event(api_client(leader_a), 987654, kind="note", text="x")

    assert response.status_code == 404
    assert response.json()["detail"] == "Không tìm thấy."


# --- state transitions --------------------------------------------------------------


def test_an_incident_goes_through_its_whole_life_over_the_api(leader_a, vnpt):
    client = api_client(leader_a)
    onset = (timezone.now() - timedelta(hours=1)).isoformat()
    created = post_json(
        client, INCIDENTS, report_body(type="internet", citizens_waiting=7, started_at=onset)
    )
    incident_id = created.json()["id"]
    url = f"{INCIDENTS}/{incident_id}"

    def state():
        response = client.get(url)
        assert response.status_code == 200
        return response.json()

    def kinds():
        return [event["kind"] for event in state()["events"]]

    assert kinds() == ["reported"]

    assert post_event(client, incident_id, kind="acknowledged").status_code == 201
    now = state()
    assert now["status"] == "acknowledged"
    assert now["acknowledged_at"] is not None
    assert kinds() == ["reported", "acknowledged"]

    assert post_event(client, incident_id, kind="started").status_code == 201
    now = state()
    assert now["status"] == "in_progress"
    assert now["assignee"] == "a.leader"

    ticked = post_event(client, incident_id, kind="step_done", step=1)
    assert ticked.status_code == 201
    assert ticked.json()["payload"]["step"] == 1
    assert state()["steps_done"] == [1]
    assert post_event(client, incident_id, kind="step_done", step=1).status_code == 200
    assert state()["steps_done"] == [1]
    assert kinds() == ["reported", "acknowledged", "started", "step_done"]

    escalated = post_event(
        client, incident_id, kind="escalated", organisations=[vnpt.id], text="Gọi VNPT"
    )
    assert escalated.status_code == 201
    assert escalated.json()["payload"]["organisations"] == [{"id": vnpt.id, "name": vnpt.name}]
    now = state()
    assert now["status"] == "escalated"
    assert now["escalated_at"] is not None

    restored = timezone.now().replace(microsecond=0)
    resolved = post_event(
        client,
        incident_id,
        kind="resolved",
        root_cause="Đứt cáp quang",
        resolution="VNPT hàn lại cáp",
        restored_at=restored.isoformat(),
        citizens_affected=12,
        dossiers_delayed=3,
    )
    assert resolved.status_code == 201
    now = state()
    assert now["status"] == "resolved"
    assert now["root_cause"] == "Đứt cáp quang"
    assert now["resolution"] == "VNPT hàn lại cáp"
    assert now["citizens_affected"] == 12
    assert now["dossiers_delayed"] == 3
    assert now["resolved_at"] is not None
    assert timezone.datetime.fromisoformat(now["restored_at"]) == restored

    assert post_event(client, incident_id, kind="closed").status_code == 201
    now = state()
    assert now["status"] == "closed"
    assert now["closed_at"] is not None

    reopened = post_event(client, incident_id, kind="reopened", reason="Mạng lại chập chờn")
    assert reopened.status_code == 201
    now = state()
    assert now["status"] == "in_progress"
    assert now["restored_at"] is None
    assert now["resolved_at"] is None
    assert now["closed_at"] is None
    assert now["events"][-1]["payload"]["reason"] == "Mạng lại chập chờn"

    assert kinds() == [
        "reported",
        "acknowledged",
        "started",
        "step_done",
        "escalated",
        "resolved",
        "closed",
        "reopened",
    ]
    moments = [event["at"] for event in state()["events"]]
    assert moments == sorted(moments)


def test_an_event_answer_describes_the_event(leader_a):
    incident = report(leader_a, leader_a.center)

    response = post_event(api_client(leader_a), incident.pk, kind="note", text="Đã báo IT")

    body = response.json()
    assert body["kind"] == "note"
    assert body["kind_label"] == "Ghi chú"
    assert body["actor"] == "a.leader"
    assert body["payload"] == {"text": "Đã báo IT"}


def test_ticking_a_step_twice_adds_one_event(staff_a):
    incident = report(staff_a, staff_a.center)
    client = api_client(staff_a)

    post_event(client, incident.pk, kind="step_done", step=2)
    again = post_event(client, incident.pk, kind="step_done", step=2)

    assert again.status_code == 200
    assert incident.events.filter(kind="step_done").count() == 1
    assert client.get(f"{INCIDENTS}/{incident.pk}").json()["steps_done"] == [2]


def test_ticking_an_already_ticked_step_answers_with_that_steps_event(staff_a):
    incident = report(staff_a, staff_a.center)
    client = api_client(staff_a)
    post_event(client, incident.pk, kind="step_done", step=1)
    post_event(client, incident.pk, kind="step_done", step=2)

    again = post_event(client, incident.pk, kind="step_done", step=1)

    assert again.status_code == 200
    assert again.json()["payload"]["step"] == 1


def test_unticking_a_step_removes_it(staff_a):
    incident = report(staff_a, staff_a.center)
    client = api_client(staff_a)
    post_event(client, incident.pk, kind="step_done", step=1)
    post_event(client, incident.pk, kind="step_done", step=3)

    response = post_event(client, incident.pk, kind="step_undone", step=1)

    assert response.status_code == 201
    assert client.get(f"{INCIDENTS}/{incident.pk}").json()["steps_done"] == [3]


def test_unticking_a_step_that_was_never_ticked_is_refused_and_changes_nothing(staff_a):
    incident = report(staff_a, staff_a.center)

    response = post_event(api_client(staff_a), incident.pk, kind="step_undone", step=1)

    assert response.status_code == 409
    assert response.json()["errors"]["step"] == "Bước này chưa được đánh dấu."
    assert incident.events.count() == 1


def test_ack_records_the_acknowledgement_once(leader_a):
    incident = report(leader_a, leader_a.center)
    client = api_client(leader_a)
    url = f"{INCIDENTS}/{incident.pk}/ack"

    first = client.generic("POST", url)  # no body at all, as `curl -X POST` sends
    again = client.generic("POST", url)

    assert first.status_code == 201
    assert first.json()["kind"] == "acknowledged"
    assert again.status_code == 200
    assert again.json()["uuid"] == first.json()["uuid"]
    assert incident.events.filter(kind="acknowledged").count() == 1
    detail = client.get(f"{INCIDENTS}/{incident.pk}").json()
    assert detail["status"] == "acknowledged"
    assert detail["acknowledged_at"] is not None


def test_ack_replayed_with_the_same_uuid_is_recorded_once(leader_a):
    incident = report(leader_a, leader_a.center)
    client = api_client(leader_a)
    url = f"{INCIDENTS}/{incident.pk}/ack"
    body = {"uuid": str(uuid.uuid4())}

    first = post_json(client, url, body)
    again = post_json(client, url, body)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["uuid"] == body["uuid"]
    assert incident.events.filter(kind="acknowledged").count() == 1


def test_a_second_person_acking_from_their_phone_gets_the_first_acknowledgement(
    leader_a, director_a
):
    incident = report(leader_a, leader_a.center)
    first = post_json(
        api_client(leader_a), f"{INCIDENTS}/{incident.pk}/ack", {"uuid": str(uuid.uuid4())}
    )

    again = post_json(
        api_client(director_a), f"{INCIDENTS}/{incident.pk}/ack", {"uuid": str(uuid.uuid4())}
    )

    assert again.status_code == 200
    assert again.json()["uuid"] == first.json()["uuid"]
    assert incident.events.filter(kind="acknowledged").count() == 1


def test_ack_after_work_started_does_not_fail(leader_a):
    incident = report(leader_a, leader_a.center)
    client = api_client(leader_a)
    post_event(client, incident.pk, kind="started")

    response = client.generic("POST", f"{INCIDENTS}/{incident.pk}/ack")

    assert response.status_code in (200, 201), response.content
    assert client.get(f"{INCIDENTS}/{incident.pk}").json()["status"] == "in_progress"


# --- tier, years, attachments -------------------------------------------------------------


def test_the_reporter_chooses_the_tier_of_other_incidents(staff_a):
    client = api_client(staff_a)

    chosen = post_json(client, INCIDENTS, report_body(type="other", tier="complex"))
    default = post_json(client, INCIDENTS, report_body(type="other"))
    ignored = post_json(client, INCIDENTS, report_body(type="printer-paper", tier="complex"))

    assert chosen.json()["tier"] == "complex"
    assert default.json()["tier"] == "simple"
    assert ignored.json()["tier"] == "simple"


def test_numbers_start_again_at_0001_each_year(staff_a):
    last_year = timezone.localtime().year - 1
    moment = timezone.make_aware(datetime(last_year, 6, 15, 9, 30))
    old = report(staff_a, staff_a.center, now=moment)

    response = post_json(api_client(staff_a), INCIDENTS, report_body())

    assert old.number == f"BN-{last_year}-0001"
    assert response.json()["number"] == f"BN-{last_year + 1}-0001"


def test_a_photo_of_the_error_screen_is_attached_and_recorded(staff_a):
    incident = report(staff_a, staff_a.center)
    client = api_client(staff_a)

    response = client.post(
        f"{INCIDENTS}/{incident.pk}/attachments", {"files": [png_upload("loi.png")]}
    )

    assert response.status_code == 201
    [stored] = response.json()
    assert stored["content_type"] == "image/png"
    assert stored["name"] == "loi.png"
    events = client.get(f"{INCIDENTS}/{incident.pk}").json()["events"]
    assert events[-1]["kind"] == "attachment"
    assert events[-1]["payload"]["attachment"] == stored["uuid"]
    served = logged_in(staff_a).get(f"/incidents/{incident.pk}/files/{stored['uuid']}")
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == png_bytes()


def test_a_file_that_is_not_a_photo_or_video_is_refused(staff_a):
    incident = report(staff_a, staff_a.center)
    fake = SimpleUploadedFile("anh.png", b"MZ\x90\x00 not a picture", content_type="image/png")

    response = api_client(staff_a).post(f"{INCIDENTS}/{incident.pk}/attachments", {"files": [fake]})

    assert response.status_code == 400
    assert is_vietnamese(response.json()["errors"]["files"])
    assert not Attachment.objects.exists()
    assert incident.events.count() == 1


def test_attaching_without_a_file_is_refused(staff_a):
    incident = report(staff_a, staff_a.center)

    response = api_client(staff_a).post(f"{INCIDENTS}/{incident.pk}/attachments", {})

    assert response.status_code == 422
    assert response.json()["detail"] == "Dữ liệu chưa hợp lệ."
    assert incident.events.count() == 1


def test_a_missing_upload_is_reported_under_files(staff_a):
    incident = report(staff_a, staff_a.center)

    response = api_client(staff_a).post(f"{INCIDENTS}/{incident.pk}/attachments", {})

    assert "files" in response.json()["errors"]


# --- the restore time is compared at the precision people enter it -------------------------


def test_resolving_in_the_minute_the_incident_started_is_accepted(leader_a):
    minute = timezone.localtime().replace(second=0, microsecond=0)
    incident = report(leader_a, leader_a.center, started_at=minute + timedelta(seconds=1))

    response = logged_in(leader_a).post(
        f"/incidents/{incident.pk}/resolve/",
        {
            "root_cause": "Hết giấy",
            "restored_at": minute.strftime("%Y-%m-%dT%H:%M"),
            "citizens_affected": 0,
            "dossiers_delayed": 0,
        },
    )

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == "resolved"
