"""In a burst the worker's passes over new incidents keep apart, each taking many reports:
a pass costs about the same whatever it takes."""

from __future__ import annotations

import time

from ungcuu.notify import services


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
