"""Who is told what, and the delivery of each message through the outbox.

Incident services call the ``outbox_*`` functions inside their transaction: the
delivery rows commit with the event, and the worker is only asked to send once
the transaction has committed (``on_commit``)."""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
import uuid
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, connections, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from ungcuu.catalog.models import Tier
from ungcuu.catalog.playbooks import contact_kinds
from ungcuu.core.errors import ServiceError
from ungcuu.core.site import absolute
from ungcuu.incidents.models import (
    OPEN_STATUSES,
    Attachment,
    EventKind,
    Incident,
    IncidentEvent,
    micros,
)
from ungcuu.notify import major, transport
from ungcuu.notify.messages import SMS_LIMIT, incident_message
from ungcuu.notify.models import (
    AT_ONCE_FIELDS,
    NOTIFY_ROLES,
    ROLE_FIELDS,
    Channel,
    Delivery,
    DeliveryState,
    EscalationRun,
    Level,
    OutsideTiming,
    RoutingPolicy,
    role_label,
)
from ungcuu.org.models import Contact, DutyShift, Organisation, Role, User
from ungcuu.org.selectors import contacts_for
from ungcuu.readiness.models import SupplyItem, SupplyKind
from ungcuu.sync import audience
from ungcuu.sync import outbox as sync_outbox

MAX_ATTEMPTS = 5
MAX_CHANNELS = 5  # tried per attempt: bounds how long one attempt can take
BACKOFF_SECONDS = 30  # 30 s, 1, 2, 4 min between attempts
INLINE_SECONDS = 2  # first messages sent by the report's own task for this long
BATCH_SIZE = 50  # new incidents worked out in one batch
MAX_BATCHES = 20  # batches in one pass; a longer backlog is left to the next pass
SENDING_THREADS = 8  # messages of one pass on the wire at once
# The results of a pass's messages are written together, at most this often (seconds):
# one write for many rather than one each time a message comes back.
RECORD_EVERY = 0.05
RECOVER_MAX = 1000  # rows taken up by a starting worker; the sweep does the rest
CHAT_LIMIT = 2000  # Zalo's limit, the smallest of the chat channels
ACK_SALT = "ungcuu.notify.ack"


# --- channels ------------------------------------------------------------------


def channel_add(
    *,
    url: str,
    person: User | None = None,
    contact: Contact | None = None,
    label: str = "",
    position: int | None = None,
) -> Channel:
    """Attach a channel (any Apprise URL, checked now) to a person or a contact."""
    if (person is None) == (contact is None):
        raise ServiceError("Kênh phải thuộc một người hoặc một đầu mối.")
    url = transport.check_url(url)
    owner = {"person": person} if person else {"contact": contact}
    if position is None:
        position = Channel.objects.filter(**owner).count() + 1
    return Channel.objects.create(url=url, label=label[:100], position=position, **owner)


def policy_for(center) -> RoutingPolicy:
    """The center's policy; a center without one gets the defaults (who is told at once
    as the plans say, waiting times UngCuu's own)."""
    try:
        return center.routing_policy  # often already loaded with the center
    except RoutingPolicy.DoesNotExist:
        policy, _ = RoutingPolicy.objects.get_or_create(center=center)
        return policy


# --- recipients ------------------------------------------------------------------


def _center_people(incident: Incident, roles: Iterable[str]) -> list[User]:
    return list(User.objects.filter(center=incident.center, role__in=list(roles), is_active=True))


def _policy_people(incident: Incident, field: str) -> list[User]:
    """The center's people a level of its policy names (``field``), in the policy's order."""
    roles = policy_for(incident.center).roles(field)
    by_role = people_by_role([incident.center_id], roles)
    return [p for role in roles for p in by_role.get((incident.center_id, role), [])]


def _vendor_people(organisations: Iterable[Organisation]) -> list[User]:
    return list(
        User.objects.filter(role=Role.VENDOR, organisation__in=list(organisations), is_active=True)
    )


# Types that are no fault of equipment or software. Of every other type the IT officer
# ("cán bộ phụ trách kỹ thuật", 003 III.1) is told with the report, if the center's
# policy names them.
NON_TECHNICAL_TYPES = frozenset({"disaster", "epidemic", "other"})
# 001/002: "thiên tai, bão lụt, hỏa hoạn": thành lập Ban chỉ đạo (the policy's
# disaster_roles are told at once, on top of the complex incident's people).
DISASTER_TYPES = frozenset({"disaster"})
# 000 1.1: a printer out of paper or ink: "báo ngay cho bộ phận hành chính - quản trị hoặc
# cán bộ được phân công tiếp nhận, cấp phát vật tư" — the keepers (cán bộ theo dõi) of
# the center's supplies of that kind are told at once.
SUPPLY_KINDS_OF_TYPE = {
    "printer-paper": (SupplyKind.PAPER_A4, SupplyKind.PAPER_A5),
    "printer-ink": (SupplyKind.INK,),
}


def is_technical(incident: Incident) -> bool:
    return incident.incident_type.code not in NON_TECHNICAL_TYPES


def outside_at_once(incident: Incident, policy: RoutingPolicy) -> bool:
    """Whether the province and the counterpart team hear of it with the report (004 B1)."""
    return incident.tier == Tier.COMPLEX and policy.complex_outside == OutsideTiming.AT_ONCE


def recipients(incident: Incident, level: str) -> tuple[list[User], list[Contact]]:
    """The people and outside contacts told at ``level`` (seeds 000, 001, 003 and 004)."""
    people: list[User] = []
    contacts: list[Contact] = []
    if level == Level.AT_ONCE:
        people, contacts = at_once_recipients(
            [incident], {incident.center_id: policy_for(incident.center)}
        )[incident.pk]
    elif level == Level.NO_ACK:
        people = _policy_people(incident, "no_ack_roles")
    elif level == Level.PROLONGED:
        people = _policy_people(incident, "prolonged_roles")
    elif level == Level.RESOLVED:
        told = Delivery.objects.filter(incident=incident, person__isnull=False).exclude(
            level=Level.RESOLVED
        )
        people = list(User.objects.filter(pk__in=told.values("person_id"), is_active=True))
    unique = {person.pk: person for person in people if person.pk != incident.reporter_id}
    return list(unique.values()), list({c.pk: c for c in contacts}.values())


