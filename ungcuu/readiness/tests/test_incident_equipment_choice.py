"""Issue 14: "Thiết bị liên quan" on an incident chooses nothing by itself, or the one
device of the incident's kind: one tap must not record the generator for a printer."""

from __future__ import annotations

import re

import pytest

from ungcuu.catalog.models import IncidentType
from ungcuu.core.testing import logged_in
from ungcuu.incidents.services import incident_report
from ungcuu.readiness import services

pytestmark = pytest.mark.django_db


def _select(page: str) -> str:
    return re.search(r'<select id="rd-equipment".*?</select>', page, re.S)[0]


def _report(user, code):
    return incident_report(
        actor=user, center=user.center, incident_type=IncidentType.objects.get(code=code)
    ).incident


def test_a_printer_incident_offers_the_printers_first_and_chooses_none_of_several(it_a):
    for kind, name in [("generator", "Máy nổ Honda"), ("printer", "Máy in quầy 1")]:
        services.equipment_save(actor=it_a, center=it_a.center, kind=kind, name=name)
    services.equipment_save(actor=it_a, center=it_a.center, kind="printer", name="Máy in quầy 2")
    incident = _report(it_a, "printer-paper")
    select = _select(logged_in(it_a).get(f"/incidents/{incident.pk}/").content.decode())
    options = re.findall(r"<option[^>]*>([^<]*)</option>", select)
    assert options[0].startswith("— Chọn thiết bị")
    assert options.index("Máy in quầy 1 – Máy in") < options.index(
        "Máy nổ Honda – Máy nổ (máy phát điện)"
    )
    assert re.search(r'<option value="" selected>', select)
    assert select.count("selected") == 1


def test_the_one_device_of_the_incidents_kind_is_chosen(it_a):
    generator = services.equipment_save(
        actor=it_a, center=it_a.center, kind="generator", name="Máy nổ Honda"
    )
    printer = services.equipment_save(
        actor=it_a, center=it_a.center, kind="printer", name="Máy in quầy 1"
    )
    select = _select(
        logged_in(it_a).get(f"/incidents/{_report(it_a, 'printer-ink').pk}/").content.decode()
    )
    assert f'<option value="{printer.pk}" selected>' in select
    assert f'<option value="{generator.pk}" selected>' not in select
    # An incident of no device's kind chooses nothing.
    select = _select(
        logged_in(it_a).get(f"/incidents/{_report(it_a, 'login').pk}/").content.decode()
    )
    assert '<option value="" selected>' in select
