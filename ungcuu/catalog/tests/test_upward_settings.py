"""When a center's incidents are reported upward, set on the plan's own page (R17, R23): a
province for its centers, a center leader for the center; empty follows the level above,
and UngCuu's own numbers are labelled as such (the plans give none)."""

from __future__ import annotations

import pytest

from ungcuu.catalog.models import PlanSetting
from ungcuu.catalog.playbooks import UPWARD_DEFAULTS, upward_rules
from ungcuu.core.testing import logged_in

ADJUST = "/plan/adjust/"
OWN_DEFAULT = "mặc định của UngCuu, phương án không quy định"


def _post(client, owner: dict, **fields):
    return client.post(ADJUST, {**owner, "level": "", "bodies": "default", **fields})


def test_the_page_shows_ungcuus_own_defaults_labelled_as_such(director_a, center_a):
    page = logged_in(director_a).get(ADJUST)
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("report_every_incident", "long_outage_minutes", "repeat_count", "repeat_days"):
        assert f'name="{name}"' in html
    assert html.count(OWN_DEFAULT) >= 4
    assert f"Để trống: {UPWARD_DEFAULTS['long_outage_minutes']} – {OWN_DEFAULT}" in html
    assert "Để trống: chỉ sự cố phức tạp" in html
    # What a repeat sends: the leader knows the bodies are not told of every occurrence.
    assert "nhiều nhất một lần trong 24 giờ" in html


def test_a_center_leader_sets_the_centers_rules(director_a, center_a, center_b):
    client = logged_in(director_a)
    response = _post(
        client,
        {"center": center_a.code},
        report_every_incident="1",
        long_outage_minutes="60",
        repeat_count="2",
        repeat_days="7",
    )
    assert response.status_code == 302
    rules = upward_rules(center_a)
    assert (rules.every_incident, rules.long_outage_minutes) == (True, 60)
    assert (rules.repeat_count, rules.repeat_days) == (2, 7)
    # Another center keeps UngCuu's defaults.
    other = upward_rules(center_b)
    assert other.long_outage_minutes == UPWARD_DEFAULTS["long_outage_minutes"]
    assert other.every_incident is False
    page = client.get(ADJUST).content.decode()
    assert 'name="long_outage_minutes" inputmode="numeric" value="60"' in page

    # Emptied again: back to the default.
    _post(
        client,
        {"center": center_a.code},
        report_every_incident="",
        long_outage_minutes="",
        repeat_count="",
        repeat_days="",
    )
    assert upward_rules(center_a).long_outage_minutes == UPWARD_DEFAULTS["long_outage_minutes"]
    assert upward_rules(center_a).every_incident is False


def test_a_provinces_rule_reaches_its_centers_and_shows_as_the_provinces(
    province_user, director_a, center_a, center_b
):
    response = _post(
        logged_in(province_user),
        {"province": center_a.province.code},
        long_outage_minutes="120",
        report_every_incident="1",
    )
    assert response.status_code == 302
    assert upward_rules(center_b).long_outage_minutes == 120
    assert upward_rules(center_a).every_incident is True
    page = logged_in(director_a).get(ADJUST).content.decode()
    assert "Để trống: 120 – theo phương án của tỉnh/thành phố" in page
    # The center's own choice wins over the province's.
    _post(logged_in(director_a), {"center": center_a.code}, long_outage_minutes="45")
    assert upward_rules(center_a).long_outage_minutes == 45
    assert upward_rules(center_b).long_outage_minutes == 120


def test_saving_the_bodies_alone_keeps_the_rules(director_a, center_a):
    client = logged_in(director_a)
    _post(client, {"center": center_a.code}, repeat_count="4")
    response = client.post(ADJUST, {"center": center_a.code, "level": "", "bodies": "default"})
    assert response.status_code == 302
    assert upward_rules(center_a).repeat_count == 4


@pytest.mark.parametrize(
    "field, value",
    [
        ("long_outage_minutes", "29"),
        ("long_outage_minutes", "10081"),
        ("long_outage_minutes", "ba mươi"),
        ("long_outage_minutes", "60.5"),
        ("repeat_count", "1"),
        ("repeat_count", "51"),
        ("repeat_days", "0"),
        ("repeat_days", "367"),
        ("repeat_days", "-3"),
        ("report_every_incident", "yes"),
    ],
)
def test_out_of_range_rules_are_refused_and_nothing_changes(director_a, center_a, field, value):
    response = _post(
        logged_in(director_a), {"center": center_a.code}, level="thanh-pho", **{field: value}
    )
    assert response.status_code == 400
    assert field in response.context["errors"]
    assert not PlanSetting.objects.exists()


def test_staff_cannot_set_the_rules(staff_a, center_a):
    response = _post(logged_in(staff_a), {"center": center_a.code}, repeat_count="2")
    assert response.status_code == 404
    assert not PlanSetting.objects.exists()
