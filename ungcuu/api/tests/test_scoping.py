"""Nobody reads or changes another center's incidents, through any route."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from ungcuu.api.tests.helpers import INCIDENTS, png_upload, post_event, post_json, report
from ungcuu.api.tests.helpers import report_body as body_for_report
from ungcuu.core.testing import api_client, logged_in
from ungcuu.incidents import services
from ungcuu.incidents.models import Attachment, Incident, IncidentEvent


@dataclass(frozen=True)
class Route:
    """One way to reach an incident of center A, and what its owner gets back."""

    name: str
    api: bool
    method: str
    path: str  # {id} and {file} are filled in
    owner_status: int
    changes: bool = False

    def call(self, user, incident: Incident, attachment: Attachment):
        client = api_client(user) if self.api else logged_in(user)
        url = self.path.format(id=incident.pk, file=attachment.uuid)
        if self.method == "GET":
            return client.get(url)
        return client.post(url, **self.body())

    def body(self) -> dict:
        if self.name == "api-events":
            return {"data": {"kind": "note", "text": "Ghi chú"}, "content_type": "application/json"}
        if self.name == "api-ack":
            return {"data": {}, "content_type": "application/json"}
        if self.name in ("api-attachments", "page-files"):
            return {"data": {"files": [png_upload()]}}
        if self.name == "page-resolve-post":
            return {
                "data": {
                    "root_cause": "Hết giấy",
                    "restored_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                    "citizens_affected": 2,
                    "dossiers_delayed": 0,
                }
            }
        if self.name == "page-note":
            return {"data": {"text": "Ghi chú"}}
        return {}


ROUTES = [
    Route("api-detail", True, "GET", INCIDENTS + "/{id}", 200),
    Route("api-events", True, "POST", INCIDENTS + "/{id}/events", 201, changes=True),
    Route("api-ack", True, "POST", INCIDENTS + "/{id}/ack", 201, changes=True),
    Route("api-attachments", True, "POST", INCIDENTS + "/{id}/attachments", 201, changes=True),
    Route("page-detail", False, "GET", "/incidents/{id}/", 200),
    Route("page-resolve-get", False, "GET", "/incidents/{id}/resolve/", 200),
    Route("page-resolve-post", False, "POST", "/incidents/{id}/resolve/", 302, changes=True),
    Route("page-files", False, "POST", "/incidents/{id}/files/", 302, changes=True),
    Route("page-file", False, "GET", "/incidents/{id}/files/{file}", 200),
    Route("page-note", False, "POST", "/incidents/{id}/note/", 302, changes=True),
]


@pytest.fixture
def incident_a(staff_a):
    started = timezone.now() - timezone.timedelta(hours=1)
    return report(staff_a, staff_a.center, started_at=started)


@pytest.fixture
def attachment_a(staff_a, incident_a):
    [attachment] = services.attachment_add(actor=staff_a, incident=incident_a, files=[png_upload()])
    return attachment


def _footprint(incident: Incident):
    incident.refresh_from_db()
    return (
        IncidentEvent.objects.count(),
        Attachment.objects.count(),
        incident.status,
        incident.acknowledged_at,
        incident.root_cause,
    )


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_the_incidents_own_center_reaches_every_route(leader_a, incident_a, attachment_a, route):
    before = _footprint(incident_a)

    response = route.call(leader_a, incident_a, attachment_a)

    assert response.status_code == route.owner_status, response.content[:300]
    assert (_footprint(incident_a) != before) == route.changes


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
@pytest.mark.parametrize("outsider", ["staff_b", "staff_c", "vendor_user"])
def test_another_centers_incident_answers_404_on_every_route(
    request, incident_a, attachment_a, route, outsider
):
    user = request.getfixturevalue(outsider)
    before = _footprint(incident_a)

    response = route.call(user, incident_a, attachment_a)

    assert response.status_code == 404
    assert _footprint(incident_a) == before
    assert incident_a.number.encode() not in response.content


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_the_province_gets_404_on_every_route_for_another_provinces_incident(
    province_user, staff_c, route
):
    incident_c = report(staff_c, staff_c.center)
    [attachment_c] = services.attachment_add(
        actor=staff_c, incident=incident_c, files=[png_upload()]
    )
    before = _footprint(incident_c)

    response = route.call(province_user, incident_c, attachment_c)

    assert response.status_code == 404
    assert _footprint(incident_c) == before


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.api and r.method == "GET"], ids=lambda r: r.name
)
def test_an_outsider_cannot_tell_a_hidden_incident_from_a_missing_one(
    staff_b, incident_a, attachment_a, route
):
    hidden = route.call(staff_b, incident_a, attachment_a)
    missing = api_client(staff_b).get(route.path.format(id=987654, file=attachment_a.uuid))

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_an_attachment_of_another_incident_is_not_served_under_mine(staff_a, staff_b, attachment_a):
    mine = report(staff_b, staff_b.center)

    response = logged_in(staff_b).get(f"/incidents/{mine.pk}/files/{attachment_a.uuid}")

    assert response.status_code == 404


# --- lists -------------------------------------------------------------------------


@pytest.fixture
def three_centers(staff_a, staff_b, staff_c):
    """One incident at each center: A and B in Nghệ An, C in Thái Nguyên."""
    return {
        "a": report(staff_a, staff_a.center),
        "b": report(staff_b, staff_b.center),
        "c": report(staff_c, staff_c.center),
    }


def _api_numbers(user, query: str = "") -> set[str]:
    response = api_client(user).get(f"{INCIDENTS}{query}")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(body["items"])
    return {item["number"] for item in body["items"]}


def _export_numbers(user) -> set[str]:
    response = logged_in(user).get("/logbook/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return {row[1] for row in sheet.iter_rows(min_row=3, values_only=True) if row[1]}


def _page_numbers(user, url: str, incidents) -> set[str]:
    response = logged_in(user).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    return {incident.number for incident in incidents.values() if incident.number in page}


SCOPES = [
    ("staff_a", {"a"}),
    ("staff_b", {"b"}),
    ("staff_c", {"c"}),
    ("province_user", {"a", "b"}),
    ("admin_user", {"a", "b", "c"}),
    ("vendor_user", set()),
]


@pytest.mark.parametrize(("who", "visible"), SCOPES)
def test_the_logbook_pages_show_exactly_the_incidents_in_scope(
    request, three_centers, who, visible
):
    user = request.getfixturevalue(who)
    expected = {three_centers[key].number for key in visible}

    assert _page_numbers(user, "/logbook/", three_centers) == expected
    assert _page_numbers(user, "/", three_centers) == expected


@pytest.mark.parametrize(("who", "visible"), SCOPES)
def test_the_logbook_export_lists_exactly_the_incidents_in_scope(
    request, three_centers, who, visible
):
    user = request.getfixturevalue(who)

    assert _export_numbers(user) == {three_centers[key].number for key in visible}


@pytest.mark.parametrize(("who", "visible"), SCOPES)
def test_the_api_list_shows_exactly_the_incidents_in_scope(request, three_centers, who, visible):
    user = request.getfixturevalue(who)

    assert _api_numbers(user) == {three_centers[key].number for key in visible}


def test_filtering_the_logbook_by_another_center_shows_none_of_its_incidents(
    staff_a, three_centers
):
    mine = {three_centers["a"].number}

    assert _page_numbers(staff_a, "/logbook/?center=tanky", three_centers) <= mine
    assert _page_numbers(staff_a, "/logbook/?center=dongphuc", three_centers) <= mine
    assert _page_numbers(staff_a, "/logbook/?q=TK", three_centers) <= mine


def test_filtering_the_api_list_by_another_center_shows_nothing(staff_a, three_centers):
    assert _api_numbers(staff_a, "?center=tanky") == set()
    assert _api_numbers(staff_a, "?center=dongphuc") == set()


def test_api_list_filters_narrow_within_scope(province_user, three_centers):
    assert _api_numbers(province_user, "?center=tanky") == {three_centers["b"].number}
    assert _api_numbers(province_user, "?status=closed") == set()
    assert _api_numbers(province_user, "?type=printer-paper") == {
        three_centers["a"].number,
        three_centers["b"].number,
    }


@pytest.mark.parametrize(
    ("who", "codes"),
    [
        ("staff_a", ["bachngoc"]),
        ("leader_a", ["bachngoc"]),
        ("staff_b", ["tanky"]),
        ("staff_c", ["dongphuc"]),
        ("province_user", ["bachngoc", "tanky"]),
        ("admin_user", ["bachngoc", "dongphuc", "tanky"]),
        ("vendor_user", []),
    ],
)
def test_centers_lists_only_the_centers_the_caller_may_see(
    request, center_a, center_b, center_c, who, codes
):
    user = request.getfixturevalue(who)

    response = api_client(user).get("/api/v1/centers")

    assert response.status_code == 200
    assert sorted(center["code"] for center in response.json()) == codes


def test_a_center_is_described_with_its_official_ward(staff_a):
    [center] = api_client(staff_a).get("/api/v1/centers").json()

    assert center["code"] == "bachngoc"
    assert center["prefix"] == "BN"
    assert center["ward_code"] == 17623
    assert center["name"].startswith("Trung tâm Phục vụ hành chính công")


# --- the province --------------------------------------------------------------------


def test_the_province_reads_both_of_its_centers_but_not_another_provinces(
    province_user, three_centers
):
    client = api_client(province_user)

    assert client.get(f"{INCIDENTS}/{three_centers['a'].pk}").status_code == 200
    assert client.get(f"{INCIDENTS}/{three_centers['b'].pk}").status_code == 200
    assert client.get(f"{INCIDENTS}/{three_centers['c'].pk}").status_code == 404
    assert logged_in(province_user).get(f"/incidents/{three_centers['c'].pk}/").status_code == 404


def test_the_province_may_report_for_one_of_its_centers_by_code(province_user, center_b):
    response = post_json(api_client(province_user), INCIDENTS, body_for_report(center="tanky"))

    assert response.status_code == 201
    assert response.json()["center"] == "tanky"
    assert response.json()["number"].startswith("TK-")


def test_the_province_may_not_report_for_another_provinces_center(province_user, center_c):
    response = post_json(api_client(province_user), INCIDENTS, body_for_report(center="dongphuc"))

    assert response.status_code == 400
    assert "center" in response.json()["errors"]
    assert Incident.objects.count() == 0


def test_the_province_must_say_which_center_it_reports_for(province_user):
    response = post_json(api_client(province_user), INCIDENTS, body_for_report())

    assert response.status_code == 400
    assert "center" in response.json()["errors"]


# --- reporting for a center out of scope -------------------------------------------------


@pytest.mark.parametrize(
    ("who", "center"),
    [("staff_a", "tanky"), ("staff_a", "dongphuc"), ("staff_b", "bachngoc")],
)
def test_reporting_for_a_center_out_of_scope_is_refused_on_center(
    request, center_a, center_b, center_c, who, center
):
    user = request.getfixturevalue(who)

    response = post_json(api_client(user), INCIDENTS, body_for_report(center=center))

    assert response.status_code == 400
    assert response.json()["errors"]["center"]
    assert Incident.objects.count() == 0


def test_a_staff_member_may_name_their_own_center(staff_a):
    response = post_json(api_client(staff_a), INCIDENTS, body_for_report(center="bachngoc"))

    assert response.status_code == 201
    assert response.json()["center"] == "bachngoc"


def test_admin_may_report_for_any_center_by_code(admin_user, center_c):
    response = post_json(api_client(admin_user), INCIDENTS, body_for_report(center="dongphuc"))

    assert response.status_code == 201
    assert response.json()["number"].startswith("DP-")


# --- vendors: only what was escalated to them ---------------------------------------------


def test_a_vendor_sees_an_incident_only_once_escalated_to_it(staff_a, leader_a, vendor_user, vnpt):
    escalated = report(staff_a, staff_a.center, code="internet")
    other = report(staff_a, staff_a.center, code="internet")
    vendor = api_client(vendor_user)

    assert vendor.get(f"{INCIDENTS}/{escalated.pk}").status_code == 404
    assert vendor.get("/api/v1/centers").json() == []
    assert logged_in(vendor_user).get(f"/incidents/{escalated.pk}/").status_code == 404

    response = post_event(
        api_client(leader_a), escalated.pk, kind="escalated", organisations=[vnpt.id]
    )
    assert response.status_code == 201

    assert vendor.get(f"{INCIDENTS}/{escalated.pk}").status_code == 200
    incidents = {"escalated": escalated, "other": other}
    assert _page_numbers(vendor_user, "/logbook/", incidents) == {escalated.number}
    assert [c["code"] for c in vendor.get("/api/v1/centers").json()] == ["bachngoc"]
    assert vendor.get(f"{INCIDENTS}/{other.pk}").status_code == 404
    assert logged_in(vendor_user).get(f"/incidents/{escalated.pk}/").status_code == 200
    assert logged_in(vendor_user).get(f"/incidents/{other.pk}/").status_code == 404


def test_a_vendor_may_add_a_note_to_what_was_escalated_to_it_and_nothing_else(
    staff_a, leader_a, vendor_user, vnpt
):
    escalated = report(staff_a, staff_a.center, code="internet")
    other = report(staff_a, staff_a.center, code="internet")
    post_event(api_client(leader_a), escalated.pk, kind="escalated", organisations=[vnpt.id])
    vendor = api_client(vendor_user)

    noted = post_event(vendor, escalated.pk, kind="note", text="VNPT đã cử kỹ thuật viên")
    refused = post_event(vendor, other.pk, kind="note", text="không được ghi")

    assert noted.status_code == 201
    assert noted.json()["actor"] == "vnpt.vendor"
    assert refused.status_code == 404
    assert not other.events.filter(kind="note").exists()


def test_an_incident_escalated_to_another_organisation_stays_hidden_from_the_vendor(
    staff_a, leader_a, vendor_user
):
    from ungcuu.org.models import Organisation, OrganisationKind

    power = Organisation.objects.create(name="Điện lực Nghệ An", kind=OrganisationKind.ELECTRICITY)
    incident = report(staff_a, staff_a.center, code="power")
    post_event(api_client(leader_a), incident.pk, kind="escalated", organisations=[power.id])

    assert api_client(vendor_user).get(f"{INCIDENTS}/{incident.pk}").status_code == 404


def test_the_api_list_shows_a_vendor_only_what_was_escalated_to_it(
    staff_a, leader_a, vendor_user, vnpt
):
    escalated = report(staff_a, staff_a.center, code="internet")
    report(staff_a, staff_a.center, code="internet")
    post_event(api_client(leader_a), escalated.pk, kind="escalated", organisations=[vnpt.id])

    assert _api_numbers(vendor_user) == {escalated.number}


# --- admin ------------------------------------------------------------------------------


def test_admin_reads_every_centers_incident(admin_user, three_centers):
    client = api_client(admin_user)

    for incident in three_centers.values():
        assert client.get(f"{INCIDENTS}/{incident.pk}").status_code == 200


def test_a_deactivated_users_session_sees_nothing(staff_a, three_centers):
    client = Client()
    client.force_login(staff_a)
    staff_a.is_active = False
    staff_a.save()

    response = client.get(f"{INCIDENTS}/{three_centers['a'].pk}")

    assert response.status_code == 401
