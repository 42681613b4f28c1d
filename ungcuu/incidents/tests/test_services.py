"""Incident services: the state machine, the timeline as the record, numbering, replay."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from ungcuu.catalog.models import IncidentType
from ungcuu.core.errors import ServiceError
from ungcuu.core.testing import make_user
from ungcuu.incidents import services
from ungcuu.incidents.models import (
    EventKind,
    Incident,
    IncidentEscalation,
    IncidentEvent,
    Status,
)
from ungcuu.incidents.selectors import incidents_for
from ungcuu.org.models import Organisation, OrganisationKind, Role


def report(actor, incident_type, **kwargs):
    kwargs.setdefault("center", actor.center)
    kwargs.setdefault("started_at", timezone.now() - timedelta(hours=1))
    return services.incident_report(actor=actor, incident_type=incident_type, **kwargs).incident


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def snapshot(incident: Incident) -> dict:
    """The row and its timeline as stored, to show a refused change left both alone."""
    row = Incident.objects.get(pk=incident.pk)
    return {
        "row": {field: getattr(row, field) for field in services.DERIVED_FIELDS},
        "search_text": row.search_text,
        "events": list(row.events.values_list("uuid", flat=True)),
        "escalations": list(IncidentEscalation.objects.filter(incident=row).values_list("pk")),
    }


def assert_row_is_the_timeline(incident: Incident) -> None:
    row = Incident.objects.get(pk=incident.pk)
    derived = services.derive_state(row)
    assert {field: getattr(row, field) for field in services.DERIVED_FIELDS} == derived


@pytest.fixture
def it_service(center_a):
    return Organisation.objects.create(
        name="Cửa hàng sửa máy in Bạch Ngọc",
        kind=OrganisationKind.IT_SERVICE,
        province=center_a.province,
    )


# --- the whole path -----------------------------------------------------------------------


def test_it_walks_the_whole_procedure_and_the_row_always_matches_the_timeline(
    staff_a, leader_a, internet, vnpt
):
    incident = report(staff_a, internet, description="Mất mạng toàn bộ quầy")
    assert incident.status == Status.REPORTED
    assert_row_is_the_timeline(incident)

    services.incident_acknowledge(actor=leader_a, incident=incident)
    assert incident.status == Status.ACKNOWLEDGED
    assert incident.acknowledged_by == leader_a
    assert_row_is_the_timeline(incident)

    services.incident_start(actor=leader_a, incident=incident)
    assert incident.status == Status.IN_PROGRESS
    assert incident.assignee == leader_a
    assert_row_is_the_timeline(incident)

    services.incident_step(actor=leader_a, incident=incident, step=1)
    assert incident.steps_done == [1]
    assert incident.status == Status.IN_PROGRESS
    assert_row_is_the_timeline(incident)

    services.incident_escalate(
        actor=leader_a, incident=incident, organisations=[vnpt], note="Cáp quang đứt"
    )
    assert incident.status == Status.ESCALATED
    assert incident.escalated_at is not None
    assert_row_is_the_timeline(incident)

    restored = timezone.now() - timedelta(minutes=5)
    services.incident_resolve(
        actor=leader_a,
        incident=incident,
        root_cause="Đứt cáp quang do thi công đường",
        resolution="VNPT hàn nối cáp",
        restored_at=restored,
        citizens_affected=12,
        dossiers_delayed=3,
    )
    assert incident.status == Status.RESOLVED
    assert incident.restored_at == restored
    assert incident.root_cause == "Đứt cáp quang do thi công đường"
    assert (incident.citizens_affected, incident.dossiers_delayed) == (12, 3)
    assert incident.downtime == restored - incident.started_at
    assert_row_is_the_timeline(incident)

    services.incident_close(actor=leader_a, incident=incident)
    assert incident.status == Status.CLOSED
    assert incident.closed_at is not None
    assert_row_is_the_timeline(incident)

    services.incident_reopen(actor=leader_a, incident=incident, reason="Lại mất mạng")
    assert incident.status == Status.IN_PROGRESS
    assert (incident.resolved_at, incident.restored_at, incident.closed_at) == (None, None, None)
    assert incident.is_open
    assert_row_is_the_timeline(incident)

    kinds = list(incident.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == [
        EventKind.REPORTED,
        EventKind.ACKNOWLEDGED,
        EventKind.STARTED,
        EventKind.STEP_DONE,
        EventKind.ESCALATED,
        EventKind.RESOLVED,
        EventKind.CLOSED,
        EventKind.REOPENED,
    ]


def test_a_simple_incident_can_be_resolved_straight_from_reported(staff_a, leader_a, printer_paper):
    incident = report(staff_a, printer_paper)

    services.incident_resolve(actor=leader_a, incident=incident, root_cause="Hết giấy A4")

    assert incident.status == Status.RESOLVED
    # Resolving also counts as having seen the report.
    assert incident.acknowledged_by == leader_a
    assert_row_is_the_timeline(incident)


# --- refused transitions ------------------------------------------------------------------


def _to_acknowledged(incident, leader):
    services.incident_acknowledge(actor=leader, incident=incident)


def _to_in_progress(incident, leader):
    services.incident_start(actor=leader, incident=incident)


def _to_resolved(incident, leader):
    services.incident_resolve(
        actor=leader,
        incident=incident,
        root_cause="Mạng chập chờn",
        on_site_reason="Tự khắc phục tại chỗ",
    )


def _to_closed(incident, leader):
    _to_resolved(incident, leader)
    services.incident_close(actor=leader, incident=incident)


def _stay(incident, leader):
    pass


@pytest.mark.parametrize(
    ("setup", "attempt"),
    [
        (_to_in_progress, lambda i, u, o: services.incident_start(actor=u, incident=i)),
        (_stay, lambda i, u, o: services.incident_close(actor=u, incident=i)),
        (_to_in_progress, lambda i, u, o: services.incident_close(actor=u, incident=i)),
        (
            _to_in_progress,
            lambda i, u, o: services.incident_reopen(actor=u, incident=i, reason="x"),
        ),
        (_to_resolved, lambda i, u, o: services.incident_start(actor=u, incident=i)),
        (
            _to_resolved,
            lambda i, u, o: services.incident_escalate(actor=u, incident=i, organisations=[o]),
        ),
        (_to_resolved, lambda i, u, o: services.incident_step(actor=u, incident=i, step=1)),
        (
            _to_closed,
            lambda i, u, o: services.incident_resolve(actor=u, incident=i, root_cause="Lại"),
        ),
        (_to_closed, lambda i, u, o: services.incident_close(actor=u, incident=i)),
    ],
    ids=[
        "start-twice",
        "close-before-resolved",
        "close-while-in-progress",
        "reopen-while-open",
        "start-after-resolved",
        "escalate-after-resolved",
        "tick-step-after-resolved",
        "resolve-after-closed",
        "close-twice",
    ],
)
def test_an_invalid_transition_is_refused_with_409_and_changes_nothing(
    staff_a, leader_a, internet, vnpt, setup, attempt
):
    incident = report(staff_a, internet)
    setup(incident, leader_a)
    before = snapshot(incident)

    with pytest.raises(ServiceError) as refused:
        attempt(incident, leader_a, vnpt)

    assert refused.value.status == 409
    assert "trạng thái" in refused.value.message
    assert snapshot(incident) == before
    assert_row_is_the_timeline(incident)


def test_a_staff_member_may_not_close_a_complex_incident(staff_a, leader_a, internet):
    # A simple incident they handled they may close (R12, test_rights); a complex one is
    # the leaders' to close even when they reported it.
    incident = report(staff_a, internet)
    _to_resolved(incident, leader_a)
    before = snapshot(incident)

    with pytest.raises(ServiceError) as refused:
        services.incident_close(actor=staff_a, incident=incident)

    assert refused.value.status == 403
    assert snapshot(incident) == before


# --- the timeline is the record -----------------------------------------------------------


def test_rebuild_restores_a_row_whose_derived_fields_were_tampered_with(
    staff_a, leader_a, internet, vnpt
):
    incident = report(staff_a, internet, description="Mất mạng ở Đồng Phúc")
    services.incident_acknowledge(actor=leader_a, incident=incident)
    services.incident_step(actor=leader_a, incident=incident, step=2)
    services.incident_step(actor=leader_a, incident=incident, step=3)
    services.incident_step(actor=leader_a, incident=incident, step=2, done=False)
    services.incident_escalate(actor=leader_a, incident=incident, organisations=[vnpt])
    services.incident_resolve(
        actor=leader_a, incident=incident, root_cause="Mất điện trạm BTS", citizens_affected=7
    )
    good = snapshot(incident)
    assert good["row"]["steps_done"] == [3]

    Incident.objects.filter(pk=incident.pk).update(
        status=Status.REPORTED,
        acknowledged_at=None,
        acknowledged_by=None,
        escalated_at=None,
        resolved_at=None,
        restored_at=None,
        root_cause="",
        citizens_affected=0,
        steps_done=[1, 2, 5],
        search_text="",
    )
    assert snapshot(incident) != good

    services.incident_rebuild(incident=Incident.objects.get(pk=incident.pk))

    assert snapshot(incident) == good


def test_the_derived_state_ignores_the_row(staff_a, leader_a, printer_paper):
    incident = report(staff_a, printer_paper)
    services.incident_start(actor=leader_a, incident=incident)
    Incident.objects.filter(pk=incident.pk).update(status=Status.CLOSED, steps_done=[9])

    derived = services.derive_state(Incident.objects.get(pk=incident.pk))

    assert derived["status"] == Status.IN_PROGRESS
    assert derived["steps_done"] == []
    assert derived["assignee_id"] == leader_a.pk


# --- times --------------------------------------------------------------------------------


def test_a_restore_time_before_the_onset_is_refused(staff_a, leader_a, printer_paper):
    onset = timezone.now() - timedelta(hours=2)
    incident = report(staff_a, printer_paper, started_at=onset)
    before = snapshot(incident)

    with pytest.raises(ServiceError) as refused:
        services.incident_resolve(
            actor=leader_a,
            incident=incident,
            root_cause="Kẹt giấy",
            restored_at=onset - timedelta(minutes=30),
        )

    assert "restored_at" in refused.value.fields
    assert "sớm hơn lúc sự cố phát sinh" in refused.value.message
    assert snapshot(incident) == before


def test_a_restore_time_in_the_future_is_refused(staff_a, leader_a, printer_paper):
    incident = report(staff_a, printer_paper)

    with pytest.raises(ServiceError) as refused:
        services.incident_resolve(
            actor=leader_a,
            incident=incident,
            root_cause="Kẹt giấy",
            restored_at=timezone.now() + timedelta(hours=1),
        )

    assert "restored_at" in refused.value.fields
    assert Incident.objects.get(pk=incident.pk).status == Status.REPORTED


def test_an_onset_in_the_future_is_refused(staff_a, printer_paper):
    with pytest.raises(ServiceError) as refused:
        report(staff_a, printer_paper, started_at=timezone.now() + timedelta(hours=1))

    assert "started_at" in refused.value.fields
    assert "tương lai" in refused.value.message
    assert not Incident.objects.exists()


def test_an_onset_a_few_minutes_ahead_is_taken_as_clock_skew(staff_a, printer_paper):
    ahead = timezone.now() + timedelta(minutes=2)

    incident = report(staff_a, printer_paper, started_at=ahead)

    assert incident.started_at == ahead


def test_an_onset_given_as_text_is_read(staff_a, printer_paper):
    incident = report(
        staff_a, printer_paper, started_at="2026-03-02T08:15:00+07:00", now=local(2026, 3, 2, 9, 0)
    )

    assert timezone.localtime(incident.started_at).strftime("%d/%m/%Y %H:%M") == "02/03/2026 08:15"


# --- numbers ------------------------------------------------------------------------------


def test_numbers_count_up_per_center_and_year(staff_a, staff_b, printer_paper):
    in_2026 = local(2026, 5, 4, 9, 0)

    first = report(staff_a, printer_paper, now=in_2026, started_at=None)
    second = report(staff_a, printer_paper, now=in_2026, started_at=None)
    elsewhere = report(staff_b, printer_paper, now=in_2026, started_at=None)
    third = report(staff_a, printer_paper, now=in_2026, started_at=None)

    assert [first.number, second.number, third.number] == [
        "BN-2026-0001",
        "BN-2026-0002",
        "BN-2026-0003",
    ]
    assert elsewhere.number == "TK-2026-0001"


def test_the_number_is_given_last_so_the_centers_other_reports_wait_the_least(
    staff_a, printer_paper
):
    """The counter row is locked from the statement that takes the number to COMMIT:
    after it comes at most the statement that writes the number into the stored row (on
    PostgreSQL one statement does both)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report(staff_a, printer_paper)
    with CaptureQueriesContext(connection) as captured:
        incident = report(staff_a, printer_paper, description="Máy in quầy 3")
    sqls = [q["sql"] for q in captured.captured_queries]
    taken = next(i for i, sql in enumerate(sqls) if "incidents_incidentsequence" in sql)
    after = [sql for sql in sqls[taken + 1 :] if "SAVEPOINT" not in sql]
    if connection.vendor == "postgresql":
        assert not after and 'UPDATE "incidents_incident"' in sqls[taken]
    else:
        assert len(after) == 1 and after[0].startswith('UPDATE "incidents_incident"')
    stored = Incident.objects.get(pk=incident.pk)
    assert stored.number == incident.number == f"BN-{timezone.localtime().year}-0002"
    assert stored.search_text.startswith(f"bn-{timezone.localtime().year}-0002 ")
    assert incidents_for(staff_a).filter(search_text__contains="-0002").get() == stored


