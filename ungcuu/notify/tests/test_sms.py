"""The SMS route: complex incidents also go by SMS (an SMS modem on the LAN), which still
arrives when the center's internet is down."""

from __future__ import annotations

import pytest

from ungcuu.notify import services
from ungcuu.notify.messages import SMS_LIMIT
from ungcuu.notify.models import Delivery, DeliveryState, RoutingPolicy
from ungcuu.notify.tests.helpers import ack_path, channel, report
from ungcuu.notify.tests.receiver import SMSEAGLE_PATH
from ungcuu.org.models import User

DESCRIPTION = "Mất kết nối mạng toàn bộ Bộ phận Một cửa. " * 20


@pytest.fixture
def leader_with_chat_and_sms(receiver, leader_a):
    channel(receiver, "/chat", person=leader_a)
    services.channel_add(
        person=leader_a, url=f"smseagle://token123@127.0.0.1:{receiver.port}/0912345678"
    )
    return leader_a


def test_a_complex_incident_goes_by_chat_and_by_a_short_sms_carrying_the_link(
    send, receiver, staff_a, leader_with_chat_and_sms, internet
):
    incident = send(report, staff_a, internet, description=DESCRIPTION)

    chat, sms = Delivery.objects.filter(incident=incident, person=leader_with_chat_and_sms)
    assert (chat.sms_only, sms.sms_only) == (False, True)
    assert {chat.state, sms.state} == {DeliveryState.SENT}
    assert chat.channel.scheme == "json" and sms.channel.scheme == "smseagle"
    assert sms.recipient.endswith("(SMS)")
    assert len(sms.body) <= SMS_LIMIT
    assert ack_path(sms.body)
    assert "Mất mạng Internet" in sms.body

    [chat_message] = receiver.at("/chat")
    [text_message] = receiver.at(SMSEAGLE_PATH)
    assert DESCRIPTION.strip()[:100] in chat_message.text
    assert text_message.body["method"] == "sms.send_sms"
    assert text_message.body["params"]["to"] == "0912345678"
    assert text_message.body["params"]["access_token"] == "token123"
    assert ack_path(text_message.text) == ack_path(sms.body)
    assert chat_message.key == str(chat.key)


def test_the_sms_actually_sent_is_no_longer_than_the_sms_limit(
    send, receiver, staff_a, leader_with_chat_and_sms, internet
):
    send(report, staff_a, internet, description=DESCRIPTION)

    [text_message] = receiver.at(SMSEAGLE_PATH)
    assert len(text_message.text) <= SMS_LIMIT


def test_a_simple_incident_goes_by_chat_only(
    send, receiver, staff_a, leader_with_chat_and_sms, printer_paper
):
    incident = send(report, staff_a, printer_paper)

    [delivery] = Delivery.objects.filter(incident=incident)
    assert not delivery.sms_only
    assert len(receiver.at("/chat")) == 1
    assert receiver.at(SMSEAGLE_PATH) == []


def test_a_center_can_turn_the_sms_route_off(
    send, receiver, staff_a, center_a, leader_with_chat_and_sms, internet
):
    RoutingPolicy.objects.filter(center=center_a).update(sms_for_complex=False)

    incident = send(report, User.objects.get(pk=staff_a.pk), internet)

    assert Delivery.objects.filter(incident=incident).count() == 1
    assert receiver.at(SMSEAGLE_PATH) == []


def test_a_person_reachable_only_by_sms_gets_one_message(
    send, receiver, staff_a, leader_a, internet
):
    services.channel_add(
        person=leader_a, url=f"smseagle://token123@127.0.0.1:{receiver.port}/0912345678"
    )

    incident = send(report, staff_a, internet, description=DESCRIPTION)

    [delivery] = Delivery.objects.filter(incident=incident)
    assert delivery.state == DeliveryState.SENT
    [text_message] = receiver.at(SMSEAGLE_PATH)
    # The modem takes 1,200 characters: the message was cut to fit, the link kept.
    assert ack_path(text_message.text)


def test_when_the_chat_channel_fails_the_chat_message_falls_back_to_sms(
    send, receiver, staff_a, leader_with_chat_and_sms, printer_paper
):
    receiver.fail("/chat", 500)

    incident = send(report, staff_a, printer_paper)

    [delivery] = Delivery.objects.filter(incident=incident)
    assert delivery.state == DeliveryState.SENT
    assert delivery.channel.scheme == "smseagle"
    assert len(receiver.at(SMSEAGLE_PATH)) == 1
