"""Training records (003 IV.1, VI.2): who was trained in what, and who of them is on duty."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from ungcuu.core.errors import ServiceError
from ungcuu.org.models import Center, Role, User
from ungcuu.readiness.models import TrainingRecord, TrainingTopic
from ungcuu.readiness.services.common import day, require, require_center, text
from ungcuu.sync.outbox import require_writer

# The center's own team keeps the register; the province reads it (selectors), it does not
# write another center's record of who attended what.
TRAINERS = frozenset({Role.IT_OFFICER, Role.TEAM_LEADER, Role.CENTER_LEADER})

# Which guides call for which training: 003 IV.1 c) sends staff trained in contact with
# disabled people, d) staff trained in conflict handling; the elderly, pregnant women and
# parents with small children are served the same way; the digital-skills guides are the
# ones where staff walk a citizen through VNeID, the public service portal or a payment.
GUIDE_TOPICS = {
    "nguoi-cao-tuoi": TrainingTopic.DISABILITY,
    "khiem-thi": TrainingTopic.DISABILITY,
    "khiem-thinh": TrainingTopic.DISABILITY,
    "khuyet-tat-van-dong": TrainingTopic.DISABILITY,
    "phu-nu-mang-thai-tre-nho": TrainingTopic.DISABILITY,
    "nguoi-dan-buc-xuc": TrainingTopic.CONFLICT,
    "khong-biet-chu-cong-nghe": TrainingTopic.DIGITAL,
    "quen-mat-khau-vneid": TrainingTopic.DIGITAL,
    "quen-mat-khau-cong-dvc": TrainingTopic.DIGITAL,
    "khong-co-tai-khoan-ngan-hang": TrainingTopic.DIGITAL,
    "thong-bao-su-co": TrainingTopic.DRILL,
}
MAX_PAST_YEARS = 50


def may_record_training(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in TRAINERS))


def training_record(
    *,
    actor: User,
    center: Center,
    person: User,
    topic: str,
    trained_on,
    provider: str = "",
    note: str = "",
    today: date | None = None,
) -> TrainingRecord:
    require(may_record_training(actor))
    require_center(actor, center)
    require_writer(center, "ghi tập huấn")
    if person is None or person.center_id != center.pk:
        raise ServiceError("Cán bộ được tập huấn phải thuộc Trung tâm.", field="person")
    if topic not in TrainingTopic.values:
        raise ServiceError("Vui lòng chọn nội dung tập huấn.", field="topic")
    when = day(trained_on, "trained_on")
    today = today or timezone.localdate()
    if when > today:
        raise ServiceError("Ngày tập huấn không được sau hôm nay.", field="trained_on")
    if when.year < today.year - MAX_PAST_YEARS:
        raise ServiceError("Ngày tập huấn không hợp lệ.", field="trained_on")
    return TrainingRecord.objects.create(
        center=center,
        person=person,
        topic=topic,
        trained_on=when,
        provider=text(provider, "provider", limit=200),
        note=text(note, "note", limit=500),
        recorded_by=actor,
    )


def guide_topic(slug: str) -> str | None:
    return GUIDE_TOPICS.get(slug)


def trained_on_duty(center: Center, topic: str, on: date) -> list[tuple[User, TrainingRecord]]:
    """The people on the center's duty roster that day with a training record of the
    topic (their latest one), in roster order."""
    from ungcuu.org.selectors import on_duty

    people = on_duty(center, on)
    latest: dict[int, TrainingRecord] = {}
    for record in TrainingRecord.objects.filter(
        center=center, topic=topic, person__in=[p.pk for p in people], trained_on__lte=on
    ).order_by("trained_on", "id"):
        latest[record.person_id] = record
    return [(p, latest[p.pk]) for p in people if p.pk in latest]


def untrained_topics(center: Center) -> list[str]:
    """The topics the plan asks staff to be trained in that nobody at the center has."""
    have = set(TrainingRecord.objects.filter(center=center).values_list("topic", flat=True))
    return [t for t in (TrainingTopic.DISABILITY, TrainingTopic.CONFLICT) if t not in have]