def outside_recipients(incidents: list[Incident]) -> dict[int, tuple[list[User], list[Contact]]]:
    """The province working group and the counterpart teams of each complex incident:
    the province users of the center's province, the contacts of the organisation kinds
    its type names (as ``contacts_for`` picks them) and the vendor people of those
    organisations. Four queries, however many incidents."""
    if not incidents:
        return {}
    provinces = {i.center.province_id for i in incidents}
    centers = {i.center_id for i in incidents}
    kinds_of = contact_kinds(incidents)  # the center's own plan may name other units (R25)
    kinds = {kind for i in incidents for kind in kinds_of[i.pk]}
    by_province: dict[int, list[User]] = {}
    for person in User.objects.filter(
        role=Role.PROVINCE, province_id__in=provinces, is_active=True
    ).order_by("pk"):
        by_province.setdefault(person.province_id, []).append(person)
    contacts: list[Contact] = []
    if kinds:
        contacts = list(
            Contact.objects.select_related("organisation").filter(
                Q(center__in=centers) | Q(center__isnull=True),
                Q(organisation__province_id__in=provinces) | Q(organisation__province__isnull=True),
                organisation__kind__in=sorted(kinds),
            )
        )
    vendors: dict[int, list[User]] = {}
    if contacts:
        for person in User.objects.filter(
            role=Role.VENDOR,
            organisation__in={c.organisation_id for c in contacts},
            is_active=True,
        ).order_by("pk"):
            vendors.setdefault(person.organisation_id, []).append(person)
    found = {}
    for incident in incidents:
        province = incident.center.province_id
        order = {k: n for n, k in enumerate(kinds_of[incident.pk])}
        mine = sorted(
            (
                c
                for c in contacts
                if c.organisation.kind in order
                and c.center_id in (None, incident.center_id)
                and c.organisation.province_id in (None, province)
            ),
            key=lambda c: (order[c.organisation.kind], c.center_id is None, c.organisation.name),
        )
        people = list(by_province.get(province, []))
        for organisation_id in dict.fromkeys(c.organisation_id for c in mine):
            people += vendors.get(organisation_id, [])
        found[incident.pk] = (people, mine)
    return found


def at_once_roles(incident: Incident, policy: RoutingPolicy) -> list[str]:
    """The center's roles told with this report, as its policy says: the simple or the
    complex incident's people (the IT officer only of a technical type, 003 III.1) and,
    for a disaster, the Ban Chỉ đạo (001/002)."""
    field = "at_once_complex_roles" if incident.tier == Tier.COMPLEX else "at_once_simple_roles"
    roles = policy.roles(field)
    if not is_technical(incident):
        roles = [r for r in roles if r != Role.IT_OFFICER]
    if incident.incident_type.code in DISASTER_TYPES:
        roles += [r for r in policy.roles("disaster_roles") if r not in roles]
    return roles


def supply_keepers(incidents: list[Incident]) -> dict[int, list[User]]:
    """The keepers of the center's paper or ink, for each printer incident (000 1.1):
    one query, however many incidents; a keeper no longer at the center is left out."""
    wanted = {
        i.pk: SUPPLY_KINDS_OF_TYPE[i.incident_type.code]
        for i in incidents
        if i.incident_type.code in SUPPLY_KINDS_OF_TYPE
    }
    if not wanted:
        return {}
    mine = [i for i in incidents if i.pk in wanted]
    items = (
        SupplyItem.objects.filter(
            center__in={i.center_id for i in mine},
            kind__in={kind for kinds in wanted.values() for kind in kinds},
            assignee__is_active=True,
            assignee__center=F("center"),
        )
        .select_related("assignee")
        .order_by("pk")
    )
    by_center: dict[tuple[int, str], list[User]] = {}
    for item in items:
        by_center.setdefault((item.center_id, item.kind), []).append(item.assignee)
    return {
        i.pk: [p for kind in wanted[i.pk] for p in by_center.get((i.center_id, kind), [])]
        for i in mine
    }


def at_once_recipients(
    incidents: list[Incident],
    policies: dict[int, RoutingPolicy],
    folded_ids: frozenset[int] | set[int] = frozenset(),
) -> dict[int, tuple[list[User], list[Contact]]]:
    """Who is told with the report, for a whole batch in a few queries: the center's
    people its policy names (by default the team leader and today's on-duty responders;
    the IT officer for a technical type, 003 III.1; for a complex incident the center
    leader, 003 III.1; for a disaster the Ban Chỉ đạo, 001/002), the keeper of the paper
    or ink when a printer runs dry (000 1.1) and, for a complex incident, unless the
    center chose to wait, the province working group and the type's counterpart teams
    (004 B1) — unless the report is part of a major incident, which they hear of once
    (``folded_ids``, notify/major.py)."""
    keepers = supply_keepers(incidents)
    outside = outside_recipients(
        [
            i
            for i in incidents
            if outside_at_once(i, policies[i.center_id]) and i.pk not in folded_ids
        ]
    )
    extra = {}
    for incident in incidents:
        more_people, contacts = outside.get(incident.pk, ([], []))
        extra[incident.pk] = (keepers.get(incident.pk, []) + more_people, contacts)
    roles_of = {i.pk: at_once_roles(i, policies[i.center_id]) for i in incidents}
    return _people_in_roles(incidents, roles_of, extra)


def _people_in_roles(
    incidents: list[Incident],
    roles_of: dict[int, list[str]],
    extra: dict[int, tuple[list[User], list[Contact]]],
) -> dict[int, tuple[list[User], list[Contact]]]:
    """For each incident, its center's people in the roles ``roles_of`` names (in that
    order), then the people and contacts ``extra`` adds, each once and never the
    reporter: one query for the people of the whole batch."""
    by_role = people_by_role(
        {i.center_id for i in incidents}, {r for roles in roles_of.values() for r in roles}
    )
    found = {}
    for incident in incidents:
        people = [
            p for r in roles_of[incident.pk] for p in by_role.get((incident.center_id, r), [])
        ]
        more_people, contacts = extra.get(incident.pk, ([], []))
        unique = {p.pk: p for p in people + more_people if p.pk != incident.reporter_id}
        found[incident.pk] = (list(unique.values()), contacts)
    return found


PERSON_FIELDS = ("id", "username", "full_name", "first_name", "last_name", "phone", "center")


def people_by_role(
    center_ids: Iterable[int], roles: Iterable[str]
) -> dict[tuple[int, str], list[User]]:
    """The active people of each center in each role, for many centers at once (a burst
    of reports is worked out in one pass). "responder" means today's duty roster: the
    members of the Tổ ứng cứu on duty today, whatever their own role."""
    centers, roles = list(center_ids), set(roles)
    found: dict[tuple[int, str], list[User]] = {}
    plain = sorted(roles & set(NOTIFY_ROLES) - {Role.RESPONDER})
    if plain:
        for person in (
            User.objects.filter(center__in=centers, role__in=plain, is_active=True)
            .only("role", *PERSON_FIELDS)
            .order_by("pk")
        ):
            found.setdefault((person.center_id, person.role), []).append(person)
    if Role.RESPONDER in roles:
        shifts = (
            DutyShift.objects.filter(
                center__in=centers, date=timezone.localdate(), person__is_active=True
            )
            .select_related("person")
            .only("center", *(f"person__{f}" for f in PERSON_FIELDS))
            .order_by("pk")
        )
        for shift in shifts:
            found.setdefault((shift.center_id, Role.RESPONDER), []).append(shift.person)
    return found


# --- links --------------------------------------------------------------------------


