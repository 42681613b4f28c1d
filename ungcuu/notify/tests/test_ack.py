"""The signed one-click acknowledgement link, and acknowledging from the page or the API."""

from __future__ import annotations

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.test import Client

from ungcuu.core.testing import api_client, logged_in
from ungcuu.incidents import services as incident_services
from ungcuu.incidents.models import EventKind, Incident, Status
from ungcuu.notify import services
from ungcuu.notify.models import Delivery, EscalationRun
from ungcuu.notify.tests.helpers import ack_path, channel, report
from ungcuu.org.models import Contact

DESCRIPTION = "Không đăng nhập được iGate, báo lỗi Gateway Timeout"


@pytest.fixture
def told(send, receiver, staff_a, leader_a, director_a, printer_paper):
    """A reported incident and the leader's message with its link; the director has a
    channel too, to see whether the escalation goes on."""
    channel(receiver, "/leader", person=leader_a)
    channel(receiver, "/director", person=director_a)
    incident = send(report, staff_a, printer_paper, description=DESCRIPTION)
    [message] = receiver.at("/leader")
    return incident, ack_path(message.text)


def acknowledged(incident: Incident) -> list:
    return list(incident.events.filter(kind=EventKind.ACKNOWLEDGED))


def escalation_after_the_deadline(send, incident) -> int:
    return send(services.escalation_sweep, now=incident.reported_at + timedelta(minutes=16))


# --- the link ------------------------------------------------------------------------------


def test_opening_the_link_shows_the_type_and_a_button_without_login_and_does_not_acknowledge(
    told, printer_paper
):
    incident, path = told

    response = Client().get(path)

    assert response.status_code == 200
    page = response.content.decode()
    assert printer_paper.name in page
    assert '<form method="post"' in page
    assert "Xác nhận đã nhận tin</button>" in page
    incident.refresh_from_db()
    assert incident.acknowledged_at is None
    assert incident.status == Status.REPORTED
    assert acknowledged(incident) == []
    assert "no-cache" in response["Cache-Control"]


def test_the_link_page_keeps_the_details_for_people_who_log_in(told, staff_a):
    incident, path = told

    page = Client().get(path).content.decode()

    assert DESCRIPTION not in page
    assert "Gateway Timeout" not in page
    assert staff_a.display_name not in page
    assert Client().get(f"/incidents/{incident.pk}/").status_code == 302  # to the login page


def test_posting_the_link_acknowledges_as_the_recipient(told, leader_a):
    incident, path = told

    response = Client().post(path)

    assert response.status_code == 200
    assert "Đã xác nhận nhận tin" in response.content.decode()
    incident.refresh_from_db()
    assert incident.acknowledged_at is not None
    assert incident.acknowledged_by == leader_a
    assert incident.status == Status.ACKNOWLEDGED
    [event] = acknowledged(incident)
    assert event.payload == {"via": "link", "recipient": leader_a.display_name}
    assert event.actor == leader_a


def test_posting_the_link_again_is_harmless(told):
    incident, path = told
    Client().post(path)
    incident.refresh_from_db()
    first = incident.acknowledged_at

    response = Client().post(path)

    assert response.status_code == 200
    assert "Đã xác nhận nhận tin" in response.content.decode()
    incident.refresh_from_db()
    assert incident.acknowledged_at == first
    assert len(acknowledged(incident)) == 1


def test_the_link_after_someone_else_acknowledged_says_so(told, leader_a, director_a):
    incident, path = told
    incident_services.incident_acknowledge(actor=director_a, incident=incident)

    response = Client().post(path)

    assert response.status_code == 200
    incident.refresh_from_db()
    assert incident.acknowledged_by == director_a
    assert len(acknowledged(incident)) == 1


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"),
        lambda token: "khong-phai-ma",
        lambda token: signing.dumps("00000000-0000-0000-0000-000000000000", salt=services.ACK_SALT),
        lambda token: signing.dumps(signing.loads(token, salt=services.ACK_SALT), salt="other"),
    ],
    ids=["tampered", "garbage", "unknown-delivery", "other-salt"],
)
def test_a_forged_link_is_refused(told, forge):
    incident, path = told
    token = path.split("/")[2]
    forged = f"/ack/{forge(token)}/"

    assert Client().get(forged).status_code == 400
    response = Client().post(forged)

    assert response.status_code == 400
    assert "Liên kết không hợp lệ" in response.content.decode()
    incident.refresh_from_db()
    assert incident.acknowledged_at is None


