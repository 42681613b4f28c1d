"""Reports upward (R17: "báo cáo về UBND xã, Sở Khoa học và Công nghệ, Trung tâm Phục vụ
hành chính công tỉnh", 000/001/003 III.5; R23: "Báo cáo về đơn vị quản lý cấp trên nếu sự
cố kéo dài hoặc lặp lại nhiều lần", 000 2.1c). Sent for real: e-mail to a local SMTP server,
chat to a local HTTP receiver."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from docx import Document

from ungcuu.catalog.models import IncidentType, PlanSetting, ReportBody
from ungcuu.core.testing import logged_in
from ungcuu.incidents import services as incidents
from ungcuu.incidents.models import EventKind, Incident
from ungcuu.notify import services as notify
from ungcuu.notify.tests.receiver import Receiver
from ungcuu.org.models import Contact, Organisation, OrganisationKind
from ungcuu.reports import upward
from ungcuu.reports.models import UpwardReason, UpwardReport, UpwardState
from ungcuu.reports.tests.smtp import SMTPServer

UBND = "UBND xã Bạch Ngọc"
SO = "Sở Khoa học và Công nghệ tỉnh Nghệ An"
TTPVHCC = "Trung tâm Phục vụ hành chính công tỉnh Nghệ An"
UBND_MAIL = "vanthu@bachngoc.nghean.gov.vn"


@pytest.fixture
def smtp(settings):
    server = SMTPServer().start()
    settings.UPWARD_MAIL_URL = server.url()
    yield server
    server.stop()


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run an action with Huey immediate: what it queues on commit is sent at once."""
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    yield run
    HUEY.immediate = before


@pytest.fixture
def bodies(center_a, receiver):
    """The center's plan: the commune by e-mail, the department through its contact's
    channel, the province's center with no address at all."""
    so = Organisation.objects.create(
        name=SO, kind=OrganisationKind.OTHER, province=center_a.province
    )
    desk = Contact.objects.create(organisation=so, name="Văn phòng Sở")
    notify.channel_add(url=receiver.url("/so-khcn"), contact=desk)
    ReportBody.objects.create(
        center=center_a, position=1, name=UBND, kind="commune", email=UBND_MAIL
    )
    ReportBody.objects.create(
        center=center_a, position=2, name=SO, kind="department", organisation=so
    )
    ReportBody.objects.create(center=center_a, position=3, name=TTPVHCC, kind="province_center")
    return so


def _report(actor, code: str, *, minutes_ago: int = 30, center=None):
    return incidents.incident_report(
        actor=actor,
        center=center or actor.center,
        incident_type=IncidentType.objects.get(code=code),
        description="Mất kết nối",
        started_at=timezone.now() - timedelta(minutes=minutes_ago),
    ).incident


def _resolve(actor, incident, **kwargs):
    return incidents.incident_resolve(
        actor=actor,
        incident=incident,
        root_cause="Đứt cáp quang",
        resolution="Nhà mạng nối lại cáp",
        citizens_affected=12,
        on_site_reason="Nhà mạng đến xử lý tại chỗ" if incident.tier == "complex" else "",
        **kwargs,
    )


def _states(incident, reason=UpwardReason.RESOLVED) -> dict[str, str]:
    return dict(
        UpwardReport.objects.filter(incident=incident, reason=reason).values_list(
            "body_name", "state"
        )
    )


