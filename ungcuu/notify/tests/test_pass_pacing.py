"""In a burst the worker's passes over new incidents keep apart, each taking many reports:
a pass costs about the same whatever it takes; and it reads only near the newest."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from ungcuu.notify import services
from ungcuu.notify.models import Delivery, DeliveryState
from ungcuu.notify.tests.helpers import channel, report


def _clock(monkeypatch, start: float):
    now = [start]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 3))
        now[0] += seconds

    monkeypatch.setattr(services, "_next_pass_at", 0.0)
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    monkeypatch.setattr(time, "sleep", sleep)
    return now, slept


def test_a_pass_right_after_another_waits_for_the_rest_of_the_spacing(monkeypatch, settings):
    settings.PASS_SPACING_MS = 100
    now, slept = _clock(monkeypatch, 50.0)

    services.pace_pass()  # after a quiet spell: at once
    now[0] += 0.030
    services.pace_pass()  # 30 ms later, in a burst: waits 70 ms
    services.pace_pass()  # queued behind it: waits another 100 ms

    assert slept == [0.07, 0.1]


def test_a_report_after_a_quiet_spell_is_worked_out_at_once(monkeypatch, settings):
    settings.PASS_SPACING_MS = 100
    now, slept = _clock(monkeypatch, 50.0)

    services.pace_pass()
    now[0] += 0.5
    services.pace_pass()

    assert slept == []


def test_spacing_zero_never_waits(monkeypatch, settings):
    settings.PASS_SPACING_MS = 0
    _now, slept = _clock(monkeypatch, 50.0)

    for _ in range(3):
        services.pace_pass()

    assert slept == []


# --- what a pass reads ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_pass_reads_near_the_latest_worked_out_and_the_sweep_takes_an_older_one(
    django_capture_on_commit_callbacks,
    immediate,
    monkeypatch,
    receiver,
    staff_a,
    leader_a,
    printer_paper,
):
    monkeypatch.setattr(services, "NEW_WINDOW", 2)
    channel(receiver, "/leader", person=leader_a)
    with django_capture_on_commit_callbacks(execute=False):  # their tasks were lost
        forgotten = report(staff_a, printer_paper, description="Máy in số 1 hết giấy")
        between = report(staff_a, printer_paper, description="Máy in số 2 hết giấy")
        latest = report(staff_a, printer_paper, description="Máy in số 3 hết giấy")
    services._work_out([latest.pk])  # worked out by a pass that took only it

    with django_capture_on_commit_callbacks(execute=True):
        report(staff_a, printer_paper, description="Máy in số 4 hết giấy")

    # The pass read from the latest worked out less the window: the one just before it
    # was taken along, the older one left to the sweep, which tells the leader once.
    assert len(receiver.at("/leader")) == 3
    assert not Delivery.objects.filter(incident=forgotten).exists()
    assert Delivery.objects.filter(incident=between).count() == 1

    services.escalation_sweep(now=timezone.now() + timedelta(minutes=1))

    assert Delivery.objects.filter(incident=forgotten, state=DeliveryState.SENT).count() == 1
    assert len(receiver.at("/leader")) == 4
