"""The scope rules the write services share, and the duty roster's own checks."""

from __future__ import annotations

from datetime import date

import pytest

from ungcuu.core.errors import ServiceError
from ungcuu.core.testing import make_user
from ungcuu.incidents.models import Incident
from ungcuu.org.models import DutyShift, Organisation, OrganisationKind, Role
from ungcuu.org.scope import acts_on, escalation_targets, require_center
from ungcuu.org.services import duty_set

# The fixtures are picked by name inside some tests: the mark makes pytest-django order
# them with the other database tests.
pytestmark = pytest.mark.django_db


@pytest.fixture
def responder_a(center_a):
    return make_user("a.responder", Role.RESPONDER, center=center_a)


@pytest.fixture
def responder_b(center_b):
    return make_user("b.responder", Role.RESPONDER, center=center_b)


def test_escalation_targets_are_the_incidents_province_and_national_bodies(
    center_a, center_c, vnpt
):
    local = Organisation.objects.create(
        name="Điện lực Nghệ An", kind=OrganisationKind.ELECTRICITY, province=center_a.province
    )
    Organisation.objects.create(
        name="Điện lực Thái Nguyên", kind=OrganisationKind.ELECTRICITY, province=center_c.province
    )
    incident = Incident(center=center_a)
    assert set(escalation_targets(incident)) == {local, vnpt}


@pytest.mark.parametrize(
    ("who", "center", "allowed"),
    [
        ("staff_a", "center_a", True),
        ("staff_a", "center_b", False),
        ("province_user", "center_b", True),
        ("province_user", "center_c", False),
        ("admin_user", "center_c", True),
        ("vendor_user", "center_a", False),
    ],
)
def test_who_acts_on_which_center(request, who, center, allowed):
    user, where = request.getfixturevalue(who), request.getfixturevalue(center)
    assert acts_on(user, where) is allowed
    if not allowed:
        with pytest.raises(ServiceError) as refused:
            require_center(user, where)
        assert refused.value.status == 404
        assert refused.value.message == "Không tìm thấy trung tâm."


def test_ones_own_center_is_answered_without_a_query(
    staff_a, center_a, center_b, django_assert_num_queries
):
    # Every report asks this for the reporter's own center: the row is known to exist.
    with django_assert_num_queries(0):
        assert acts_on(staff_a, center_a) is True
        assert acts_on(staff_a, center_a.pk) is True
    assert acts_on(staff_a, center_b) is False


def test_a_deactivated_user_acts_on_not_even_their_own_center(staff_a, center_a):
    staff_a.is_active = False

    assert acts_on(staff_a, center_a) is False
    with pytest.raises(ServiceError):
        require_center(staff_a, center_a)


def test_a_leader_cannot_plan_another_centers_roster(leader_a, center_b, responder_b):
    duty_set(
        actor=make_user("b.leader", Role.TEAM_LEADER, center=center_b),
        center=center_b,
        day=date(2026, 12, 7),
        people=[responder_b],
    )
    before = list(DutyShift.objects.values_list("center_id", "person_id", "date"))
    with pytest.raises(ServiceError) as refused:
        duty_set(actor=leader_a, center=center_b, day=date(2026, 12, 7), people=[])
    assert refused.value.status == 403
    assert list(DutyShift.objects.values_list("center_id", "person_id", "date")) == before


def test_another_centers_responder_cannot_be_put_on_our_roster(leader_a, center_a, responder_b):
    with pytest.raises(ServiceError) as refused:
        duty_set(actor=leader_a, center=center_a, day=date(2026, 12, 7), people=[responder_b])
    assert "people" in refused.value.fields
    assert not DutyShift.objects.exists()


def test_our_own_responder_goes_on_duty(leader_a, center_a, responder_a):
    duty_set(actor=leader_a, center=center_a, day=date(2026, 12, 7), people=[responder_a])
    assert DutyShift.objects.get().person == responder_a
