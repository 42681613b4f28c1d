"""A province's hub and a center's node as real servers on loopback, with a proxy between
them that cuts the link: what both sides write during a cut arrives once, a node killed
mid-push loses and doubles nothing, a silent node is an incident, and nobody is told
twice. The node runs on SQLite; the hub on the engine of the test run (SQLite, or
PostgreSQL + Redis in the PostgreSQL run)."""

from __future__ import annotations

import json
import socket
import threading
import uuid
from collections import Counter
from contextlib import ExitStack
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ungcuu.sync.tests.harness import (
    LinkProxy,
    UngcuuServer,
    api,
    migrated_seed,
    suite_database_env,
    wait_until,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=False)]

SLOW = 120.0  # a loaded 2-core machine running both suites at once


class Recorder:
    """A local chat service: every message the servers send through their json://
    channels, by recipient path."""

    def __init__(self):
        self.messages: list[tuple[str, str]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    data = json.loads(body)
                except ValueError:
                    data = {}
                text = f"{data.get('title', '')}\n{data.get('message', '')}"
                recorder.messages.append((self.path.strip("/"), text))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def about(self, number: str) -> Counter:
        return Counter(path for path, text in self.messages if number in text)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


SETUP = """
from ungcuu.core.testing import make_user
from ungcuu.notify.models import Channel
from ungcuu.org.models import Role
from ungcuu.org.services import center_create
c = center_create(ward_code=17623, code="bachngoc", prefix="BN")
make_user("bn.staff", Role.STAFF, center=c)
leader = make_user("bn.leader", Role.TEAM_LEADER, center=c)
director = make_user("bn.director", Role.CENTER_LEADER, center=c)
province = make_user("na.province", Role.PROVINCE, province=c.province)
for person in (leader, director, province):
    Channel.objects.create(person=person, url="json://127.0.0.1:{port}/" + person.username)
from ungcuu.readiness.services.supplies import stock_move, supply_save
paper = supply_save(
    actor=leader, center=c, kind="paper_a4", name="Giấy A4", unit="ram", threshold=2
)
stock_move(actor=leader, item=paper, kind="received", quantity_value=10)
"""


def _redis_env() -> dict[str, str]:
    """Redis beside PostgreSQL, when the machine runs one (it does in CI)."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"*2\r\n$6\r\nSELECT\r\n$2\r\n11\r\n*1\r\n$7\r\nFLUSHDB\r\n")
            sock.recv(64)
    except OSError:
        return {}
    return {"REDIS_URL": "redis://127.0.0.1:6379/11"}


@pytest.fixture(scope="module")
def link():
    """The hub, the proxy, the node (filled from the hub through the proxy), the tokens."""
    with ExitStack() as stack:
        recorder = Recorder()
        stack.callback(recorder.close)
        hub_env = dict(stack.enter_context(suite_database_env()))
        if hub_env:
            hub_env.update(_redis_env())
        seed = migrated_seed()
        hub = UngcuuServer(name="hub", env=hub_env, seed=None if hub_env else seed, workers=2)
        stack.callback(hub.close)
        if hub_env:
            hub.run_command("migrate", "--verbosity", "0")
        hub.shell(SETUP.replace("{port}", str(recorder.port)))
        key = hub.run_command("node", "add", "bachngoc").stdout.strip().splitlines()[-1]
        tokens = {
            name: hub.run_command("token", name).stdout.strip().splitlines()[-1]
            for name in ("na.province",)
        }
        hub.start(timeout=SLOW * 2)
        proxy = LinkProxy.to(hub)
        stack.callback(proxy.close)
        node = UngcuuServer(
            name="node",
            env={
                "UNGCUU_HUB_URL": proxy.url,
                "UNGCUU_NODE_KEY": key,
                "UNGCUU_SYNC_PULL_SECONDS": "2",  # the hub's news sooner: a shorter test
            },
            seed=seed,
        )
        stack.callback(node.close)
        node.start(timeout=SLOW * 2)  # fills itself from the hub before it answers
        for name in ("bn.staff", "bn.leader", "bn.director"):
            tokens[name] = node.run_command("token", name).stdout.strip().splitlines()[-1]
        yield {"hub": hub, "node": node, "proxy": proxy, "tokens": tokens, "recorder": recorder}


def report(server, token, type_code="printer-paper", text="Hết giấy") -> dict:
    status, body = api(
        server,
        "POST",
        "/api/v1/incidents",
        token,
        {
            "client_uuid": str(uuid.uuid4()),
            "center": "bachngoc",
            "type": type_code,
            "description": text,
            "impact": "partial",
        },
    )
    assert status == 201, body
    return body


def find(server, token, client_uuid) -> dict | None:
    status, body = api(server, "GET", "/api/v1/incidents?center=bachngoc&limit=500", token)
    assert status == 200, body
    found = [i for i in body["items"] if i["client_uuid"] == client_uuid]
    assert len(found) <= 1  # never twice
    return found[0] if found else None


def events(server, token, incident_id) -> list[str]:
    status, body = api(server, "GET", f"/api/v1/incidents/{incident_id}", token)
    assert status == 200, body
    return body.get("events") or []


def test_the_node_fills_itself_and_its_people_sign_in_with_their_hub_passwords(link):
    node, tokens = link["node"], link["tokens"]
    status, me = api(node, "GET", "/api/v1/me", tokens["bn.staff"])
    assert status == 200 and me["center"] == "bachngoc"
    status, catalog = api(node, "GET", "/api/v1/catalog", tokens["bn.staff"])
    assert status == 200 and len(catalog) >= 10
    # The password of the hub opens the node's sign-in page.
    checked = node.shell(
        "from ungcuu.org.models import User;"
        "print(User.objects.get(username='bn.leader').check_password('mat-khau-thu-nghiem'))"
    )
    assert checked.strip().endswith("True")
    status, nodes = api(link["hub"], "GET", "/api/v1/nodes", tokens["na.province"])
    assert status == 200 and nodes[0]["center"] == "bachngoc" and nodes[0]["last_seen_at"]


def test_both_sides_write_during_a_cut_and_everything_arrives_once(link):
    hub, node, proxy, tokens = link["hub"], link["node"], link["proxy"], link["tokens"]
    province, staff, leader = tokens["na.province"], tokens["bn.staff"], tokens["bn.leader"]
    shared = report(node, staff, text="Trước khi mất mạng")
    assert wait_until(lambda: find(hub, province, shared["client_uuid"]), SLOW)
    hub_copy = find(hub, province, shared["client_uuid"])

    proxy.cut()
    at_node = report(node, staff, "software-down", "Phần mềm một cửa không vào được")
    api(node, "POST", f"/api/v1/incidents/{shared['id']}/events", leader, {"kind": "started"})
    status, _ = api(
        node,
        "POST",
        f"/api/v1/incidents/{shared['id']}/events",
        leader,
        {"kind": "resolved", "root_cause": "Hết giấy", "resolution": "Thay giấy"},
    )
    assert status in (200, 201)
    intake = {
        "client_uuid": str(uuid.uuid4()),
        "center": "bachngoc",
        "citizen_name": "Trần Thị Bình",
        "citizen_id": "040190000123",
        "procedure": "Chứng thực bản sao từ bản chính",
        "processing_days": 1,
        "received_at": datetime.now(UTC).isoformat(),
    }
    status, paper = api(node, "POST", "/api/v1/paper-intakes", staff, intake)
    assert status == 201, paper
    at_hub = report(hub, province, "internet", "Tỉnh ghi nhận mất kết nối")
    assert "-H" in at_hub["number"]  # never the node's numbers
    status, _ = api(
        hub,
        "POST",
        f"/api/v1/incidents/{hub_copy['id']}/events",
        province,
        {"kind": "note", "text": "Tỉnh đã biết"},
    )
    assert status in (200, 201)
    assert find(hub, province, at_node["client_uuid"]) is None  # the link is cut

    proxy.heal()
    assert wait_until(lambda: find(hub, province, at_node["client_uuid"]), SLOW)
    assert wait_until(lambda: find(node, staff, at_hub["client_uuid"]), SLOW)
    assert wait_until(
        lambda: find(hub, province, shared["client_uuid"])["status"] == "resolved", SLOW
    )
    assert wait_until(
        lambda: any(e["kind"] == "note" for e in events(node, staff, shared["id"])), SLOW
    )
    # The same timeline on both sides, each event once.
    on_node = [e["uuid"] for e in events(node, staff, shared["id"])]
    assert wait_until(
        lambda: [e["uuid"] for e in events(hub, province, hub_copy["id"])] == on_node, SLOW
    )
    assert len(on_node) == len(set(on_node))
    assert find(node, staff, shared["client_uuid"])["status"] == "resolved"
    status, intakes = api(hub, "GET", "/api/v1/paper-intakes?center=bachngoc", province)
    assert [i["receipt_number"] for i in intakes["items"]].count(paper["receipt_number"]) == 1

    # Told once each: the team leader by the node, the province by the hub.
    recorder = link["recorder"]
    number = at_node["number"]
    assert wait_until(lambda: recorder.about(number)["na.province"] >= 1, SLOW)
    assert wait_until(lambda: recorder.about(number)["bn.leader"] >= 1, SLOW)
    wait_until(lambda: False, 5)  # time for a second message, if there were one
    told = recorder.about(number)
    assert told["na.province"] == 1 and told["bn.leader"] == 1, told


@pytest.mark.parametrize("direction", ["up", "down"])
def test_a_link_cut_in_the_middle_of_a_batch_loses_and_doubles_nothing(link, direction):
    hub, node, proxy, tokens = link["hub"], link["node"], link["proxy"], link["tokens"]
    proxy.cut()
    made = [report(node, tokens["bn.staff"], text=f"Lô {direction} {n}") for n in range(5)]
    # The next batch is cut a few hundred bytes into its body (up) or its answer (down).
    proxy.heal()
    proxy.cut_after_bytes(300, direction, after=b"\r\n\r\n")
    assert proxy.wait_cut(SLOW)
    proxy.heal()
    for incident in made:
        assert wait_until(
            lambda i=incident: find(hub, tokens["na.province"], i["client_uuid"]), SLOW
        )


def test_a_node_killed_mid_push_resumes_without_loss_or_duplicates(link):
    hub, node, proxy, tokens = link["hub"], link["node"], link["proxy"], link["tokens"]
    proxy.cut()
    made = [report(node, tokens["bn.staff"], text=f"Trước khi mất điện {n}") for n in range(40)]
    sent_before = proxy.stats.up
    proxy.heal()
    assert proxy.wait_bytes(sent_before + 2000, "up", SLOW)  # a push is on the wire
    node.kill9()  # the power goes
    node.start(timeout=SLOW * 2)
    for incident in made:
        assert wait_until(
            lambda i=incident: find(hub, tokens["na.province"], i["client_uuid"]), SLOW
        )
    numbers = [i["number"] for i in made]
    assert len(set(numbers)) == len(numbers)


def test_a_silent_node_is_an_incident_at_the_hub_restored_when_it_is_heard(link):
    hub, proxy, tokens = link["hub"], link["proxy"], link["tokens"]
    proxy.cut()
    opened = hub.shell(
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from ungcuu.sync.hub import silence_sweep\n"
        "print(silence_sweep(now=timezone.now() + timedelta(minutes=6)))"
    )
    assert opened.strip().endswith("1")
    status, body = api(
        hub,
        "GET",
        "/api/v1/incidents?center=bachngoc&type=internet&status=reported",
        tokens["na.province"],
    )
    heartbeat = [i for i in body["items"] if i["source"] == "heartbeat"]
    assert len(heartbeat) == 1
    proxy.heal()

    def restored():
        status, found = api(
            hub, "GET", f"/api/v1/incidents/{heartbeat[0]['id']}", tokens["na.province"]
        )
        return found["status"] == "resolved"

    assert wait_until(restored, SLOW)


def test_the_nodes_supplies_reach_the_hub_and_the_hub_leaves_them_to_the_node(link):
    hub, node, proxy, tokens = link["hub"], link["node"], link["proxy"], link["tokens"]
    province, leader = tokens["na.province"], tokens["bn.leader"]

    def paper(server, token) -> dict:
        status, items = api(server, "GET", "/api/v1/readiness/supplies?center=bachngoc", token)
        assert status == 200, items
        [item] = [i for i in items if i["name"] == "Giấy A4"]
        return item

    item = paper(node, leader)  # the node's copy, from when it joined
    assert item["stock"] == 10 and item["id"] == paper(hub, province)["id"]
    proxy.cut()
    used = {"client_uuid": str(uuid.uuid4()), "kind": "used", "quantity": 3, "note": "Phiếu"}
    path = f"/api/v1/readiness/supplies/{item['id']}/movements"
    for _ in range(2):  # sent twice from the desk: written once
        status, body = api(node, "POST", path, leader, used)
        assert status in (200, 201) and body["stock"] == 7, body
    # The hub does not write the node's supplies.
    status, body = api(
        hub,
        "POST",
        path,
        province,
        {"client_uuid": str(uuid.uuid4()), "kind": "received", "quantity": 5},
    )
    assert status == 409 and "máy riêng" in body["detail"]
    assert paper(hub, province)["stock"] == 10

    proxy.heal()
    assert wait_until(lambda: paper(hub, province)["stock"] == 7, SLOW)
    counted = hub.shell(
        "from ungcuu.readiness.models import StockMovement;"
        "print(StockMovement.objects.filter(item__name='Giấy A4').count())"
    )
    assert counted.strip().endswith("2")  # the first 10 reams and the 3 used, once each
