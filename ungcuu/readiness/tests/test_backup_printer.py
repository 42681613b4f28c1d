"""000 1.1c: "Có ít nhất 1 máy in dự phòng" — readiness says so until one is recorded."""

from __future__ import annotations

from ungcuu.core.testing import logged_in
from ungcuu.notify.models import Delivery
from ungcuu.readiness import services
from ungcuu.readiness.models import EquipmentStatus

WARNING = "Chưa có máy in dự phòng"


def _printer(actor, **extra):
    return services.equipment_save(
        actor=actor, center=actor.center, kind="printer", name="Canon LBP 2900", **extra
    )


def test_the_readiness_page_warns_until_a_working_backup_printer_is_recorded(it_a):
    page = logged_in(it_a).get("/readiness/").content.decode()
    assert WARNING in page
    assert "luân phiên giữa các bộ phận" in page

    _printer(it_a)  # the everyday printer is no backup
    assert WARNING in logged_in(it_a).get("/readiness/").content.decode()

    spare = _printer(it_a, is_backup=True, status=EquipmentStatus.FAULTY)
    assert WARNING in logged_in(it_a).get("/readiness/").content.decode()

    services.equipment_save(
        actor=it_a,
        center=it_a.center,
        equipment=spare,
        kind="printer",
        name=spare.name,
        is_backup=True,
        status=EquipmentStatus.WORKING,
    )
    assert WARNING not in logged_in(it_a).get("/readiness/").content.decode()


def test_the_it_officer_is_reminded_once(it_a):
    services.reminders_send()
    services.reminders_send()
    sent = Delivery.objects.filter(title__startswith=WARNING)
    assert list(sent.values_list("person", flat=True)) == [it_a.pk]
    assert sent.get().body.startswith("Phương án yêu cầu có ít nhất 1 máy in dự phòng")
