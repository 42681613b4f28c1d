"""Message text: cut cleanly to a channel's limit with the links whole, Vietnamese intact,
and the same report on the incident page for sharing to a Zalo group."""

from __future__ import annotations

import html
import re
import unicodedata

import pytest
from apprise.plugins.zalo import NotifyZalo

from ungcuu.core.site import base_url
from ungcuu.core.testing import logged_in
from ungcuu.incidents import services as incident_services
from ungcuu.incidents.models import Impact
from ungcuu.notify import services, transport
from ungcuu.notify.messages import SMS_LIMIT, incident_message, share_text
from ungcuu.notify.models import Delivery, Level
from ungcuu.notify.tests.helpers import ack_path, report
from ungcuu.notify.tests.receiver import SMSEAGLE_PATH
from ungcuu.org.models import Contact, Organisation, OrganisationKind

ZALO = "zalo://123456:ABCdef/chat1"
SENTENCE = "Không thể đăng nhập vào hệ thống iGate, báo lỗi “Gateway Timeout”; đã khởi động lại. "
LONG = SENTENCE * 45  # about 3,900 characters: twice what Zalo takes


@pytest.fixture
def zalo(monkeypatch, receiver):
    """The Zalo Bot API stands on the local receiver (Apprise builds the rest of the call)."""
    monkeypatch.setattr(
        NotifyZalo, "notify_url", f"http://127.0.0.1:{receiver.port}/bot{{token}}/sendMessage"
    )
    return f"/bot{ZALO.split('//')[1].split('/')[0]}/sendMessage"


def test_zalos_limit_is_2000_characters():
    assert transport.body_limit(ZALO) == 2000


def test_a_long_description_is_cut_with_an_ellipsis_and_the_ack_link_kept_whole(
    send, receiver, zalo, staff_a, leader_a, internet
):
    services.channel_add(person=leader_a, url=ZALO)

    incident = send(report, staff_a, internet, description=LONG)

    delivery = Delivery.objects.get(incident=incident, person=leader_a, sms_only=False)
    body = delivery.body
    assert len(body) <= 2000
    assert "…" in body
    cut = re.search(r"Mô tả: (.*)…", body).group(1)
    assert LONG.startswith(cut)
    assert len(cut) > 1000  # the description keeps the room the rest leaves
    assert body.rstrip().endswith(ack_path(body))
    assert services.ack_url(delivery).split("/ack/")[0] + ack_path(body) in body
    assert f"{base_url()}/incidents/{incident.pk}/" in body
    assert unicodedata.is_normalized("NFC", body)
    assert "đăng nhập vào hệ thống" in body and "“Gateway Timeout”" in body
    [message] = receiver.at(zalo)
    assert message.body["chat_id"] == "chat1"
    assert ack_path(message.text) == ack_path(body)
    assert "Không thể đăng nhập vào hệ thống iGate" in message.text


def test_the_text_zalo_receives_fits_its_limit_with_the_ack_link_at_the_end(
    send, receiver, zalo, staff_a, leader_a, internet
):
    services.channel_add(person=leader_a, url=ZALO)

    send(report, staff_a, internet, description=LONG)

    [message] = receiver.at(zalo)
    assert len(message.text) <= 2000
    assert message.text.rstrip().endswith(ack_path(message.text))


def test_a_short_description_is_not_cut(send, receiver, zalo, staff_a, leader_a, internet):
    services.channel_add(person=leader_a, url=ZALO)

    incident = send(report, staff_a, internet, description=SENTENCE.strip())

    body = Delivery.objects.get(incident=incident, person=leader_a).body
    assert f"Mô tả: {SENTENCE.strip()}\n" in body
    assert "…" not in body


@pytest.mark.parametrize(
    "limit",
    [
        2000,
        1200,
        600,
        400,
    ],
)
def test_any_limit_keeps_both_links_whole(staff_a, internet, limit):
    incident = report(staff_a, internet, description=LONG)
    detail = services.detail_url(incident)
    ack = f"{base_url()}/ack/{'x' * 90}/"

    message = incident_message(
        incident, level=Level.AT_ONCE, detail_url=detail, ack_url=ack, limit=limit
    )

    assert len(message.body) <= limit
    assert detail in message.body and message.body.endswith(ack)
    assert "Mất mạng Internet" in message.body


