"""A center with its own node learns that the province folded its incident into a major
incident: the hub notes it on the incident's timeline, and that event travels down."""

from __future__ import annotations

import gzip
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ungcuu.core.testing import logged_in, make_user
from ungcuu.incidents.models import EventKind, Incident, IncidentEvent, MajorIncident
from ungcuu.incidents.services import incident_report
from ungcuu.incidents.services.timeline import incident_note_major
from ungcuu.org.models import Role
from ungcuu.org.services import center_create
from ungcuu.sync import hub, records
from ungcuu.sync.models import Change
from ungcuu.sync.outbox import forget_noded


@pytest.fixture
def nghean(center_a, center_b):
    """Four centers of Nghệ An, each with a staff member."""
    more = [
        center_create(ward_code=17329, code="anhson", prefix="AS"),
        center_create(ward_code=17380, code="yenxuan", prefix="YX"),
    ]
    return [
        (center, make_user(f"{center.code}.nv", Role.STAFF, center=center))
        for center in (center_a, center_b, *more)
    ]


def with_node(center) -> str:
    _node, key = hub.node_add(center)
    forget_noded()
    return key


def report(center, person, incident_type, **kwargs) -> Incident:
    return incident_report(
        actor=person, center=center, incident_type=incident_type, **kwargs
    ).incident


def major_notes(incident: Incident):
    return IncidentEvent.objects.filter(
        incident=incident, kind=EventKind.NOTE, payload__has_key="major"
    )


def test_the_noded_centers_incident_is_told_when_a_major_incident_opens_and_when_one_joins(
    nghean, internet
):
    (a, sa), (b, sb), (c, sc), (d, sd) = nghean
    with_node(a)
    with_node(d)
    first = report(a, sa, internet)
    second = report(b, sb, internet)
    assert not major_notes(first).exists()  # two centers: no major incident yet

    third = report(c, sc, internet)

    major = MajorIncident.objects.get()
    note = major_notes(first).get()
    assert note.payload["major"] == {
        "number": major.number,
        "scope": "province",
        "type": internet.name,
    }
    assert major.number in note.payload["text"] and "Tỉnh theo dõi chung" in note.payload["text"]
    assert Change.objects.filter(center=a, kind="event", key=note.uuid).exists()
    # Centers without a node read the major incident at the hub itself: nothing added.
    assert not major_notes(second).exists() and not major_notes(third).exists()
    assert not Change.objects.filter(center__in=[b, c]).exists()

    fourth = report(d, sd, internet)  # joins the open major incident
    joined = major_notes(fourth).get()
    assert joined.payload["major"]["number"] == major.number
    assert Change.objects.filter(center=d, kind="event", key=joined.uuid).exists()

    # Asked again, the same note is not written twice.
    incident_note_major(incident=first, major=major)
    assert major_notes(first).count() == 1


def test_without_any_node_a_major_incident_adds_no_event_nor_statement(nghean, internet):
    (a, sa), (b, sb), (c, sc), (d, sd) = nghean
    for center, person in nghean[:3]:
        report(center, person, internet)
    assert MajorIncident.objects.count() == 1

    with CaptureQueriesContext(connection) as joining:
        fourth = report(d, sd, internet)

    assert fourth.major_incident_id is not None
    assert not IncidentEvent.objects.filter(kind=EventKind.NOTE).exists()
    assert not Change.objects.exists()
    assert not any("sync_node" in q["sql"] for q in joining.captured_queries)


def test_an_incident_pushed_by_the_node_that_opens_a_major_incident_gets_the_note_back(
    nghean, internet
):
    (a, sa), (b, sb), (c, sc), _d = nghean
    # Written at the node of center A: the hub sees it for the first time in the batch.
    made = report(a, sa, internet)
    batch = [{"kind": "incident", "data": records.dump_incident(made)}]
    batch += [{"kind": "event", "data": records.dump_event(e)} for e in made.events.all()]
    made.events.all().delete()
    made.delete()
    report(b, sb, internet)
    report(c, sc, internet)
    assert not MajorIncident.objects.exists()
    key = with_node(a)

    assert call(key, "push", {"through": 1, "records": batch})[0] == 200

    incident = Incident.objects.get(client_uuid=batch[0]["data"]["uuid"])
    major = MajorIncident.objects.get()
    assert incident.major_incident == major
    note = major_notes(incident).get()
    status, body = call(key, "pull", {})
    assert status == 200
    pulled = [r["data"] for r in body["records"] if r["kind"] == "event"]
    assert [e["payload"]["major"]["number"] for e in pulled if e["uuid"] == str(note.uuid)] == [
        major.number
    ]


def test_the_incident_page_at_the_node_says_which_major_incident_it_belongs_to(nghean, internet):
    (a, sa), (b, sb), (c, sc), _d = nghean
    with_node(a)
    incidents = [report(center, person, internet) for center, person in nghean[:3]]
    major = MajorIncident.objects.get()
    url = reverse("incidents:detail", args=[incidents[0].pk])
    at_hub = logged_in(sa).get(url).content.decode()
    assert reverse("incidents:major", args=[major.pk]) in at_hub

    # As the node holds it: the row names no major incident, the timeline has the note.
    Incident.objects.filter(pk=incidents[0].pk).update(major_incident=None)
    page = logged_in(sa).get(url).content.decode()

    assert f'Thuộc sự cố diện rộng <strong class="nowrap">{major.number}</strong>' in page
    assert "phạm vi tỉnh" in page and "Tỉnh theo dõi chung" in page
    assert reverse("incidents:major", args=[major.pk]) not in page  # no such page at the node


def test_an_incident_in_no_major_incident_shows_no_such_line(center_a, staff_a, internet):
    with_node(center_a)
    incident = report(center_a, staff_a, internet)
    page = logged_in(staff_a).get(reverse("incidents:detail", args=[incident.pk]))
    assert page.status_code == 200
    assert "Thuộc sự cố diện rộng" not in page.content.decode()


def call(key: str, path: str, body: dict):
    client = Client(HTTP_AUTHORIZATION=f"Node {key}")
    response = client.post(
        f"/api/v1/sync/{path}",
        data=gzip.compress(json.dumps(body).encode()),
        content_type="application/json",
        HTTP_CONTENT_ENCODING="gzip",
    )
    content = response.content
    if response.get("Content-Encoding") == "gzip":
        content = gzip.decompress(content)
    return response.status_code, json.loads(content)
