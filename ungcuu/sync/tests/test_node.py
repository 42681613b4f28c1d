"""The node's side in-process: joining, the hub's address, the reference data."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ungcuu.core.testing import logged_in
from ungcuu.notify.models import Channel
from ungcuu.org.models import User
from ungcuu.sync import conf, reference
from ungcuu.sync.node import check_url


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    conf.node_config.cache_clear()
    yield tmp_path
    conf.node_config.cache_clear()


def test_join_keeps_the_hub_and_key_for_the_owner_only(data_dir, monkeypatch):
    monkeypatch.delenv("UNGCUU_HUB_URL", raising=False)
    monkeypatch.delenv("UNGCUU_NODE_KEY", raising=False)
    assert not conf.is_node()
    call_command("node", "join", "https://hub.nghean.gov.vn/", "bachngoc.abc", stdout=StringIO())
    stored = data_dir / "node.json"
    assert json.loads(stored.read_text()) == {
        "hub_url": "https://hub.nghean.gov.vn",
        "key": "bachngoc.abc",
    }
    assert stored.stat().st_mode & 0o777 == 0o600
    assert conf.is_node() and conf.node_config().center_code == "bachngoc"


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://hub.example.vn", True),
        ("http://127.0.0.1:8000", True),
        ("http://192.168.1.10", True),
        ("http://localhost:8000", True),
        ("http://hub.example.vn", False),
        ("http://8.8.8.8", False),
        ("ftp://192.168.1.10", False),
    ],
)
def test_plain_http_only_to_this_machine_or_the_lan(url, ok):
    if ok:
        assert check_url(url) == url
    else:
        with pytest.raises(ValueError, match="https://"):
            check_url(url)


def test_join_refuses_a_public_plain_http_hub_in_vietnamese(data_dir):
    with pytest.raises(CommandError, match="https://"):
        call_command("node", "join", "http://hub.example.vn", "bachngoc.abc")
    assert not (data_dir / "node.json").exists()


def test_the_snapshot_copies_only_the_centers_people_and_drops_what_the_hub_removed(
    center_a, center_b, staff_a, leader_a, staff_b, province_user
):
    Channel.objects.create(person=leader_a, url="json://127.0.0.1:9/")
    text, digest = reference.snapshot(center_a, first=True)
    people = {o["fields"]["username"] for o in json.loads(text) if o["model"] == "org.user"}
    assert {"a.staff", "a.leader"} <= people
    assert "b.staff" not in people and "nghean.province" not in people
    # The same snapshot twice: the same digest (a pull brings nothing new).
    assert reference.snapshot(center_a)[1] == reference.snapshot(center_a)[1]
    gone = Channel.objects.create(person=staff_a, url="json://127.0.0.1:8/")
    reference.apply_snapshot(text)
    assert not Channel.objects.filter(pk=gone.pk).exists()
    assert Channel.objects.filter(person=leader_a).exists()
    # Password hashes came along: the same password signs in.
    assert User.objects.get(username="a.staff").check_password("mat-khau-thu-nghiem")


def test_a_node_says_so_in_its_header(center_a, staff_a, monkeypatch):
    page = logged_in(staff_a).get("/").content.decode()
    assert "Máy của Trung tâm" not in page
    monkeypatch.setattr(conf, "node_config", lambda: conf.NodeConfig("http://127.0.0.1:1", "x.y"))
    page = logged_in(staff_a).get("/").content.decode()
    assert "Máy của Trung tâm" in page and "chưa liên lạc được máy chủ của tỉnh" in page


def test_a_type_made_here_under_another_id_gives_way_to_the_hubs(center_a, printer_paper):
    """A node's own migrations made the shipped types; the hub's rows (its ids) replace
    them, steps included, without a clash on the code."""
    text, _digest = reference.snapshot(center_a, first=True)
    steps = printer_paper.steps.count()
    hub_pk = printer_paper.pk
    printer_paper.delete()  # as if this side had it under another id:
    IncidentType = type(printer_paper)
    made_here = IncidentType.objects.create(
        **{
            f.attname: getattr(printer_paper, f.attname)
            for f in IncidentType._meta.concrete_fields
            if not f.primary_key
        }
    )
    assert made_here.pk != hub_pk
    reference.apply_snapshot(text)
    kept = IncidentType.objects.get(code="printer-paper")
    assert kept.pk == hub_pk and kept.steps.count() == steps


@pytest.mark.parametrize(
    "path", ["/contacts/", "/duty/", "/policy/", "/plan/adjust/", "/readiness/check/items/"]
)
def test_at_a_node_what_the_hub_owns_is_read_only(director_a, monkeypatch, path):
    from ungcuu.org.models import Contact

    client = logged_in(director_a)
    before = Contact.objects.count()
    monkeypatch.setattr(conf, "node_config", lambda: conf.NodeConfig("http://127.0.0.1:1", "x.y"))
    response = client.post(path, {"name": "Anh Ba", "phone": "0912345678"}, follow=True)
    assert response.status_code == 200
    assert "do máy chủ của tỉnh quản lý" in response.content.decode()
    assert Contact.objects.count() == before
    assert client.get(path).status_code == 200  # still read
