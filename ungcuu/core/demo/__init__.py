"""The demo database: the five seed centers, their people, contacts, roster and a year of history.

Every incident is written through ``ungcuu.incidents.services`` with ``now=``
set to the moment of each event, so the demo timeline is exactly what the
product would have recorded; nothing is inserted behind the services' back.
A seeded ``random.Random`` (and seeded UUIDs) make the content reproducible
relative to the moment the demo is built.
"""

from __future__ import annotations

import random
import time as clock
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from ungcuu.catalog.models import IncidentType
from ungcuu.continuity import demo as continuity_demo
from ungcuu.core.demo.common import (
    DEMO_EMAIL_DOMAIN,
    DEMO_NOTE,
    DEMO_PASSWORD,
    MAX_HISTORY_DAYS,
    ROSTER_FUTURE_DAYS,
    ROSTER_PAST_DAYS,
    TZ,
    Writer,
    _say,
)
from ungcuu.core.demo.history import _History, _plan_open, _Planned
from ungcuu.core.demo.organisations import _create_organisations
from ungcuu.core.demo.people import (
    ADMIN_LOGIN,
    DEMO_LOGINS,
    PROVINCE_LOGIN,
    VENDOR_LOGIN,
    _create_people,
)
from ungcuu.core.demo.places import (
    CENTER_SLUGS,
    CENTERS,
    _Calendar,
    _create_centers,
    _create_roster,
)
from ungcuu.incidents.models import Incident, IncidentEvent
from ungcuu.knowledge import demo as knowledge_demo
from ungcuu.org.models import Center, OrganisationKind, User
from ungcuu.readiness import demo as readiness_demo
from ungcuu.reports import demo as reports_demo

__all__ = [
    "ADMIN_LOGIN",
    "CENTERS",
    "CENTER_SLUGS",
    "DEMO_EMAIL_DOMAIN",
    "DEMO_LOGINS",
    "DEMO_NOTE",
    "DEMO_PASSWORD",
    "PROVINCE_LOGIN",
    "ROSTER_FUTURE_DAYS",
    "ROSTER_PAST_DAYS",
    "VENDOR_LOGIN",
    "DemoSummary",
    "Writer",
    "demo_build",
    "demo_exists",
    "demo_logins",
]


# --- the result ------------------------------------------------------------------


@dataclass
class DemoSummary:
    created: bool
    centers: int = 0
    users: int = 0
    organisations: int = 0
    contacts: int = 0
    duty_shifts: int = 0
    incidents: int = 0
    events: int = 0
    open_incidents: int = 0
    escalated_incidents: int = 0
    seconds: float = 0.0


def demo_exists() -> bool:
    """Whether the demo (or something that would clash with it) is already there."""
    return (
        User.objects.filter(username=ADMIN_LOGIN).exists()
        or Center.objects.filter(code__in=CENTER_SLUGS).exists()
        or Center.objects.filter(ward_code__in=[spec.ward_code for spec in CENTERS]).exists()
    )


def demo_logins() -> list[User]:
    """The demo accounts present in the database, in the demo's order."""
    found = {
        user.username: user
        for user in User.objects.filter(username__in=DEMO_LOGINS).select_related(
            "center", "province", "organisation"
        )
    }
    return [found[name] for name in DEMO_LOGINS if name in found]


# --- the whole demo ----------------------------------------------------------------------


def demo_build(
    *,
    stdout: Writer | None = None,
    seed: int = 2026,
    months: int = 12,
    now: datetime | None = None,
) -> DemoSummary:
    """Build the demo database (no-op when it is already there).

    ``months`` is how much history to write (tests use a little); ``now`` is
    the moment the demo pretends it is."""
    if demo_exists():
        return DemoSummary(created=False)
    began = clock.monotonic()
    now = (now or timezone.now()).replace(microsecond=0)
    today = now.astimezone(TZ).date()
    history_days = min(MAX_HISTORY_DAYS, round(months * 30.44))
    calendar = _Calendar(today - timedelta(days=history_days + 7), today + timedelta(days=90))
    events_before = IncidentEvent.objects.count()
    incidents_before = Incident.objects.count()

    with transaction.atomic():
        contexts = _create_centers(random.Random(f"{seed}:centers"))
        organisations, contacts = _create_organisations(random.Random(f"{seed}:orgs"), contexts)
        vendor_org = next(
            org
            for org in organisations
            if org.kind == OrganisationKind.ISP and org.name == "VNPT Nghệ An"
        )
        people = _create_people(random.Random(f"{seed}:people"), contexts, vendor_org)
        shifts = _create_roster(contexts, calendar, today)
        knowledge_demo.fill(people=people)
        _say(
            stdout,
            f"Đã tạo {len(contexts)} Trung tâm, {len(people)} người dùng, "
            f"{len(organisations)} đơn vị bên ngoài, {contacts} đầu mối liên hệ, "
            f"{shifts} ca trực.",
        )

        rng = random.Random(f"{seed}:history")
        types = {itype.code: itype for itype in IncidentType.objects.active()}
        history = _History(rng, calendar, now, types, people[VENDOR_LOGIN], people[PROVINCE_LOGIN])
        # The demo's "now" for the open incidents: the last moment the centers were open.
        anchor = calendar.last_open(now)
        first = today - timedelta(days=history_days)
        # History stops two days before, so old incidents are closed and only the
        # deliberately open ones are open.
        last = (anchor - timedelta(days=2)).date()
        plans: list[_Planned] = []
        for ctx in contexts.values():
            plans.extend(history.plan_center(ctx, first, last, months))
        history.ensure_every_type(plans)
        plans.extend(_plan_open(history, contexts, anchor))

        for ctx in contexts.values():
            mine = sorted(
                (plan for plan in plans if plan.ctx is ctx), key=lambda plan: plan.reported_at
            )
            for plan in mine:
                history.play(plan)
            _say(stdout, f"  {ctx.center.short_name}: {len(mine)} sự cố")
        readiness_demo.fill(now=now, seed=seed)

        paper = continuity_demo.fill(seed=seed, now=now)
        _say(
            stdout,
            f"Đã ghi {paper} hồ sơ tiếp nhận bằng giấy trong các lần mất mạng, sập phần mềm.",
        )
        reports_demo.fill(centers=[ctx.center for ctx in contexts.values()], now=now)

    incidents = Incident.objects.filter(center__code__in=CENTER_SLUGS)
    return DemoSummary(
        created=True,
        centers=len(contexts),
        users=len(people),
        organisations=len(organisations),
        contacts=contacts,
        duty_shifts=shifts,
        incidents=Incident.objects.count() - incidents_before,
        events=IncidentEvent.objects.count() - events_before,
        open_incidents=incidents.open().count(),
        escalated_incidents=incidents.filter(escalated_at__isnull=False).count(),
        seconds=round(clock.monotonic() - began, 1),
    )
