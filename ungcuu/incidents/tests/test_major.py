"""Major incidents: the same type at K centers of a province within T minutes is one shared
outage (issue 12 item 3; DESIGN.md: GET /api/v1/major-incidents)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from ungcuu.catalog.models import IncidentType
from ungcuu.core.testing import api_client, logged_in, make_user
from ungcuu.incidents.models import CorrelationRule, Incident, MajorIncident, Status
from ungcuu.incidents.services import incident_reopen, incident_report
from ungcuu.org.models import Role
from ungcuu.org.services import center_create

API = "/api/v1/major-incidents"


@pytest.fixture
def nghean(center_a, center_b):
    """Four centers of Nghệ An, each with a staff member."""
    more = [
        center_create(ward_code=17329, code="anhson", prefix="AS"),
        center_create(ward_code=17380, code="yenxuan", prefix="YX"),
    ]
    centers = [center_a, center_b, *more]
    return [
        (center, make_user(f"{center.code}.nv", Role.STAFF, center=center)) for center in centers
    ]


def report(center, person, incident_type, **kwargs):
    return incident_report(
        actor=person, center=center, incident_type=incident_type, **kwargs
    ).incident


def test_three_centers_reporting_the_same_outage_make_one_major_incident(nghean, internet):
    (a, sa), (b, sb), (c, sc), (d, sd) = nghean
    first = report(a, sa, internet)
    second = report(b, sb, internet)
    assert MajorIncident.objects.count() == 0  # two centers: not yet

    third = report(c, sc, internet)

    major = MajorIncident.objects.get()
    assert major.scope == "province" and major.province == a.province
    assert set(major.children.values_list("pk", flat=True)) == {first.pk, second.pk, third.pk}
    assert major.started_at == min(i.started_at for i in (first, second, third))
    assert major.number.startswith(f"DR-{a.province.code:02d}-")

    # A later report joins it; the same center twice is still one center.
    fourth = report(d, sd, internet)
    again = report(a, sa, internet)
    assert fourth.major_incident_id == major.pk and again.major_incident_id == major.pk
    assert MajorIncident.objects.count() == 1


def test_reports_outside_the_window_other_types_provinces_and_drills_do_not_count(
    nghean, internet, printer_paper, staff_c, center_c
):
    (a, sa), (b, sb), (c, sc), _d = nghean
    long_ago = timezone.now() - timedelta(minutes=40)
    report(a, sa, internet, now=long_ago)
    report(b, sb, printer_paper)
    report(center_c, staff_c, internet)  # Thái Nguyên
    report(c, sc, internet)
    assert MajorIncident.objects.count() == 0


def test_a_province_sets_its_own_rule_per_type(nghean, internet, center_a):
    CorrelationRule.objects.create(
        province=center_a.province, incident_type=internet, centers=2, minutes=5
    )
    (a, sa), (b, sb), _c, _d = nghean
    report(a, sa, internet)
    report(b, sb, internet)
    assert MajorIncident.objects.count() == 1


def test_a_province_can_turn_grouping_off(nghean, internet, center_a):
    CorrelationRule.objects.create(province=center_a.province, centers=2, enabled=False)
    for center, person in nghean:
        report(center, person, internet)
    assert MajorIncident.objects.count() == 0


def test_a_national_system_down_in_two_provinces_is_one_national_major_incident(
    center_a, center_b, center_c, staff_a, staff_b, staff_c
):
    national_db = IncidentType.objects.get(code="national-db")
    CorrelationRule.objects.create(incident_type=national_db, centers=2)  # every province
    other = center_create(ward_code=5443, code="phandinhphung", prefix="PDP")
    other_staff = make_user("pdp.nv", Role.STAFF, center=other)

    report(center_a, staff_a, national_db)
    report(center_b, staff_b, national_db)
    assert MajorIncident.objects.filter(scope="national").count() == 0
    report(center_c, staff_c, national_db)
    report(other, other_staff, national_db)

    national = MajorIncident.objects.get(scope="national")
    provinces = MajorIncident.objects.filter(scope="province")
    assert provinces.count() == 2
    assert set(provinces.values_list("parent", flat=True)) == {national.pk}
    admin = make_user("root", Role.ADMIN, is_staff=True, is_superuser=True)
    body = api_client(admin).get(f"{API}/{national.pk}").json()
    assert body["scope"] == "national" and body["province"] is None
    assert set(body["centers"]) == {"bachngoc", "tanky", "dongphuc", "phandinhphung"}


def test_the_api_lists_what_each_person_may_see(nghean, internet, center_c, staff_c):
    for center, person in nghean[:3]:
        report(center, person, internet)
    major = MajorIncident.objects.get()
    province = make_user("na.tinh", Role.PROVINCE, province=nghean[0][0].province)
    elsewhere = make_user("tn.tinh", Role.PROVINCE, province=center_c.province)

    listed = api_client(province).get(f"{API}?province={nghean[0][0].province.code}").json()
    assert [m["id"] for m in listed["items"]] == [major.pk]
    item = listed["items"][0]
    assert item["type"] == "internet" and item["status"] == "open"
    assert item["centers"] == ["bachngoc", "tanky", "anhson"]
    assert len(item["children"]) == 3

    assert api_client(elsewhere).get(API).json()["items"] == []
    assert api_client(elsewhere).get(f"{API}/{major.pk}").status_code == 404
    assert api_client(staff_c).get(f"{API}/{major.pk}").status_code == 404
    # A center's staff see the major incident their center is part of.
    assert api_client(nghean[0][1]).get(f"{API}/{major.pk}").status_code == 200
    assert api_client(nghean[3][1]).get(f"{API}/{major.pk}").status_code == 404
    # Bad filters are a 4xx naming the field.
    bad = api_client(province).get(f"{API}?status=sometimes")
    assert bad.status_code in (400, 422)


def test_the_province_resolves_the_major_incident_and_every_center_is_restored(nghean, internet):
    children = [report(center, person, internet) for center, person in nghean[:3]]
    major = MajorIncident.objects.get()
    province = make_user("na.tinh", Role.PROVINCE, province=nghean[0][0].province)

    # A center's staff may read the page but not resolve it.
    staff_page = logged_in(nghean[0][1]).get(f"/major/{major.pk}/")
    assert staff_page.status_code == 200 and "Xác nhận đã khắc phục" not in staff_page.text
    refused = logged_in(nghean[0][1]).post(f"/major/{major.pk}/", {"note": "x"})
    assert refused.status_code == 400
    assert MajorIncident.objects.get().status == "open"

    response = logged_in(province).post(f"/major/{major.pk}/", {"note": "VNPT nối lại cáp quang"})
    assert response.status_code == 302
    major.refresh_from_db()
    assert major.status == "resolved" and major.resolved_by == province
    for child in children:
        child.refresh_from_db()
        assert child.status == Status.RESOLVED
        assert child.restored_at is not None
        assert major.number in child.root_cause and "VNPT nối lại cáp quang" in child.root_cause

    # A center whose service is still down reopens its own incident.
    leader = make_user("bn.tt", Role.TEAM_LEADER, center=nghean[0][0])
    incident_reopen(actor=leader, incident=children[0], reason="Vẫn chưa vào được mạng")
    children[0].refresh_from_db()
    assert children[0].is_open
    assert Incident.objects.get(pk=children[1].pk).status == Status.RESOLVED

    # Resolving twice changes nothing more.
    logged_in(province).post(f"/major/{major.pk}/", {"note": "lần hai"})
    major.refresh_from_db()
    assert major.note == "VNPT nối lại cáp quang"


def test_the_incident_page_links_its_major_incident(nghean, internet):
    children = [report(center, person, internet) for center, person in nghean[:3]]
    major = MajorIncident.objects.get()
    page = logged_in(nghean[0][1]).get(f"/incidents/{children[0].pk}/").content.decode()
    assert f'href="/major/{major.pk}/"' in page and major.number in page


def test_two_workers_opening_the_same_major_incident_make_one(nghean, internet):
    """The partial unique index stops a second open major incident of a province and type."""
    from django.db import IntegrityError, transaction

    for center, person in nghean[:3]:
        report(center, person, internet)
    major = MajorIncident.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        MajorIncident.objects.create(
            number="DR-dup",
            incident_type=internet,
            scope="province",
            province=major.province,
            started_at=major.started_at,
            opened_at=major.opened_at,
        )


def test_the_report_form_says_how_many_other_centers_reported_a_type(nghean, internet):
    (a, sa), (b, sb), (c, sc), (d, sd) = nghean
    report(b, sb, internet)
    report(c, sc, internet)
    report(a, sa, internet)  # the reader's own center is not counted

    page = logged_in(sa).get("/incidents/new/").content.decode()

    assert "2 Trung tâm khác trong tỉnh đã báo sự cố này trong 15 phút qua" in page
    assert page.count("Trung tâm khác trong tỉnh đã báo") == 1  # only beside internet


def test_the_quarterly_report_counts_a_major_incident_once(nghean, internet, printer_paper):
    from ungcuu.reports.periods import period_from
    from ungcuu.reports.selectors import report_scope
    from ungcuu.reports.stats import compute

    for center, person in nghean:
        report(center, person, internet)
    report(nghean[0][0], nghean[0][1], printer_paper)
    province = make_user("na.tinh", Role.PROVINCE, province=nghean[0][0].province)
    today = timezone.localdate()

    stats = compute(
        report_scope(province, province=str(nghean[0][0].province.code)),
        period_from(year=today.year, quarter_number=(today.month - 1) // 3 + 1),
    )

    assert stats.total == 5
    assert len(stats.major_incidents) == 1 and stats.major_incidents[0].centers == 4
    assert stats.outages == 2  # the shared outage once, the printer once
    by_center = {row.code: row.count for row in stats.by_center}
    assert by_center["bachngoc"] == 2  # each center keeps its own incidents


def test_reports_of_the_same_moments_that_missed_each_other_are_folded_after_commit(
    nghean, internet, monkeypatch
):
    from ungcuu.incidents.services import report as report_service
    from ungcuu.notify.services import after_report

    (a, sa), (b, sb), (c, sc), (d, sd) = nghean
    # Each report correlates before it commits: reports made in the same moments do not
    # see each other, and none of them opens the major incident.
    with monkeypatch.context() as patch:
        patch.setattr(report_service, "correlate", lambda incident, **_kw: None)
        missed = [report(center, person, internet) for center, person in nghean[:3]]
    assert MajorIncident.objects.count() == 0

    after_report([i.pk for i in missed])  # the worker's pass, once they are committed

    major = MajorIncident.objects.get()
    assert set(major.children.values_list("pk", flat=True)) == {i.pk for i in missed}

    # One that missed the major incident opened meanwhile joins it too, once.
    with monkeypatch.context() as patch:
        patch.setattr(report_service, "correlate", lambda incident, **_kw: None)
        late = report(d, sd, internet)
    for _ in range(2):
        after_report([late.pk])
    late.refresh_from_db()
    assert late.major_incident_id == major.pk and MajorIncident.objects.count() == 1


def test_a_report_standing_alone_stays_alone_after_commit(nghean, internet):
    from ungcuu.notify.services import after_report

    (a, sa), (b, sb), *_rest = nghean
    alone = [report(a, sa, internet), report(b, sb, internet)]
    after_report([i.pk for i in alone])
    assert MajorIncident.objects.count() == 0
    assert not Incident.objects.filter(major_incident__isnull=False).exists()


def test_a_report_into_an_open_major_incident_is_written_into_it_at_once(nghean, internet):
    """Its row is inserted with the major incident: no lock for update on the major
    incident (every report of the province would wait on it), no second write."""
    from django.test.utils import CaptureQueriesContext

    for center, person in nghean[:3]:
        report(center, person, internet)
    major = MajorIncident.objects.get()
    center, person = nghean[3]
    with CaptureQueriesContext(connection) as captured:
        fourth = report(center, person, internet)
    assert Incident.objects.get(pk=fourth.pk).major_incident_id == major.pk
    sqls = [q["sql"] for q in captured.captured_queries]
    assert not [sql for sql in sqls if "FOR UPDATE" in sql]
    joins = [sql for sql in sqls if sql.startswith('UPDATE "incidents_incident"')]
    assert not [sql for sql in joins if "major_incident" in sql]


def test_a_report_whose_major_incident_was_resolved_meanwhile_does_not_join_it(
    nghean, internet, monkeypatch
):
    """It saw the major incident open just before its transaction; the province resolved
    it in between: the report is not written into a resolved one."""
    from ungcuu.incidents.services import major as major_services
    from ungcuu.incidents.services import report as report_services

    for center, person in nghean[:3]:
        report(center, person, internet)
    major = MajorIncident.objects.get()
    province = make_user("na.tinh", Role.PROVINCE, province=nghean[0][0].province)
    major_services.major_resolve(actor=province, major=major, note="Đã nối lại")
    monkeypatch.setattr(
        report_services, "first_look", lambda incident, now: major_services.Look(major.pk, True)
    )
    center, person = nghean[3]
    late = report(center, person, internet)
    assert Incident.objects.get(pk=late.pk).major_incident_id != major.pk
    assert late.is_open


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite writes one at a time")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_resolving_waits_for_a_report_joining_at_that_moment(nghean, internet, monkeypatch):
    """A report holds its major incident open until it commits, so the province's
    "resolved" marks it restored with the others; it is never left open under a closed
    major incident."""
    import threading

    from django.db import connections

    from ungcuu.incidents.services import major as major_services
    from ungcuu.incidents.services import report as report_services

    for center, person in nghean[:3]:
        report(center, person, internet)
    major = MajorIncident.objects.get()
    province = make_user("na.tinh", Role.PROVINCE, province=nghean[0][0].province)
    inside, go, found = threading.Event(), threading.Event(), {}
    noted = report_services.joined_at_report

    def paused(incident, now):
        noted(incident, now)
        inside.set()
        go.wait(10)

    monkeypatch.setattr(report_services, "joined_at_report", paused)

    def reporting():
        try:
            center, person = nghean[3]
            found["incident"] = report(center, person, internet)
        finally:
            connections.close_all()

    def resolving():
        try:
            found["marked"] = major_services.major_resolve(actor=province, major=major)
        finally:
            connections.close_all()

    reporter = threading.Thread(target=reporting)
    reporter.start()
    assert inside.wait(10)
    resolver = threading.Thread(target=resolving)
    resolver.start()
    resolver.join(1.0)
    waited = resolver.is_alive()
    go.set()
    reporter.join(10)
    resolver.join(10)

    assert waited  # the resolve waited for the report's commit
    assert found["marked"] == 4
    joined = Incident.objects.get(pk=found["incident"].pk)
    assert joined.major_incident_id == major.pk and joined.status == Status.RESOLVED
