"""`ungcuu channel` at a center's node: the hub owns the channels, the node only lists them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ungcuu.notify.models import Channel
from ungcuu.sync import conf


@pytest.fixture
def at_node(monkeypatch):
    monkeypatch.setattr(conf, "node_config", lambda: conf.NodeConfig("http://127.0.0.1:1", "x.y"))


def test_at_a_node_adding_a_channel_is_refused_and_points_to_the_hub(staff_a, at_node):
    with pytest.raises(CommandError, match="máy chủ của tỉnh") as refused:
        call_command("channel", "add", staff_a.username, "json://127.0.0.1:9/", stdout=StringIO())
    assert "Hãy gắn kênh trên máy chủ của tỉnh" in str(refused.value)
    assert not Channel.objects.exists()


def test_at_a_node_an_unknown_person_is_refused_the_same_way(db, at_node):
    with pytest.raises(CommandError, match="máy chủ của tỉnh"):
        call_command("channel", "add", "ai-do", "json://127.0.0.1:9/", stdout=StringIO())


def test_at_a_node_the_channels_are_still_listed(staff_a, at_node):
    Channel.objects.create(person=staff_a, url="json://127.0.0.1:9/", label="Zalo")
    out = StringIO()
    call_command("channel", "list", stdout=out)
    assert "a.staff" in out.getvalue() and "Zalo" in out.getvalue()


def test_at_the_hub_adding_a_channel_still_works(staff_a):
    out = StringIO()
    call_command("channel", "add", staff_a.username, "json://127.0.0.1:9/", stdout=out)
    assert "Đã gắn kênh" in out.getvalue()
    assert Channel.objects.filter(person=staff_a).count() == 1