def test_the_sms_form_is_short_and_carries_the_ack_link(staff_a, internet):
    incident = report(staff_a, internet, description=LONG, impact=Impact.STOPPED)
    ack = f"{base_url()}/ack/{'x' * 90}/"

    body = incident_message(
        incident, level=Level.AT_ONCE, detail_url="unused", ack_url=ack, limit=SMS_LIMIT
    ).body

    assert len(body) <= SMS_LIMIT
    assert ack in body
    assert "Mất mạng Internet" in body and "Bạch Ngọc" in body
    assert "Dừng tiếp nhận hồ sơ" in body


def test_decomposed_vietnamese_input_is_stored_and_sent_composed(
    send, receiver, staff_a, leader_a, printer_paper
):
    services.channel_add(person=leader_a, url=receiver.url("/leader"))
    decomposed = unicodedata.normalize("NFD", "Máy in quầy số 2 kẹt giấy")

    send(report, staff_a, printer_paper, description=decomposed)

    [message] = receiver.at("/leader")
    assert "Máy in quầy số 2 kẹt giấy" in message.text
    assert unicodedata.is_normalized("NFC", message.text)


def test_the_escalation_note_survives_a_channel_with_a_smaller_limit(
    send, receiver, staff_a, leader_a, center_a, internet
):
    isp = Organisation.objects.create(
        name="VNPT Nghệ An", kind=OrganisationKind.ISP, province=center_a.province
    )
    desk = Contact.objects.create(organisation=isp, name="Trực kỹ thuật")
    services.channel_add(
        contact=desk, url=f"smseagle://token123@127.0.0.1:{receiver.port}/0912345678"
    )
    incident = report(staff_a, internet, description=LONG)

    send(
        incident_services.incident_escalate,
        actor=leader_a,
        incident=incident,
        organisations=[isp],
        note="Đề nghị kiểm tra cổng quang OLT Bạch Ngọc",
    )

    [message] = receiver.at(SMSEAGLE_PATH)
    assert "Đề nghị kiểm tra cổng quang OLT Bạch Ngọc" in message.text


# --- share to Zalo / copy --------------------------------------------------------------------


def test_the_incident_page_carries_the_report_to_share_formatted_like_the_message(
    staff_a, printer_paper
):
    incident = report(
        staff_a,
        printer_paper,
        description="Máy in quầy 2 hết giấy",
        impact=Impact.PARTIAL,
        citizens_waiting=4,
    )

    page = logged_in(staff_a).get(f"/incidents/{incident.pk}/").content.decode()

    found = re.search(r'<textarea id="share-text"[^>]*\bhidden\b[^>]*>(.*?)</textarea>', page, re.S)
    assert found, "no hidden #share-text on the page"
    text = html.unescape(found.group(1))
    assert text == share_text(incident, detail_url=services.detail_url(incident))
    assert text.startswith("BÁO SỰ CỐ")
    assert "Trung tâm Phục vụ hành chính công xã Bạch Ngọc" in text
    assert printer_paper.name in text
    assert "Máy in quầy 2 hết giấy" in text
    assert "Thời điểm phát sinh: " in text
    assert "Tiếp nhận bị ảnh hưởng một phần; 4 người dân đang chờ" in text
    assert f"/incidents/{incident.pk}/" in text
    assert "/ack/" not in text  # a group message is no one person's link
    assert 'data-share="share-text"' in page


def test_the_share_text_needs_no_channel_and_no_network(staff_a, printer_paper, receiver):
    incident = report(staff_a, printer_paper, description="Hết giấy")

    page = logged_in(staff_a).get(f"/incidents/{incident.pk}/").content.decode()

    assert 'id="share-text"' in page
    assert not Delivery.objects.filter(incident=incident).exclude(state="no_channel").exists()
    assert receiver.received == []


def test_an_outsider_does_not_get_the_page_nor_its_share_text(staff_a, staff_b, printer_paper):
    incident = report(staff_a, printer_paper, description="Hết giấy")

    assert logged_in(staff_b).get(f"/incidents/{incident.pk}/").status_code == 404
