"""The paper intake contract: create (idempotent), the pending list, re-entry; scoping."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from ungcuu.continuity.models import IntakeSequence, PaperIntake
from ungcuu.continuity.tests.conftest import intake_body
from ungcuu.core.testing import api_client

pytestmark = pytest.mark.django_db


def post(client, body):
    return client.post("/api/v1/paper-intakes", body, content_type="application/json")


def _post_together(monkeypatch, requests):
    """Post each (client, body) from its own thread; the requests meet inside the
    service, before either writes. Returns the answers (status, JSON) and the errors."""
    import threading

    from django.db import connections

    from ungcuu.continuity import services

    meet = threading.Barrier(len(requests))
    real_require_writer = services.require_writer

    def together(*args, **kwargs):
        try:
            meet.wait(timeout=5)
        except threading.BrokenBarrierError:
            pass
        return real_require_writer(*args, **kwargs)

    monkeypatch.setattr(services, "require_writer", together)
    answers, errors = [], []

    def send(client, body):
        try:
            response = post(client, body)
            answers.append((response.status_code, response.json()))
        except Exception as exc:  # noqa: BLE001 - the test reports what went wrong
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers, errors


def test_create_gives_a_temporary_receipt_number_and_the_return_date(staff_a):
    client = api_client(staff_a)
    year = timezone.localdate().year

    first = post(client, intake_body(staff_a.center))
    second = post(client, intake_body(staff_a.center, citizen_name="Trần Thị Bình"))

    assert first.status_code == 201, first.content
    assert first.json()["receipt_number"] == f"BN-TAM-{year}-000001"
    assert second.json()["receipt_number"] == f"BN-TAM-{year}-000002"
    assert first.json()["expected_return_date"] > timezone.localdate().isoformat()
    assert first.json()["line"] == 1 and first.json()["book"] == str(year)


@pytest.mark.parametrize("counter", ["deleted", "behind"])
def test_a_receipt_counter_behind_its_receipts_catches_up_and_the_dossier_is_kept(staff_a, counter):
    """The center's receipt counter was deleted, or restored from an older copy: the
    next number is already on a receipt. The dossier is recorded all the same, on the
    next free number, and the counter is right again for the one after."""
    client = api_client(staff_a)
    year = timezone.localdate().year
    for name in ("Nguyễn Văn An", "Trần Thị Bình"):
        assert post(client, intake_body(staff_a.center, citizen_name=name)).status_code == 201
    sequence = IntakeSequence.objects.filter(center=staff_a.center, year=year)
    if counter == "deleted":
        sequence.delete()
    else:
        sequence.update(last=1)

    kept = post(client, intake_body(staff_a.center, citizen_name="Lê Thị Cúc"))
    after = post(client, intake_body(staff_a.center, citizen_name="Phạm Văn Dũng"))

    assert kept.status_code == 201, kept.content
    assert kept.json()["receipt_number"] == f"BN-TAM-{year}-000003"
    assert after.json()["receipt_number"] == f"BN-TAM-{year}-000004"
    assert PaperIntake.objects.get(receipt_number=f"BN-TAM-{year}-000003").citizen_name == (
        "Lê Thị Cúc"
    )
    assert PaperIntake.objects.filter(center=staff_a.center).count() == 4
    assert sequence.get().last == 4


def test_a_replay_returns_the_same_record_and_creates_nothing(staff_a):
    client = api_client(staff_a)
    body = intake_body(staff_a.center)

    first = post(client, body)
    again = post(client, body)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert PaperIntake.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"citizen_id": "04019000123"}, "citizen_id", "12 chữ số"),
        ({"citizen_id": "04019000123A"}, "citizen_id", "12 chữ số"),
        ({"citizen_name": "  "}, "citizen_name", "họ và tên"),
        ({"procedure": ""}, "procedure", "tên thủ tục"),
        ({"processing_days": ""}, "processing_days", "thời hạn giải quyết"),
        ({"processing_days": "-1"}, "processing_days", "từ 0"),
        ({"received_at": "2099-01-01T08:00:00+07:00"}, "received_at", "tương lai"),
        ({"received_at": "hôm qua"}, "received_at", "không hợp lệ"),
        ({"phone": "gọi tôi"}, "phone", "điện thoại"),
    ],
)
def test_bad_input_gets_a_vietnamese_message_and_changes_nothing(staff_a, change, field, words):
    response = post(api_client(staff_a), intake_body(staff_a.center, **change))

    assert response.status_code == 400, response.content
    detail = response.json()
    assert words in detail["errors"][field].lower() or words in detail["errors"][field]
    assert PaperIntake.objects.count() == 0


def test_all_mistakes_are_named_at_once(staff_a):
    body = intake_body(staff_a.center, citizen_name="", citizen_id="1", procedure="")

    response = post(api_client(staff_a), body)

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"citizen_name", "citizen_id", "procedure"}


def test_a_dossier_of_an_incident_belongs_to_it_and_a_drill_stays_a_drill(staff_a, outage):
    outage.is_drill = True
    outage.save()
    response = post(api_client(staff_a), intake_body(staff_a.center, incident=outage.pk))

    assert response.status_code == 201
    assert response.json()["incident"] == outage.pk
    assert response.json()["is_drill"] is True


def test_another_centers_incident_or_center_is_refused(staff_a, staff_b, outage):
    refused = post(api_client(staff_b), intake_body(staff_b.center, incident=outage.pk))
    elsewhere = post(api_client(staff_b), intake_body(staff_a.center))

    assert refused.status_code == 400 and "incident" in refused.json()["errors"]
    assert elsewhere.status_code == 400 and "center" in elsewhere.json()["errors"]
    assert PaperIntake.objects.count() == 0


def test_pending_list_and_reentry_with_a_soft_check_of_the_code(staff_a):
    client = api_client(staff_a)
    one = post(client, intake_body(staff_a.center)).json()
    two = post(client, intake_body(staff_a.center)).json()

    good = client.post(
        f"/api/v1/paper-intakes/{one['id']}/reentry",
        {"dossier_code": "000.00.04.H40-261123-0002"},
        content_type="application/json",
    )
    odd = client.post(
        f"/api/v1/paper-intakes/{two['id']}/reentry",
        {"dossier_code": "HS-123"},
        content_type="application/json",
    )
    pending = client.get("/api/v1/paper-intakes?pending_reentry=true").json()

    assert good.status_code == 200 and good.json()["warning"] == ""
    assert good.json()["received_at"] == one["received_at"]  # the real time of receipt stays
    assert odd.status_code == 200 and "không đúng dạng" in odd.json()["warning"]
    assert odd.json()["dossier_code"] == "HS-123"
    assert pending["count"] == 0


def test_reentry_replays_quietly_but_a_different_code_is_a_conflict(staff_a):
    client = api_client(staff_a)
    made = post(client, intake_body(staff_a.center)).json()
    url = f"/api/v1/paper-intakes/{made['id']}/reentry"

    first = client.post(url, {"dossier_code": "000.00.04.H40-261123-0002"}, "application/json")
    same = client.post(url, {"dossier_code": "000.00.04.H40-261123-0002"}, "application/json")
    other = client.post(url, {"dossier_code": "000.00.04.H40-261123-0009"}, "application/json")
    empty = client.post(
        f"/api/v1/paper-intakes/{made['id']}/reentry", {"dossier_code": ""}, "application/json"
    )

    assert (first.status_code, same.status_code, other.status_code) == (200, 200, 409)
    assert empty.status_code in (400, 409)
    assert PaperIntake.objects.get().dossier_code == "000.00.04.H40-261123-0002"


def test_every_route_is_scoped_to_the_callers_centers(staff_a, staff_b, province_user, staff_c):
    made = post(api_client(staff_a), intake_body(staff_a.center)).json()
    url = f"/api/v1/paper-intakes/{made['id']}"

    assert api_client(staff_b).get(url).status_code == 404
    assert api_client(staff_c).get("/api/v1/paper-intakes").json()["count"] == 0
    reentry = api_client(staff_b).post(
        url + "/reentry", {"dossier_code": "000.00.04.H40-261123-0002"}, "application/json"
    )
    assert reentry.status_code == 404
    assert api_client(province_user).get(url).status_code == 200
    assert api_client(staff_a).get(url).json()["citizen_name"] == "Nguyễn Văn An"


def test_anonymous_callers_get_401(staff_a):
    from django.test import Client

    assert Client().get("/api/v1/paper-intakes").status_code == 401
    assert (
        Client()
        .post(
            "/api/v1/paper-intakes",
            intake_body(staff_a.center, client_uuid=str(uuid.uuid4())),
            content_type="application/json",
        )
        .status_code
        == 401
    )


def test_a_form_posted_as_text_by_the_offline_queue_is_accepted(staff_a):
    """What an offline form holds: every value a string, checkboxes as "on"."""
    local = timezone.localtime() - timedelta(minutes=30)
    body = intake_body(
        staff_a.center,
        processing_days="5",
        copies="2",
        received_at=local.strftime("%Y-%m-%dT%H:%M"),
        needs_db_check="on",
        documents=["Tờ khai / đơn theo mẫu", "Bản sao Căn cước công dân"],
        incident="",
    )

    response = post(api_client(staff_a), body)

    assert response.status_code == 201, response.content
    saved = PaperIntake.objects.get()
    assert saved.copies == 2 and saved.needs_db_check and len(saved.documents) == 2
    assert timezone.localtime(saved.received_at).strftime("%H:%M") == local.strftime("%H:%M")


def test_an_incident_id_that_is_not_a_plain_number_is_refused(staff_a):
    response = post(api_client(staff_a), intake_body(staff_a.center, incident="²"))

    assert response.status_code == 400 and "incident" in response.json()["errors"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_record_posted_twice_at_once_is_stored_once_and_both_are_answered_with_it(
    staff_a, monkeypatch
):
    """A tab reloaded while sending a record: the server still takes that request, and
    another tab sends the same record at the same moment. Both must be told it is stored
    (the offline queue then deletes it), with one row and no receipt number used up."""
    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("each request needs its own connection: PostgreSQL, or SQLite in a file")
    body = intake_body(staff_a.center)
    clients = [api_client(staff_a), api_client(staff_a)]
    # Both requests look for the record before either writes it: the second one learns of
    # the first from the unique client_uuid.
    answers, errors = _post_together(monkeypatch, [(client, body) for client in clients])

    assert errors == []
    assert sorted(code for code, _ in answers) == [200, 201], answers
    assert answers[0][1]["id"] == answers[1][1]["id"]
    assert PaperIntake.objects.count() == 1
    monkeypatch.undo()
    following = post(clients[0], intake_body(staff_a.center, citizen_name="Trần Thị Bình"))
    assert following.status_code == 201, following.content
    assert following.json()["line"] == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_dossiers_at_once_on_a_counter_behind_its_receipts_are_both_kept(staff_a, monkeypatch):
    """Two desks record a dossier at the same moment, right after the receipt counter
    was restored from an older copy: both collide with receipts already given, both
    bring the counter up, and both dossiers are stored, on two new numbers."""
    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("each request needs its own connection: PostgreSQL, or SQLite in a file")
    year = timezone.localdate().year
    first = post(api_client(staff_a), intake_body(staff_a.center, citizen_name="Nguyễn Văn An"))
    assert first.status_code == 201
    second = post(api_client(staff_a), intake_body(staff_a.center, citizen_name="Trần Thị Bình"))
    assert second.status_code == 201
    IntakeSequence.objects.filter(center=staff_a.center, year=year).update(last=0)
    names = ["Lê Thị Cúc", "Phạm Văn Dũng"]
    answers, errors = _post_together(
        monkeypatch,
        [(api_client(staff_a), intake_body(staff_a.center, citizen_name=n)) for n in names],
    )

    assert errors == []
    assert [code for code, _ in answers] == [201, 201], answers
    assert sorted(body["receipt_number"] for _, body in answers) == [
        f"BN-TAM-{year}-000003",
        f"BN-TAM-{year}-000004",
    ]
    assert sorted(PaperIntake.objects.values_list("citizen_name", flat=True)) == sorted(
        ["Nguyễn Văn An", "Trần Thị Bình", *names]
    )