def test_the_ten_thousandth_number_keeps_all_its_digits(staff_a, printer_paper):
    from ungcuu.incidents.models import IncidentSequence

    year = timezone.localtime().year
    IncidentSequence.objects.create(center=staff_a.center, year=year, last=9998)
    numbers = [report(staff_a, printer_paper).number for _ in range(2)]

    assert numbers == [f"BN-{year}-9999", f"BN-{year}-10000"]
    stored = Incident.objects.get(number=f"BN-{year}-10000")
    assert stored.search_text.startswith(f"bn-{year}-10000 ")


@pytest.mark.parametrize("counter", ["deleted", "behind"])
def test_a_counter_behind_its_incidents_catches_up_and_the_report_is_kept(
    staff_a, printer_paper, counter
):
    """The center's counter row was deleted, or restored from an older copy: the next
    number is already taken. The report is stored all the same, with the next free
    number, and the counter is right again for the one after."""
    from ungcuu.incidents.models import IncidentSequence

    year = timezone.localtime().year
    given = [report(staff_a, printer_paper).number for _ in range(3)]
    sequence = IncidentSequence.objects.filter(center=staff_a.center, year=year)
    if counter == "deleted":
        sequence.delete()
    else:
        sequence.update(last=1)

    kept = report(staff_a, printer_paper, description="Báo sau khi bộ đếm bị lùi")
    after = report(staff_a, printer_paper)

    assert given == [f"BN-{year}-0001", f"BN-{year}-0002", f"BN-{year}-0003"]
    assert [kept.number, after.number] == [f"BN-{year}-0004", f"BN-{year}-0005"]
    stored = Incident.objects.get(pk=kept.pk)
    assert stored.description == "Báo sau khi bộ đếm bị lùi"
    assert stored.search_text.startswith(f"bn-{year}-0004 ")
    assert stored.search_text.count(f"bn-{year}-") == 1
    assert list(stored.events.values_list("kind", flat=True)) == [EventKind.REPORTED]
    assert Incident.objects.filter(center=staff_a.center).count() == 5
    assert sequence.get().last == 5