def detail_url(incident: Incident) -> str:
    return absolute(reverse("incidents:detail", args=[incident.pk]))


def ack_url(delivery: Delivery) -> str:
    token = signing.dumps(str(delivery.key), salt=ACK_SALT, compress=True)
    return absolute(reverse("notify:ack", args=[token]))


def delivery_from_ack_token(token: str) -> Delivery:
    """The delivery a one-click link was made for; expired or forged links are refused."""
    try:
        key = signing.loads(token, salt=ACK_SALT, max_age=settings.ACK_LINK_HOURS * 3600)
    except signing.SignatureExpired as exc:
        raise ServiceError("Liên kết đã hết hạn.", status=410) from exc
    except signing.BadSignature as exc:
        raise ServiceError("Liên kết không hợp lệ.", status=400) from exc
    delivery = Delivery.objects.select_related("incident", "person").filter(key=key).first()
    if delivery is None or delivery.incident_id is None:
        raise ServiceError("Liên kết không hợp lệ.", status=400)
    return delivery


# --- the outbox ----------------------------------------------------------------------


def _channels_of(people, contacts) -> dict[tuple[str, int], list[Channel]]:
    """The active channels of these recipients, in one query."""
    found: dict[tuple[str, int], list[Channel]] = {}
    if not people and not contacts:
        return found
    for channel in Channel.objects.filter(
        Q(person__in=[p.pk for p in people]) | Q(contact__in=[c.pk for c in contacts]),
        is_active=True,
    ):
        owner = (
            ("person", channel.person_id) if channel.person_id else ("contact", channel.contact_id)
        )
        found.setdefault(owner, []).append(channel)
    return found


def _queue(
    incident: Incident,
    level: str,
    people,
    contacts,
    *,
    note: str = "",
    sms: bool = False,
    channels: dict[tuple[str, int], list[Channel]] | None = None,
    enqueue: bool = True,
    save: bool = True,
) -> list[Delivery]:
    """Write the delivery rows (in the caller's transaction) and, unless the caller
    sends them itself, ask the worker to send them once it commits. Without ``save``
    the rows are only made, for the caller to write many incidents' at once."""
    people, contacts = audience.told_here(incident, people, contacts)
    if channels is None:
        channels = _channels_of(people, contacts)
    created = []
    link = detail_url(incident)
    targets = [(p, None, p.display_name) for p in people]
    targets += [(None, c, f"{c.name} – {c.organisation.name}") for c in contacts]
    for person, contact, label in targets:
        owned = channels.get(("person", person.pk) if person else ("contact", contact.pk), [])
        routes = [False]
        # Complex incidents may also go by SMS, which still arrives when the
        # internet is down — unless SMS is already this person's only way.
        if (
            sms
            and any(transport.is_sms(c.url) for c in owned)
            and any(not transport.is_sms(c.url) for c in owned)
        ):
            routes.append(True)
        for sms_route in routes:
            delivery = Delivery(
                incident=incident,
                level=level,
                person=person,
                contact=contact,
                recipient=label[:190] + (" (SMS)" if sms_route else ""),
                sms_only=sms_route,
                note=note,
                state=DeliveryState.PENDING if owned else DeliveryState.NO_CHANNEL,
            )
            message = incident_message(
                incident,
                level=level,
                detail_url=link,
                ack_url=ack_url(delivery) if level != Level.RESOLVED else "",
                note=note,
                limit=SMS_LIMIT if sms_route else CHAT_LIMIT,
            )
            delivery.title, delivery.body = message.title, message.body
            created.append(delivery)
    if not save:
        return created
    created = Delivery.objects.bulk_create(created)
    due = [d.pk for d in created if d.state == DeliveryState.PENDING]
    if due and enqueue:
        transaction.on_commit(lambda: _enqueue(due))
    return created


def _batch_rows(
    level: str, told: dict[int, tuple[list[User], list[Contact]]], runs: list[EscalationRun]
) -> tuple[list[Delivery], dict[tuple[str, int], list[Channel]]]:
    """The unsaved rows of a batch's messages at ``level`` (each run's incident to the
    people and contacts ``told`` names, by SMS too where its run says), and their
    channels, read in one query."""
    channels = _channels_of(
        [p for people, _c in told.values() for p in people],
        [c for _p, contacts in told.values() for c in contacts],
    )
    rows: list[Delivery] = []
    for run in runs:
        people, contacts = told[run.incident.pk]
        rows += _queue(
            run.incident, level, people, contacts, sms=run.sms, channels=channels, save=False
        )
    return rows, channels


def _enqueue(delivery_ids: list[int]) -> None:
    from ungcuu.notify import tasks

    for delivery_id in delivery_ids:
        tasks.deliver(delivery_id)


def report_queued(incident: Incident) -> None:
    """Called in the report's transaction: once it commits, the worker works out who
    to tell. The incident row itself is the outbox entry: the sweep picks up any
    incident whose first messages were never worked out (a crash right after commit)."""
    incident_id = incident.pk
    transaction.on_commit(lambda: _enqueue_report(incident_id))


# One pass works out every new incident (notify_report), so a report committed while a
# pass is queued and not yet started needs no task of its own: the shared cache (Redis,
# or files in the data dir) says whether one is waiting. A pass clears the mark as it
# starts; should its task be lost, the mark lapses after PASS_MARK_SECONDS and the next
# report queues one (the sweep and a starting worker take up the rest).
PASS_MARK = "ungcuu:notify:pass-queued"
PASS_MARK_SECONDS = 2


def _enqueue_report(incident_id: int) -> None:
    from ungcuu.notify import tasks

    try:
        waiting = not cache.add(PASS_MARK, incident_id, timeout=PASS_MARK_SECONDS)
    except Exception:  # noqa: BLE001 - no cache: one task per report, as before
        waiting = False
    if not waiting:
        tasks.notify_report(incident_id)


# A pass costs about the same whatever it takes (some twenty statements with its
# after-report task, 15-20 ms of CPU): in a burst, a pass that follows the last one
# within the spacing waits for the rest of that time, its mark still set, and takes
# what arrived meanwhile in one go. A report after a quiet spell is worked out at once;
# in a burst a first message waits at most the spacing more, and the worker's cost per
# report falls with the size of its batches (UNGCUU_PASS_SPACING_MS).
_pace_lock = threading.Lock()
_next_pass_at = 0.0


def pace_pass() -> None:
    """Wait, if need be, until the spacing after the worker process's previous pass."""
    global _next_pass_at
    spacing = settings.PASS_SPACING_MS / 1000
    with _pace_lock:
        now = time.monotonic()
        wait_for = _next_pass_at - now
        _next_pass_at = max(now, _next_pass_at) + spacing
    if wait_for > 0:
        time.sleep(wait_for)


def _pass_starts() -> None:
    try:
        cache.delete(PASS_MARK)
    except Exception:  # noqa: BLE001 - the mark lapses by itself
        pass


