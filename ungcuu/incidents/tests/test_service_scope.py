"""The incident services check, on their own, every object they are handed.

Each refusal here is called on the service directly, as an API route, an offline replay
or a command would, and must leave the incident, its timeline and its outbox untouched."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ungcuu.core.errors import ServiceError
from ungcuu.core.testing import make_user
from ungcuu.incidents import services
from ungcuu.incidents.models import Attachment, EventKind, Incident, IncidentEscalation
from ungcuu.incidents.selectors import incidents_for
from ungcuu.notify.models import Delivery
from ungcuu.org.models import Organisation, OrganisationKind, Role
from ungcuu.org.scope import escalation_targets

from .test_services import report, snapshot


def outbox_and_timeline(incident: Incident) -> dict:
    return {
        **snapshot(incident),
        "deliveries": sorted(Delivery.objects.values_list("pk", flat=True)),
        "attachments": Attachment.objects.filter(incident=incident).count(),
    }


@pytest.fixture
def incident(staff_a, internet):
    return report(staff_a, internet, description="Mất mạng toàn bộ Bộ phận Một cửa")


@pytest.fixture
def leader_b(center_b):
    return make_user("b.leader", Role.TEAM_LEADER, center=center_b)


@pytest.fixture
def leader_c(center_c):
    return make_user("c.leader", Role.TEAM_LEADER, center=center_c)


@pytest.fixture
def province_c(center_c):
    return make_user("thainguyen.province", Role.PROVINCE, province=center_c.province)


@pytest.fixture
def viettel_tn(center_c):
    """A carrier of the other province (Thái Nguyên), with its counterpart team."""
    org = Organisation.objects.create(
        name="Viettel Thái Nguyên", kind=OrganisationKind.ISP, province=center_c.province
    )
    make_user("viettel.tn", Role.VENDOR, organisation=org)
    return org


@pytest.fixture
def viettel_na(center_a):
    return Organisation.objects.create(
        name="Viettel Nghệ An", kind=OrganisationKind.ISP, province=center_a.province
    )


# --- escalation: the incident's province, or national organisations --------------------------


def test_escalating_to_another_provinces_organisation_is_refused_and_changes_nothing(
    leader_a, incident, viettel_tn
):
    before = outbox_and_timeline(incident)
    with pytest.raises(ServiceError) as refused:
        services.incident_escalate(actor=leader_a, incident=incident, organisations=[viettel_tn])
    assert refused.value.status == 400
    assert "organisations" in refused.value.fields
    assert "tỉnh" in refused.value.message
    assert outbox_and_timeline(incident) == before
    vendor = viettel_tn.people.get()
    assert not incidents_for(vendor).filter(pk=incident.pk).exists()


def test_one_foreign_organisation_spoils_the_whole_escalation(
    leader_a, incident, viettel_na, viettel_tn
):
    before = outbox_and_timeline(incident)
    with pytest.raises(ServiceError):
        services.incident_escalate(
            actor=leader_a, incident=incident, organisations=[viettel_na, viettel_tn]
        )
    assert outbox_and_timeline(incident) == before


def test_the_incidents_province_and_national_organisations_are_accepted(
    leader_a, incident, viettel_na, vnpt
):
    assert vnpt.province_id is None  # the shared fixture is a national organisation
    services.incident_escalate(
        actor=leader_a, incident=incident, organisations=[viettel_na, vnpt], note="Gọi cả hai"
    )
    assert set(
        IncidentEscalation.objects.filter(incident=incident).values_list(
            "organisation_id", flat=True
        )
    ) == {viettel_na.pk, vnpt.pk}


def test_the_page_offers_exactly_what_the_service_accepts(
    leader_a, incident, viettel_na, viettel_tn, vnpt
):
    from ungcuu.incidents.views import _escalation_choices

    offered = {org.pk for org in _escalation_choices(incident)}
    assert offered == set(escalation_targets(incident).values_list("pk", flat=True))
    assert offered == {viettel_na.pk, vnpt.pk}


def test_an_id_of_another_province_reads_like_an_unknown_one(leader_a, incident, viettel_tn):
    answers = []
    for pk in (viettel_tn.pk, 987654):
        with pytest.raises(ServiceError) as refused:
            services.incident_event(
                actor=leader_a,
                incident=incident,
                kind=EventKind.ESCALATED,
                data={"organisations": [pk]},
            )
        answers.append((refused.value.status, refused.value.fields))
    assert answers[0] == answers[1]
    assert not IncidentEscalation.objects.exists()


# --- another center's or province's actor ----------------------------------------------------


ACTIONS = {
    "acknowledge": lambda actor, incident, ctx: services.incident_acknowledge(
        actor=actor, incident=incident
    ),
    "start": lambda actor, incident, ctx: services.incident_start(actor=actor, incident=incident),
    "note": lambda actor, incident, ctx: services.incident_note(
        actor=actor, incident=incident, text="Ghi chú lạ"
    ),
    "step": lambda actor, incident, ctx: services.incident_step(
        actor=actor, incident=incident, step=1
    ),
    "assign": lambda actor, incident, ctx: services.incident_assign(
        actor=actor, incident=incident, assignee=ctx["staff_a"]
    ),
    "escalate": lambda actor, incident, ctx: services.incident_escalate(
        actor=actor, incident=incident, organisations=[ctx["vnpt"]]
    ),
    "resolve": lambda actor, incident, ctx: services.incident_resolve(
        actor=actor, incident=incident, root_cause="Đứt cáp"
    ),
    "event": lambda actor, incident, ctx: services.incident_event(
        actor=actor, incident=incident, kind=EventKind.NOTE, data={"text": "Ghi chú lạ"}
    ),
    "attach": lambda actor, incident, ctx: services.attachment_add(
        actor=actor, incident=incident, files=[ctx["png"]]
    ),
}


@pytest.mark.parametrize("outsider", ["leader_b", "leader_c", "province_c", "vendor_user"])
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_an_actor_outside_the_incidents_scope_is_answered_404_and_nothing_changes(
    request, outsider, action, incident, staff_a, vnpt
):
    from ungcuu.api.tests.helpers import png_upload

    actor = request.getfixturevalue(outsider)
    before = outbox_and_timeline(incident)
    with pytest.raises(ServiceError) as refused:
        ACTIONS[action](actor, incident, {"staff_a": staff_a, "vnpt": vnpt, "png": png_upload()})
    assert refused.value.status == 404
    assert refused.value.message == "Không tìm thấy sự cố."
    assert outbox_and_timeline(incident) == before


def test_closing_and_reopening_another_centers_incident_are_refused(leader_a, leader_b, incident):
    services.incident_resolve(
        actor=leader_a,
        incident=incident,
        root_cause="Đứt cáp",
        on_site_reason="Tự khắc phục tại chỗ",
    )
    before = outbox_and_timeline(incident)
    for act in (
        lambda: services.incident_close(actor=leader_b, incident=incident),
        lambda: services.incident_reopen(actor=leader_b, incident=incident, reason="Vẫn lỗi"),
    ):
        with pytest.raises(ServiceError) as refused:
            act()
        assert refused.value.status == 404
    assert outbox_and_timeline(incident) == before


def test_the_province_still_acts_on_its_centers_incident(province_user, incident):
    services.incident_note(actor=province_user, incident=incident, text="Tỉnh đã nắm")
    assert incident.events.filter(kind=EventKind.NOTE).count() == 1


def test_a_vendor_still_updates_what_was_escalated_to_it(leader_a, vendor_user, vnpt, incident):
    services.incident_escalate(actor=leader_a, incident=incident, organisations=[vnpt])
    services.incident_start(actor=vendor_user, incident=incident)
    incident.refresh_from_db()
    assert incident.status == "in_progress"


def test_a_signed_link_still_stands_for_its_recipient(incident):
    event, created = services.incident_acknowledge(
        actor=None, incident=incident, via_link="Tổ trưởng"
    )
    assert created and event.kind == EventKind.ACKNOWLEDGED


# --- the assignee ---------------------------------------------------------------------------


def test_a_person_of_another_center_cannot_be_assigned(leader_a, staff_b, incident):
    before = outbox_and_timeline(incident)
    with pytest.raises(ServiceError) as refused:
        services.incident_assign(actor=leader_a, incident=incident, assignee=staff_b)
    assert refused.value.status == 400 and "assignee" in refused.value.fields
    assert outbox_and_timeline(incident) == before


def test_another_centers_username_reads_like_an_unknown_one(leader_a, staff_b, incident):
    answers = []
    for username in (staff_b.username, "khong.co.ai"):
        with pytest.raises(ServiceError) as refused:
            services.incident_event(
                actor=leader_a,
                incident=incident,
                kind=EventKind.ASSIGNED,
                data={"assignee": username},
            )
        answers.append((refused.value.status, refused.value.message, refused.value.fields))
    assert answers[0] == answers[1]
    incident.refresh_from_db()
    assert incident.assignee_id is None


def test_a_deactivated_colleague_cannot_be_assigned(leader_a, staff_a, incident):
    staff_a.is_active = False
    staff_a.save()
    with pytest.raises(ServiceError):
        services.incident_assign(actor=leader_a, incident=incident, assignee=staff_a)
    incident.refresh_from_db()
    assert incident.assignee_id is None


# --- reporting ------------------------------------------------------------------------------


@pytest.mark.parametrize("reporter", ["staff_a", "province_user"])
def test_reporting_for_a_center_outside_ones_scope_is_refused(
    request, reporter, center_c, internet
):
    actor = request.getfixturevalue(reporter)
    before = Incident.objects.count()
    with pytest.raises(ServiceError) as refused:
        services.incident_report(
            actor=actor,
            center=center_c,
            incident_type=internet,
            started_at=timezone.now() - timedelta(minutes=5),
        )
    assert refused.value.status == 404 and "center" in refused.value.fields
    assert Incident.objects.count() == before


def test_a_center_cannot_report_for_its_neighbour(staff_a, center_b, internet):
    with pytest.raises(ServiceError) as refused:
        services.incident_report(actor=staff_a, center=center_b, incident_type=internet)
    assert refused.value.status == 404
    assert not Incident.objects.filter(center=center_b).exists()


def test_the_province_reports_for_any_center_of_its_own(province_user, center_b, internet):
    result = services.incident_report(actor=province_user, center=center_b, incident_type=internet)
    assert result.created and result.incident.center == center_b
