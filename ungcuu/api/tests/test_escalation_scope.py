"""Escalation through the API stays within the incident's province (or national bodies):
another province's carrier never gets to read or act on the incident."""

from __future__ import annotations

import pytest

from ungcuu.api.tests.helpers import INCIDENTS, is_vietnamese, post_event, report
from ungcuu.core.testing import api_client, make_user
from ungcuu.incidents.models import IncidentEscalation, IncidentEvent
from ungcuu.notify.models import Delivery
from ungcuu.org.models import Organisation, OrganisationKind, Role


@pytest.fixture
def viettel_tn(center_c):
    return Organisation.objects.create(
        name="Viettel Thái Nguyên", kind=OrganisationKind.ISP, province=center_c.province
    )


@pytest.fixture
def viettel_tn_vendor(viettel_tn):
    return make_user("viettel.tn", Role.VENDOR, organisation=viettel_tn)


def test_escalating_to_another_provinces_carrier_is_refused(
    leader_a, viettel_tn, viettel_tn_vendor
):
    incident = report(leader_a, leader_a.center, code="internet")
    events = IncidentEvent.objects.filter(incident=incident).count()

    answer = post_event(
        api_client(leader_a), incident.pk, kind="escalated", organisations=[viettel_tn.pk]
    )

    assert answer.status_code == 400
    body = answer.json()
    assert body["field"] == "organisations"
    assert is_vietnamese(body["detail"])
    assert IncidentEvent.objects.filter(incident=incident).count() == events
    assert not IncidentEscalation.objects.filter(organisation=viettel_tn).exists()
    assert not Delivery.objects.filter(person=viettel_tn_vendor).exists()
    incident.refresh_from_db()
    assert incident.status == "reported"

    vendor = api_client(viettel_tn_vendor)
    assert vendor.get(f"{INCIDENTS}/{incident.pk}").status_code == 404
    assert post_event(vendor, incident.pk, kind="started").status_code == 404


def test_the_province_cannot_escalate_its_center_to_another_provinces_carrier(
    province_user, staff_a, viettel_tn
):
    incident = report(staff_a, staff_a.center, code="internet")
    answer = post_event(
        api_client(province_user), incident.pk, kind="escalated", organisations=[viettel_tn.pk]
    )
    assert answer.status_code == 400
    assert not IncidentEscalation.objects.exists()


def test_escalating_to_the_provinces_own_carrier_still_works(leader_a, center_a):
    local = Organisation.objects.create(
        name="Viettel Nghệ An", kind=OrganisationKind.ISP, province=center_a.province
    )
    vendor = make_user("viettel.na", Role.VENDOR, organisation=local)
    incident = report(leader_a, center_a, code="internet")

    answer = post_event(
        api_client(leader_a), incident.pk, kind="escalated", organisations=[local.pk]
    )

    assert answer.status_code == 201
    assert api_client(vendor).get(f"{INCIDENTS}/{incident.pk}").status_code == 200
