"""A center's routing policy is changed only by that center's leaders, whoever calls."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict

from ungcuu.core.errors import ServiceError
from ungcuu.core.testing import make_user
from ungcuu.notify import services
from ungcuu.org.models import Role

DATA = {"simple_ack_minutes": 5, "complex_ack_minutes": 5, "prolonged_minutes": 30}


@pytest.mark.parametrize("outsider", ["leader_a", "province_user", "vendor_user"])
def test_another_centers_policy_is_refused_and_unchanged(request, outsider, center_b):
    policy = services.policy_for(center_b)
    before = model_to_dict(policy)
    with pytest.raises(ServiceError) as refused:
        services.policy_update(actor=request.getfixturevalue(outsider), center=center_b, data=DATA)
    assert refused.value.status == 403
    policy.refresh_from_db()
    assert model_to_dict(policy) == before


def test_the_centers_own_leader_changes_it(center_b):
    leader_b = make_user("b.leader", Role.TEAM_LEADER, center=center_b)
    policy = services.policy_update(actor=leader_b, center=center_b, data=DATA)
    assert policy.simple_ack_minutes == 5
