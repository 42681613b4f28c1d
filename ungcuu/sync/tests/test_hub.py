"""The hub's side of a center's node, through the real endpoints and services: keys,
batches pushed and replayed, the merged timeline, pulls, silence, who is told."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ungcuu.continuity.models import PaperIntake
from ungcuu.core.testing import api_client, logged_in, make_user
from ungcuu.incidents import services
from ungcuu.incidents.models import EventKind, Incident, IncidentEvent, Source, Status
from ungcuu.notify.models import Channel, Delivery
from ungcuu.org.models import Role
from ungcuu.sync import conf, hub, records
from ungcuu.sync.models import Change, Node


def add_node(center) -> str:
    out = StringIO()
    call_command("node", "add", center.code, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def call(key: str, path: str, body: dict | None = None, *, raw: bytes | None = None):
    client = Client(HTTP_AUTHORIZATION=f"Node {key}")
    url = f"/api/v1/sync/{path}"
    if body is None and raw is None:
        response = client.get(url)
    else:
        data = raw if raw is not None else gzip.compress(json.dumps(body).encode())
        response = client.post(
            url, data=data, content_type="application/json", HTTP_CONTENT_ENCODING="gzip"
        )
    content = response.content
    if response.get("Content-Encoding") == "gzip":
        content = gzip.decompress(content)
    return response.status_code, json.loads(content)


def written_at_node(actor, incident_type, center=None, **kwargs) -> list[dict]:
    """Records as the other side would send them: an incident written here, dumped, then
    removed (so this side sees it for the first time through the batch)."""
    incident = services.incident_report(
        actor=actor, center=center or actor.center, incident_type=incident_type, **kwargs
    ).incident
    batch = [{"kind": "incident", "data": records.dump_incident(incident)}]
    batch += [
        {"kind": "event", "data": records.dump_event(e)}
        for e in incident.events.order_by("hlc", "uuid")
    ]
    Delivery.objects.filter(incident=incident).delete()
    incident.events.all().delete()
    incident.delete()
    Change.objects.all().delete()
    return batch


def test_node_add_prints_the_key_once_and_keeps_only_its_digest(center_a):
    key = add_node(center_a)
    node = Node.objects.get(center=center_a)
    assert key.startswith("bachngoc.") and len(key) > 40
    assert key not in node.key_digest and node.key_digest == hub._digest(key)
    out = StringIO()
    call_command("node", "list", stdout=out)
    assert "bachngoc" in out.getvalue() and "chưa liên lạc" in out.getvalue()


def test_a_wrong_or_revoked_key_is_refused_in_vietnamese(center_a):
    key = add_node(center_a)
    status, body = call(key + "x", "pull", {})
    assert status == 401 and "không đúng" in body["detail"]
    assert call(key, "pull", {})[0] == 200
    call_command("node", "revoke", center_a.code, stdout=StringIO())
    assert call(key, "pull", {})[0] == 401


@pytest.mark.parametrize(
    "raw",
    [b"not gzip", gzip.compress(b"{bad json"), gzip.compress(b'{"a": "\\u0000"}' + b"\x00")],
)
def test_a_broken_body_is_a_400_and_changes_nothing(center_a, raw):
    key = add_node(center_a)
    before = Incident.objects.count()
    status, body = call(key, "push", raw=raw)
    assert status == 400 and body["detail"]
    assert Incident.objects.count() == before


def test_a_pushed_batch_arrives_once_however_often_it_is_sent(center_a, staff_a, printer_paper):
    batch = written_at_node(staff_a, printer_paper, description="Hết giấy")
    key = add_node(center_a)
    for _ in range(3):  # the link dropped before the answer: the node sends it again
        status, body = call(key, "push", {"through": 7, "records": batch, "backlog": 0})
        assert status == 200 and body["through"] == 7
    incident = Incident.objects.get(client_uuid=batch[0]["data"]["uuid"])
    assert incident.number == batch[0]["data"]["number"]
    assert incident.synced_from == "node" and incident.status == Status.REPORTED
    assert incident.events.count() == 1
    assert Node.objects.get(center=center_a).last_seen_at is not None


def test_a_node_cannot_write_for_another_center(center_a, center_b, staff_b, printer_paper):
    batch = written_at_node(staff_b, printer_paper, description="Ở Tân Kỳ")
    key = add_node(center_a)
    status, body = call(key, "push", {"through": 1, "records": batch})
    assert status == 403 and body["detail"]
    assert not Incident.objects.filter(client_uuid=batch[0]["data"]["uuid"]).exists()


def test_acknowledged_at_the_hub_while_resolved_at_the_node_ends_resolved_and_says_so(
    center_a, staff_a, leader_a, province_user, printer_paper
):
    """During a cut the center resolves at its node; the province acknowledges at the
    hub a minute later. Merged, the acknowledgement came after the resolution: it stays
    in the log but changes nothing, on both sides alike, and the page says why."""
    key = add_node(center_a)
    start = timezone.now() - timedelta(minutes=10)
    first = written_at_node(staff_a, printer_paper, description="Kẹt giấy", now=start)
    assert call(key, "push", {"through": 1, "records": first})[0] == 200
    incident = Incident.objects.get(client_uuid=first[0]["data"]["uuid"])
    # The node, cut off, resolves (its event written there at start + 2 min).
    resolved = {
        "uuid": "7d0c2b3e-1111-4c4c-9a9a-000000000001",
        "incident": str(incident.client_uuid),
        "kind": EventKind.RESOLVED,
        "actor_id": leader_a.pk,
        "actor_name": leader_a.display_name,
        "at": (start + timedelta(minutes=2)).isoformat(),
        "hlc": records_hlc(start + timedelta(minutes=2)),
        "payload": {
            "root_cause": "Hết giấy",
            "resolution": "Thay giấy",
            "restored_at": (start + timedelta(minutes=2)).isoformat(),
            "citizens_affected": 0,
            "dossiers_delayed": 0,
        },
    }
    # The hub, not knowing, acknowledges at start + 3 min.
    services.incident_acknowledge(
        actor=province_user, incident=incident, now=start + timedelta(minutes=3)
    )
    assert (
        call(key, "push", {"through": 2, "records": [{"kind": "event", "data": resolved}]})[0]
        == 200
    )
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED and incident.root_cause == "Hết giấy"
    kinds = list(incident.events.order_by("hlc", "uuid").values_list("kind", flat=True))
    assert kinds == [EventKind.REPORTED, EventKind.RESOLVED, EventKind.ACKNOWLEDGED]
    page = logged_in(province_user).get(f"/incidents/{incident.pk}/").content.decode()
    assert "Không làm đổi trạng thái" in page and "ghi tại máy của Trung tâm" in page


def records_hlc(moment) -> int:
    from ungcuu.incidents.models import micros

    return micros(moment)


def test_an_event_written_after_another_was_seen_sorts_after_it_whatever_the_clock(
    center_a, staff_a, leader_a, printer_paper
):
    """A node whose clock is ten minutes behind still puts its answer after the hub's
    acknowledgement it had already taken."""
    incident = services.incident_report(
        actor=staff_a, center=center_a, incident_type=printer_paper
    ).incident
    services.incident_acknowledge(actor=leader_a, incident=incident)
    late_clock = timezone.now() - timedelta(minutes=10)
    services.incident_note(actor=leader_a, incident=incident, text="Đang xử lý", now=late_clock)
    kinds = list(incident.events.order_by("hlc", "uuid").values_list("kind", flat=True))
    assert kinds == [EventKind.REPORTED, EventKind.ACKNOWLEDGED, EventKind.NOTE]


def test_the_hub_numbers_apart_and_the_node_pulls_what_the_hub_wrote(
    center_a, province_user, printer_paper
):
    key = add_node(center_a)
    made = services.incident_report(
        actor=province_user, center=center_a, incident_type=printer_paper, description="Từ tỉnh"
    ).incident
    assert "-H" in made.number  # the node gives the plain numbers
    status, body = call(key, "pull", {})
    assert status == 200 and "reference" in body
    pulled = [r["data"]["uuid"] for r in body["records"] if r["kind"] == "incident"]
    assert str(made.client_uuid) in pulled
    # Until the node says it applied them, the same changes come again.
    status, again = call(key, "pull", {"reference_digest": body["reference_digest"]})
    assert again["changes"] == body["changes"] and "reference" not in again
    status, after = call(
        key, "pull", {"applied": body["changes"], "reference_digest": body["reference_digest"]}
    )
    assert after["records"] == [] and after["changes"] == []
    assert not Change.objects.filter(center=center_a).exists()
    status, bad = call(key, "pull", {"applied": ["1; DROP TABLE"]})
    assert status == 400 and bad["field"] == "applied"


def test_paper_intake_at_the_hub_is_refused_for_a_center_with_a_node(center_a, staff_a):
    add_node(center_a)
    response = api_client(staff_a).post(
        "/api/v1/paper-intakes",
        {
            "client_uuid": "0b5e2b8e-6c1d-4c55-9a0e-3f0a3c1d2e4f",
            "center": "bachngoc",
            "citizen_name": "Nguyễn Văn A",
            "citizen_id": "040123456789",
            "procedure": "Chứng thực bản sao",
            "processing_days": 1,
            "received_at": timezone.now().isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 409 and "máy riêng" in response.json()["detail"]
    assert not PaperIntake.objects.exists()


def test_a_silent_node_opens_an_internet_incident_and_its_call_restores_it(center_a, internet):
    key = add_node(center_a)
    assert call(key, "pull", {})[0] == 200
    later = timezone.now() + timedelta(minutes=conf.silent_minutes() + 1)
    assert hub.silence_sweep(now=later) == 1
    assert hub.silence_sweep(now=later + timedelta(minutes=1)) == 0  # once
    incident = Incident.objects.get(center=center_a, source=Source.HEARTBEAT)
    assert incident.incident_type == internet and incident.is_open and "-H" in incident.number
    assert call(key, "pull", {"backlog": 12})[0] == 200
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED
    assert "12 bản ghi" in incident.resolution


def test_nodes_are_listed_for_the_admin_and_their_own_province_only(
    center_a, center_c, admin_user, province_user, staff_a
):
    add_node(center_a)
    add_node(center_c)
    everyone = api_client(admin_user).get("/api/v1/nodes").json()
    assert {n["center"] for n in everyone} == {"bachngoc", "dongphuc"}
    mine = api_client(province_user).get("/api/v1/nodes").json()
    assert [n["center"] for n in mine] == ["bachngoc"]
    assert set(mine[0]) >= {"center", "last_seen_at", "backlog"}
    refused = api_client(staff_a).get("/api/v1/nodes")
    assert refused.status_code == 403 and refused.json()["detail"]


def test_the_node_tells_the_center_and_the_hub_tells_the_province_never_both(
    center_a, staff_a, leader_a, province_user, printer_paper, monkeypatch
):
    from ungcuu.notify.services import notify_report

    for person in (leader_a, province_user):
        Channel.objects.create(person=person, url="json://127.0.0.1:9/")
    make_user("a.it", Role.IT_OFFICER, center=center_a)
    key = add_node(center_a)
    batch = written_at_node(
        staff_a, printer_paper, description="Hết giấy", tier=None, citizens_waiting=3
    )
    assert call(key, "push", {"through": 1, "records": batch})[0] == 200
    incident = Incident.objects.get(client_uuid=batch[0]["data"]["uuid"])
    notify_report(incident.pk)
    told = set(Delivery.objects.filter(incident=incident).values_list("person_id", flat=True))
    assert leader_a.pk not in told  # the center's node told its team leader

    # At the node, the same incident tells the team leader and nobody outside.
    monkeypatch.setattr(conf, "node_config", lambda: conf.NodeConfig("http://127.0.0.1:1", "x.y"))
    own = services.incident_report(
        actor=staff_a, center=center_a, incident_type=printer_paper
    ).incident
    notify_report(own.pk)
    told_here = set(Delivery.objects.filter(incident=own).values_list("person_id", flat=True))
    assert leader_a.pk in told_here and province_user.pk not in told_here
    assert Change.objects.filter(kind="incident", key=own.client_uuid).exists()


def test_records_from_the_hub_tell_nobody_at_the_node(
    center_a, staff_a, leader_a, province_user, printer_paper, monkeypatch
):
    from ungcuu.notify.services import notify_report

    Channel.objects.create(person=leader_a, url="json://127.0.0.1:9/")
    batch = written_at_node(province_user, printer_paper, center_a, description="Tỉnh báo")
    monkeypatch.setattr(conf, "node_config", lambda: conf.NodeConfig("http://127.0.0.1:1", "x.y"))
    applied = records.apply_records(batch, origin="hub")
    incident = Incident.objects.get(pk=applied.new_incidents[0])
    assert incident.synced_from == "hub"
    notify_report(incident.pk)
    assert not Delivery.objects.filter(incident=incident).exclude(state="no_channel").exists()
    assert not Delivery.objects.filter(incident=incident, person=leader_a).exists()
    assert not Change.objects.exists()  # never sent back
    # Replayed: nothing more.
    records.apply_records(batch, origin="hub")
    assert Incident.objects.filter(client_uuid=incident.client_uuid).count() == 1
    assert IncidentEvent.objects.filter(incident=incident).count() == 1


def png_bytes() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


def test_photos_follow_the_records_checked_by_content(center_a, staff_a, printer_paper):
    import base64

    batch = written_at_node(staff_a, printer_paper, description="Màn hình lỗi")
    key = add_node(center_a)
    photo = {
        "uuid": "5f0c2b3e-2222-4c4c-9a9a-000000000002",
        "incident": batch[0]["data"]["uuid"],
        "name": "loi.png",
        "content_type": "image/png",
        "original_name": "lỗi.png",
        "uploaded_by": staff_a.pk,
        "content": base64.b64encode(png_bytes()).decode(),
    }
    fake = dict(photo, uuid="5f0c2b3e-2222-4c4c-9a9a-000000000003")
    fake["content"] = base64.b64encode(b"MZ\x90\x00 not a picture").decode()
    status, body = call(
        key, "push", {"through": 2, "records": [*batch, {"kind": "attachment", "data": fake}]}
    )
    assert status == 422 and "bị từ chối" in body["detail"]
    assert not Incident.objects.filter(client_uuid=batch[0]["data"]["uuid"]).exists()
    for _ in range(2):
        records_ = [*batch, {"kind": "attachment", "data": photo}]
        assert call(key, "push", {"through": 3, "records": records_})[0] == 200
    incident = Incident.objects.get(client_uuid=batch[0]["data"]["uuid"])
    [stored] = incident.attachments.all()
    assert stored.content_type == "image/png" and stored.file.read() == png_bytes()


def test_the_start_of_day_check_is_the_nodes_and_arrives_once(center_a, leader_a, monkeypatch):
    from ungcuu.core.errors import ServiceError
    from ungcuu.readiness.models import DailyCheck
    from ungcuu.readiness.services.checks import check_record, checklist

    key = add_node(center_a)
    items = checklist(center_a)
    with pytest.raises(ServiceError, match="máy riêng"):
        check_record(actor=leader_a, center=center_a, ok_items=[])
    # What the node sends after its own check (one item failed).
    monkeypatch.setattr(conf, "node_config", lambda: conf.NodeConfig("http://127.0.0.1:1", "x.y"))
    run = check_record(actor=leader_a, center=center_a, ok_items=[i.pk for i in items[1:]])
    batch = records.load_changes(Change.objects.filter(kind="check"))
    assert len(batch) == 1
    monkeypatch.undo()
    run.delete()
    for _ in range(2):
        assert call(key, "push", {"through": 1, "records": batch})[0] == 200
    [copy] = DailyCheck.objects.filter(center=center_a)
    assert copy.faults == 1 and copy.results.count() == len(items)
    assert copy.results.filter(ok=False).get().label == items[0].label


def test_a_node_names_only_its_own_people_and_sends_no_nul(
    center_a, staff_a, admin_user, printer_paper
):
    batch = written_at_node(staff_a, printer_paper, description="Hết giấy")
    batch[0]["data"]["reporter_id"] = admin_user.pk  # not one of the center's people
    batch[1]["data"]["actor_id"] = admin_user.pk
    key = add_node(center_a)
    raw = json.dumps(
        {"records": [dict(batch[0], data=dict(batch[0]["data"], description="a\u0000b"))]}
    )
    status, body = call(key, "push", raw=gzip.compress(raw.encode()))
    assert status == 400 and "NUL" in body["detail"]
    assert call(key, "push", {"through": 1, "records": batch})[0] == 200
    incident = Incident.objects.get(client_uuid=batch[0]["data"]["uuid"])
    assert incident.reporter != admin_user and incident.reporter.username == "ungcuu-he-thong"
    assert incident.events.get().actor is None


def test_numbers_too_big_for_the_database_are_refused_and_change_nothing(
    center_a, staff_a, printer_paper
):
    batch = written_at_node(staff_a, printer_paper, description="Hết giấy")
    batch[1]["data"]["hlc"] = 10**30
    key = add_node(center_a)
    status, body = call(key, "push", {"through": 1, "records": batch})
    assert status in (400, 422) and body["detail"]
    assert not Incident.objects.filter(client_uuid=batch[0]["data"]["uuid"]).exists()