def test_resolving_a_complex_incident_sends_its_minutes_to_each_body_of_the_plan(
    send, django_capture_on_commit_callbacks, smtp, receiver, bodies, staff_a, leader_a
):
    incident = _report(staff_a, "internet")
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with django_capture_on_commit_callbacks() as callbacks:
        with connection.execute_wrapper(count):
            _resolve(leader_a, incident)
    # The plan's bodies, the rows already sent and the new rows: a few queries, whatever
    # the number of bodies (the rule is not even read for a complex incident).
    own = [q for q in queries if any(t in q for t in ("upwardreport", "reportbody", "plansetting"))]
    assert len(own) <= 3
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    assert _states(incident) == {
        UBND: UpwardState.SENT,
        SO: UpwardState.SENT,
        TTPVHCC: UpwardState.NO_ADDRESS,
    }
    # The commune: an e-mail carrying the minutes as a Word file.
    [mail] = smtp.to(UBND_MAIL)
    assert incident.number in mail.subject
    assert "Đứt cáp quang" in mail.text
    [(name, content)] = mail.attachments().items()
    assert name == f"bien-ban-su-co-{incident.number}.docx"
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert "BIÊN BẢN" in text.upper()
    assert incident.number in text or "Đứt cáp quang" in text
    # The department: a short text with the link to the minutes, on its contact's channel.
    [chat] = receiver.at("/so-khcn")
    assert incident.number in chat.text
    assert f"/reports/minutes/{incident.pk}/" in chat.text
    assert len(chat.text) <= upward.CHAT_LIMIT

    # Recorded: the row, the timeline, the incident page.
    sent = UpwardReport.objects.get(incident=incident, body_name=UBND)
    assert (sent.via, sent.address, sent.attempts) == ("email", UBND_MAIL, 1)
    events = incident.events.filter(kind=EventKind.NOTIFIED, payload__has_key="upward")
    assert sorted(e.payload["ok"] for e in events) == [False, True, True]
    page = logged_in(leader_a).get(f"/incidents/{incident.pk}/").content.decode()
    when = timezone.localtime(sent.sent_at).strftime("%H:%M %d/%m/%Y")
    assert f"Đã báo cáo cấp trên: {UBND} lúc {when} (qua thư điện tử)" in page
    assert f"Đã báo cáo cấp trên: {SO} lúc" in page
    assert f"Chưa báo cáo được {TTPVHCC}: chưa có địa chỉ nhận" in page


def test_a_simple_incident_goes_upward_only_when_the_center_says_every_incident(
    send, smtp, bodies, staff_a, leader_a, center_a
):
    first = _report(staff_a, "printer-paper")
    send(_resolve, leader_a, first)
    assert not UpwardReport.objects.exists()
    assert smtp.mails == []

    PlanSetting.objects.create(center=center_a, report_every_incident=True)
    second = _report(staff_a, "printer-paper")
    send(_resolve, leader_a, second)
    assert _states(second)[UBND] == UpwardState.SENT
    assert [m.to for m in smtp.mails] == [[UBND_MAIL]]


def test_a_drill_never_goes_upward(send, smtp, bodies, staff_a, leader_a, center_a):
    PlanSetting.objects.create(center=center_a, report_every_incident=True, repeat_count=2)
    incident = _report(staff_a, "internet", minutes_ago=600)
    Incident.objects.filter(pk=incident.pk).update(is_drill=True)
    incident.refresh_from_db()
    send(_resolve, leader_a, incident)
    send(_report, staff_a, "internet")  # would be the second within the days, were it real
    upward.upward_sweep(now=timezone.now() + timedelta(minutes=1))
    assert not UpwardReport.objects.exists()
    assert smtp.mails == []


def test_resolving_twice_or_replaying_sends_once(send, smtp, receiver, bodies, staff_a, leader_a):
    incident = _report(staff_a, "internet")
    event_uuid = uuid.uuid4()
    send(_resolve, leader_a, incident, event_uuid=event_uuid)
    send(_resolve, leader_a, incident, event_uuid=event_uuid)  # the phone sends it again
    send(incidents.incident_reopen, actor=leader_a, incident=incident, reason="Lại mất mạng")
    send(_resolve, leader_a, incident)
    for report in UpwardReport.objects.all():  # a task that runs twice
        assert upward.upward_send(report.pk) == "skipped"
    upward.upward_sweep(now=timezone.now() + timedelta(hours=1))

    assert UpwardReport.objects.filter(incident=incident).count() == 3
    assert len(smtp.to(UBND_MAIL)) == 1
    assert len(receiver.at("/so-khcn")) == 1


