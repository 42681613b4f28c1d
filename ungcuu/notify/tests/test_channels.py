"""Channels: any Apprise URL, checked when saved, refused with a Vietnamese message."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ungcuu.core.errors import ServiceError
from ungcuu.core.testing import logged_in
from ungcuu.notify import services, transport
from ungcuu.notify.forms import ChannelForm
from ungcuu.notify.models import Channel
from ungcuu.org.models import Contact

INVALID = ["khong-phai-dia-chi", "zalo://abc", "foo://bar", "json://", "workflows://x", ""]
VALID = [
    "zalo://123456:ABCdef/chat1",
    "tgram://123456789:AAbbCCddEEff/12345",
    "mailto://to-ung-cuu:mat-khau@gmail.com",
    "ntfy://ung-cuu-bach-ngoc",
    "json://127.0.0.1:8080/webhook",
    "httpsms://KHOA@0912345678/0987654321",
    "smseagle://token123@192.168.1.20/0912345678",
]
REFUSAL = "Địa chỉ kênh không hợp lệ"


def run(*args) -> str:
    out = StringIO()
    call_command("channel", *args, stdout=out)
    return out.getvalue()


# --- the command ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", INVALID)
def test_the_command_refuses_an_invalid_url_in_vietnamese(leader_a, url):
    with pytest.raises(CommandError, match=REFUSAL):
        run("add", leader_a.username, url)

    assert not Channel.objects.exists()


def test_the_command_refuses_an_unknown_person(db):
    with pytest.raises(CommandError, match="Không có người dùng"):
        run("add", "khong-co-ai", "zalo://123456:ABCdef/chat1")

    assert not Channel.objects.exists()


def test_a_channel_added_by_the_command_is_listed_without_its_secret(leader_a):
    said = run("add", leader_a.username, "tgram://123456789:AAbbCCddEEff/12345", "--label", "Tele")

    assert "tgram://" in said and leader_a.username in said
    listed = run("list")
    assert leader_a.username in listed
    assert "tgram://…" in listed
    assert "Tele" in listed
    assert "AAbbCCddEEff" not in listed
    assert "123456789" not in listed
    channel = Channel.objects.get()
    assert channel.person == leader_a
    assert channel.url == "tgram://123456789:AAbbCCddEEff/12345"


def test_a_persons_channels_are_numbered_in_the_order_they_are_added(leader_a):
    run("add", leader_a.username, "zalo://123456:ABCdef/chat1")
    run("add", leader_a.username, "smseagle://token123@192.168.1.20/0912345678")

    assert list(Channel.objects.values_list("position", flat=True)) == [1, 2]
    listed = run("list").splitlines()
    assert [line.split("\t")[2] for line in listed] == ["zalo://…", "smseagle://…"]


# --- the service and the admin form -----------------------------------------------------------


@pytest.mark.parametrize("url", VALID)
def test_the_channels_offices_use_are_accepted(leader_a, url):
    channel = services.channel_add(person=leader_a, url=f"  {url} ")

    assert channel.url == url


@pytest.mark.parametrize("url", INVALID)
def test_the_service_refuses_an_invalid_url(leader_a, url):
    with pytest.raises(ServiceError, match=REFUSAL) as refused:
        services.channel_add(person=leader_a, url=url)

    assert refused.value.fields == {"url": refused.value.message}
    assert not Channel.objects.exists()


def test_a_channel_belongs_to_one_person_or_one_contact(leader_a, vnpt):
    contact = Contact.objects.create(organisation=vnpt, name="Tổ Đối ứng")

    with pytest.raises(ServiceError):
        services.channel_add(url="zalo://123456:ABCdef/chat1")
    with pytest.raises(ServiceError):
        services.channel_add(url="zalo://123456:ABCdef/chat1", person=leader_a, contact=contact)
    assert services.channel_add(url="zalo://123456:ABCdef/g1", contact=contact).contact == contact


@pytest.mark.parametrize("url", INVALID[:4])
def test_the_admin_form_refuses_an_invalid_url_in_vietnamese(leader_a, url):
    form = ChannelForm(data={"person": leader_a.pk, "url": url, "position": 1, "is_active": True})

    assert not form.is_valid()
    assert any(REFUSAL in error for error in form.errors["url"])
    assert not Channel.objects.exists()


def test_the_admin_form_saves_a_valid_url(leader_a):
    form = ChannelForm(
        data={"person": leader_a.pk, "url": " zalo://123456:ABCdef/chat1 ", "position": 1}
    )

    assert form.is_valid(), form.errors
    assert form.save().url == "zalo://123456:ABCdef/chat1"


def test_the_admin_form_wants_exactly_one_owner(leader_a, vnpt):
    contact = Contact.objects.create(organisation=vnpt, name="Tổ Đối ứng")
    both = ChannelForm(
        data={
            "person": leader_a.pk,
            "contact": contact.pk,
            "url": "zalo://123456:ABCdef/chat1",
            "position": 1,
        }
    )
    neither = ChannelForm(data={"url": "zalo://123456:ABCdef/chat1", "position": 1})

    assert not both.is_valid() and not neither.is_valid()
    assert "Chọn đúng một người nhận" in str(both.errors)
    assert not Channel.objects.exists()


def test_the_admin_page_refuses_an_invalid_url_and_saves_nothing(admin_user, leader_a):
    response = logged_in(admin_user).post(
        "/admin/notify/channel/add/",
        {"person": leader_a.pk, "url": "zalo://abc", "label": "", "position": 1, "is_active": "on"},
    )

    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert not Channel.objects.exists()


def test_the_admin_page_saves_a_valid_url(admin_user, leader_a):
    response = logged_in(admin_user).post(
        "/admin/notify/channel/add/",
        {"person": leader_a.pk, "url": "zalo://123456:ABCdef/chat1", "position": 1},
    )

    assert response.status_code == 302
    assert Channel.objects.get().person == leader_a


# --- limits --------------------------------------------------------------------------------


def test_each_channel_kind_tells_its_length_limit():
    assert transport.body_limit("zalo://123456:ABCdef/chat1") == 2000
    assert transport.body_limit("httpsms://KHOA@0912345678/0987654321") == 160
    assert transport.body_limit("json://127.0.0.1:8080/webhook") >= 32768
    assert transport.is_sms("smseagle://token123@192.168.1.20/0912345678")
    assert transport.is_sms("httpsms://KHOA@0912345678/0987654321")
    assert not transport.is_sms("zalo://123456:ABCdef/chat1")
