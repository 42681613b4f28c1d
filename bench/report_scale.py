#!/usr/bin/env python
"""Benchmark: the province quarterly report and dashboard over five years of a province.

    .venv/bin/python bench/report_scale.py [--pg-url postgresql://postgres@127.0.0.1:5432/ungcuu_bench_reports]
        [--centers 130] [--years 5] [--per-center-year 320] [--runs 5] [--regenerate]
        [--without INDEX[,INDEX…]]

1. Makes the database if it does not exist and migrates it.
2. Unless it already holds the data (or --regenerate): the 130 communes and wards
   of Nghệ An (province 40) as centers, one reporter per center, five outside
   organisations, then ``centers × years × per-center-year`` incidents (about 3 %
   of them drills) with 3–8 timeline events each and an escalation for a third of
   the complex ones, written with PostgreSQL COPY. Types, tiers, times and figures
   follow a seeded random draw; a few centers have a recurring fault. Each center
   has two printers and an Internet line; printer and Internet incidents name one
   of them (a flaky center's old printer most often).
3. Times, median of ``--runs`` after one warm-up, for the last quarter of the data:
   - the bare SQL aggregate the report rests on (counts, downtime, citizens,
     percentiles of acknowledgement and restore, per type, for the province);
   - ``stats.compute`` for the province (the one computation);
   - the province quarterly report as DOCX (compute + tables + charts) and XLSX
     (compute + tables + the incident list);
   - the province dashboard page (GET /reports/dashboard/?province=40… through
     Django's test client, logged in as a province user),
   and prints each beside the aggregate's time (the ratio).
4. ``--without`` drops the named indexes for the run and puts them back after, to
   measure what each index is worth.

Figures, not pass/fail. Only 127.0.0.1 is targeted. The data is kept for the next
run (``--regenerate`` to start again).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/ungcuu_bench_reports"
PROVINCE = 40
FIRST_YEAR = 2021

# (code, tier, weight, typical minutes to restore)
TYPES = [
    ("printer-paper", "simple", 22, 15),
    ("printer-ink", "simple", 14, 25),
    ("login", "simple", 16, 30),
    ("slow-system", "simple", 12, 60),
    ("internet", "complex", 10, 150),
    ("software-down", "complex", 6, 180),
    ("national-db", "complex", 6, 120),
    ("digital-cert", "complex", 5, 240),
    ("power", "complex", 6, 200),
    ("qms", "complex", 2, 90),
    ("disaster", "complex", 1, 1440),
]
ORGS = [
    ("VNPT Nghệ An", "isp"),
    ("Viettel Nghệ An", "isp"),
    ("Điện lực Nghệ An", "electricity"),
    ("Trung tâm CNTT – Sở Khoa học và Công nghệ", "province_it"),
    ("Trung tâm Phục vụ hành chính công tỉnh Nghệ An", "province_center"),
]


def log(*parts) -> None:
    print(*parts, flush=True)


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{name}"')
            log(f"created database {name}")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("UNGCUU_DATA_DIR", tempfile.mkdtemp(prefix="ungcuu-bench-reports-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ungcuu.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _prefix(index: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "N" + letters[index // 26 % 26] + letters[index % 26]


def generate(args) -> None:
    from django.db import connection, transaction
    from vietnam_provinces import Ward

    from ungcuu.catalog.models import IncidentType
    from ungcuu.org.models import Organisation, Role, User
    from ungcuu.org.services import center_create
    from ungcuu.readiness.models import Equipment

    rng = random.Random(20260101)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE incidents_incidentevent, incidents_incidentescalation, "
            "incidents_attachment, incidents_incident, incidents_incidentsequence, "
            "readiness_incidentequipment, readiness_equipment CASCADE"
        )
    wards = sorted(Ward.iter_by_province(PROVINCE), key=lambda w: w.code)[: args.centers]
    centers = []
    for index, ward in enumerate(wards):
        centers.append(
            center_create(ward_code=int(ward.code), code=f"na{ward.code}", prefix=_prefix(index))
        )
    reporters = {}
    for center in centers:
        user, _ = User.objects.get_or_create(
            username=f"{center.code}.staff",
            defaults={"role": Role.STAFF, "center": center, "full_name": "Chuyên viên"},
        )
        reporters[center.pk] = user.pk
    User.objects.get_or_create(
        username="bench.province",
        defaults={"role": Role.PROVINCE, "province": centers[0].province},
    )
    orgs = [
        Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0].pk
        for name, kind in ORGS
    ]
    equipment = {}  # center → (old printer, other printer, line)
    for center in centers:
        equipment[center.pk] = tuple(
            Equipment.objects.create(center=center, kind=kind, name=name).pk
            for kind, name in (
                ("printer", "Máy in quầy 1"),
                ("printer", "Máy in quầy 2"),
                ("line", "Cáp quang VNPT 200 Mbps"),
            )
        )
    types = {t.code: t.pk for t in IncidentType.objects.all()}
    weights = [w for _, _, w, _ in TYPES]
    log(
        f"  {len(centers)} centers, {len(reporters)} reporters "
        f"({time.perf_counter() - started:.1f} s)"
    )

    start = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC) - timedelta(hours=7)
    span = timedelta(days=365 * args.years + args.years // 4)
    total = args.centers * args.years * args.per_center_year
    incident_rows = []
    plan = []  # what the events need, in the same order as the rows
    sequence: dict[tuple[int, int], int] = {}
    now = datetime.now(UTC)
    for center in centers:
        # A few centers have an old printer that keeps failing.
        flaky = rng.random() < 0.15
        for _ in range(args.years * args.per_center_year):
            code, tier, _w, typical = rng.choices(TYPES, weights=weights)[0]
            if flaky and rng.random() < 0.1:
                code, tier, typical = "printer-paper", "simple", 15
            at = start + timedelta(seconds=rng.randrange(int(span.total_seconds())))
            local_hour = (at + timedelta(hours=7)).hour
            if local_hour < 7 or local_hour > 17:
                at -= timedelta(hours=rng.randrange(0, 10))
            reported = at + timedelta(minutes=rng.randrange(0, 6))
            ack = reported + timedelta(minutes=max(1, round(rng.expovariate(1 / 12))))
            restored = at + timedelta(minutes=max(5, round(rng.lognormvariate(0, 0.8) * typical)))
            resolved = restored + timedelta(minutes=rng.randrange(0, 20))
            closed = resolved + timedelta(hours=rng.randrange(1, 48))
            year = (at + timedelta(hours=7)).year
            key = (center.pk, year)
            sequence[key] = sequence.get(key, 0) + 1
            number = f"{center.prefix}-{year}-{sequence[key]:04d}"
            citizens = rng.randrange(0, 4) if tier == "simple" else rng.randrange(0, 40)
            escalated = tier == "complex" and rng.random() < 0.35
            drill = rng.random() < 0.03
            incident_rows.append(
                (
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    number,
                    center.pk,
                    types[code],
                    tier,
                    "closed",
                    f"Sự cố {code} tại quầy",
                    "partial",
                    citizens,
                    at,
                    reported,
                    reporters[center.pk],
                    ack,
                    reporters[center.pk],
                    ack if escalated else None,
                    resolved,
                    restored,
                    closed,
                    "Đã xác định nguyên nhân",
                    "Đã khắc phục theo hướng dẫn",
                    citizens,
                    rng.randrange(0, 3) if tier == "complex" else 0,
                    drill,
                    "[]",
                    f"{number.lower()} su co {code}",
                    closed if closed < now else now,
                )
            )
            steps = rng.randrange(0, 5)
            old, other, line = equipment[center.pk]
            involved = None
            if code.startswith("printer"):
                involved = old if rng.random() < (0.8 if flaky else 0.5) else other
            elif code == "internet":
                involved = line
            plan.append(
                (reported, ack, resolved, closed, steps, escalated, reporters[center.pk], involved)
            )
    columns = (
        "client_uuid, number, center_id, incident_type_id, tier, status, description, impact, "
        "citizens_waiting, started_at, reported_at, reporter_id, acknowledged_at, "
        "acknowledged_by_id, escalated_at, resolved_at, restored_at, closed_at, root_cause, "
        "resolution, citizens_affected, dossiers_delayed, is_drill, steps_done, search_text, "
        "updated_at"
    )
    log(f"  {total} incidents drawn ({time.perf_counter() - started:.1f} s)")
    raw = connection.connection  # the psycopg connection under Django's
    with transaction.atomic():
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY incidents_incident ({columns}) FROM STDIN") as copy:
                for row in incident_rows:
                    copy.write_row(row)
            cursor.execute("SELECT id FROM incidents_incident ORDER BY id")
            ids = [r[0] for r in cursor.fetchall()]
    log(f"  incidents copied ({time.perf_counter() - started:.1f} s)")
    events = 0
    escalations = 0
    with transaction.atomic():
        with raw.cursor() as cursor:
            with cursor.copy(
                "COPY incidents_incidentevent (uuid, incident_id, kind, actor_id, at, "
                "recorded_at, payload) FROM STDIN"
            ) as copy:
                for pk, (reported, ack, resolved, closed, steps, escalated, actor, _e) in zip(
                    ids, plan, strict=True
                ):
                    moments = [("reported", reported, "{}"), ("acknowledged", ack, "{}")]
                    for step in range(steps):
                        moments.append(
                            (
                                "step_done",
                                ack + timedelta(minutes=step + 1),
                                f'{{"step": {step + 1}, "text": "Bước {step + 1}"}}',
                            )
                        )
                    if escalated:
                        moments.append(
                            ("escalated", ack + timedelta(minutes=1), '{"organisations": []}')
                        )
                    moments += [("resolved", resolved, "{}"), ("closed", closed, "{}")]
                    for kind, at, payload in moments:
                        copy.write_row(
                            (
                                uuid.UUID(int=rng.getrandbits(128), version=4),
                                pk,
                                kind,
                                actor,
                                at,
                                at,
                                payload,
                            )
                        )
                        events += 1
            with cursor.copy(
                "COPY incidents_incidentescalation (incident_id, organisation_id, at) FROM STDIN"
            ) as copy:
                for pk, (_r, ack, *_rest, escalated, _actor, _e) in zip(ids, plan, strict=True):
                    if escalated:
                        copy.write_row((pk, rng.choice(orgs), ack + timedelta(minutes=1)))
                        escalations += 1
            links = 0
            with cursor.copy(
                "COPY readiness_incidentequipment (incident_id, equipment_id, added_at) FROM STDIN"
            ) as copy:
                for pk, (reported, *_rest, involved) in zip(ids, plan, strict=True):
                    if involved:
                        copy.write_row((pk, involved, reported))
                        links += 1
            for (center_id, year), last in sequence.items():
                cursor.execute(
                    "INSERT INTO incidents_incidentsequence (center_id, year, last) "
                    "VALUES (%s, %s, %s)",
                    [center_id, year, last],
                )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(
        f"  {len(ids)} incidents, {events} events, {escalations} escalations, "
        f"{links} equipment links in {time.perf_counter() - started:.1f} s"
    )


BARE_SQL = """
SELECT i.incident_type_id, i.tier, count(*),
       sum(i.citizens_affected),
       sum(extract(epoch FROM i.restored_at - i.started_at)) / 60,
       max(extract(epoch FROM i.restored_at - i.started_at)) / 60,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY i.acknowledged_at - i.reported_at),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY i.acknowledged_at - i.reported_at),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY i.restored_at - i.started_at),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY i.restored_at - i.started_at)
