"""Notification tests: a local receiver, Huey in immediate mode, reporting helpers."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ungcuu.core.testing import make_user
from ungcuu.notify.tests.receiver import Receiver
from ungcuu.org.models import DutyShift, Role


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def immediate():
    """Huey runs each task as it is enqueued; tasks scheduled for later stay queued."""
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = before


@pytest.fixture
def send(django_capture_on_commit_callbacks, immediate):
    """Run an action and the deliveries it queues on commit (with Huey immediate)."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def responder_a(center_a):
    """Today's on-duty responder at center A."""
    person = make_user("a.duty", Role.RESPONDER, center=center_a)
    DutyShift.objects.create(center=center_a, person=person, date=timezone.localdate())
    return person


@pytest.fixture
def commune_leader_a(center_a):
    return make_user("a.commune", Role.COMMUNE_LEADER, center=center_a)
