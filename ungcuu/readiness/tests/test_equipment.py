"""The equipment register, its due tests and each item's incident history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ungcuu.core.testing import logged_in
from ungcuu.incidents import services as incidents
from ungcuu.readiness import services
from ungcuu.readiness.models import Equipment, IncidentEquipment


@pytest.fixture
def line(it_a):
    return services.equipment_save(
        actor=it_a,
        center=it_a.center,
        kind="line",
        name="Cáp quang VNPT 200 Mbps",
        provider="VNPT Nghệ An",
        contract="HĐ-12/2025",
        hotline="18001166",
        last_tested_on=timezone.localdate() - timedelta(days=40),
        next_maintenance_on=timezone.localdate() - timedelta(days=1),
    )


def test_an_it_officer_registers_a_backup_printer_through_the_form(it_a):
    answer = logged_in(it_a).post(
        "/readiness/equipment/new/",
        {
            "kind": "printer",
            "name": "Canon LBP 2900",
            "is_backup": "on",
            "status": "working",
            "location": "Quầy 3",
            "last_tested_on": "2026-11-01",
        },
    )
    assert answer.status_code == 302
    item = Equipment.objects.get()
    assert item.is_backup and item.center == it_a.center
    html = logged_in(it_a).get("/readiness/equipment/").content.decode()
    assert "Canon LBP 2900" in html and "Dự phòng" in html


def test_a_bad_date_is_refused(it_a):
    answer = logged_in(it_a).post(
        "/readiness/equipment/new/",
        {"kind": "ups", "name": "UPS", "status": "working", "last_tested_on": "31/02/2026"},
    )
    assert answer.status_code == 400
    assert not Equipment.objects.exists()


def test_equipment_due_for_a_test_is_reminded(line, it_a):
    reminders = [r for r in services.center_reminders(it_a.center) if r.kind == "equipment"]
    assert [r.people for r in reminders] == [[it_a]]
    assert "Cáp quang VNPT" in reminders[0].title


def test_an_incident_names_the_equipment_and_the_register_shows_it(line, staff_a, internet):
    incident = incidents.incident_report(
        actor=staff_a,
        center=staff_a.center,
        incident_type=internet,
        started_at=timezone.now() - timedelta(minutes=5),
    ).incident
    client = logged_in(staff_a)
    for _ in range(2):  # twice: still one link
        answer = client.post(
            f"/readiness/incidents/{incident.pk}/equipment/", {"equipment": line.pk}
        )
        assert answer.status_code == 302
    assert IncidentEquipment.objects.count() == 1
    html = client.get(f"/readiness/equipment/{line.pk}/").content.decode()
    assert incident.number in html
    assert "18001166" in html


def test_equipment_of_another_center_cannot_be_named(line, staff_b, internet):
    incident = incidents.incident_report(
        actor=staff_b,
        center=staff_b.center,
        incident_type=internet,
        started_at=timezone.now() - timedelta(minutes=5),
    ).incident
    logged_in(staff_b).post(
        f"/readiness/incidents/{incident.pk}/equipment/", {"equipment": line.pk}
    )
    assert not IncidentEquipment.objects.exists()


def test_recording_a_test_run_moves_the_next_check_by_the_same_interval(line, it_a, it_b):
    assert logged_in(it_b).post(f"/readiness/equipment/{line.pk}/tested/").status_code == 404
    client = logged_in(it_a)
    assert client.post(f"/readiness/equipment/{line.pk}/tested/").status_code == 302
    line.refresh_from_db()
    today = timezone.localdate()
    assert line.last_tested_on == today
    assert line.next_maintenance_on == today + timedelta(days=39)
    assert not [r for r in services.center_reminders(it_a.center) if r.kind == "equipment"]


def test_the_incident_count_of_an_item_leaves_out_drills(line, director_a, staff_a, internet):
    from ungcuu.readiness.models import IncidentEquipment as Link

    real = incidents.incident_report(
        actor=staff_a,
        center=staff_a.center,
        incident_type=internet,
        started_at=timezone.now() - timedelta(minutes=5),
    ).incident
    drill = services.drill_schedule(
        actor=director_a,
        center=director_a.center,
        scenario=internet,
        scheduled_at=timezone.now() + timedelta(minutes=1),
    )
    services.drill_start(actor=director_a, drill=drill)
    practice = incidents.incident_report(
        actor=staff_a, center=staff_a.center, incident_type=internet
    ).incident
    assert practice.is_drill
    for incident in (real, practice):
        Link.objects.create(incident=incident, equipment=line)
    html = logged_in(staff_a).get(f"/readiness/equipment/{line.pk}/").content.decode()
    assert "Sự cố liên quan (1)" in html