def test_numbering_starts_again_each_local_year(staff_a, printer_paper):
    report(staff_a, printer_paper, now=local(2026, 12, 31, 23, 50), started_at=None)
    # 00:10 on 1 January in Vietnam is still 31 December in UTC.
    new_year = report(staff_a, printer_paper, now=local(2027, 1, 1, 0, 10), started_at=None)

    assert new_year.number == "BN-2027-0001"


# --- replay -------------------------------------------------------------------------------


def test_replaying_a_client_uuid_returns_the_first_incident(staff_a, printer_paper, internet):
    key = uuid.uuid4()
    first = services.incident_report(
        actor=staff_a,
        center=staff_a.center,
        incident_type=printer_paper,
        description="Máy in quầy 2",
        client_uuid=key,
    )

    again = services.incident_report(
        actor=staff_a,
        center=staff_a.center,
        incident_type=printer_paper,
        description="Máy in quầy 2",
        client_uuid=str(key),
    )

    assert first.created is True
    assert again.created is False
    assert again.incident.pk == first.incident.pk
    assert Incident.objects.count() == 1
    assert IncidentEvent.objects.filter(kind=EventKind.REPORTED).count() == 1


def test_a_client_uuid_replayed_with_another_body_is_a_conflict(staff_a, printer_paper, internet):
    key = uuid.uuid4()
    first = services.incident_report(
        actor=staff_a, center=staff_a.center, incident_type=printer_paper, client_uuid=key
    )

    with pytest.raises(ServiceError) as refused:
        services.incident_report(
            actor=staff_a,
            center=staff_a.center,
            incident_type=internet,
            description="gửi lại từ điện thoại",
            client_uuid=str(key),
        )

    assert refused.value.status == 409
    assert refused.value.extra == {"id": first.incident.pk}
    assert Incident.objects.get().incident_type == printer_paper
    assert IncidentEvent.objects.filter(kind=EventKind.REPORTED).count() == 1