# The others a pass looks for lie above the latest incident worked out, less this many
# numbers (reports still committing, a backlog the worker has not reached): the read
# covers a few hundred rows however many incidents are open (a nationwide outage
# leaves thousands open all day). Older ones left out, which only a lost task or a
# worker that far behind leaves, are the minute sweep's.
NEW_WINDOW = 500


def _new_incident_ids(incident_id: int, now: datetime) -> list[int]:
    """This incident, unless already worked out, and other new ones nobody has worked
    out yet: at most BATCH_SIZE, this one always among them. Read without a write
    lock: in a burst most tasks find their incident done by an earlier pass."""
    latest = EscalationRun.objects.order_by("-incident_id").values("incident_id")[:1]
    floor = ExpressionWrapper(
        Coalesce(Subquery(latest), Value(0)) - Value(NEW_WINDOW), output_field=BigIntegerField()
    )
    new = Incident.objects.filter(
        Q(pk=incident_id)
        | Q(
            status__in=OPEN_STATUSES,
            reported_at__gte=now - timedelta(days=1),
            pk__gt=floor,
        ),
        escalation__isnull=True,
    )
    mine_first = Case(When(pk=incident_id, then=Value(0)), default=Value(1))
    return list(new.order_by(mine_first, "pk").values_list("pk", flat=True)[:BATCH_SIZE])


def _lock_new(ids: list[int]) -> list[Incident]:
    """The incidents still not worked out, locked so that two workers never both take
    one (on SQLite the write transaction itself does that)."""
    incidents = list(
        Incident.objects.filter(pk__in=ids, escalation__isnull=True)
        .select_related(
            "center__routing_policy",
            "center__province",
            "incident_type",
            "reporter",
            "major_incident",
        )
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("pk")
    )
    return _count_photos(incidents)


def _count_photos(incidents: list[Incident]) -> list[Incident]:
    """Note on each incident how many photos it has (its messages say so), in one query."""
    photos = dict(
        Attachment.objects.filter(incident__in=[i.pk for i in incidents])
        .values("incident")
        .annotate(count=Count("pk"))
        .values_list("incident", "count")
    )
    for incident in incidents:
        incident.photo_count = photos.get(incident.pk, 0)
    return incidents


def notify_report(incident_id: int) -> int:
    """Copy the center's policy onto a new incident and tell the first level, once.

    One pass also takes the other new incidents not yet worked out: in a burst of
    reports the first task does the work of many (a few statements for all of them),
    and the tasks after it find theirs done; a full batch is followed by the next one.
    The same pass checks whether each incident makes a repeated fault to report upward.
    Returns how many messages it wrote."""
    _pass_starts()
    written = 0
    for _batch in range(MAX_BATCHES):
        ids = _new_incident_ids(incident_id, timezone.now())
        if not ids:
            break
        count, incidents = _work_out(ids)
        written += count
        if incidents:
            _after_report(incidents)
        if not incidents or len(ids) < BATCH_SIZE:
            break
    return written


def _after_report(incidents: list[Incident]) -> None:
    """What else new incidents set off once their first messages are out: whether each
    makes a repeated fault to report upward (R23), in one task for the batch. Should
    that task be lost, the upward sweep catches the check up."""
    from ungcuu.notify import tasks

    tasks.after_report([i.pk for i in incidents])


def after_report(incident_ids: list[int]) -> int:
    """After new incidents' first messages: fold into a major incident any that a report
    of the same moments missed, then check for a repeated fault to report upward."""
    from ungcuu.incidents.services.major import correlate_late
    from ungcuu.reports import upward

    incidents = list(
        Incident.objects.filter(pk__in=incident_ids)
        .select_related("center__province", "incident_type")
        .order_by("pk")
    )
    correlate_late(incidents)
    return upward.upward_repeat_many(incidents)


def _work_out(ids: list[int]) -> tuple[int, list[Incident]]:
    """One batch: the policy copied, the first level told. Returns (messages written,
    the incidents this pass took)."""
    with transaction.atomic():
        incidents = _lock_new(ids)
        if not incidents:
            return 0, []
        runs = []
        policies: dict[int, RoutingPolicy] = {}  # a center without a row makes it once
        folded_ids = major.folded(incidents)  # told once, through their major incident
        for incident in incidents:
            if incident.center_id not in policies:
                policies[incident.center_id] = policy_for(incident.center)
            policy = policies[incident.center_id]
            complex_ = incident.tier == Tier.COMPLEX
            at_once = outside_at_once(incident, policy)
            runs.append(
                EscalationRun(
                    incident=incident,
                    ack_minutes=policy.complex_ack_minutes
                    if complex_
                    else policy.simple_ack_minutes,
                    prolonged_minutes=policy.prolonged_minutes if complex_ else None,
                    sms=complex_ and policy.sms_for_complex,
                    outside_minutes=policy.complex_outside_minutes
                    if complex_ and not at_once
                    else None,
                    outside_sent_at=incident.reported_at
                    if at_once or incident.pk in folded_ids
                    else None,
                )
            )
        EscalationRun.objects.bulk_create(runs)
        told = at_once_recipients(incidents, policies, folded_ids)
        rows, channels = _batch_rows(Level.AT_ONCE, told, runs)
        announced, more_channels = major.announce(incidents, outside_recipients, _channels_of)
        rows += announced
        channels.update(more_channels)
        queued = Delivery.objects.bulk_create(rows)
    _send_now([d for d in queued if d.state == DeliveryState.PENDING], channels)
    return len(queued), incidents


