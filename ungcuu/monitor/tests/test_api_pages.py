"""Configuring probes by API and page: who may, strict targets, another center's ids 404."""

from __future__ import annotations

import pytest

from ungcuu.api.tests.helpers import is_vietnamese, post_json
from ungcuu.core.testing import api_client, logged_in, make_user
from ungcuu.monitor.models import Probe, ProbeState
from ungcuu.org.models import Role

PROBES = "/api/v1/probes"


def body(**overrides) -> dict:
    data = {
        "center": "bachngoc",
        "name": "Cổng dịch vụ công quốc gia",
        "kind": "http",
        "target": "https://dichvucong.gov.vn/",
        "incident_type": "software-down",
        "keyword": "Dịch vụ công",
    }
    data.update(overrides)
    return data


@pytest.fixture
def it_b(center_b):
    return make_user("b.it", Role.IT_OFFICER, center=center_b)


def test_create_list_and_delete_by_api(it_a):
    client = api_client(it_a)

    created = post_json(client, PROBES, body())

    assert created.status_code == 201, created.content
    answer = created.json()
    assert answer["state"] == ProbeState.UNKNOWN and answer["id"]
    assert (answer["interval_s"], answer["fail_after"], answer["recover_after"]) == (60, 3, 2)
    listed = client.get(PROBES, {"center": "bachngoc"}).json()
    assert [(p["id"], p["state"], p["last_checked_at"], p["open_incident"]) for p in listed] == [
        (answer["id"], "unknown", None, None)
    ]
    assert client.delete(f"{PROBES}/{answer['id']}").status_code == 204
    assert not Probe.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"target": "ftp://dichvucong.gov.vn/"}, 400, "target"),
        ({"target": "javascript:alert(1)"}, 400, "target"),
        ({"kind": "tcp", "target": "10.0.0.5", "keyword": ""}, 400, "target"),
        ({"kind": "tcp", "target": "10.0.0.5:70000", "keyword": ""}, 400, "target"),
        ({"kind": "tcp", "target": "10.0.0.5:0", "keyword": ""}, 400, "target"),
        ({"kind": "dns", "target": "khong hop le", "keyword": ""}, 400, "target"),
        ({"kind": "ping", "target": "-bad-.example", "keyword": ""}, 400, "target"),
        ({"kind": "ping", "target": "a\x00b", "keyword": ""}, 400, None),
        ({"target": "https://" + "a" * 300 + ".vn/"}, 422, "target"),
        ({"kind": "dns", "target": "gov.vn"}, 400, "keyword"),
        ({"kind": "smtp"}, 422, "kind"),
        ({"interval_s": 5}, 422, "interval_s"),
        ({"fail_after": 0}, 422, "fail_after"),
        ({"incident_type": "khong-co"}, 400, "incident_type"),
        ({"name": ""}, 400, "name"),
        ({"center": "dongphuc"}, 404, "center"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_made(it_a, center_c, overrides, status, field):
    response = post_json(api_client(it_a), PROBES, body(**overrides))

    assert response.status_code == status, response.content
    answer = response.json()
    assert is_vietnamese(answer["detail"])
    if field:
        assert answer["field"] == field, answer
    assert not Probe.objects.exists()


def test_only_the_it_officer_and_leaders_configure(staff_a, leader_a, director_a, it_a):
    refused = post_json(api_client(staff_a), PROBES, body())
    assert refused.status_code == 403
    for n, user in enumerate((leader_a, director_a, it_a)):
        made = post_json(api_client(user), PROBES, body(name=f"Dịch vụ {n}"))
        assert made.status_code == 201, made.content
    probe = Probe.objects.first()
    assert api_client(staff_a).delete(f"{PROBES}/{probe.pk}").status_code == 403
    assert Probe.objects.count() == 3


def test_another_centers_probes_are_not_found(it_a, it_b):
    theirs = post_json(api_client(it_b), PROBES, body(center="tanky")).json()["id"]
    client = api_client(it_a)

    assert client.delete(f"{PROBES}/{theirs}").status_code == 404
    assert client.get(PROBES, {"center": "tanky"}).status_code == 404
    assert client.get(PROBES).json() == []
    assert post_json(client, PROBES, body(center="tanky")).status_code == 404
    assert Probe.objects.filter(pk=theirs).exists()


def test_admin_configures_any_center(admin_user, center_b):
    made = post_json(api_client(admin_user), PROBES, body(center="tanky"))
    assert made.status_code == 201 and made.json()["center"] == "tanky"


# --- pages ---------------------------------------------------------------------------


def test_add_from_a_preset_and_delete_on_the_page(it_a):
    client = logged_in(it_a)
    page = client.get("/monitor/")
    assert page.status_code == 200
    assert "Đường truyền 1 (cổng mạng)" in page.content.decode()
    form = client.get("/monitor/new/", {"center": "bachngoc", "preset": "national"})
    assert "https://dichvucong.gov.vn/" in form.content.decode()

    saved = client.post(
        "/monitor/new/",
        {
            "center": "bachngoc",
            "name": "Cổng Dịch vụ công quốc gia",
            "kind": "http",
            "target": "https://dichvucong.gov.vn/",
            "incident_type": "software-down",
            "interval_s": "60",
            "fail_after": "3",
            "recover_after": "2",
            "flap_changes": "4",
            "flap_minutes": "30",
            "enabled": "on",
        },
    )
    assert saved.status_code == 302
    probe = Probe.objects.get()
    assert "Cổng Dịch vụ công quốc gia" in client.get("/monitor/").content.decode()

    assert client.post(f"/monitor/probes/{probe.pk}/toggle/", {"enabled": "0"}).status_code == 302
    probe.refresh_from_db()
    assert not probe.enabled
    assert client.post(f"/monitor/probes/{probe.pk}/delete/").status_code == 302
    assert not Probe.objects.exists()


def test_a_bad_target_on_the_page_says_why(it_a):
    response = logged_in(it_a).post(
        "/monitor/new/",
        {
            "center": "bachngoc",
            "name": "QMS",
            "kind": "tcp",
            "target": "192.168.1.50",
            "incident_type": "qms",
            "interval_s": "60",
            "fail_after": "3",
            "recover_after": "2",
            "flap_changes": "4",
            "flap_minutes": "30",
        },
    )
    assert response.status_code == 400
    assert "máy:cổng" in response.content.decode()
    assert not Probe.objects.exists()


def test_staff_see_the_states_but_cannot_configure(staff_a, it_a):
    post_json(api_client(it_a), PROBES, body())
    client = logged_in(staff_a)
    page = client.get("/monitor/").content.decode()
    assert "Cổng dịch vụ công quốc gia" in page and "Thêm điểm giám sát" not in page
    assert client.get("/monitor/new/").status_code == 404
    probe = Probe.objects.get()
    assert client.post(f"/monitor/probes/{probe.pk}/delete/").status_code == 404
    assert Probe.objects.exists()


def test_the_readiness_strip_tag(it_a):
    from django.template import Context, Template

    post_json(api_client(it_a), PROBES, body())
    html = Template("{% load monitor_tags %}{% probe_availability center %}").render(
        Context({"center": it_a.center})
    )
    assert "Mức sẵn sàng của các dịch vụ" in html and "Cổng dịch vụ công quốc gia" in html
    assert html.count('class="mo-cell ') == 31


def test_the_readiness_page_shows_the_availability_strip(it_a):
    post_json(api_client(it_a), PROBES, body())
    page = logged_in(it_a).get("/readiness/").content.decode()
    assert "Mức sẵn sàng của các dịch vụ" in page and "Cổng dịch vụ công quốc gia" in page
