"""One public address (issue 14, item 4): UNGCUU_BASE_URL, or the address `ungcuu serve`
proposed, or the one an administrator chose, in every absolute link and QR code."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from django.urls import reverse

from ungcuu.core import site
from ungcuu.core.testing import logged_in, make_user
from ungcuu.org.models import Role

pytestmark = pytest.mark.django_db
LAN = "http://192.168.1.10:8000"


def test_without_anything_set_links_use_loopback_and_leaders_are_warned(director_a):
    assert site.base_url() == site.DEFAULT_BASE_URL and site.is_loopback()
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = director_a
    html = render_to_string("core/_base_url_warning.html", {"request": request})
    assert "chưa mở được từ điện thoại" in html
    assert reverse("site_address") not in html  # not theirs to change: ask the admin


def test_serve_proposes_the_lan_address_once_and_never_over_an_admins_choice():
    assert site.base_url_propose(LAN) == (LAN, True)
    assert site.base_url() == LAN and site.base_url_source() == site.PROPOSED
    # The office network gave the PC a new address: a proposal follows it.
    assert site.base_url_propose("http://192.168.1.23:8000")[1] is True
    site.base_url_set(url="https://ungcuu.example.gov.vn/", by="admin")
    assert site.base_url_propose(LAN) == ("https://ungcuu.example.gov.vn", False)
    assert site.base_url_source() == site.ADMIN


def test_the_environment_wins(settings):
    site.base_url_set(url=LAN, by="admin")
    settings.BASE_URL = "https://hub.example.gov.vn"
    assert site.base_url() == "https://hub.example.gov.vn"
    assert site.base_url_propose("http://10.0.0.5:8000") == ("https://hub.example.gov.vn", False)


@pytest.mark.parametrize(
    "typed", ["", "ftp://x", "http://", "http://a b", "http://x:port", "http://x/?q=1"]
)
def test_a_bad_address_is_refused_in_vietnamese(typed):
    with pytest.raises(site.BadAddress):
        site.clean_base_url(typed)


def test_an_administrator_sets_it_on_a_page_and_others_cannot(center_a, director_a):
    admin = make_user("root", Role.ADMIN)
    assert logged_in(director_a).get("/site/address/").status_code == 404
    assert logged_in(director_a).post("/site/address/", {"base_url": LAN}).status_code == 404
    assert site.base_url_source() == "default"
    client = logged_in(admin)
    page = client.get("/site/address/").content.decode()
    assert "chỉ mở được trên chính máy chủ" in page
    bad = client.post("/site/address/", {"base_url": "http://x/?a=1"})
    assert bad.status_code == 400 and "chỉ gồm http" in bad.content.decode()
    assert site.base_url_source() == "default"
    assert client.post("/site/address/", {"base_url": "192.168.1.10:8000"}).status_code == 302
    assert site.base_url() == LAN and site.stored()["base_url_changed_by"] == "root"


def test_slips_board_and_ack_links_use_the_public_address(center_a, staff_a):
    from ungcuu.continuity.services import intake_create
    from ungcuu.notify.services import ack_url, detail_url

    site.base_url_set(url=LAN)
    result = intake_create(
        actor=staff_a,
        center=center_a,
        citizen_name="Nguyễn Văn A",
        citizen_id="040190001234",
        procedure="Đăng ký khai sinh",
        processing_days=3,
    )
    client = logged_in(staff_a)
    # Opened on the server PC itself (127.0.0.1): the QR must still open on a phone.
    slip = client.get(f"/paper/{result.intake.pk}/slip/", HTTP_HOST="127.0.0.1:8000")
    assert f"{LAN}/s/{result.intake.status_token}/" in slip.content.decode()
    assert "127.0.0.1" not in slip.content.decode()
    board = client.get(f"/board/{center_a.code}/", HTTP_HOST="127.0.0.1:8000").content.decode()
    assert f"{LAN}/board/{center_a.code}/" in board and "127.0.0.1" not in board
    from ungcuu.incidents.services import incident_report

    incident = incident_report(actor=staff_a, center=center_a, incident_type=_type("printer-paper"))
    assert detail_url(incident.incident) == f"{LAN}/incidents/{incident.incident.pk}/"
    assert ack_url(SimpleNamespace(key=uuid.uuid4())).startswith(f"{LAN}/ack/")


def _type(code):
    from ungcuu.catalog.models import IncidentType

    return IncidentType.objects.get(code=code)