def _send_now(deliveries: list[Delivery], channels: dict[tuple[str, int], list[Channel]]) -> None:
    """Send the first messages in this task rather than queueing one task each: a
    round trip through the queue per message is what a burst of reports waits on.

    Up to SENDING_THREADS messages are on the wire at once (a chat service answers in
    tenths of a second; one after another, a burst would wait on each). Every
    incident's first message goes before anyone's second. The results are written by
    this thread, those that came back within RECORD_EVERY together. A slow channel
    must not hold up the others: what has not started after INLINE_SECONDS goes back
    to the queue. Should the worker die half-way, the sweep resends what is left, and
    a sent delivery is never sent again."""
    if not deliveries:
        return
    rank: dict[int | None, int] = {}
    order = []
    for delivery in deliveries:
        rank[delivery.incident_id] = rank.get(delivery.incident_id, -1) + 1
        order.append((rank[delivery.incident_id], len(order), delivery))
    claimed = _claim([d.pk for d in deliveries])
    deliveries = [d for *_sort, d in sorted(order, key=lambda o: o[:2]) if d.pk in claimed]
    for delivery in deliveries:
        delivery.state, delivery.attempts = DeliveryState.SENDING, delivery.attempts + 1
    started = time.monotonic()
    late: list[int] = []

    def send(delivery: Delivery):
        if time.monotonic() - started > INLINE_SECONDS:
            late.append(delivery.pk)
            return None
        owned = channels.get(_owner(delivery), [])
        try:
            return _try_channels(delivery, list(owned))
        finally:
            connections.close_all()  # only this thread's, should a message have read any

    futures = {_sending_pool().submit(send, delivery): delivery for delivery in deliveries}
    waiting = set(futures)
    outcomes: list[tuple[Delivery, Channel | None, list]] = []
    written_at = time.monotonic()
    while waiting:
        done, waiting = wait(waiting, timeout=RECORD_EVERY, return_when=FIRST_COMPLETED)
        for future in done:
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 - one message's bug is its own failure
                outcome = (None, [(None, f"Lỗi khi gửi: {exc!r}"[:300], timezone.now())])
            if outcome is not None:
                outcomes.append((futures[future], *outcome))
        if outcomes and (not waiting or time.monotonic() - written_at >= RECORD_EVERY):
            _record_many(outcomes)
            outcomes, written_at = [], time.monotonic()
    if late:
        Delivery.objects.filter(pk__in=late, state=DeliveryState.SENDING).update(
            state=DeliveryState.PENDING,
            claimed_until=None,
            claimed_by="",
            attempts=F("attempts") - 1,
        )
        _enqueue(late)


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _sending_pool() -> ThreadPoolExecutor:
    """The process's sending threads, started on first use and kept."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(SENDING_THREADS, thread_name_prefix="ungcuu-send")
        return _pool


def _claim(delivery_ids: list[int], now: datetime | None = None) -> set[int]:
    """Claim due deliveries for this worker in one statement; the ones it got."""
    now = now or timezone.now()
    until = now + CLAIM_FOR
    due = Delivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        pk__in=delivery_ids,
        state=DeliveryState.PENDING,
    )
    me = f"{claimant()}:{uuid.uuid4().hex[:12]}"
    count = due.update(
        state=DeliveryState.SENDING,
        claimed_until=until,
        claimed_by=me,
        attempts=F("attempts") + 1,
    )
    if count == len(delivery_ids):
        return set(delivery_ids)
    # Somebody else took some: ours carry this claim's own name (another thread of this
    # process may have claimed at the same microsecond).
    return set(
        Delivery.objects.filter(
            pk__in=delivery_ids, state=DeliveryState.SENDING, claimed_until=until, claimed_by=me
        ).values_list("pk", flat=True)
    )


def _machine() -> str:
    """This machine, as a claim names it. On Linux the PID namespace is part of it:
    two containers may share a host name but never their process ids."""
    try:
        namespace = os.readlink("/proc/self/ns/pid").removeprefix("pid:")
    except (OSError, AttributeError):
        namespace = ""
    return f"{socket.gethostname()[:60]}{namespace}"


_MACHINE = _machine()


def claimant_of(pid: int) -> str:
    """Who claims a delivery: this machine and the process (a claim adds its own id)."""
    return f"{_MACHINE}:{pid}"


def claimant() -> str:
    return claimant_of(os.getpid())


def claimant_gone(owner: str) -> bool:
    """Whether the process that made a claim has certainly died. Only a process of this
    machine can be checked: for any other, or when unsure, the answer is no and the
    claim runs out by itself (CLAIM_FOR). A wrong "yes" would send a message twice
    at once; a wrong "no" only delays it."""
    machine, _, pid_text = owner.rsplit(":", 1)[0].rpartition(":")
    if machine != _MACHINE or not pid_text.isdigit() or sys.platform == "win32":
        return False
    pid = int(pid_text)
    if pid == os.getpid() or pid <= 1:
        return False
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except OSError:  # it exists, as another user's process
        return False
    try:  # killed but not yet reaped by its parent
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except (OSError, IndexError):
        return False


def _release_abandoned(now: datetime) -> list[int]:
    """Hand back to "pending" the deliveries left "sending" by a worker that died:
    its claim ran out, or its process on this machine is gone. The message may have
    reached the channel just before the crash: it goes again under the same
    idempotency key (at least once; a lost alert is worse than a repeated one)."""
    held: dict[tuple[str, datetime | None], list[int]] = {}
    for pk, owner, until in Delivery.objects.filter(state=DeliveryState.SENDING).values_list(
        "pk", "claimed_by", "claimed_until"
    ):
        held.setdefault((owner, until), []).append(pk)
    gone: dict[str, bool] = {}
    released = []
    for (owner, until), ids in held.items():
        expired = until is None or until < now
        if owner and owner not in gone:
            gone[owner] = claimant_gone(owner)
        if not (expired or gone.get(owner)):
            continue
        # Only if the claim is still the same one: a live worker may have taken it since.
        if Delivery.objects.filter(
            pk__in=ids, state=DeliveryState.SENDING, claimed_by=owner, claimed_until=until
        ).update(state=DeliveryState.PENDING, claimed_by="", claimed_until=None):
            released += ids
    return released


def outbox_recover(*, now: datetime | None = None) -> int:
    """When a worker starts: take up at once what a crash left behind, rather than at
    the minutely sweep (which waits for a dead worker's claim to run out). Messages a
    dead process of this machine was sending, messages whose task died with the worker
    that had taken it from the queue, and reports whose first messages were never
    worked out (the server died between the commit and queueing the task).
    Everything handed over is idempotent: a delivery is sent by whoever claims it, an
    incident is worked out once. Returns how many tasks it queued."""
    from ungcuu.notify import tasks

    now = now or timezone.now()
    _release_abandoned(now)
    due = list(
        Delivery.objects.filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            state=DeliveryState.PENDING,
        ).values_list("pk", flat=True)[:RECOVER_MAX]
    )
    _enqueue(due)
    forgotten = list(
        Incident.objects.filter(
            status__in=OPEN_STATUSES,
            escalation__isnull=True,
            reported_at__gte=now - timedelta(days=1),
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:RECOVER_MAX]
    )
    for incident_id in forgotten:
        tasks.notify_report(incident_id)
    return len(due) + len(forgotten)


def outbox_on_escalate(incident: Incident, organisations: list[Organisation], note: str) -> None:
    """An explicit escalation: the chosen units' contacts and their people."""
    contacts = [
        c
        for c in contacts_for(incident.center)
        if c.organisation_id in {o.pk for o in organisations}
    ]
    run = EscalationRun.objects.filter(incident=incident).first()
    _queue(
        incident,
        Level.ESCALATED,
        _vendor_people(organisations),
        contacts,
        note=note,
        sms=bool(run and run.sms),
    )


def outbox_on_resolve(incident: Incident) -> None:
    people, contacts = recipients(incident, Level.RESOLVED)
    _queue(incident, Level.RESOLVED, people, contacts)


def escalation_sweep(*, now: datetime | None = None) -> int:
    """Tell the next level about incidents nobody acknowledged in time, and the
    leaders about complex incidents that last. Returns how many messages it queued."""
    now = now or timezone.now()
    queued = 0
    forgotten = Incident.objects.filter(
        status__in=OPEN_STATUSES,
        escalation__isnull=True,
        reported_at__lte=now - timedelta(seconds=30),
        reported_at__gte=now - timedelta(days=1),
    ).values_list("pk", flat=True)
    for incident_id in forgotten:
        queued += notify_report(incident_id)
    runs = EscalationRun.objects.select_related(
        "incident__center__province", "incident__incident_type", "incident__reporter"
    ).filter(incident__status__in=OPEN_STATUSES)
    queued += _no_ack_due(now)
    queued += _outside_after_delay(runs, now)
    waiting = runs.filter(prolonged_sent_at__isnull=True)
    prolonged = _elapsed(waiting, "prolonged_minutes", "incident__started_at", now)
    for run in prolonged:
        with transaction.atomic():
            if EscalationRun.objects.filter(pk=run.pk, prolonged_sent_at__isnull=True).update(
                prolonged_sent_at=now
            ):
                people, contacts = recipients(run.incident, Level.PROLONGED)
                queued += len(_queue(run.incident, Level.PROLONGED, people, contacts, sms=run.sms))
    return queued


def _elapsed(runs, minutes_field: str, since_field: str, now: datetime):
    """Those of ``runs`` whose ``minutes_field`` have passed since their incident's
    ``since_field``, as a filter the database answers: one condition per distinct value
    of the minutes (a few: most centers keep the defaults), so no row is read only to
    be skipped."""
    values = (
        runs.filter(**{f"{minutes_field}__isnull": False})
        .order_by()
        .values_list(minutes_field, flat=True)
        .distinct()
    )
    due = Q(pk__in=[])
    for minutes in values:
        due |= Q(
            **{minutes_field: minutes, f"{since_field}__lte": now - timedelta(minutes=minutes)}
        )
    return runs.filter(due)


# "Nobody took it" of this many incidents is worked out in one transaction and sent by
# the sweep itself, as a pass sends first messages: a nationwide outage leaves thousands
# of incidents whose waiting time ends within the same minute.
NO_ACK_BATCH = 200


def _no_ack_due(now: datetime) -> int:
    """Tell the policy's people of every incident nobody acknowledged in time (and, for a
    complex one whose province and counterpart team are still waiting for the center's
    own delay, those too), a batch at a time. Returns how many messages it wrote."""
    due = _elapsed(
        EscalationRun.objects.filter(
            incident__status__in=OPEN_STATUSES,
            incident__acknowledged_at__isnull=True,
            no_ack_sent_at__isnull=True,
        ),
        "ack_minutes",
        "incident__reported_at",
        now,
    )
    written = 0
    while True:
        with transaction.atomic():
            runs = list(
                due.select_related(
                    "incident__center__routing_policy",
                    "incident__center__province",
                    "incident__incident_type",
                    "incident__reporter",
                )
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")[:NO_ACK_BATCH]
            )
            if not runs:
                return written
            EscalationRun.objects.filter(pk__in=[r.pk for r in runs]).update(no_ack_sent_at=now)
            # Nobody took it: a complex incident whose province and counterpart team are
            # still waiting for the center's own delay reaches them now.
            outside_runs = [
                r for r in runs if r.incident.tier == Tier.COMPLEX and r.outside_sent_at is None
            ]
            EscalationRun.objects.filter(pk__in=[r.pk for r in outside_runs]).update(
                outside_sent_at=now
            )
            incidents = _count_photos([r.incident for r in runs])
            roles_of = {i.pk: policy_for(i.center).roles("no_ack_roles") for i in incidents}
            outside = outside_recipients([r.incident for r in outside_runs])
            told = _people_in_roles(incidents, roles_of, outside)
            rows, channels = _batch_rows(Level.NO_ACK, told, runs)
            queued = Delivery.objects.bulk_create(rows)
        _send_now([d for d in queued if d.state == DeliveryState.PENDING], channels)
        written += len(queued)
        if len(runs) < NO_ACK_BATCH:
            return written


def _outside_after_delay(runs, now: datetime) -> int:
    """A center that chose to wait: once its minutes have passed without an escalation,
    the province and the counterpart team are told as 004 B1 would have at once, and
    the team leader is reminded every as many minutes until they escalate or resolve
    (recording why it was handled on site)."""
    queued = 0
    waiting = runs.filter(
        outside_minutes__isnull=False,
        incident__tier=Tier.COMPLEX,
        incident__escalated_at__isnull=True,
    )
    for run in waiting:
        incident = run.incident
        every = timedelta(minutes=max(run.outside_minutes, 1))
        rounds = int((now - incident.reported_at) / every)
        if rounds < 1:
            continue
        if run.outside_sent_at is None:
            with transaction.atomic():
                if EscalationRun.objects.filter(pk=run.pk, outside_sent_at__isnull=True).update(
                    outside_sent_at=now
                ):
                    people, contacts = outside_recipients([incident])[incident.pk]
                    note = (
                        f"Báo sau {run.outside_minutes} phút theo quy tắc của Trung tâm: "
                        "Tổ trưởng chưa chuyển tuyến."
                    )
                    queued += len(
                        _queue(incident, Level.AT_ONCE, people, contacts, note=note, sms=run.sms)
                    )
        for leader in _center_people(incident, [Role.TEAM_LEADER]):
            _delivery, created = remind(
                person=leader,
                title=f"Nhắc chuyển tuyến sự cố {incident.number}",
                body=(
                    f"Sự cố phức tạp “{incident.incident_type.name}” tại "
                    f"{incident.center.name} chưa được chuyển tuyến. Phương án 004 (bước 1): "
                    "Tổ trưởng báo ngay cho Tổ Công tác tỉnh và Tổ Đối ứng. Bấm “Chuyển tuyến” "
                    "trên trang sự cố, hoặc khi xác nhận khắc phục ghi lý do không chuyển "
                    f"tuyến (xử lý tại chỗ): {detail_url(incident)}"
                ),
                key=f"escalate:{incident.pk}:{leader.pk}:{rounds}",
            )
            queued += created
    return queued


def retry_sweep(*, now: datetime | None = None) -> int:
    """Hand the worker again what is due: retries whose time came, and deliveries
    left "sending" by a worker that died (its claim ran out, or its process is gone)."""
    now = now or timezone.now()
    released = _release_abandoned(now)
    due = list(
        Delivery.objects.filter(
            Q(state=DeliveryState.PENDING, next_attempt_at__lte=now)
            | Q(
                state=DeliveryState.PENDING,
                next_attempt_at__isnull=True,
                created_at__lte=now - timedelta(seconds=30),
            )
            | Q(pk__in=released, state=DeliveryState.PENDING)
        ).values_list("pk", flat=True)[:500]
    )
    _enqueue(due)
    return len(due)


# --- reminders ------------------------------------------------------------------------


def remind(*, person: User, title: str, body: str, key: str) -> tuple[Delivery, bool]:
    """Queue a reminder to a person once per ``key``: the same key again returns the
    first delivery and sends nothing. Returns (delivery, created)."""
    existing = Delivery.objects.filter(reminder_key=key).first()
    if existing is not None:
        return existing, False
    has_channel = Channel.objects.filter(person=person, is_active=True).exists()
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                incident=None,
                reminder_key=key[:200],
                level=Level.REMINDER,
                person=person,
                recipient=person.display_name[:190],
                title=title[:200],
                body=body[:CHAT_LIMIT],
                state=DeliveryState.PENDING if has_channel else DeliveryState.NO_CHANNEL,
            )
            if has_channel:
                delivery_id = delivery.pk
                transaction.on_commit(lambda: _enqueue([delivery_id]))
    except IntegrityError:
        return Delivery.objects.get(reminder_key=key[:200]), False
    return delivery, True


