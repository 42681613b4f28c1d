"""Reports folded into a major incident reach the province and the vendors once.

When a center's report belongs to a major incident (incidents/services/major.py), the
province working group and the type's counterpart teams are not told of it one center at
a time: they get one message for the major incident, with the centers hit, when it opens
(the link leads to its page, where the list of centers stays current). Each center's own
people are still told of their own incident, by their own policy.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ungcuu.core.site import absolute
from ungcuu.incidents.models import Incident, MajorIncident, MajorScope, MajorStatus
from ungcuu.notify.models import Delivery, DeliveryState, Level

CHAT_LIMIT = 2000


def major_url(major: MajorIncident) -> str:
    return absolute(reverse("incidents:major", args=[major.pk]))


def major_message(major: MajorIncident, centers: list[str]) -> tuple[str, str]:
    """The one message of a major incident: what, where, since when, which centers."""
    where = major.province.name if major.province_id else "toàn quốc"
    title = f"[SỰ CỐ DIỆN RỘNG] {major.incident_type.name} – {len(centers)} Trung tâm, {where}"
    started = timezone.localtime(major.started_at)
    head = [
        f"SỰ CỐ DIỆN RỘNG {major.number}: {major.incident_type.name}",
        f"Phạm vi: {where}; {len(centers)} Trung tâm cùng báo, từ {started:%H:%M %d/%m/%Y}.",
        "Mỗi Trung tâm vẫn xử lý theo phương án của mình; đây là tin chung cho Tổ Công tác "
        "và Tổ Đối ứng, thay cho tin riêng của từng Trung tâm.",
    ]
    link = f"Danh sách Trung tâm, cập nhật liên tục: {major_url(major)}"
    listed = "Trung tâm: " + ", ".join(centers)
    room = CHAT_LIMIT - len("\n".join([*head, link])) - 2
    if len(listed) > room:
        listed = listed[: max(0, room - 1)].rstrip(", ") + "…"
    return title, "\n".join([*head, listed, link])


def folded(incidents: list[Incident]) -> set[int]:
    """The incidents of the batch whose province and vendors hear of them through their
    major incident instead (an open one)."""
    return {
        i.pk
        for i in incidents
        if i.major_incident_id
        and getattr(i.major_incident, "status", MajorStatus.OPEN) == MajorStatus.OPEN
    }


def announce(incidents: list[Incident], outside_recipients, channels_of) -> tuple[list, dict]:
    """The deliveries announcing each major incident of the batch not yet announced, to
    the outside recipients of the report that opened it. Idempotent: the major row is
    locked and marked, and every delivery has a unique key per major and recipient.
    Returns (unsaved deliveries, their channels)."""
    major_ids = {i.major_incident_id for i in incidents if i.major_incident_id}
    if not major_ids:
        return [], {}
    majors = list(
        MajorIncident.objects.select_for_update(of=("self",))
        .select_related("incident_type", "province")
        .filter(pk__in=major_ids, status=MajorStatus.OPEN, centers_told=0)
    )
    rows: list[Delivery] = []
    all_channels: dict = {}
    for major in majors:
        children = Incident.objects.filter(
            Q(major_incident=major)
            | Q(major_incident__parent=major, major_incident__scope=MajorScope.PROVINCE)
        ).select_related("center__province", "incident_type")
        children = list(children.order_by("reported_at", "pk"))
        if not children:
            continue
        trigger = next((i for i in incidents if i.major_incident_id == major.pk), children[-1])
        people, contacts = outside_recipients([trigger]).get(trigger.pk, ([], []))
        channels = channels_of(people, contacts)
        all_channels.update(channels)
        centers = list(dict.fromkeys(child.center.short_name for child in children))
        title, body = major_message(major, centers)
        targets = [(p, None, p.display_name) for p in people]
        targets += [(None, c, f"{c.name} – {c.organisation.name}") for c in contacts]
        for person, contact, label in targets:
            owner = ("person", person.pk) if person else ("contact", contact.pk)
            rows.append(
                Delivery(
                    incident=trigger,
                    level=Level.AT_ONCE,
                    person=person,
                    contact=contact,
                    recipient=label[:190],
                    title=title[:200],
                    body=body,
                    note=f"Sự cố diện rộng {major.number}",
                    reminder_key=f"major:{major.pk}:{owner[0]}:{owner[1]}",
                    state=DeliveryState.PENDING
                    if channels.get(owner)
                    else DeliveryState.NO_CHANNEL,
                )
            )
        MajorIncident.objects.filter(pk=major.pk).update(centers_told=len(centers))
    return rows, all_channels
