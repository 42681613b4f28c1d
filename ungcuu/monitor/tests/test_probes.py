"""Probes against real local servers: down after fail_after failures opens exactly one
incident (source probe), recovery marks it restored, flapping is held, a closed incident
with the service still down gives a new one, two runners never run one probe twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from ungcuu.catalog.models import IncidentType
from ungcuu.incidents import services as incidents
from ungcuu.incidents.models import EventKind, Impact, Incident, Source, Status
from ungcuu.monitor import selectors, services
from ungcuu.monitor.checks import run_check
from ungcuu.monitor.models import Probe, ProbeChange, ProbeHour, ProbeState
from ungcuu.monitor.tests.servers import NutServer, PrinterAgent, TcpListener
from ungcuu.org.system import system_user


def make_probe(user, *, kind="http", target, code="software-down", **extra) -> Probe:
    values = {"name": "Cổng dịch vụ công tỉnh", "fail_after": 2, "recover_after": 2}
    values.update(extra)
    return services.probe_save(
        actor=user,
        center=user.center,
        kind=kind,
        target=target,
        incident_type=IncidentType.objects.get(code=code),
        **values,
    )


def check(probe: Probe, now=None) -> Probe:
    result = run_check(probe.kind, probe.target, probe.keyword)
    return services.record_result(probe.pk, result, now=now)


def test_down_after_fail_after_failures_opens_exactly_one_incident(it_a, web):
    probe = make_probe(it_a, target=web.url)
    assert check(probe).state == ProbeState.UP
    web.stop()

    first = check(probe)
    assert first.state == ProbeState.UP and first.fail_count == 1
    assert not Incident.objects.exists()
    down = check(probe)
    check(probe)
    check(probe)

    assert down.state == ProbeState.DOWN
    incident = Incident.objects.get()
    assert incident.source == Source.PROBE
    assert incident.center == it_a.center
    assert incident.incident_type.code == "software-down"
    assert incident.reporter == system_user()
    assert web.url in incident.description and "từ chối kết nối" in incident.description
    assert incident.started_at == first.first_failure_at  # onset = the first failure
    assert incident.number.startswith("BN-")
    probe.refresh_from_db()
    assert probe.open_incident == incident
    assert list(probe.changes.values_list("state", flat=True)) == ["down", "up"]


def test_recovery_after_recover_after_successes_marks_it_restored(it_a, web):
    probe = make_probe(it_a, target=web.url)
    web.stop()
    check(probe)
    check(probe)
    incident = Incident.objects.get()
    web.start()

    once = check(probe)
    assert once.state == ProbeState.DOWN
    incident.refresh_from_db()
    assert incident.status != Status.RESOLVED
    back = check(probe)

    assert back.state == ProbeState.UP
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED
    assert incident.restored_at == once.first_success_at
    assert incident.root_cause == ""  # left for the person who closes it
    event = incident.events.get(kind=EventKind.RESOLVED)
    assert event.actor == system_user()
    assert event.payload["probe"] == probe.name
    assert "Giám sát tự động" in event.payload["resolution"]
    assert Incident.objects.count() == 1


def test_a_closed_incident_while_still_down_gives_a_new_one(it_a, leader_a, web):
    probe = make_probe(it_a, target=web.url, fail_after=1)
    web.stop()
    check(probe)
    first = Incident.objects.get()
    incidents.incident_resolve(
        actor=leader_a, incident=first, root_cause="Tưởng đã xong", on_site_reason="Thử"
    )
    incidents.incident_close(actor=leader_a, incident=first)

    check(probe)

    assert Incident.objects.count() == 2
    second = Incident.objects.exclude(pk=first.pk).get()
    assert second.is_open and second.source == Source.PROBE
    probe.refresh_from_db()
    assert probe.open_incident == second
    check(probe)
    assert Incident.objects.count() == 2  # never a second one while one is open


def test_a_flapping_probe_holds_its_state_instead_of_opening_and_closing(it_a, web):
    probe = make_probe(it_a, target=web.url, fail_after=1, recover_after=1, flap_changes=4)
    start = timezone.now()
    for n in range(16):
        if n % 2:
            web.start()
        else:
            web.stop()
        probe = check(probe, now=start + timedelta(seconds=10 * n))
    web.stop()

    assert probe.flapping
    assert probe.state_label == "Đang chập chờn"
    assert Incident.objects.count() <= 2
    assert ProbeChange.objects.filter(probe=probe, held=False).count() == 4
    assert ProbeChange.objects.filter(probe=probe, held=True).exists()
    opened = Incident.objects.count()
    statuses = list(Incident.objects.values_list("status", flat=True))
    for n in range(16, 20):
        probe = check(probe, now=start + timedelta(seconds=10 * n))
    assert Incident.objects.count() == opened
    assert list(Incident.objects.values_list("status", flat=True)) == statuses

    # Stable again for longer than the window: the damping ends and the state follows.
    later = start + timedelta(minutes=45)
    probe = check(probe, now=later)
    assert not probe.flapping and probe.state == ProbeState.DOWN


def test_a_ups_on_battery_opens_a_power_incident_low_battery_stops_reception(it_a):
    nut = NutServer(status="OL").start()
    try:
        probe = make_probe(
            it_a,
            name="Bộ lưu điện",
            kind="nut-ups",
            target=f"127.0.0.1:{nut.port}",
            code="power",
            fail_after=1,
        )
        assert check(probe).state == ProbeState.UP
        nut.status = "OB LB"
        check(probe)
    finally:
        nut.stop()
    incident = Incident.objects.get()
    assert incident.incident_type.code == "power"
    assert incident.impact == Impact.STOPPED
    assert "pin yếu" in incident.description


def test_a_printer_out_of_toner_or_paper_opens_the_matching_type(it_a, center_a):
    agent = PrinterAgent().start()
    try:
        probe = make_probe(
            it_a,
            name="Máy in quầy 1",
            kind="snmp-printer",
            target=f"127.0.0.1:{agent.port}",
            code="printer-paper",
            fail_after=1,
            recover_after=1,
        )
        assert check(probe).state == ProbeState.UP
        agent.toner = (4, 100)
        check(probe)
        ink = Incident.objects.get()
        agent.toner = (100, 100)
        check(probe)
        agent.paper = 0
        check(probe, now=timezone.now() + timedelta(seconds=1))
    finally:
        agent.stop()
    assert ink.incident_type.code == "printer-ink"
    assert "Hộp mực đen còn 4%" in ink.description
    paper = Incident.objects.exclude(pk=ink.pk).get()
    assert paper.incident_type.code == "printer-paper"
    assert "Khay 1" in paper.description


def test_tcp_and_dns_probes(it_a):
    listener = TcpListener().start()
    probe = make_probe(
        it_a,
        name="QMS",
        kind="tcp",
        target=f"127.0.0.1:{listener.port}",
        code="qms",
        fail_after=1,
    )
    assert check(probe).state == ProbeState.UP
    listener.stop()
    assert check(probe).state == ProbeState.DOWN
    assert Incident.objects.get().incident_type.code == "qms"
    dns = make_probe(it_a, name="DNS", kind="dns", target="localhost", fail_after=1)
    assert check(dns).state == ProbeState.UP


def test_hourly_figures_and_availability(it_a, web):
    probe = make_probe(it_a, target=web.url)
    for _ in range(3):
        check(probe)
    web.stop()
    check(probe)

    hour = ProbeHour.objects.get(probe=probe)
    assert (hour.up, hour.down, hour.latency_count) == (3, 1, 3)
    assert hour.latency_min <= hour.latency_avg <= hour.latency_max
    now = timezone.now()
    (row,) = selectors.availability(
        [it_a.center_id], now - timedelta(days=1), now + timedelta(hours=1)
    )
    assert row.name == probe.name and row.percent == 75.0
    strip = selectors.strips(it_a.center)[0]
    assert strip.hours[-1].level == "part" and strip.day_percent == 75.0
    assert services.prune(now=now + timedelta(days=401)) == 2  # the hour and the change
    assert not ProbeHour.objects.exists()


def test_two_runners_that_saw_the_same_probes_due_take_each_one_once(it_a, web):
    for n in range(3):
        make_probe(it_a, name=f"Dịch vụ {n}", target=web.url)
    now = timezone.now() + timedelta(seconds=1)
    seen_by_first = services.due_rows(now=now)
    seen_by_second = services.due_rows(now=now)

    first = services.take(seen_by_first, now=now)
    second = services.take(seen_by_second, now=now)

    assert len(first) == 3 and second == []
    assert services.claim_due(now=now) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runners_at_once_never_run_the_same_probe_twice(it_a, web):
    if connections["default"].vendor != "postgresql":
        pytest.skip("threads writing at once need PostgreSQL (the test SQLite is in memory)")
    probes = [make_probe(it_a, name=f"Dịch vụ {n}", target=f"{web.url}?n={n}") for n in range(6)]
    Probe.objects.update(next_run_at=timezone.now() - timedelta(seconds=1))
    meet = threading.Barrier(2)
    ran, errors = [], []

    def runner():
        try:
            meet.wait(timeout=5)
            ran.append(services.run_due(workers=3))
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(ran) == 6
    assert web.hits == 6
    assert sum(ProbeHour.objects.values_list("up", flat=True)) == 6
    assert services.run_due() == 0  # none due again before its interval
    for probe in probes:
        probe.refresh_from_db()
        assert probe.state == ProbeState.UP


def test_the_command_runs_due_probes_once(it_a, web):
    from io import StringIO

    from django.core.management import call_command

    make_probe(it_a, target=web.url)
    out = StringIO()
    call_command("probe", "run", "--once", stdout=out)
    assert "Đã chạy 1 điểm" in out.getvalue()
    assert web.hits == 1