def _deliver_reminder(delivery: Delivery) -> str:
    """A reminder has no incident page or timeline: send it over the person's channels."""
    channels = _channels_of([delivery.person] if delivery.person_id else [], []).get(
        ("person", delivery.person_id), []
    )
    channels.sort(key=lambda c: (transport.is_sms(c.url), c.position, c.pk))
    errors = []
    for channel in channels[:MAX_CHANNELS]:
        body = delivery.body[: transport.body_limit(channel.url)]
        try:
            transport.send(channel.url, title=delivery.title, body=body, key=str(delivery.key))
        except transport.TransportError as exc:
            errors.append(f"{channel}: {exc}")
            continue
        Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING).update(
            state=DeliveryState.SENT, sent_at=timezone.now(), channel=channel, last_error=""
        )
        return "sent"
    return _retry_later(delivery, "; ".join(errors) or "Không có kênh nào dùng được.")


# --- delivery ------------------------------------------------------------------------


def _timeline(delivery: Delivery, *, ok: bool, channel: Channel | None, error: str, now) -> None:
    _event(delivery, ok=ok, channel=channel, error=error, now=now).save()


def _event(delivery: Delivery, *, ok: bool, channel: Channel | None, error: str, now):
    return IncidentEvent(
        incident_id=delivery.incident_id,
        kind=EventKind.NOTIFIED,
        actor=None,
        at=now,
        hlc=micros(now),  # bulk_create does not call save()
        payload={
            "delivery": str(delivery.key),
            "level": delivery.level,
            "recipient": delivery.recipient,
            "channel": channel.scheme if channel else "",
            "ok": ok,
            "error": error,
            "attempt": delivery.attempts,
        },
    )


