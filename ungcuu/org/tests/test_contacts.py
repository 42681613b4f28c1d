from __future__ import annotations

from ungcuu.core.testing import logged_in
from ungcuu.incidents.services import incident_report
from ungcuu.org.models import Contact, Organisation, OrganisationKind


def test_an_internet_incident_shows_the_provinces_carrier_hotline_not_another_provinces(
    staff_a, center_a, center_c, internet
):
    vnpt_na = Organisation.objects.create(
        name="VNPT Nghệ An", kind=OrganisationKind.ISP, province=center_a.province
    )
    Contact.objects.create(organisation=vnpt_na, name="Tổng đài kỹ thuật", phone="0238 3800 126")
    vnpt_tn = Organisation.objects.create(
        name="VNPT Thái Nguyên", kind=OrganisationKind.ISP, province=center_c.province
    )
    Contact.objects.create(organisation=vnpt_tn, name="Tổng đài", phone="0208 3800 126")
    power = Organisation.objects.create(
        name="Điện lực Đô Lương", kind=OrganisationKind.ELECTRICITY, province=center_a.province
    )
    Contact.objects.create(organisation=power, name="Trực vận hành", phone="0238 3870 000")
    incident = incident_report(actor=staff_a, center=center_a, incident_type=internet).incident

    page = logged_in(staff_a).get(f"/incidents/{incident.pk}/").content.decode()

    assert 'href="tel:02383800126"' in page
    assert "VNPT Thái Nguyên" not in page
    # Not a hotline to call for an internet outage (staff may still escalate to it).
    assert 'href="tel:02383870000"' not in page

    directory = logged_in(staff_a).get("/contacts/").content.decode()
    assert "Điện lực Đô Lương" in directory
    assert "VNPT Thái Nguyên" not in directory
