"""The minutes list each person under the body they belong to: a vendor's technician who
worked on the incident is listed under the vendor, not as a member of the center."""

from __future__ import annotations

from ungcuu.core.testing import make_user
from ungcuu.incidents import services as incidents
from ungcuu.org.models import Organisation, OrganisationKind, Role
from ungcuu.reports.services import minutes_draft


def test_a_vendor_technician_is_listed_under_the_vendor(staff_a, leader_a, internet, vnpt):
    tech = make_user("vnpt.tech", Role.VENDOR, organisation=vnpt)
    incident = incidents.incident_report(
        actor=staff_a, center=staff_a.center, incident_type=internet, description="Mất mạng"
    ).incident
    incidents.incident_escalate(actor=leader_a, incident=incident, organisations=[vnpt])
    incidents.incident_note(actor=tech, incident=incident, text="Đã thay modem")
    lines = minutes_draft(incident)["participants"].splitlines()
    center = staff_a.center.name
    tech_line = next(line for line in lines if tech.display_name in line)
    assert tech_line.endswith(f", {vnpt.name};")
    assert center not in tech_line
    # the vendor is there through its technician: no second, anonymous line for it
    assert f"- Đại diện {vnpt.name};" not in lines
    assert any(line.endswith(f", {center};") for line in lines)


def test_an_escalated_body_without_a_person_keeps_its_representative(
    staff_a, leader_a, internet, vnpt
):
    incident = incidents.incident_report(
        actor=staff_a, center=staff_a.center, incident_type=internet, description="Mất mạng"
    ).incident
    incidents.incident_escalate(actor=leader_a, incident=incident, organisations=[vnpt])
    draft = minutes_draft(incident)
    assert f"- Đại diện {vnpt.name};" in draft["participants"].splitlines()
    assert vnpt.name.upper() in draft["parties"]


def test_an_organisation_person_who_was_not_escalated_to_signs_as_a_party(staff_a, internet, db):
    power = Organisation.objects.create(name="Điện lực Bạch Ngọc", kind=OrganisationKind.OTHER)
    worker = make_user("dl.tech", Role.VENDOR, organisation=power)
    incident = incidents.incident_report(
        actor=staff_a, center=staff_a.center, incident_type=internet, description="Mất mạng"
    ).incident
    from ungcuu.incidents.models import EventKind, IncidentEvent

    IncidentEvent.objects.create(
        incident=incident,
        kind=EventKind.NOTE,
        actor=worker,
        at=incident.reported_at,
        payload={"text": "Đã đóng điện"},
    )
    draft = minutes_draft(incident)
    assert any(
        worker.display_name in line and line.endswith(f", {power.name};")
        for line in draft["participants"].splitlines()
    )
    assert power.name.upper() in draft["parties"]