FROM incidents_incident i JOIN org_center c ON c.id = i.center_id
WHERE c.province_id = %s AND NOT i.is_drill AND i.started_at >= %s AND i.started_at < %s
GROUP BY i.incident_type_id, i.tier
"""


def timed(function, runs: int) -> float:
    function()  # warm-up
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def measure(args) -> None:
    from django.db import connection
    from django.test import Client

    from ungcuu.incidents.models import Incident, IncidentEvent
    from ungcuu.org.models import Province, User
    from ungcuu.reports import documents
    from ungcuu.reports.periods import quarter
    from ungcuu.reports.selectors import Scope
    from ungcuu.reports.stats import compute

    province = Province.objects.get(code=PROVINCE)
    scope = Scope(province=province)
    last_year = FIRST_YEAR + args.years - 1
    period = quarter(last_year, 4, "calendar")
    log(
        f"data: {Incident.objects.count()} incidents, {IncidentEvent.objects.count()} events, "
        f"{province.centers.count()} centers; period {period.label}"
    )

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(BARE_SQL, [province.pk, period.start, period.end])
            return cursor.fetchall()

    stats = compute(scope, period)
    log(f"in the period: {stats.total} incidents, {len(stats.to_report)} to report upwards")
    client = Client()
    client.force_login(User.objects.get(username="bench.province"))
    url = f"/reports/dashboard/?province={PROVINCE}&year={last_year}&quarter=4&period=calendar"
    assert client.get(url).status_code == 200

    results = [("bare SQL aggregate", timed(bare, args.runs), None)]
    results.append(
        ("stats.compute (province)", timed(lambda: compute(scope, period), args.runs), None)
    )
    results.append(
        (
            "province quarterly report DOCX",
            timed(
                lambda: documents.quarterly_docx(scope, period, compute(scope, period)), args.runs
            ),
            3.0,
        )
    )
    results.append(
        (
            "province quarterly report XLSX",
            timed(
                lambda: documents.quarterly_xlsx(scope, period, compute(scope, period)), args.runs
            ),
            3.0,
        )
    )
    results.append(("province dashboard page", timed(lambda: client.get(url), args.runs), 0.5))
    base = results[0][1]
    log("")
    log(f"{'what':34} {'median':>9} {'× bare SQL':>11} {'target':>8}")
    for name, seconds, target in results:
        goal = f"≤ {target:g} s" if target else ""
        log(f"{name:34} {seconds * 1000:7.0f} ms {seconds / base:10.1f}× {goal:>8}")


def drop_indexes(names: list[str]):
    from django.db import connection

    saved = []
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
            row = cursor.fetchone()
            if row is None:
                log(f"no index {name}")
                continue
            saved.append(row[0])
            cursor.execute(f'DROP INDEX "{name}"')
            log(f"dropped {name} for this run")
        cursor.execute("ANALYZE incidents_incident")
    return saved


def restore_indexes(definitions: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for definition in definitions:
            cursor.execute(definition)
        cursor.execute("ANALYZE incidents_incident")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg-url", default=DEFAULT_URL)
    parser.add_argument("--centers", type=int, default=130)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--per-center-year", type=int, default=320)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument(
        "--without", default="", help="indexes to drop for this run, comma-separated"
    )
    args = parser.parse_args()
    ensure_database(args.pg_url)
    setup_django(args.pg_url)
    from ungcuu.incidents.models import Incident

    wanted = args.centers * args.years * args.per_center_year
    if args.regenerate or Incident.objects.count() < wanted:
        log(f"generating {wanted} incidents …")
        generate(args)
    saved = drop_indexes([n for n in args.without.split(",") if n])
    try:
        measure(args)
    finally:
        restore_indexes(saved)


if __name__ == "__main__":
    main()
