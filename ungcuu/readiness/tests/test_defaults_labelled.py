"""The readiness numbers the plans do not give (the start-of-day check hour, the password
period, the certificate warning days) are said to be UngCuu's own where they are set and
where they show."""

from __future__ import annotations

from datetime import time

from ungcuu.core.testing import logged_in
from ungcuu.readiness import services
from ungcuu.readiness.models import ReadinessPolicy

LABEL = "mặc định của UngCuu, phương án không quy định"


def test_the_settings_page_says_the_defaults_are_ungcuus(admin_user, center_a):
    policy = services.policy_for(center_a)
    page = (
        logged_in(admin_user)
        .get(f"/admin/readiness/readinesspolicy/{policy.pk}/change/")
        .content.decode()
    )
    assert LABEL in page
    assert "Mặc định 09:00" in page
    assert "Mặc định 90" in page
    assert "30, 7, 1" in page


def test_the_check_page_says_whose_hour_it_is(it_a):
    client = logged_in(it_a)
    page = client.get("/readiness/check/").content.decode()
    assert "hạn kiểm tra 09:00" in page and LABEL in page
    ReadinessPolicy.objects.filter(center=it_a.center).update(check_deadline=time(8, 0))
    page = client.get("/readiness/check/").content.decode()
    assert "hạn kiểm tra 08:00" in page and LABEL not in page


def test_the_certificates_page_says_the_warning_days_are_ungcuus(it_a):
    page = logged_in(it_a).get("/readiness/certificates/").content.decode()
    assert "30, 7, 1 ngày" in page and LABEL in page
