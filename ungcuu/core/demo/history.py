"""The demo's incident history, written event by event through the incident services."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ungcuu.catalog.models import IncidentType, PlaybookStep, Tier
from ungcuu.core.demo.common import SEGMENTS, TZ, _capitalised, _log_minutes, _uuid
from ungcuu.core.demo.places import _Calendar, _CenterContext
from ungcuu.core.demo.scenarios import (
    CENTER_WEIGHT_FACTORS,
    ESCALATION_NOTES,
    HANDLER_NOTES,
    NONE,
    OPEN_INCIDENTS,
    PAPER_START_NOTES,
    PARTIAL,
    PROVINCE_NOTES,
    REOPEN_REASONS,
    SCENARIOS,
    STOPPED,
    STORMS,
    SUMMER,
    TYPE_WEIGHTS,
    VENDOR_NOTES,
    Scenario,
)
from ungcuu.incidents import services
from ungcuu.incidents.models import Incident, Status
from ungcuu.incidents.services.timeline import needs_on_site_reason
from ungcuu.org.models import Organisation, OrganisationKind, User

# --- the history ---------------------------------------------------------------------


@dataclass
class _Planned:
    ctx: _CenterContext
    incident_type: IncidentType
    scenario: Scenario
    onset: datetime
    report_delay: timedelta
    stop: str | None = None  # leave the incident open in this state

    @property
    def reported_at(self) -> datetime:
        return self.onset + self.report_delay


class _StopPlaying(Exception):
    """The next event would be after the demo's "now" (or past the wanted state)."""


