"""The readiness API: idempotent writes from a phone, scoped reads, Vietnamese 4xx."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from ungcuu.core.testing import api_client
from ungcuu.readiness import services
from ungcuu.readiness.models import DailyCheck, MovementKind, StockMovement


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def paper(it_a):
    item = services.supply_save(
        actor=it_a, center=it_a.center, kind="paper_a4", name="Giấy A4", unit="ram", threshold=2
    )
    services.stock_move(actor=it_a, item=item, kind=MovementKind.RECEIVED, quantity_value=5)
    return item


def test_a_check_from_a_phone_is_recorded_once(staff_a):
    client = api_client(staff_a)
    items = client.get("/api/v1/readiness/checklist").json()["items"]
    assert len(items) == 10
    body = {"client_uuid": str(uuid.uuid4()), "ok": [i["id"] for i in items[1:]]}
    first = _post(client, "/api/v1/readiness/checks", body)
    again = _post(client, "/api/v1/readiness/checks", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["failed"] == [items[0]["label"]]
    assert DailyCheck.objects.count() == 1


def test_a_movement_is_idempotent_and_bad_quantities_are_400(paper, it_a):
    client = api_client(it_a)
    url = f"/api/v1/readiness/supplies/{paper.pk}/movements"
    body = {"client_uuid": str(uuid.uuid4()), "kind": "used", "quantity": 2}
    assert _post(client, url, body).json()["stock"] == 3
    assert _post(client, url, body).status_code == 200
    for bad in ("abc", -1, 99):
        answer = _post(client, url, {**body, "client_uuid": str(uuid.uuid4()), "quantity": bad})
        assert answer.status_code == 400
        assert answer.json()["detail"]
    assert StockMovement.objects.count() == 2
    assert client.get("/api/v1/readiness/supplies").json()[0]["stock"] == 3


def test_outsiders_get_404_and_anonymous_401(paper, it_b, staff_a):
    client = api_client(it_b)
    url = f"/api/v1/readiness/supplies/{paper.pk}/movements"
    body = {"client_uuid": str(uuid.uuid4()), "kind": "used", "quantity": 1}
    assert _post(client, url, body).status_code == 404
    assert client.get("/api/v1/readiness/checklist", {"center": "bachngoc"}).status_code == 404
    assert client.get("/api/v1/readiness/reminders", {"center": "bachngoc"}).status_code == 404
    assert client.get("/api/v1/readiness/supplies").json() == []
    check = {"client_uuid": str(uuid.uuid4()), "center": "bachngoc", "all_ok": True}
    assert _post(client, "/api/v1/readiness/checks", check).status_code == 404
    anonymous = Client()
    assert anonymous.get("/api/v1/readiness/checklist").status_code == 401
    assert _post(anonymous, url, body).status_code == 401
    assert anonymous.get("/api/v1/readiness/supplies").status_code == 401
    assert anonymous.get("/api/v1/readiness/reminders").status_code == 401
    assert StockMovement.objects.count() == 1