def _owner(delivery: Delivery) -> tuple[str, int]:
    if delivery.person_id:
        return ("person", delivery.person_id)
    return ("contact", delivery.contact_id)


def _people(delivery: Delivery) -> list[User]:
    return [delivery.person] if delivery.person_id else []


def _contacts(delivery: Delivery) -> list[Contact]:
    return [delivery.contact] if delivery.contact_id else []


# Longer than the slowest possible attempt, so no second worker takes it over.
CLAIM_FOR = timedelta(seconds=transport.TIMEOUT_SECONDS * MAX_CHANNELS + 30)


def deliver(delivery_id: int, *, now: datetime | None = None) -> str:
    """Try one delivery once over the recipient's channels in order (a failed channel
    falls back to the next). Safe to run twice: only the run that claims the row
    sends, and a sent delivery is never sent again."""
    if not _claim([delivery_id], now):
        return "skipped"
    delivery = Delivery.objects.select_related(
        "incident__center", "incident__incident_type", "incident__reporter", "person", "contact"
    ).get(pk=delivery_id)
    if delivery.incident_id is None:
        return _deliver_reminder(delivery)
    channels = _channels_of(_people(delivery), _contacts(delivery)).get(_owner(delivery), [])
    return _attempt(delivery, channels)


def _attempt(delivery: Delivery, channels: list[Channel]) -> str:
    """One attempt of a claimed delivery over its recipient's channels, in order."""
    return _record(delivery, *_try_channels(delivery, channels))


def _try_channels(delivery: Delivery, channels: list[Channel]):
    """Send over the first channel that takes the message (chat first, SMS last).
    Network only, no database: safe to run in a sending thread. Returns the channel
    that took it (or None) and the (channel, error, when) of each refusal."""
    if delivery.sms_only:
        channels = [c for c in channels if transport.is_sms(c.url)]
    else:
        channels = sorted(channels, key=lambda c: (transport.is_sms(c.url), c.position, c.pk))
    failures = []
    for channel in channels[:MAX_CHANNELS]:
        body, title = delivery.body, delivery.title
        limit = transport.body_limit(channel.url)
        if len(body) > limit:
            message = incident_message(
                delivery.incident,
                level=delivery.level,
                detail_url=detail_url(delivery.incident),
                ack_url=ack_url(delivery) if delivery.level != Level.RESOLVED else "",
                note=delivery.note,
                limit=limit,
            )
            body, title = message.body, message.title
        try:
            transport.send(channel.url, title=title, body=body, key=str(delivery.key))
        except transport.TransportError as exc:
            failures.append((channel, str(exc), timezone.now()))
            continue
        return channel, failures
    return None, failures


def _record_many(outcomes: list[tuple[Delivery, Channel | None, list]]) -> None:
    """Write the attempts that finished together (a burst's sends finish many at a
    time): the clean successes in one transaction, the others one by one."""
    clean = [(d, channel) for d, channel, failures in outcomes if channel and not failures]
    for delivery, channel, failures in outcomes:
        if not channel or failures:
            _record(delivery, channel, failures)
    _mark_sent(clean)


def _record(delivery: Delivery, sent_on: Channel | None, failures: list) -> str:
    """Write what an attempt did: each refusal on the timeline, then sent or retry."""
    for channel, error, at in failures:
        _timeline(delivery, ok=False, channel=channel, error=error, now=at)
    if sent_on is None:
        errors = "; ".join(
            f"{channel}: {error}" if channel else error for channel, error, _at in failures
        )
        return _retry_later(delivery, errors or "Không có kênh nào dùng được.")
    _mark_sent([(delivery, sent_on)])
    return "sent"


def _mark_sent(sent: list[tuple[Delivery, Channel]]) -> None:
    """Sent, with its timeline event, in one transaction: one UPDATE for all, each row
    naming the channel that carried it (in a burst, each its own person's)."""
    if not sent:
        return
    sent_at = timezone.now()
    carried: dict[int, list[int]] = {}  # channel → the deliveries it carried
    for delivery, channel in sent:
        carried.setdefault(channel.pk, []).append(delivery.pk)
    # One case per channel, not per message: a burst's messages go by a few channels.
    carried_by = Case(
        *(When(pk__in=pks, then=Value(channel_id)) for channel_id, pks in carried.items()),
        output_field=IntegerField(),
    )
    with transaction.atomic():
        Delivery.objects.filter(
            pk__in=[d.pk for d, _channel in sent], state=DeliveryState.SENDING
        ).update(state=DeliveryState.SENT, sent_at=sent_at, channel_id=carried_by, last_error="")
        events = IncidentEvent.objects.bulk_create(
            _event(d, ok=True, channel=channel, error="", now=sent_at) for d, channel in sent
        )
        sync_outbox.record_events(events)  # bulk_create sends no signal