def _signed_hours_ago(delivery: Delivery, hours: float) -> str:
    with mock.patch("django.core.signing.time.time", return_value=time.time() - hours * 3600):
        return signing.dumps(str(delivery.key), salt=services.ACK_SALT, compress=True)


def test_an_expired_link_is_refused(told, settings):
    incident, _ = told
    settings.ACK_LINK_HOURS = 24
    delivery = Delivery.objects.filter(incident=incident).first()
    expired = f"/ack/{_signed_hours_ago(delivery, 25)}/"

    assert Client().get(expired).status_code == 410
    response = Client().post(expired)

    assert response.status_code == 410
    assert "Liên kết đã hết hạn" in response.content.decode()
    incident.refresh_from_db()
    assert incident.acknowledged_at is None


def test_a_link_within_its_hours_still_works(told, settings):
    incident, _ = told
    settings.ACK_LINK_HOURS = 24
    delivery = Delivery.objects.filter(incident=incident).first()

    assert Client().post(f"/ack/{_signed_hours_ago(delivery, 23)}/").status_code == 200
    incident.refresh_from_db()
    assert incident.acknowledged_at is not None


def test_the_links_lifetime_is_a_setting(told, settings):
    incident, path = told
    settings.ACK_LINK_HOURS = 1
    delivery = Delivery.objects.filter(incident=incident).first()

    assert Client().get(f"/ack/{_signed_hours_ago(delivery, 2)}/").status_code == 410
    assert Client().get(path).status_code == 200


def test_a_link_serves_only_its_own_incident(send, told, staff_a, printer_paper):
    incident, path = told
    other = send(report, staff_a, printer_paper)

    Client().post(path)

    other.refresh_from_db()
    assert other.acknowledged_at is None


def test_the_link_only_takes_get_and_post(told):
    _, path = told

    assert Client().put(path).status_code == 405


# --- acknowledging stops the escalation ----------------------------------------------------


def test_acknowledging_by_the_link_stops_the_escalation(send, receiver, told):
    incident, path = told
    Client().post(path)

    assert escalation_after_the_deadline(send, incident) == 0
    assert receiver.at("/director") == []
    assert EscalationRun.objects.get(incident=incident).no_ack_sent_at is None


def test_acknowledging_on_the_incident_page_stops_the_escalation(send, receiver, told, leader_a):
    incident, _ = told

    response = logged_in(leader_a).post(f"/incidents/{incident.pk}/acknowledged/")

    assert response.status_code == 302
    assert escalation_after_the_deadline(send, incident) == 0
    assert receiver.at("/director") == []


def test_acknowledging_through_the_api_stops_the_escalation(send, receiver, told, leader_a):
    incident, _ = told

    response = api_client(leader_a).post(
        f"/api/v1/incidents/{incident.pk}/ack", {}, content_type="application/json"
    )

    assert response.status_code == 201
    assert escalation_after_the_deadline(send, incident) == 0
    assert receiver.at("/director") == []


def test_without_an_acknowledgement_the_escalation_goes_on(send, receiver, told):
    incident, path = told
    Client().get(path)  # a chat app previewing the link

    assert escalation_after_the_deadline(send, incident) == 1
    assert len(receiver.at("/director")) == 1


def test_an_outside_contacts_link_acknowledges_in_the_contacts_name(
    send, receiver, staff_a, leader_a, vnpt, internet
):
    desk = Contact.objects.create(organisation=vnpt, name="Tổ Đối ứng VNPT")
    services.channel_add(contact=desk, url=receiver.url("/desk"))
    incident = send(report, staff_a, internet)
    send(services.escalation_sweep, now=incident.reported_at + timedelta(minutes=5))
    [message] = receiver.at("/desk")

    assert Client().post(ack_path(message.text)).status_code == 200

    incident.refresh_from_db()
    assert incident.acknowledged_at is not None
    [event] = acknowledged(incident)
    assert event.actor is None
    assert event.payload == {"via": "link", "recipient": "Tổ Đối ứng VNPT – VNPT Nghệ An"}
