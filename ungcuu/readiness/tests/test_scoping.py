"""Every readiness page: another center's user gets 404, anonymous goes to login."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ungcuu.catalog.models import IncidentType
from ungcuu.core.testing import logged_in
from ungcuu.incidents import services as incidents
from ungcuu.readiness import services
from ungcuu.readiness.models import MovementKind, StockMovement


@pytest.fixture
def register(it_a, director_a, staff_a):
    center = it_a.center
    supply = services.supply_save(
        actor=it_a,
        center=center,
        kind="paper_a4",
        name="Giấy A4",
        unit="ram",
        quota=10,
        threshold=2,
    )
    services.stock_move(actor=it_a, item=supply, kind=MovementKind.RECEIVED, quantity_value=5)
    item = services.equipment_save(actor=it_a, center=center, kind="ups", name="UPS Santak 1kVA")
    cert = services.certificate_save(
        actor=it_a,
        center=center,
        holder=staff_a,
        provider="bcy",
        serial="AB",
        valid_from="2025-01-01",
        valid_to="2028-01-01",
    )
    drill = services.drill_schedule(
        actor=director_a,
        center=center,
        scenario=IncidentType.objects.get(code="power"),
        scheduled_at=timezone.now() + timedelta(days=2),
    )
    incident = incidents.incident_report(
        actor=staff_a,
        center=center,
        incident_type=IncidentType.objects.get(code="printer-paper"),
        started_at=timezone.now() - timedelta(minutes=3),
    ).incident
    return {"supply": supply, "item": item, "cert": cert, "drill": drill, "incident": incident}


def _object_pages(r) -> list[str]:
    return [
        f"/readiness/supplies/{r['supply'].pk}/",
        f"/readiness/supplies/{r['supply'].pk}/edit/",
        f"/readiness/equipment/{r['item'].pk}/",
        f"/readiness/equipment/{r['item'].pk}/edit/",
        f"/readiness/certificates/{r['cert'].pk}/",
        f"/readiness/certificates/{r['cert'].pk}/edit/",
        f"/readiness/drills/{r['drill'].pk}/",
    ]


LIST_PAGES = [
    "/readiness/",
    "/readiness/check/",
    "/readiness/check/history/",
    "/readiness/check/items/",
    "/readiness/supplies/",
    "/readiness/supplies/new/",
    "/readiness/equipment/",
    "/readiness/equipment/new/",
    "/readiness/certificates/",
    "/readiness/certificates/new/",
    "/readiness/drills/",
    "/readiness/drills/new/",
]


def test_every_page_opens_for_the_centers_it_officer(register, it_a):
    client = logged_in(it_a)
    for url in LIST_PAGES + _object_pages(register):
        assert client.get(url).status_code == 200, url


def test_anonymous_is_sent_to_login(register):
    client = Client()
    for url in LIST_PAGES + _object_pages(register):
        answer = client.get(url)
        assert answer.status_code == 302 and "/login" in answer["Location"], url


def test_another_centers_officer_gets_404(register, it_b, staff_a):
    client = logged_in(it_b)
    for url in _object_pages(register):
        assert client.get(url).status_code == 404, url
    for url in LIST_PAGES:
        assert client.get(url, {"center": staff_a.center.code}).status_code == 404, url
    drill = register["drill"]
    for action in ("start", "cancel"):
        assert client.post(f"/readiness/drills/{drill.pk}/{action}/").status_code == 404
    incident = register["incident"]
    assert (
        client.post(
            f"/readiness/incidents/{incident.pk}/supplies/",
            {"item": register["supply"].pk, "quantity": 1},
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/readiness/incidents/{incident.pk}/equipment/", {"equipment": register["item"].pk}
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/readiness/supplies/{register['supply'].pk}/", {"kind": "used", "quantity": "1"}
        ).status_code
        == 404
    )
    assert StockMovement.objects.count() == 1


def test_the_province_sees_its_centers_but_not_another_province(register, center_c, province_user):
    client = logged_in(province_user)
    assert client.get(f"/readiness/supplies/{register['supply'].pk}/").status_code == 200
    assert client.get("/readiness/supplies/", {"center": center_c.code}).status_code == 404


def test_a_vendor_sees_nothing(register, vendor_user):
    client = logged_in(vendor_user)
    assert client.get("/readiness/").status_code == 404
    assert client.get(f"/readiness/equipment/{register['item'].pk}/").status_code == 404