def test_a_body_without_an_address_or_a_mailbox_is_recorded_as_such(
    send, settings, bodies, staff_a, leader_a, director_a
):
    settings.UPWARD_MAIL_URL = ""  # the server has no mailbox to send from
    incident = _report(staff_a, "internet")
    send(_resolve, leader_a, incident)
    report = UpwardReport.objects.get(incident=incident, body_name=UBND)
    assert report.state == UpwardState.NO_ADDRESS
    assert "UNGCUU_MAIL_URL" in report.last_error
    assert _states(incident)[SO] == UpwardState.SENT  # its channel needs no mailbox
    page = logged_in(director_a).get(f"/incidents/{incident.pk}/").content.decode()
    assert f"Chưa báo cáo được {UBND}: chưa có địa chỉ nhận" in page
    assert "delivery-failed" in page


def test_a_prolonged_incident_is_reported_once_by_the_sweep(
    send, smtp, receiver, bodies, staff_a, center_a
):
    old = _report(staff_a, "internet", minutes_ago=5 * 60)
    young = _report(staff_a, "power", minutes_ago=90)
    now = timezone.now()
    send(upward.upward_sweep, now=now)
    assert _states(old, UpwardReason.PROLONGED)[UBND] == UpwardState.SENT
    assert not UpwardReport.objects.filter(incident=young).exists()  # under UngCuu's 240
    [mail] = smtp.to(UBND_MAIL)
    assert "kéo dài" in mail.text and old.number in mail.text
    assert mail.attachments() == {}  # no minutes yet: the incident is still open
    assert f"/incidents/{old.pk}/" in receiver.at("/so-khcn")[0].text

    send(upward.upward_sweep, now=now + timedelta(minutes=5))
    assert len(smtp.to(UBND_MAIL)) == 1

    # The center's own threshold: 60 minutes.
    PlanSetting.objects.create(center=center_a, long_outage_minutes=60)
    send(upward.upward_sweep, now=now + timedelta(minutes=6))
    assert _states(young, UpwardReason.PROLONGED)[UBND] == UpwardState.SENT


DAY = 24 * 60  # minutes


def test_the_nth_repeat_is_reported_with_the_numbers_at_most_once_a_day(
    send, smtp, bodies, staff_a, staff_b, center_a
):
    PlanSetting.objects.create(center=center_a, repeat_count=3, repeat_days=30)
    first = send(_report, staff_a, "printer-ink", minutes_ago=6 * DAY)
    send(_report, staff_b, "printer-ink")  # another center's: not counted
    drill = send(_report, staff_a, "printer-ink", minutes_ago=5 * DAY)
    Incident.objects.filter(pk=drill.pk).update(is_drill=True)
    second = send(_report, staff_a, "printer-ink", minutes_ago=4 * DAY)
    send(_report, staff_a, "printer-paper")  # another type
    assert not UpwardReport.objects.exists()

    third = send(_report, staff_a, "printer-ink", minutes_ago=3 * DAY)
    report = UpwardReport.objects.get(incident=third, body_name=UBND)
    assert report.reason == UpwardReason.REPEATED
    assert report.state == UpwardState.SENT
    numbers = [first.number, second.number, third.number]
    assert report.note.endswith(", ".join(numbers))
    [mail] = smtp.to(UBND_MAIL)
    assert "lặp lại 3 lần trong 30 ngày" in mail.text
    assert all(number in mail.text for number in numbers)
    assert drill.number not in mail.text

    # The same fault again within 24 hours of the one reported: the bodies already know.
    fourth = send(_report, staff_a, "printer-ink", minutes_ago=3 * DAY - 23 * 60)
    assert not UpwardReport.objects.filter(incident=fourth).exists()
    # The next one after that goes upward with the count so far, the fourth included.
    fifth = send(_report, staff_a, "printer-ink", minutes_ago=DAY)
    [report] = UpwardReport.objects.filter(incident=fifth, body_name=UBND)
    assert report.note.startswith("5 lần trong 30 ngày")
    assert report.note.endswith(f"{third.number}, {fourth.number}, {fifth.number}")
    assert "5 lần trong 30 ngày" in smtp.to(UBND_MAIL)[-1].text
    # The sweep's catch-up does not report them again, nor the fourth.
    upward.upward_sweep(now=timezone.now() + timedelta(minutes=1))
    assert len([m for m in smtp.to(UBND_MAIL) if "lặp lại" in m.text]) == 2
    repeated = UpwardReport.objects.filter(reason=UpwardReason.REPEATED)
    assert set(repeated.values_list("incident", flat=True)) == {third.pk, fifth.pk}


