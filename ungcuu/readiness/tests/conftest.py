from __future__ import annotations

import pytest

from ungcuu.core.testing import make_user
from ungcuu.org.models import Role


@pytest.fixture
def it_a(center_a):
    return make_user("a.it", Role.IT_OFFICER, center=center_a)


@pytest.fixture
def it_b(center_b):
    return make_user("b.it", Role.IT_OFFICER, center=center_b)