class _History:
    def __init__(
        self,
        rng: random.Random,
        calendar: _Calendar,
        now: datetime,
        types: dict[str, IncidentType],
        vendor: User,
        province_user: User,
    ) -> None:
        self.rng = rng
        self.calendar = calendar
        self.now = now
        self.types = types
        self.vendor = vendor
        self.province_user = province_user
        # The incident being played, its text words and the time of its last event.
        self.incident: Incident | None = None
        self.words: dict[str, str] = {}
        self.cursor = now
        self.step_positions: dict[int, list[int]] = {}
        for type_id, position in PlaybookStep.objects.values_list("incident_type_id", "position"):
            self.step_positions.setdefault(type_id, []).append(position)

    # planning

    def scenario_for(self, code: str, month: int) -> Scenario:
        fitting = [s for s in SCENARIOS[code] if not s.months or month in s.months]
        fitting = fitting or [s for s in SCENARIOS[code] if not s.months]
        return self.rng.choices(fitting, weights=[s.weight for s in fitting])[0]

    def onset_on(self, day: date, code: str) -> datetime:
        rng = self.rng
        if code == "login" and rng.random() < 0.5:
            # Accounts fail at the start-of-day check, when everyone logs in.
            start, end = time(7, 30), time(8, 45)
        elif rng.random() < 0.6:
            start, end = SEGMENTS[0][0], time(11, 15)
        else:
            start, end = SEGMENTS[1][0], time(16, 45)
        first = datetime.combine(day, start, TZ)
        span = (datetime.combine(day, end, TZ) - first).total_seconds() // 60
        return first + timedelta(minutes=rng.randint(0, int(span)), seconds=rng.randint(0, 59))

    def plan_center(self, ctx: _CenterContext, first: date, last: date, months: int) -> list:
        rng = self.rng
        days = self.calendar.working_days(first, last)
        if not days:
            return []
        count = max(3, round((ctx.spec.per_year + rng.randint(-6, 6)) * months / 12))
        weights = dict(TYPE_WEIGHTS)
        if not ctx.spec.has_qms:
            weights.pop("qms")
        for code, factor in CENTER_WEIGHT_FACTORS.get(ctx.spec.slug, {}).items():
            if code in weights:
                weights[code] *= factor
        plans = []
        for _ in range(count):
            day = rng.choice(days)
            month_weights = dict(weights)
            if day.month in SUMMER:
                # Heat and thunderstorms: the grid and the lines suffer.
                month_weights["power"] *= 1.8
                month_weights["internet"] *= 1.3
            if day.month in STORMS:
                month_weights["internet"] *= 1.3
            codes = list(month_weights)
            code = rng.choices(codes, weights=[month_weights[c] for c in codes])[0]
            plans.append(self.planned(ctx, code, day))
        # Disasters are rare and seasonal: storms and floods in September–October.
        storm_days = [day for day in days if day.month in STORMS]
        for _ in range(rng.choice((0, 1, 1, 2)) if storm_days else 0):
            plans.append(self.planned(ctx, "disaster", rng.choice(storm_days)))
        return plans

    def planned(self, ctx: _CenterContext, code: str, day: date) -> _Planned:
        itype = self.types[code]
        # A printer or a password is noticed at once; an outage is first tried
        # again, checked on other counters, before someone reports it.
        latest = 6 if itype.tier == Tier.SIMPLE else 15
        return _Planned(
            ctx=ctx,
            incident_type=itype,
            scenario=self.scenario_for(code, day.month),
            onset=self.onset_on(day, code),
            report_delay=timedelta(
                minutes=self.rng.randint(1, latest), seconds=self.rng.randint(0, 59)
            ),
        )

    def ensure_every_type(self, plans: list[_Planned]) -> None:
        """A short history still shows every type of the catalog at least once."""
        present = {plan.incident_type.code for plan in plans}
        for code in self.types:
            # A type without demo scenarios (an epidemic: weeks long, it would swamp the
            # figures) is left out rather than forced in.
            if code in present or code not in SCENARIOS:
                continue
            candidates = [
                plan
                for plan in plans
                if plan.incident_type.code in ("printer-paper", "printer-ink", "login")
                and (code != "qms" or plan.ctx.spec.has_qms)
            ]
            if not candidates:
                continue
            plan = self.rng.choice(candidates)
            plan.incident_type = self.types[code]
            plan.scenario = self.scenario_for(code, plan.onset.month)
            present.add(code)

    # playing

    def play(self, plan: _Planned) -> Incident | None:
        self.cursor = plan.onset
        try:
            return self._play(plan)
        except _StopPlaying:
            return self.incident

    def at(self, moment: datetime) -> datetime:
        """The next event's time: after the previous one, never after "now"."""
        moment = max(moment, self.cursor + timedelta(seconds=self.rng.randint(20, 90)))
        if moment > self.now:
            raise _StopPlaying
        self.cursor = moment
        return moment

    def minutes(self, low: float, high: float) -> timedelta:
        return timedelta(minutes=self.rng.uniform(low, high))

    def office(self, moment: datetime) -> datetime:
        """``moment``, or a while after the office opens again if it was closed then."""
        if self.calendar.in_hours(moment):
            return moment
        return self.calendar.next_open(moment) + self.minutes(3, 45)

    def during(self, restored: datetime) -> datetime:
        """A moment while the outage lasts, so work shown on the timeline fits inside it."""
        if restored - self.cursor > timedelta(minutes=2):
            return self.cursor + (restored - self.cursor) * self.rng.uniform(0.15, 0.6)
        return self.cursor + self.minutes(0.5, 2)

    def _play(self, plan: _Planned) -> Incident:
        rng, ctx, scenario = self.rng, plan.ctx, plan.scenario
        itype = plan.incident_type
        people = ctx.people
        self.incident = None
        self.words = words = {**ctx.words, "quay": f"quầy số {rng.randint(1, 5)}"}
        tier = scenario.tier or itype.tier
        complex_ = tier == Tier.COMPLEX
        waiting = {
            STOPPED: rng.randint(3, 18),
            PARTIAL: rng.randint(1, 8),
            NONE: rng.randint(0, 3),
        }[scenario.impact]

        reporter = rng.choices(
            [people["staff"], people["it"], people["responder"], people["leader"]],
            weights=[70, 12, 10, 8],
        )[0]
        reported_at = self.at(plan.reported_at)
        self.incident = incident = services.incident_report(
            actor=reporter,
            center=ctx.center,
            incident_type=itype,
            description=_capitalised(scenario.description.format(**words)),
            started_at=plan.onset,
            impact=scenario.impact,
            citizens_waiting=waiting,
            tier=scenario.tier,
            client_uuid=_uuid(rng),
            now=reported_at,
        ).incident
        if plan.stop == Status.REPORTED:
            return incident

        duty = ctx.on_duty(plan.onset.astimezone(TZ).date())
        handler = duty
        if rng.random() < 0.85 or plan.stop == Status.ACKNOWLEDGED:
            # The team leader receives every report and takes the complex ones in person.
            acker = people["leader"] if complex_ and rng.random() < 0.6 else duty
            services.incident_acknowledge(
                actor=acker,
                incident=incident,
                event_uuid=_uuid(rng),
                now=self.at(reported_at + self.minutes(1, 20 if complex_ else 8)),
            )
            if plan.stop == Status.ACKNOWLEDGED:
                return incident
            if not complex_ and acker == people["leader"] and rng.random() < 0.4:
                handler = people["it"]
                services.incident_assign(
                    actor=acker,
                    incident=incident,
                    assignee=handler,
                    event_uuid=_uuid(rng),
                    now=self.at(self.cursor + self.minutes(0.5, 3)),
                )
        elif rng.random() < 0.3:
            handler = people["it"]

        started = self.at(self.cursor + self.minutes(0.5, 5))
        services.incident_start(
            actor=handler, incident=incident, event_uuid=_uuid(rng), now=started
        )

        low, high = scenario.minutes
        restored = plan.onset + timedelta(minutes=_log_minutes(rng, low, high))
        if complex_:
            # Escalation and outside help come while the outage still lasts.
            restored = max(restored, started + self.minutes(2, 6))
        else:
            # A simple fault is often fixed on the spot before the officer confirms it.
            restored = max(restored, reported_at + self.minutes(1, 3))
        positions = self.step_positions.get(itype.pk, [])
        ticks = sorted(rng.sample(positions, k=min(len(positions), rng.randint(1, 4))))
        if rng.random() < 0.25:
            ticks = []
        # The first ticks come at once: the playbook is read as the work starts.
        for position in ticks[: max(1, len(ticks) // 2)]:
            services.incident_step(
                actor=handler,
                incident=incident,
                step=position,
                event_uuid=_uuid(rng),
                now=self.at(self.cursor + self.minutes(0.5, 3)),
            )

        escalated_to: list[Organisation] = []
        wanted = rng.random() < scenario.escalate and plan.stop != Status.IN_PROGRESS
        if wanted or plan.stop == Status.ESCALATED:
            escalated_to = self.targets(ctx, itype, scenario)
        if escalated_to:
            escalator = people["leader"] if rng.random() < 0.8 else people["director"]
            note = rng.choice(ESCALATION_NOTES).format(
                orgs=", ".join(org.name for org in escalated_to)
            )
            services.incident_escalate(
                actor=escalator,
                incident=incident,
                organisations=escalated_to,
                note=note,
                event_uuid=_uuid(rng),
                now=self.at(self.cursor + self.minutes(2, 12)),
            )
            # Outside help is not instant: whoever was called needs time to act.
            restored = max(
                restored, self.cursor + self.minutes(*((10, 40) if complex_ else (5, 20)))
            )

        outage = restored - plan.onset
        prolonged = (
            outage > timedelta(minutes=30)
            and scenario.impact != NONE
            and (scenario.impact == STOPPED or complex_)
        )
        paper = 0
        if prolonged and rng.random() < 0.85:
            paper = max(1, round(outage.total_seconds() / 60 / rng.uniform(12, 25)))
            self.note(people["staff"], rng.choice(PAPER_START_NOTES), self.minutes(3, 12))
            self.note(
                people["staff"],
                f"Đã tiếp nhận {paper} hồ sơ bằng giấy, ghi phiếu tiếp nhận và hẹn trả kết quả.",
                self.minutes(20, 50),
                before=restored,
            )

        vendor_involved = self.vendor.organisation in escalated_to
        if vendor_involved and rng.random() < 0.7:
            self.note(self.vendor, rng.choice(VENDOR_NOTES), self.minutes(5, 25), before=restored)
        if (
            ctx.orgs[OrganisationKind.PROVINCE_CENTER][0] in escalated_to
            and self.province_user.province_id == ctx.center.province_id
            and rng.random() < 0.4
        ):
            self.note(self.province_user, rng.choice(PROVINCE_NOTES), self.minutes(5, 30))
        if rng.random() < 0.2:
            self.note(handler, rng.choice(HANDLER_NOTES), self.minutes(2, 10), before=restored)
        if plan.stop == Status.ESCALATED:
            return incident

        if vendor_involved and rng.random() < 0.6:
            services.incident_start(
                actor=self.vendor,
                incident=incident,
                event_uuid=_uuid(rng),
                now=self.at(self.during(restored)),
            )
        for position in ticks[max(1, len(ticks) // 2) :]:
            services.incident_step(
                actor=handler,
                incident=incident,
                step=position,
                event_uuid=_uuid(rng),
                now=self.at(self.during(restored)),
            )
        if plan.stop == Status.IN_PROGRESS:
            return incident

        self.resolve(plan, handler, restored, vendor_involved, waiting, paper)

        if complex_ and rng.random() < 0.04:
            services.incident_reopen(
                actor=people["leader"],
                incident=incident,
                reason=rng.choice(REOPEN_REASONS),
                event_uuid=_uuid(rng),
                now=self.at(self.cursor + self.minutes(20, 60)),
            )
            self.resolve(plan, handler, self.cursor + self.minutes(20, 90), False, waiting, paper)

        closer = people["leader"] if rng.random() < 0.85 else people["director"]
        services.incident_close(
            actor=closer,
            incident=incident,
            event_uuid=_uuid(rng),
            now=self.at(self.office(self.cursor + self.minutes(10, 240))),
        )
        return incident

    def targets(
        self, ctx: _CenterContext, itype: IncidentType, scenario: Scenario
    ) -> list[Organisation]:
        kinds = scenario.targets or tuple(itype.escalation_targets)
        chosen = []
        for kind in kinds:
            options = ctx.orgs.get(kind, [])
            if not options:
                continue
            if kind == OrganisationKind.ISP:
                chosen.append(options[1] if scenario.backup_carrier else options[0])
            else:
                chosen.append(options[0])
        if not chosen:
            # "Other" has no targets of its own: the repair firm is who a center calls.
            chosen = ctx.orgs[OrganisationKind.IT_SERVICE][:1]
        return chosen

    def note(
        self, actor: User, text: str, after: timedelta, *, before: datetime | None = None
    ) -> None:
        moment = self.cursor + after
        if before is not None and moment >= before:
            moment = self.cursor + (before - self.cursor) / 2
        services.incident_note(
            actor=actor,
            incident=self.incident,
            text=text,
            event_uuid=_uuid(self.rng),
            now=self.at(moment),
        )

    def resolve(
        self,
        plan: _Planned,
        handler: User,
        restored: datetime,
        vendor_involved: bool,
        waiting: int,
        paper: int,
    ) -> None:
        rng, scenario, ctx = self.rng, plan.scenario, plan.ctx
        # Restored overnight → recorded when the office opens the next morning.
        resolved_at = self.office(restored + self.minutes(0.5, 10))
        resolver = self.vendor if vendor_involved and rng.random() < 0.5 else handler
        outage_minutes = (restored - plan.onset).total_seconds() / 60
        affected = waiting
        if scenario.impact == STOPPED:
            affected += round(outage_minutes / rng.uniform(6, 15))
        elif scenario.impact == PARTIAL:
            affected += round(outage_minutes / rng.uniform(15, 40))
        delayed = 0
        if paper:
            delayed = rng.randint(1, max(1, paper // 2 + 1))
        elif scenario.impact == STOPPED and outage_minutes > 30:
            delayed = rng.randint(0, 3)
        services.incident_resolve(
            actor=resolver,
            incident=self.incident,
            root_cause=_capitalised(scenario.root_cause.format(**self.words)),
            resolution=_capitalised(scenario.resolution.format(**self.words)),
            restored_at=restored,
            citizens_affected=affected,
            dossiers_delayed=delayed,
            on_site_reason=(
                "Tổ ứng cứu sự cố tự khắc phục tại Trung tâm, không cần hỗ trợ bên ngoài."
                if needs_on_site_reason(self.incident)
                else ""
            ),
            event_uuid=_uuid(rng),
            now=self.at(resolved_at),
        )
        if paper:
            self.note(
                ctx.people["staff"],
                f"Đã nhập lại {paper}/{paper} hồ sơ tiếp nhận bằng giấy vào hệ thống.",
                self.minutes(10, 90),
            )


def _plan_open(
    history: _History, contexts: dict[str, _CenterContext], anchor: datetime
) -> list[_Planned]:
    plans = []
    for slug, code, index, minutes_before, stop in OPEN_INCIDENTS:
        ctx = contexts[slug]
        onset = history.calendar.back(anchor, minutes_before)
        delay = min(
            timedelta(minutes=history.rng.randint(2, 6)), timedelta(minutes=minutes_before / 3)
        )
        plans.append(
            _Planned(
                ctx=ctx,
                incident_type=history.types[code],
                scenario=SCENARIOS[code][index],
                onset=onset,
                report_delay=delay,
                stop=stop,
            )
        )
    return plans