def test_a_client_uuid_of_another_centers_incident_is_refused(staff_a, staff_b, printer_paper):
    key = uuid.uuid4()
    services.incident_report(
        actor=staff_a, center=staff_a.center, incident_type=printer_paper, client_uuid=key
    )

    with pytest.raises(ServiceError) as refused:
        services.incident_report(
            actor=staff_b, center=staff_b.center, incident_type=printer_paper, client_uuid=key
        )

    assert refused.value.status == 409
    assert Incident.objects.count() == 1


def test_replaying_an_event_uuid_adds_no_second_event(staff_a, leader_a, printer_paper):
    incident = report(staff_a, printer_paper)
    key = uuid.uuid4()

    first, created = services.incident_note(
        actor=leader_a, incident=incident, text="Đã gọi bảo trì", event_uuid=key
    )
    again, created_again = services.incident_note(
        actor=leader_a, incident=incident, text="Đã gọi bảo trì", event_uuid=key
    )

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert incident.events.filter(kind=EventKind.NOTE).count() == 1


# --- steps and escalation -----------------------------------------------------------------


@pytest.mark.parametrize("setup", [_to_acknowledged, _to_in_progress, _to_closed])
def test_a_second_acknowledgement_answers_with_the_first_and_changes_nothing(
    staff_a, leader_a, director_a, internet, setup
):
    incident = report(staff_a, internet)
    setup(incident, leader_a)
    first = incident.events.get(at=incident.acknowledged_at)
    before = snapshot(incident)

    event, created = services.incident_acknowledge(actor=director_a, incident=incident)

    assert (event, created) == (first, False)
    assert snapshot(incident) == before


