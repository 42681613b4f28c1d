"""The demo database: seed centers, every role, a believable history from the services."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory, override_settings

from ungcuu.catalog.models import IncidentType, Tier
from ungcuu.continuity.models import PaperIntake
from ungcuu.continuity.selectors import worklist
from ungcuu.core.demo import (
    ADMIN_LOGIN,
    CENTER_SLUGS,
    DEMO_LOGINS,
    DEMO_NOTE,
    DEMO_PASSWORD,
    ROSTER_FUTURE_DAYS,
    ROSTER_PAST_DAYS,
    demo_build,
)
from ungcuu.incidents.models import (
    EventKind,
    Incident,
    IncidentEscalation,
    IncidentEvent,
    Status,
)
from ungcuu.incidents.selectors import incidents_for
from ungcuu.incidents.services import derive_state
from ungcuu.org.models import (
    RESPONSE_TEAM_ROLES,
    Center,
    Contact,
    DutyShift,
    Organisation,
    Role,
    User,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# A Monday morning in March: two months back covers Tết, so holidays matter.
NOW = datetime(2026, 3, 16, 9, 40, tzinfo=TZ)
CONTRACT_LOGINS = [
    *(
        f"{slug}.{suffix}"
        for slug in CENTER_SLUGS
        for suffix in ("staff", "it", "leader", "director")
    ),
    "nghean.province",
    "vnpt.vendor",
    "admin",
]

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """One demo for the whole class, rolled back afterwards (each test nests in a savepoint)."""
    # The shared conftest makes hashing cheap per test; this runs before it, so ask the same.
    fast = override_settings(PASSWORD_HASHERS=["ungcuu.core.testing.FastArgon2PasswordHasher"])
    with fast, django_db_blocker.unblock(), transaction.atomic():
        summary = demo_build(months=2, now=NOW)
        assert summary.created
        yield summary
        transaction.set_rollback(True)


class TestDemoDatabase:
    def test_the_five_seed_centers_with_their_official_codes(self, demo):
        centers = {c.code: c for c in Center.objects.select_related("province")}

        assert {code: (c.ward_code, c.prefix, c.province.code) for code, c in centers.items()} == {
            "bachngoc": (17623, "BN", 40),
            "dongphuc": (1933, "DP", 19),
            "tanky": (17266, "TK", 40),
            "hungdao": (11689, "HD", 31),
            "thaihoa": (16939, "TH", 40),
        }
        assert centers["hungdao"].name == "Trung tâm Phục vụ hành chính công phường Hưng Đạo"
        assert all(c.address and c.phone for c in centers.values())

    def test_every_role_exists_and_every_contract_login_works(self, demo):
        assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
        assert set(CONTRACT_LOGINS) <= set(DEMO_LOGINS)
        # Everyone got the same single hash, computed once (before a login may rehash it).
        assert User.objects.values("password").distinct().count() == 1
        request = RequestFactory().post("/login/")

        for username in CONTRACT_LOGINS:
            assert authenticate(request, username=username, password=DEMO_PASSWORD), username

        admin = User.objects.get(username=ADMIN_LOGIN)
        assert admin.is_staff and admin.is_superuser
        vendor = User.objects.get(username="vnpt.vendor")
        assert vendor.organisation.name == "VNPT Nghệ An"
        assert User.objects.get(username="nghean.province").province.code == 40

    def test_organisations_cover_every_kind_of_escalation_target(self, demo):
        kinds = set(Organisation.objects.values_list("kind", flat=True))
        for itype in IncidentType.objects.all():
            assert set(itype.escalation_targets) <= kinds, itype.code
        assert Organisation.objects.filter(name="VNPT Nghệ An – Hỗ trợ phần mềm iGate").exists()
        assert Organisation.objects.filter(
            name="Trung tâm Phục vụ hành chính công thành phố Hải Phòng"
        ).exists()
        assert Contact.objects.filter(
            title__contains="Kỹ thuật MBF", center__code="dongphuc"
        ).exists()
        assert not Contact.objects.exclude(email__endswith="@demo.ungcuu.vn").exists()

    def test_the_duty_roster_covers_every_working_day(self, demo):
        today = NOW.date()
        for center in Center.objects.all():
            shifts = DutyShift.objects.filter(center=center).select_related("person")
            days = [shift.date for shift in shifts]
            assert len(days) == len(set(days))
            assert min(days) >= today - timedelta(days=ROSTER_PAST_DAYS)
            assert max(days) <= today + timedelta(days=ROSTER_FUTURE_DAYS)
            assert all(day.weekday() < 5 for day in days)
            assert all(s.person.role in RESPONSE_TEAM_ROLES for s in shifts)
            assert all(s.person.center_id == center.id for s in shifts)
            assert today in days  # a Monday that is no holiday
            assert datetime(2026, 2, 17).date() not in days  # Tết

    def test_the_history_is_varied_and_believable(self, demo):
        incidents = list(Incident.objects.select_related("incident_type"))
        assert demo.incidents == len(incidents)
        assert demo.events == IncidentEvent.objects.count()

        # Every type the demo has scenarios for (all but the epidemic) happens at least once.
        assert {i.incident_type.code for i in incidents} == set(
            IncidentType.objects.values_list("code", flat=True)
        ) - {"epidemic"}
        assert {i.tier for i in incidents} == set(Tier.values)
        for incident in incidents:
            local = incident.started_at.astimezone(TZ)
            assert local.weekday() < 5
            assert (7, 30) <= (local.hour, local.minute) < (17, 0)
            assert (
                timedelta(0) < incident.reported_at - incident.started_at <= timedelta(minutes=16)
            )
            if incident.acknowledged_at:
                assert incident.acknowledged_at - incident.reported_at <= timedelta(minutes=21)
            if incident.restored_at:
                assert incident.started_at <= incident.restored_at <= incident.resolved_at
        assert IncidentEvent.objects.filter(at__gt=NOW).count() == 0

        escalations = IncidentEscalation.objects.select_related(
            "incident__incident_type", "organisation"
        )
        assert escalations.exists()
        for escalation in escalations:
            targets = escalation.incident.incident_type.escalation_targets or ["it_service"]
            assert escalation.organisation.kind in targets

        prolonged = [
            i
            for i in incidents
            if i.restored_at
            and i.restored_at - i.started_at > timedelta(minutes=30)
            and i.citizens_affected > 0
            and i.dossiers_delayed > 0
            and any("bằng giấy" in e.payload.get("text", "") for e in i.events.filter(kind="note"))
        ]
        assert prolonged
        assert IncidentEvent.objects.filter(kind=EventKind.STEP_DONE).exists()
        assert len({i.description for i in incidents}) > 20

        closed = sum(i.status == Status.CLOSED for i in incidents)
        assert closed > len(incidents) * 0.8
        open_states = {i.status for i in incidents if i.is_open}
        assert open_states == {
            Status.REPORTED,
            Status.ACKNOWLEDGED,
            Status.IN_PROGRESS,
            Status.ESCALATED,
        }

    def test_paper_intake_during_outages_is_re_entered_afterwards(self, demo):
        intakes = list(PaperIntake.objects.select_related("incident"))
        assert len(intakes) > 5
        for intake in intakes:
            assert intake.received_at <= NOW
            if intake.incident:
                assert intake.incident.started_at <= intake.received_at
            if intake.reentered_at:
                assert intake.received_at < intake.reentered_at <= NOW
            else:  # still waiting: an outage going on now, or the overdue one by hand
                assert intake.incident is None or intake.incident.is_open
        leader = User.objects.get(username="tanky.leader")
        assert any(row.overdue for row in worklist(leader, NOW.date()))
        for code in CENTER_SLUGS:
            numbers = list(
                PaperIntake.objects.filter(center__code=code, incident__isnull=False)
                .order_by("received_at")
                .values_list("receipt_number", flat=True)
            )
            assert numbers == sorted(numbers)

    def test_numbers_follow_the_order_of_reports(self, demo):
        for code in CENTER_SLUGS:
            numbers = list(
                Incident.objects.filter(center__code=code)
                .order_by("reported_at")
                .values_list("number", flat=True)
            )
            assert numbers == sorted(numbers)

    def test_the_timeline_is_the_record(self, demo):
        sample = Incident.objects.order_by("?")[:40]
        for incident in [*sample, *Incident.objects.open()]:
            derived = derive_state(incident)
            assert {field: getattr(incident, field) for field in derived} == derived, (
                incident.number
            )

    def test_the_vendor_sees_only_what_was_escalated_to_it(self, demo):
        vendor = User.objects.get(username="vnpt.vendor")
        seen = incidents_for(vendor)
        assert seen.exists()
        assert all(
            i.escalated_to.filter(pk=vendor.organisation_id).exists() for i in seen.distinct()
        )


def test_the_command_builds_once_and_always_prints_the_logins():
    first, second = StringIO(), StringIO()

    call_command("demo", months=1, stdout=first)
    counts = (Incident.objects.count(), IncidentEvent.objects.count(), User.objects.count())
    call_command("demo", months=1, stdout=second)

    assert (Incident.objects.count(), IncidentEvent.objects.count(), User.objects.count()) == counts
    assert Center.objects.count() == 5
    assert counts[0] > 0
    assert "sự cố" in first.getvalue()
    assert "đã có sẵn" in second.getvalue()
    for output in (first.getvalue(), second.getvalue()):
        assert DEMO_PASSWORD in output
        assert DEMO_NOTE in output
        for username in CONTRACT_LOGINS:
            assert username in output


def test_the_builder_leaves_an_existing_installation_alone(admin_user):
    summary = demo_build(months=1)

    assert not summary.created
    assert not Center.objects.exists()
