from __future__ import annotations

import pytest

from ungcuu.core.testing import make_user
from ungcuu.monitor.tests.servers import WebServer
from ungcuu.org.models import Role


@pytest.fixture
def it_a(center_a):
    return make_user("a.it", Role.IT_OFFICER, center=center_a)


@pytest.fixture
def web():
    server = WebServer().start()
    yield server
    server.stop()