def _retry_later(delivery: Delivery, error: str) -> str:
    if delivery.attempts >= MAX_ATTEMPTS:
        Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING).update(
            state=DeliveryState.FAILED, last_error=error[:2000]
        )
        return "failed"
    delay = BACKOFF_SECONDS * 2 ** (delivery.attempts - 1)
    Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING).update(
        state=DeliveryState.PENDING,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        last_error=error[:2000],
    )
    from ungcuu.notify import tasks

    tasks.deliver.schedule((delivery.pk,), delay=delay)
    return "retry"


# --- the center's policy, edited by its leaders -------------------------------------------

POLICY_EDITORS = frozenset({Role.TEAM_LEADER, Role.CENTER_LEADER})
POLICY_LIMITS = {
    "simple_ack_minutes": (1, 240),
    "complex_ack_minutes": (1, 120),
    "prolonged_minutes": (5, 480),
}
OPTIONAL_LIMITS = {"complex_outside_minutes": (1, 240)}  # kept as it is when not sent
# Sent by the policy page with its checkboxes: a level whose boxes are all unticked sends
# nothing, which then means "nobody", not "as it was".
ROLES_FORM = "roles_form"


def _sent_roles(data, field: str) -> list[str] | None:
    """The roles sent for a level (a form's checkboxes or a list); None if not sent."""
    if field not in data:
        return [] if data.get(ROLES_FORM) else None
    values = data.getlist(field) if hasattr(data, "getlist") else data[field]
    if not isinstance(values, list | tuple):
        values = [values]
    return [str(v) for v in values]


def check_roles(data) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The levels' roles as sent, checked (R2: who each level tells is the center's)."""
    values: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    for field in ROLE_FIELDS:
        sent = _sent_roles(data, field)
        if sent is None:
            continue
        if len(sent) > len(NOTIFY_ROLES) * 2 or any(v not in NOTIFY_ROLES for v in sent):
            errors[field] = "Vai trò được chọn không có trong danh sách."
        elif not sent:
            errors[field] = "Chọn ít nhất một vai trò được báo ở bước này."
        elif field in AT_ONCE_FIELDS and Role.TEAM_LEADER not in sent:
            errors[field] = (
                "Tổ trưởng Tổ ứng cứu luôn được báo ngay (phương án 004, bước 1): "
                "không bỏ Tổ trưởng được."
            )
        else:
            values[field] = [role for role in NOTIFY_ROLES if role in sent]
    return values, errors


def policy_update(*, actor: User, center, data: dict) -> RoutingPolicy:
    """Change a center's waiting times and who each level tells; only its team leader
    and center leader may. A level's roles not sent are kept as they are."""
    if actor.role not in POLICY_EDITORS or actor.center_id != center.pk:
        raise ServiceError(
            "Chỉ Tổ trưởng và lãnh đạo Trung tâm được sửa quy tắc báo tin.", status=403
        )
    policy = policy_for(center)
    values: dict[str, int] = {}
    errors: dict[str, str] = {}
    limits = POLICY_LIMITS | {f: v for f, v in OPTIONAL_LIMITS.items() if f in data}
    for field, (low, high) in limits.items():
        try:
            value = int(str(data.get(field, "")).strip())
        except ValueError:
            errors[field] = "Vui lòng nhập số phút."
            continue
        if not low <= value <= high:
            errors[field] = f"Số phút phải từ {low} đến {high}."
            continue
        values[field] = value
    outside = str(data.get("complex_outside", policy.complex_outside)).strip()
    if outside not in OutsideTiming.values:
        errors["complex_outside"] = "Vui lòng chọn khi nào báo Tổ Công tác tỉnh và Tổ Đối ứng."
    roles, role_errors = check_roles(data)
    errors.update(role_errors)
    if errors:
        raise ServiceError(next(iter(errors.values())), fields=errors)
    policy.complex_outside = outside
    for field, value in (values | roles).items():
        setattr(policy, field, value)
    policy.sms_for_complex = str(data.get("sms_for_complex", "")).lower() in {"on", "true", "1"}
    policy.save()
    return policy


def _reach_label(field: str, role: str) -> str:
    if field in AT_ONCE_FIELDS and role == Role.IT_OFFICER:
        return role_label(role) + gettext(" – khi sự cố kỹ thuật")
    return role_label(role)


def policy_reach(center) -> list[dict]:
    """Who each level of the center's policy tells, and whether they can be reached."""
    policy = policy_for(center)
    outside = policy.complex_outside == OutsideTiming.AT_ONCE
    fields = {
        "at_once_simple_roles": gettext("Báo ngay – sự cố đơn giản"),
        "at_once_complex_roles": gettext("Báo ngay – sự cố phức tạp")
        + (gettext(" (và Tổ Công tác tỉnh, Tổ Đối ứng của loại sự cố)") if outside else ""),
        "disaster_roles": gettext("Báo ngay – thiên tai, bão lụt, hỏa hoạn: Ban Chỉ đạo"),
        "no_ack_roles": Level(Level.NO_ACK).label,
        "prolonged_roles": Level(Level.PROLONGED).label,
    }
    chosen = {field: policy.roles(field) for field in fields}
    by_role = people_by_role([center.pk], {r for roles in chosen.values() for r in roles})
    keepers = list(
        dict.fromkeys(
            item.assignee
            for item in SupplyItem.objects.filter(
                center=center,
                kind__in={k for kinds in SUPPLY_KINDS_OF_TYPE.values() for k in kinds},
                assignee__is_active=True,
                assignee__center=center,
            )
            .select_related("assignee")
            .order_by("pk")
        )
    )
    levels: list[tuple[str, list[tuple[User, str]]]] = []
    for field, label in fields.items():
        people = [
            (person, _reach_label(field, role))
            for role in chosen[field]
            for person in by_role.get((center.pk, role), [])
        ]
        if field == "at_once_complex_roles" and outside:
            people += [
                (person, Role(Role.PROVINCE).label)
                for person in User.objects.filter(
                    role=Role.PROVINCE, province_id=center.province_id, is_active=True
                )
            ]
        levels.append((label, people))
        if field == "disaster_roles":  # the printer row goes with the other "at once" rows
            levels.append(
                (
                    gettext("Báo ngay – máy in hết giấy, hết mực (phương án 000, mục 1.1)"),
                    [(person, gettext("Cán bộ theo dõi vật tư")) for person in keepers],
                )
            )
    channels = _channels_of([p for _label, people in levels for p, _role in people], [])
    reach = []
    for label, people in levels:
        unique: dict[int, tuple[User, str]] = {}
        for person, role in people:
            unique.setdefault(person.pk, (person, role))  # once, under their first role
        reach.append(
            {
                "level": label,
                "people": [
                    {"person": p, "role": role, "channels": channels.get(("person", p.pk), [])}
                    for p, role in unique.values()
                ],
            }
        )
    return reach
