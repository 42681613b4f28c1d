"""Training records (003 IV.1, VI.2): who was trained in what, shown on readiness and on
the guides as "trained staff on duty today"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ungcuu.core.errors import ServiceError
from ungcuu.core.testing import logged_in, make_user
from ungcuu.knowledge.models import Guide
from ungcuu.org.models import DutyShift, Role
from ungcuu.readiness import services
from ungcuu.readiness.models import TrainingRecord, TrainingTopic
from ungcuu.readiness.services.training import GUIDE_TOPICS


@pytest.fixture
def responder_a(center_a):
    return make_user("a.responder", Role.RESPONDER, center=center_a)


def _today():
    return timezone.localdate()


def test_the_team_leader_records_a_training_and_it_is_listed(leader_a, staff_a):
    answer = logged_in(leader_a).post(
        "/readiness/training/new/",
        {
            "person": staff_a.pk,
            "topic": "conflict",
            "trained_on": (_today() - timedelta(days=10)).isoformat(),
            "provider": "Sở Nội vụ – lớp kỹ năng mềm",
        },
    )
    assert answer.status_code == 302
    record = TrainingRecord.objects.get()
    assert (record.person, record.topic, record.recorded_by) == (staff_a, "conflict", leader_a)
    page = logged_in(staff_a).get("/readiness/training/").content.decode()
    assert staff_a.display_name in page
    assert "Kỹ năng xử lý xung đột" in page
    assert "Sở Nội vụ – lớp kỹ năng mềm" in page
    # Staff read the register but have no button to add to it.
    assert "/readiness/training/new/" not in page


@pytest.mark.parametrize("role", [Role.STAFF, Role.RESPONDER, Role.PROVINCE])
def test_only_the_centers_leaders_and_it_officer_record_training(role, center_a, staff_a):
    home = {"province": center_a.province} if role == Role.PROVINCE else {"center": center_a}
    user = make_user("someone", role, **home)
    client = logged_in(user)
    assert client.get(f"/readiness/training/new/?center={center_a.code}").status_code == 404
    post = client.post(
        f"/readiness/training/new/?center={center_a.code}",
        {"person": staff_a.pk, "topic": "disability", "trained_on": _today().isoformat()},
    )
    assert post.status_code == 404
    assert not TrainingRecord.objects.exists()


def test_the_it_officer_and_center_leader_may_record(it_a, director_a, staff_a):
    for actor in (it_a, director_a):
        services.training_record(
            actor=actor, center=staff_a.center, person=staff_a, topic="digital", trained_on=_today()
        )
    assert TrainingRecord.objects.filter(person=staff_a).count() == 2


def test_another_centers_person_or_center_is_refused(leader_a, staff_b, center_b, staff_a):
    with pytest.raises(ServiceError) as wrong_person:
        services.training_record(
            actor=leader_a,
            center=leader_a.center,
            person=staff_b,
            topic="conflict",
            trained_on=_today(),
        )
    assert "person" in wrong_person.value.fields
    with pytest.raises(ServiceError) as wrong_center:
        services.training_record(
            actor=leader_a, center=center_b, person=staff_b, topic="conflict", trained_on=_today()
        )
    assert wrong_center.value.status == 404
    assert not TrainingRecord.objects.exists()


@pytest.mark.parametrize(
    ("topic", "trained_on", "field", "message"),
    [
        ("juggling", "2026-01-05", "topic", "nội dung tập huấn"),
        ("conflict", "ngày mai", "trained_on", "Ngày không hợp lệ"),
        ("conflict", "+1", "trained_on", "không được sau hôm nay"),
    ],
)
def test_bad_input_gets_a_clear_message(leader_a, staff_a, topic, trained_on, field, message):
    if trained_on == "+1":
        trained_on = (_today() + timedelta(days=1)).isoformat()
    with pytest.raises(ServiceError) as refused:
        services.training_record(
            actor=leader_a,
            center=leader_a.center,
            person=staff_a,
            topic=topic,
            trained_on=trained_on,
        )
    assert field in refused.value.fields
    assert message in refused.value.message


def test_the_form_shows_the_error_on_a_future_date(leader_a, staff_a):
    answer = logged_in(leader_a).post(
        "/readiness/training/new/",
        {
            "person": staff_a.pk,
            "topic": "conflict",
            "trained_on": (_today() + timedelta(days=3)).isoformat(),
        },
    )
    assert answer.status_code == 400
    assert "Ngày tập huấn không được sau hôm nay." in answer.content.decode()


def test_the_province_reads_its_centers_register_but_not_another_provinces(
    leader_a, staff_a, province_user, center_c
):
    services.training_record(
        actor=leader_a,
        center=leader_a.center,
        person=staff_a,
        topic="disability",
        trained_on=_today(),
    )
    mine = logged_in(province_user).get(f"/readiness/training/?center={leader_a.center.code}")
    assert staff_a.display_name in mine.content.decode()
    other = logged_in(province_user).get(f"/readiness/training/?center={center_c.code}")
    assert other.status_code == 404


def test_readiness_warns_until_someone_is_trained_in_disability_and_conflict(leader_a, staff_a):
    page = logged_in(leader_a).get("/readiness/").content.decode()
    assert "Chưa có cán bộ nào được tập huấn" in page
    assert "Phục vụ người khuyết tật, người cao tuổi" in page
    for topic in (TrainingTopic.DISABILITY, TrainingTopic.CONFLICT):
        services.training_record(
            actor=leader_a,
            center=leader_a.center,
            person=staff_a,
            topic=topic,
            trained_on=_today(),
        )
    page = logged_in(leader_a).get("/readiness/").content.decode()
    assert "Chưa có cán bộ nào được tập huấn" not in page
    assert "2 lượt đã ghi nhận" in page


def test_a_guide_names_the_trained_staff_on_duty_today(
    leader_a, staff_a, responder_a, it_a, center_a
):
    today = _today()
    DutyShift.objects.create(center=center_a, person=responder_a, date=today)
    DutyShift.objects.create(center=center_a, person=it_a, date=today)
    # Trained in conflict handling, on duty: named on the guide for upset citizens.
    services.training_record(
        actor=leader_a,
        center=center_a,
        person=responder_a,
        topic="conflict",
        trained_on=today - timedelta(days=40),
    )
    # On duty, but trained in something else.
    services.training_record(
        actor=leader_a, center=center_a, person=it_a, topic="digital", trained_on=today
    )
    # Trained, but not on duty today.
    services.training_record(
        actor=leader_a, center=center_a, person=leader_a, topic="conflict", trained_on=today
    )
    page = logged_in(staff_a).get("/guides/nguoi-dan-buc-xuc/").content.decode()
    assert "Cán bộ đã tập huấn đang trực hôm nay" in page
    section = page.split("Cán bộ đã tập huấn đang trực hôm nay", 1)[1].split("</section>")[0]
    assert responder_a.display_name in section
    assert it_a.display_name not in section
    assert leader_a.display_name not in section

    # The guide for a blind citizen asks for disability training: nobody on duty has it.
    blind = logged_in(staff_a).get("/guides/khiem-thi/").content.decode()
    assert "Hôm nay không có cán bộ trực nào đã được tập huấn nội dung này." in blind


def test_a_guide_with_no_training_topic_shows_no_such_section(staff_a):
    page = logged_in(staff_a).get("/guides/thay-doi-sau-sap-xep/").content.decode()
    assert "Cán bộ đã tập huấn đang trực hôm nay" not in page


def test_every_mapped_guide_exists(db):
    shipped = set(Guide.objects.values_list("slug", flat=True))
    assert set(GUIDE_TOPICS) <= shipped
    # 003 IV.1 c) and d): the disabled-citizen guides and the upset-citizen guide.
    for slug in ("khiem-thi", "khiem-thinh", "khuyet-tat-van-dong"):
        assert GUIDE_TOPICS[slug] == TrainingTopic.DISABILITY
    assert GUIDE_TOPICS["nguoi-dan-buc-xuc"] == TrainingTopic.CONFLICT