def test_ticking_a_step_twice_adds_one_event(staff_a, printer_paper):
    incident = report(staff_a, printer_paper)

    event, created = services.incident_step(actor=staff_a, incident=incident, step=2)
    again, created_again = services.incident_step(actor=staff_a, incident=incident, step=2)

    assert created is True
    assert (again, created_again) == (event, False)
    assert incident.events.filter(kind=EventKind.STEP_DONE).count() == 1
    assert incident.steps_done == [2]
    assert event.payload["text"] == printer_paper.steps.get(position=2).text


def test_unticking_a_step_removes_it(staff_a, printer_paper):
    incident = report(staff_a, printer_paper)
    services.incident_step(actor=staff_a, incident=incident, step=1)
    services.incident_step(actor=staff_a, incident=incident, step=4)

    services.incident_step(actor=staff_a, incident=incident, step=1, done=False)

    assert incident.steps_done == [4]
    assert_row_is_the_timeline(incident)


def test_a_step_that_is_not_in_the_playbook_is_refused(staff_a, printer_paper):
    incident = report(staff_a, printer_paper)
    last = printer_paper.steps.count()

    with pytest.raises(ServiceError) as refused:
        services.incident_step(actor=staff_a, incident=incident, step=last + 1)

    assert "step" in refused.value.fields
    assert incident.events.count() == 1