def test_a_burst_of_one_fault_goes_upward_once_and_then_costs_three_statements_a_batch(
    bodies, staff_a, center_a, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """A printer out of paper all morning: the bodies are told once that it repeats, not
    once per report; and once told, a batch of 50 new reports of it reads the center's
    rules, the counts and the repeats already reported, and stops there."""
    PlanSetting.objects.create(center=center_a, repeat_count=3, repeat_days=30)
    with django_capture_on_commit_callbacks(execute=False):  # the worker is not running
        morning = [_report(staff_a, "printer-paper", minutes_ago=300 - m) for m in range(10)]

    def load(batch):
        return list(
            Incident.objects.select_related("center__province", "incident_type").filter(
                pk__in=[i.pk for i in batch]
            )
        )

    assert upward.upward_repeat_many(load(morning)) == 3  # one row for each of 3 bodies
    [reported] = set(UpwardReport.objects.values_list("incident", flat=True))
    assert reported == morning[2].pk  # the third of the morning: the first over the threshold

    with django_capture_on_commit_callbacks(execute=False):
        later = [_report(staff_a, "printer-paper", minutes_ago=200 - m) for m in range(50)]
    batch = load(later)
    with django_assert_max_num_queries(3):  # the rules, the counts, the repeats reported
        assert upward.upward_repeat_many(batch) == 0
    assert UpwardReport.objects.count() == 3


def test_two_workers_with_one_fault_at_one_center_send_it_upward_once(
    bodies, staff_a, center_a, django_capture_on_commit_callbacks, monkeypatch
):
    """Another worker's pass (another instance) reports the same fault between this
    pass's look at what went upward and its write: this pass sees it and sends nothing."""
    from ungcuu.reports.upward import queue

    PlanSetting.objects.create(center=center_a, repeat_count=2, repeat_days=30)
    with django_capture_on_commit_callbacks(execute=False):  # the worker is not running
        first = _report(staff_a, "printer-ink", minutes_ago=90)
        theirs = _report(staff_a, "printer-ink", minutes_ago=60)
        mine = _report(staff_a, "printer-ink", minutes_ago=30)
    loaded = {
        i.pk: i
        for i in Incident.objects.select_related("center__province", "incident_type").filter(
            pk__in=[theirs.pk, mine.pk]
        )
    }
    notes_of, other_ran = queue._repeat_notes, []

    def meanwhile(group, rules):
        notes = notes_of(group, rules)
        if not other_ran:  # the other worker commits its report now
            other_ran.append(True)
            assert upward.upward_repeat_many([loaded[theirs.pk]]) == 3
        return notes

    monkeypatch.setattr(queue, "_repeat_notes", meanwhile)
    assert upward.upward_repeat_many([loaded[mine.pk]]) == 0
    assert set(UpwardReport.objects.values_list("incident", flat=True)) == {theirs.pk}
    assert first.pk not in set(UpwardReport.objects.values_list("incident", flat=True))


def test_a_batch_from_many_centers_follows_each_centers_own_rule(
    send, staff_a, staff_b, staff_c, center_a, center_b, django_assert_max_num_queries
):
    PlanSetting.objects.create(province=center_a.province, repeat_count=2, repeat_days=30)
    PlanSetting.objects.create(center=center_b, repeat_count=5)  # its own, over the province's
    earlier = [send(_report, s, "printer-ink", minutes_ago=24 * 60) for s in (staff_a, staff_b)]
    for staff in (staff_a, staff_b, staff_c):
        send(_report, staff, "printer-ink")

    # Center A repeats under its province's rule (2 in 30 days); B's own rule wants 5; C,
    # in another province, keeps UngCuu's default of 3.
    repeated = UpwardReport.objects.filter(reason=UpwardReason.REPEATED)
    assert set(repeated.values_list("incident__center", flat=True)) == {center_a.pk}
    assert not repeated.filter(incident__in=earlier).exists()

    # First reports of many centers cost the check two statements, however many centers.
    firsts = [send(_report, s, "printer-paper") for s in (staff_a, staff_b, staff_c)]
    loaded = list(
        Incident.objects.select_related("center", "incident_type").filter(
            pk__in=[i.pk for i in firsts]
        )
    )
    with django_assert_max_num_queries(2):
        assert upward.upward_repeat_many(loaded) == 0


def test_a_batch_whose_onsets_other_reports_fall_between_names_each_ones_own_numbers(
    bodies, staff_a, center_a, django_capture_on_commit_callbacks
):
    """A pass takes the reports that reached it; reports of other passes can start between
    their onsets. Each note still names the 20 latest numbers up to its own incident,
    read in one statement for the batch."""
    from django.test.utils import CaptureQueriesContext

    PlanSetting.objects.create(center=center_a, repeat_count=2, repeat_days=30)
    with django_capture_on_commit_callbacks(execute=False):  # the worker is not running
        earlier = [_report(staff_a, "printer-ink", minutes_ago=9 * DAY - m) for m in range(25)]
        batch, others = [], []
        # A day and a half apart: each of the batch goes upward (REPEAT_QUIET is a day).
        for step in (6, 5, 4, 3, 2):
            (batch if step % 2 == 0 else others).append(
                _report(staff_a, "printer-ink", minutes_ago=step * DAY * 3 // 4)
            )
    loaded = list(
        Incident.objects.select_related("center__province", "incident_type").filter(
            pk__in=[i.pk for i in batch]
        )
    )
    with CaptureQueriesContext(connection) as captured:
        upward.upward_repeat_many(loaded)
    reads = [q for q in captured.captured_queries if '"incidents_incident"."number"' in q["sql"]]
    assert len(reads) == 1

    in_order = sorted([*earlier, *batch, *others], key=lambda i: i.started_at)
    for incident in batch:
        upto = in_order[: in_order.index(incident) + 1]
        note = UpwardReport.objects.get(incident=incident, body_name=UBND).note
        assert note.startswith(f"{len(upto)} lần trong 30 ngày")
        assert note.endswith(", ".join(i.number for i in upto[-20:]))


def test_a_repeat_whose_check_was_lost_is_reported_once_by_the_sweep(
    send, smtp, bodies, staff_a, center_a, django_capture_on_commit_callbacks
):
    PlanSetting.objects.create(center=center_a, repeat_count=2, repeat_days=30)
    with django_capture_on_commit_callbacks(execute=False):  # the worker never ran
        first = _report(staff_a, "printer-ink", minutes_ago=60)
        second = _report(staff_a, "printer-ink", minutes_ago=5)
    Incident.objects.update(reported_at=timezone.now() - timedelta(minutes=2))
    assert not UpwardReport.objects.exists()

    send(upward.upward_sweep)
    send(upward.upward_sweep)

    [report] = UpwardReport.objects.filter(reason=UpwardReason.REPEATED, body_name=UBND)
    assert report.incident_id == second.pk
    assert report.note.endswith(f"{first.number}, {second.number}")


def test_a_centers_node_reports_no_repeat_upward(
    send, smtp, bodies, staff_a, center_a, monkeypatch
):
    from ungcuu.sync import conf

    config = conf.NodeConfig("http://127.0.0.1:1", f"{center_a.code}.x")
    monkeypatch.setattr(conf, "node_config", lambda: config)
    PlanSetting.objects.create(center=center_a, repeat_count=2, repeat_days=30)
    send(_report, staff_a, "printer-ink", minutes_ago=60)
    send(_report, staff_a, "printer-ink")
    assert not UpwardReport.objects.exists()  # the hub reports it, once


def test_a_repeat_outside_the_days_is_not_one(send, smtp, bodies, staff_a, center_a):
    PlanSetting.objects.create(center=center_a, repeat_count=2, repeat_days=7)
    send(_report, staff_a, "printer-ink", minutes_ago=8 * 24 * 60)
    send(_report, staff_a, "printer-ink")
    assert not UpwardReport.objects.exists()


def test_a_failing_mailbox_is_retried_then_marked_failed(
    send, smtp, bodies, staff_a, leader_a, director_a
):
    smtp.refusing = True
    incident = _report(staff_a, "internet")
    send(_resolve, leader_a, incident)
    report = UpwardReport.objects.get(incident=incident, body_name=UBND)
    assert report.state == UpwardState.PENDING
    assert report.attempts == 1 and report.next_attempt_at is not None
    assert upward.upward_send(report.pk) == "skipped"  # not due yet

    moment = timezone.now()
    for _attempt in range(upward.MAX_ATTEMPTS - 2):
        moment += timedelta(hours=1)
        assert upward.upward_send(report.pk, now=moment) == "retry"
    report.refresh_from_db()
    assert report.attempts == upward.MAX_ATTEMPTS - 1
    moment += timedelta(hours=1)
    assert upward.upward_send(report.pk, now=moment) == "failed"
    report.refresh_from_db()
    assert report.state == UpwardState.FAILED
    assert smtp.attempts == upward.MAX_ATTEMPTS
    failures = incident.events.filter(
        kind=EventKind.NOTIFIED, payload__upward=str(report.key), payload__ok=False
    )
    assert failures.count() == upward.MAX_ATTEMPTS
    page = logged_in(director_a).get(f"/incidents/{incident.pk}/").content.decode()
    assert f"Chưa báo cáo được {UBND}: gửi lỗi" in page

    # A mailbox that recovers before the last attempt: sent, once.
    smtp.refusing = False
    other = _report(staff_a, "power")
    smtp.refusing = True
    send(_resolve, leader_a, other)
    smtp.refusing = False
    retry = UpwardReport.objects.get(incident=other, body_name=UBND)
    UpwardReport.objects.filter(pk=retry.pk).update(next_attempt_at=timezone.now())
    assert upward.upward_sweep() >= 1
    retry.refresh_from_db()
    assert retry.state == UpwardState.SENT and retry.attempts == 2


def test_an_incident_resolved_with_its_major_incident_is_reported_by_the_sweep(
    send, smtp, bodies, staff_a, province_user, center_a
):
    from ungcuu.incidents.models import MajorIncident
    from ungcuu.incidents.services.major import major_resolve

    incident = _report(staff_a, "internet")
    major = MajorIncident.objects.create(
        number="NA-DR-TEST-1",
        incident_type=incident.incident_type,
        scope="province",
        province=center_a.province,
        started_at=incident.started_at,
        opened_at=incident.reported_at,
    )
    Incident.objects.filter(pk=incident.pk).update(major_incident=major)
    assert send(major_resolve, actor=province_user, major=major, note="Cáp trục đã nối") == 1
    send(upward.upward_sweep)
    send(upward.upward_sweep)
    assert _states(incident)[UBND] == UpwardState.SENT
    [mail] = smtp.to(UBND_MAIL)
    assert "NA-DR-TEST-1" in mail.text
