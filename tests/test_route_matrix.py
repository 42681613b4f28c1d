"""Every route and API operation, as every kind of outsider, on every object of one center:
refused (403/404, or the login page), nothing of that center shown, none of its rows touched.

The routes come from the URL configuration and the API's OpenAPI document (route_matrix.py):
a new route is attacked without anyone adding a line here, and a route whose parameter the
matrix cannot fill fails the test instead of being skipped.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from route_matrix import (
    PUBLIC,
    Route,
    Unfillable,
    Victim,
    api_bodies,
    changes,
    form_body,
    paths,
    readable,
    routes,
    snapshot,
    victim_uuids,
)

from ungcuu.api.api import api
from ungcuu.api.tests.helpers import png_upload
from ungcuu.catalog.models import IncidentType
from ungcuu.continuity import services as continuity
from ungcuu.continuity.sample_forms import sample_form_add
from ungcuu.core.testing import make_user
from ungcuu.incidents import services as incidents
from ungcuu.incidents.models import Incident, MajorIncident
from ungcuu.knowledge.models import Guide
from ungcuu.knowledge.services import guide_media_add, guide_note_save
from ungcuu.notify.services import policy_update
from ungcuu.org.models import CENTER_ROLES, Organisation, OrganisationKind, Role
from ungcuu.org.services import center_create, duty_set, token_issue
from ungcuu.readiness import services as readiness
from ungcuu.readiness.models import MovementKind
from ungcuu.reports import services as reports

pytestmark = pytest.mark.django_db

REFUSED = {403, 404, 405}
LOGIN_PAGES = ("/login/", "/admin/login/")

# Words that exist only in the victim center's rows: an answer containing one shows them.
MARKERS = {
    "description": "Qorvex",
    "note": "Plimsat",
    "citizen": "Zubrecht",
    "supply": "Vantrio",
    "equipment": "Kelmzor",
    "certificate": "Dravlin",
    "check_item": "Wumbrel",
    "guide_note": "Snorvik",
    "minutes": "Fyrnacle",
    "board": "Tromblex",
    "resolution": "Gaxwold",
    "guide_media": "Brindlequ",
    "sample": "Quenthorp",
    "major": "Zelvashk",
    "probe": "Pravndel",
}


# The attackers' own center gets the same objects, with words of its own.
OWN_MARKERS = {key: f"Own{word.lower()}" for key, word in MARKERS.items()}


def _center_objects(center, login: str, words: dict, vnpt, citizen_id: str) -> Victim:
    """A center with one object of every kind, each made by its own service."""
    now = timezone.now()
    staff = make_user(f"{login}.staff", Role.STAFF, center=center)
    it = make_user(f"{login}.it", Role.IT_OFFICER, center=center)
    responder = make_user(f"{login}.responder", Role.RESPONDER, center=center)
    leader = make_user(f"{login}.leader", Role.TEAM_LEADER, center=center)
    director = make_user(f"{login}.director", Role.CENTER_LEADER, center=center)
    printer = IncidentType.objects.get(code="printer-paper")
    internet = IncidentType.objects.get(code="internet")

    def reported(incident_type, text):
        return incidents.incident_report(
            actor=staff,
            center=center,
            incident_type=incident_type,
            description=f"{text} {words['description']}",
            started_at=now - timedelta(hours=2),
            citizens_waiting=3,
        ).incident

    open_incident = reported(internet, "Mất mạng toàn bộ quầy")
    incidents.incident_acknowledge(actor=leader, incident=open_incident)
    event, _created = incidents.incident_event(
        actor=leader,
        incident=open_incident,
        kind="note",
        data={"text": f"Đã gọi tổng đài {words['note']}"},
    )
    incidents.incident_escalate(actor=leader, incident=open_incident, organisations=[vnpt])
    [attachment] = incidents.attachment_add(
        actor=staff, incident=open_incident, files=[png_upload()]
    )
    resolved = reported(printer, "Máy in hết giấy")
    incidents.incident_resolve(
        actor=leader,
        incident=resolved,
        root_cause="Hết giấy A4",
        resolution=f"Thay giấy {words['resolution']}",
        restored_at=now - timedelta(hours=1),
        citizens_affected=2,
    )
    reports.minutes_save(
        actor=director,
        incident=resolved,
        data={
            "place": "Phòng họp",
            "chair": director.display_name,
            "recorder": leader.display_name,
            "participants": "Tổ ứng cứu",
            "happened": f"Máy in hết giấy {words['minutes']}",
            "times": "Trong buổi sáng",
            "held_at": now - timedelta(minutes=50),
            "ended_at": now - timedelta(minutes=40),
        },
    )
    intake = continuity.intake_create(
        actor=staff,
        center=center,
        incident=open_incident,
        citizen_name=f"Nguyễn Văn {words['citizen']}",
        citizen_id=citizen_id,
        phone="0912345678",
        procedure="Đăng ký khai sinh",
        processing_days=3,
        received_at=now - timedelta(minutes=30),
    ).intake
    supply = readiness.supply_save(
        actor=it,
        center=center,
        kind="paper_a4",
        name=f"Giấy A4 {words['supply']}",
        unit="ram",
        quota=30,
        threshold=5,
        assignee=it,
    )
    movement = readiness.stock_move(
        actor=it, item=supply, kind=MovementKind.RECEIVED, quantity_value=20
    )
    equipment = readiness.equipment_save(
        actor=it, center=center, kind="printer", name=f"Máy in quầy {words['equipment']}"
    )
    readiness.equipment_link(actor=it, incident=open_incident, equipment=equipment)
    certificate = readiness.certificate_save(
        actor=it,
        center=center,
        holder=director,
        provider="bcy",
        serial=f"5402{center.ward_code:05d}001",
        subject=f"{director.display_name} {words['certificate']}",
        valid_from=now.date() - timedelta(days=30),
        valid_to=now.date() + timedelta(days=300),
    )
    drill = readiness.drill_schedule(
        actor=director,
        center=center,
        scenario=internet,
        scheduled_at=now + timedelta(days=7),
        participants=[staff, it],
    )
    check_item = readiness.check_item_save(
        actor=it, center=center, label=f"Kiểm tra máy in {words['check_item']}"
    )
    check = readiness.check_record(actor=staff, center=center, ok_items=[], all_ok=True)
    guide = Guide.objects.order_by("slug").first()
    guide_note_save(actor=leader, guide=guide, text=f"Gọi anh {words['guide_note']} 0912")
    media = guide_media_add(
        actor=it, guide=guide, upload=png_upload(), caption=f"Ảnh {words['guide_media']}"
    )
    sample = sample_form_add(
        actor=director, title=f"Tờ khai {words['sample']}", upload=png_upload()
    )
    job = reports.report_job_create(actor=director, params={"center": center.code}, format="xlsx")
    duty_set(actor=leader, center=center, day=timezone.localdate(), people=[responder])
    policy_update(
        actor=leader,
        center=center,
        data={"simple_ack_minutes": 20, "complex_ack_minutes": 7, "prolonged_minutes": 100},
    )
    board = Client()
    board.force_login(leader)
    board.post("/board/", {"message": f"Xin lỗi quý khách {words['board']}"})
    open_incident.refresh_from_db()
    resolved.refresh_from_db()
    major = MajorIncident.objects.create(
        number=f"DR-{words['major']}",
        incident_type=open_incident.incident_type,
        scope="province",
        province=center.province,
        status="resolved",  # the two centers of one province may not share an open one
        started_at=open_incident.started_at,
        opened_at=open_incident.reported_at,
    )
    Incident.objects.filter(pk=open_incident.pk).update(major_incident=major)
    from ungcuu.monitor.services import probe_save

    probe = probe_save(
        actor=it,
        center=center,
        name=f"Dịch vụ {words['probe']}",
        kind="http",
        target="http://192.0.2.1/",
        incident_type=internet,
    )
    return Victim(
        center=center,
        incidents=[open_incident, resolved],
        attachment=attachment,
        intake=intake,
        supply=supply,
        movement=movement,
        equipment=equipment,
        certificate=certificate,
        drill=drill,
        check=check,
        check_item=check_item,
        guide=guide,
        job=job,
        event=event,
        people=[staff, it, responder, leader, director],
        organisation=vnpt,
        guide_media=media,
        sample=sample,
        major=major,
        probe=probe,
        markers=[
            major.number,
            *words.values(),
            open_incident.number,
            resolved.number,
            intake.receipt_number,
            citizen_id,
        ],
    )


def _attackers(center_b, center_c) -> dict:
    """Every role of another center of the same province, the province user of another
    province, and a vendor whose organisation was never told of anything."""
    people = {
        f"{role}@{center_b.code}": make_user(f"b.{role}", role, center=center_b)
        for role in sorted(CENTER_ROLES)
    }
    people["province@other"] = make_user("c.province", Role.PROVINCE, province=center_c.province)
    viettel = Organisation.objects.create(name="Viettel Thái Nguyên", kind=OrganisationKind.ISP)
    people["vendor@untold"] = make_user("viettel.vendor", Role.VENDOR, organisation=viettel)
    return people


def _client(user) -> Client:
    # A view's exception must come back as the 500 a person would see, not stop the matrix.
    if user is None:
        return Client(raise_request_exception=False)
    client = Client(
        raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}"
    )
    client.force_login(user)
    return client


def _login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN_PAGES)


class Matrix:
    """The requests, and what is wrong with their answers."""

    def __init__(self, victim: Victim, openapi: dict):
        self.victim = victim
        self.openapi = openapi
        self.now = timezone.localtime()
        self.form = form_body(victim, self.now)
        self.sent = 0
        self.statuses: Counter = Counter()
        self.failures: list[str] = []

    def requests(self, route: Route, own: Victim | None = None) -> list[tuple]:
        """(method, path, body kind, body) for every request the route gets: its path
        filled with the victim's objects, or with the caller's ``own`` objects (then only
        the writes are sent: the victim's ids travel in the body)."""
        out = []
        uuids = [str(u) for u in victim_uuids(self.victim)]
        if route.has_object and own is None:
            uuids = [str(uuid.uuid4())]  # refused at the lookup, before any replay
        for path in paths(route, own or self.victim):
            crafted = path
            if not route.has_object and not route.is_admin:
                # A list or a form also gets the victim's codes in its query string: as a
                # filter (GET) and as the center a form writes to (POST).
                crafted = (
                    f"{path}?center={self.victim.center.code}"
                    f"&province={self.victim.center.province.code}"
                    f"&scope=center:{self.victim.center.code}"
                    f"&incident={self.victim.incidents[0].pk}"
                )
                if own is None:
                    out.append(("GET", path, "none", None))
            for method in route.methods:
                if method == "GET":
                    if own is None:
                        out.append((method, crafted, "none", None))
                        if not route.api_path:  # a page answers HEAD as it answers GET
                            out.append(("HEAD", crafted, "none", None))
                elif route.api_path:
                    for kind, body in api_bodies(
                        route, method, self.openapi, self.victim, self.form, uuids
                    ):
                        out.append((method, crafted, kind, body))
                else:
                    out.append((method, crafted, "form", self.form))
        return out

    def send(self, client: Client, method: str, url: str, kind: str, body):
        self.sent += 1
        if kind == "json":
            return client.generic(
                method, url, "{}" if body is None else _json(body), "application/json"
            )
        if kind == "multipart":
            return client.post(url, {"files": [png_upload()]})
        if method == "POST":
            return client.post(url, body or {})
        return client.generic(method, url)

    def attack(self, who: str, user, client: Client, route: Route, own=None) -> None:
        for method, url, kind, body in self.requests(route, own):
            response = self.send(client, method, url, kind, body)
            self.judge(who, user, route, method, url, response, on_victim=own is None)

    def judge(self, who, user, route: Route, method, url, response, on_victim=True) -> None:
        status = response.status_code
        self.statuses["victim's" if on_victim else "own", status] += 1
        where = f"{who} {method} {url}"
        if status >= 500:
            self.failures.append(f"{where}: {status}")
            return
        if user is None:
            if not (status in {*REFUSED, 401} or _login_redirect(response)):
                self.failures.append(f"{where}: {status} without a login")
            return
        refused = status in REFUSED or _login_redirect(response)
        if on_victim and route.has_object and not refused:
            self.failures.append(f"{where}: {status} on the victim's object")
            return
        text = readable(response)
        shown = [m for m in self.victim.markers if m in text]
        if shown:
            self.failures.append(f"{where}: {status} shows {shown}")


def _json(body) -> str:
    import json

    return json.dumps(body, default=str)


@pytest.fixture
def world(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    center_a = center_create(ward_code=17623, code="bachngoc", prefix="BN")
    center_b = center_create(ward_code=17266, code="tanky", prefix="TK")
    center_c = center_create(ward_code=1933, code="dongphuc", prefix="DP")
    vnpt = Organisation.objects.create(
        name="VNPT Nghệ An", kind=OrganisationKind.ISP, province=center_a.province
    )
    victim = _center_objects(center_a, "a", MARKERS, vnpt, "040190001234")
    own = _center_objects(center_b, "tk", OWN_MARKERS, vnpt, "040190005678")
    attackers = _attackers(center_b, center_c)
    return victim, own, attackers, {center_b.pk, center_c.pk}


def test_no_route_lets_an_outsider_read_or_change_another_centers_objects(world, capsys):
    victim, own, attackers, others = world
    openapi = api.get_openapi_schema()
    private, public = routes(openapi)
    matrix = Matrix(victim, openapi)
    unfillable = []
    for route in private:
        try:
            matrix.requests(route)
        except Unfillable as exc:
            unfillable.append(str(exc))
    assert not unfillable, "routes the matrix cannot fill:\n" + "\n".join(unfillable)
    # The allowlist names only routes that exist: a renamed public route is noticed.
    assert {route.name for route in public} == PUBLIC

    # The same paths opened by the victim center's own director: the objects are there, so
    # the outsiders' 404s below are refusals, not wrong ids.
    director = _client(victim.people[-1])
    missing = []
    for route in private:
        if route.has_object and not route.is_admin and "GET" in route.methods:
            for path in paths(route, victim):
                response = director.get(path)
                sent_away = response.status_code == 302 and response["Location"].startswith(
                    (*LOGIN_PAGES, reverse("two_step"))
                )
                if response.status_code not in (200, 302, 405) or sent_away:
                    missing.append(f"{path}: {response.status_code}")
                if route.api_path:
                    continue
                head = director.head(path)  # a page answers HEAD as it answers GET
                if head.status_code != response.status_code:
                    missing.append(f"HEAD {path}: {head.status_code}")
    assert not missing, "the victim's own director cannot open:\n" + "\n".join(missing)

    callers = [*attackers.items(), ("anonymous", None)]
    clients = {who: _client(user) for who, user in callers}
    started, cpu = time.monotonic(), time.process_time()
    before = snapshot(others)
    admin = [r for r in private if r.is_admin]
    for n, (who, user) in enumerate(callers):
        for route in private:
            # The admin site lets in staff only, whatever the role (AdminSite.has_permission),
            # and none of the callers is staff: each admin route meets the callers in turn,
            # so that the matrix stays fast and every admin route is still attacked.
            if route.is_admin and admin.index(route) % len(callers) != n:
                continue
            matrix.attack(who, user, clients[who], route)
            # The caller's own objects in the path and the victim's ids in the body: a
            # write that trusts an id it is handed changes the victim's rows.
            if route.has_object and user is not None and user.center_id == own.center.pk:
                matrix.attack(who, user, clients[who], route, own=own)
    touched = changes(before, snapshot(others))
    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu

    html = [r for r in private if not r.api_path]
    operations = sum(len(r.methods) for r in private if r.api_path in openapi["paths"])
    other_api = sum(1 for r in private if r.api_path and r.api_path not in openapi["paths"])
    with capsys.disabled():
        print(
            f"\nroute matrix: {len(html)} HTML routes "
            f"({sum(1 for r in html if r.is_admin)} of the admin), "
            f"{operations} API operations and {other_api} other API paths (docs, schema), "
            f"{len(public)} public routes left out, {len(attackers) + 1} callers, "
            f"{matrix.sent} requests in {elapsed:.1f} s ({cpu:.1f} s of CPU)\n"
            + ", ".join(f"{k[0]} {k[1]}: {n}" for k, n in sorted(matrix.statuses.items()))
        )
    assert not touched, "rows of the victim center changed:\n" + "\n".join(touched)
    assert not matrix.failures, f"{len(matrix.failures)} leaks:\n" + "\n".join(matrix.failures)