def test_escalation_records_each_organisation_once(
    staff_a, leader_a, internet, vnpt, it_service, vendor_user
):
    incident = report(staff_a, internet)
    assert not incidents_for(vendor_user).filter(pk=incident.pk).exists()

    services.incident_escalate(actor=leader_a, incident=incident, organisations=[vnpt, it_service])
    services.incident_escalate(actor=leader_a, incident=incident, organisations=[vnpt])

    rows = IncidentEscalation.objects.filter(incident=incident)
    assert sorted(rows.values_list("organisation__name", flat=True)) == sorted(
        [vnpt.name, it_service.name]
    )
    assert incident.events.filter(kind=EventKind.ESCALATED).count() == 2
    assert incident.status == Status.ESCALATED
    # The vendor's counterpart team now sees what was escalated to it.
    assert incidents_for(vendor_user).filter(pk=incident.pk).exists()


def test_the_commune_leader_may_not_escalate(staff_a, internet, vnpt):
    # The staff may (000/001 III.3, R13; test_rights); the commune leader only reads.
    commune = make_user("a.commune", Role.COMMUNE_LEADER, center=staff_a.center)
    incident = report(staff_a, internet)

    with pytest.raises(ServiceError) as refused:
        services.incident_escalate(actor=commune, incident=incident, organisations=[vnpt])

    assert refused.value.status == 403
    assert not IncidentEscalation.objects.exists()
    assert incident.status == Status.REPORTED


# --- text ---------------------------------------------------------------------------------


def test_descriptions_typed_as_separate_marks_are_stored_composed(staff_a, printer_paper):
    typed = unicodedata.normalize("NFD", "Máy in quầy số 2 kẹt giấy")
    assert typed != "Máy in quầy số 2 kẹt giấy"

    incident = report(staff_a, printer_paper, description=typed)

    stored = Incident.objects.get(pk=incident.pk)
    assert stored.description == "Máy in quầy số 2 kẹt giấy"
    assert stored.events.get(kind=EventKind.REPORTED).payload["description"] == (
        "Máy in quầy số 2 kẹt giấy"
    )


def test_search_text_is_folded(staff_a, leader_a, internet):
    incident = report(staff_a, internet, description="Mất mạng tại Đồng Phúc")
    assert "dong phuc" in incident.search_text
    assert "mat mang internet" in incident.search_text  # the type's name
    assert incident.number.lower() in incident.search_text

    services.incident_resolve(
        actor=leader_a,
        incident=incident,
        root_cause="Đứt cáp quang",
        on_site_reason="Tự khắc phục tại chỗ",
    )

    assert "dut cap quang" in Incident.objects.get(pk=incident.pk).search_text


def test_a_description_too_long_is_refused(staff_a, printer_paper):
    with pytest.raises(ServiceError) as refused:
        report(staff_a, printer_paper, description="x" * (services.MAX_TEXT + 1))

    assert "description" in refused.value.fields
    assert not Incident.objects.exists()


# --- tiers --------------------------------------------------------------------------------


def test_the_tier_comes_from_the_catalog(staff_a, printer_paper, internet):
    assert report(staff_a, printer_paper, tier="complex").tier == "simple"
    assert report(staff_a, internet, tier="simple").tier == "complex"


def test_the_reporter_chooses_the_tier_of_other(staff_a):
    other = IncidentType.objects.get(code="other")

    assert report(staff_a, other, tier="complex").tier == "complex"
    assert report(staff_a, other).tier == other.tier
    with pytest.raises(ServiceError) as refused:
        report(staff_a, other, tier="urgent")
    assert "tier" in refused.value.fields


def test_rebuild_restores_who_the_incident_was_escalated_to(staff_a, leader_a, internet, vnpt):
    incident = report(staff_a, internet)
    services.incident_escalate(actor=leader_a, incident=incident, organisations=[vnpt])
    IncidentEscalation.objects.filter(incident=incident).delete()

    services.incident_rebuild(incident=incident)

    assert list(incident.escalated_to.all()) == [vnpt]
