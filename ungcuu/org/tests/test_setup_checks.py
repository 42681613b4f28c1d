"""What a center still lacks, the leaders' banner, “Gửi thử”, and `ungcuu doctor`."""

from __future__ import annotations

import io
import os
import time
from datetime import date, datetime, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from ungcuu.core import heartbeat
from ungcuu.core.testing import logged_in, make_user
from ungcuu.notify.models import Channel
from ungcuu.notify.services import channel_add
from ungcuu.notify.tests.receiver import Receiver
from ungcuu.org.models import Contact, DutyShift, Organisation, Role
from ungcuu.org.setup.checks import _week_days, center_checks, setup_banner
from ungcuu.readiness.models import Equipment


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _backups(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"


@pytest.fixture(autouse=True)
def queue(monkeypatch):
    """The task queue's depth, as the worker's queue would answer it."""
    from huey.contrib.djhuey import HUEY

    depth = {"n": 0}
    monkeypatch.setattr(HUEY, "pending_count", lambda: depth["n"])
    return depth


@pytest.fixture
def lan(settings):
    settings.BASE_URL = "http://192.168.1.10:8000"


def missing(center) -> set[str]:
    return {c.key for c in center_checks(center) if not c.ok}


def ready(center, receiver, leader):
    """Everything a center needs: a tested channel, the week's duty, a contact, equipment."""
    channel = channel_add(url=receiver.url("/leader"), person=leader)
    channel.test_ok = True
    channel.save()
    for day in _week_days(date.today()):
        DutyShift.objects.create(center=center, person=leader, date=day)
    vnpt = Organisation.objects.create(name="VNPT Nghệ An", kind="isp", province=center.province)
    Contact.objects.create(organisation=vnpt, center=center, name="Tổng đài")
    Equipment.objects.create(center=center, kind="printer", name="Canon LBP 2900")
    an_archive()


def an_archive():
    """An archive where the daily backup puts them (only its name and date are read)."""
    folder = settings.BACKUP_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"ungcuu-backup-{datetime.now():%Y%m%d-%H%M%S}.tar.gz"
    path.write_bytes(b"")
    return path


def test_a_new_center_lacks_everything_that_makes_alerts_reach_someone(center_a, settings):
    settings.BASE_URL = "http://127.0.0.1:8000"
    assert missing(center_a) >= {
        "team_leader",
        "team_leader_channel",
        "duty_week",
        "contacts",
        "equipment",
        "backup",
        "base_url",  # 127.0.0.1: a phone cannot open the links
    }


def test_a_ready_center_lacks_nothing(center_a, leader_a, receiver, lan):
    ready(center_a, receiver, leader_a)
    assert missing(center_a) == set()


def test_a_team_leader_without_a_channel_is_named(center_a, leader_a, lan):
    check = next(c for c in center_checks(center_a) if c.key == "team_leader_channel")
    assert not check.ok and leader_a.display_name in check.detail


def test_a_day_of_this_week_without_duty_is_named(center_a, leader_a, receiver, lan):
    ready(center_a, receiver, leader_a)
    day = _week_days(date.today())[-1]
    DutyShift.objects.filter(date=day).delete()
    check = next(c for c in center_checks(center_a) if c.key == "duty_week")
    assert not check.ok and day.strftime("%d/%m") in check.detail


def test_at_the_weekend_the_week_is_next_week():
    saturday = date(2026, 12, 5)
    assert _week_days(saturday) == [date(2026, 12, 7) + timedelta(days=n) for n in range(5)]
    assert _week_days(date(2026, 12, 3)) == [date(2026, 12, 3), date(2026, 12, 4)]


def test_a_channel_whose_test_failed_is_missing(center_a, leader_a, receiver, lan):
    ready(center_a, receiver, leader_a)
    Channel.objects.update(test_ok=False)
    assert missing(center_a) == {"channels_tested"}


def test_an_old_backup_is_missing(center_a, leader_a, receiver, lan):
    ready(center_a, receiver, leader_a)
    old = time.time() - 3 * 86400
    for path in settings.BACKUP_DIR.iterdir():
        os.utime(path, (old, old))
    check = next(c for c in center_checks(center_a) if c.key == "backup")
    assert not check.ok and "3 ngày" in check.detail


# --- the banner ------------------------------------------------------------------------


def _banner_html(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    with translation.override("vi"):  # rendered outside a request: no middleware sets it
        return Template("{% load org_setup %}{% setup_banner %}").render(
            Context({"request": request})
        )


def test_leaders_see_the_banner_while_something_is_missing(director_a, leader_a, staff_a):
    html = _banner_html(director_a)
    assert "Trung tâm còn thiếu" in html and reverse("setup") in html
    assert "Trung tâm còn thiếu" in _banner_html(leader_a)
    assert reverse("setup") not in _banner_html(leader_a)  # they cannot fix it; they are told
    assert _banner_html(staff_a).strip() == ""


def test_the_banner_goes_once_nothing_is_missing(center_a, director_a, leader_a, receiver, lan):
    ready(center_a, receiver, leader_a)
    channel = channel_add(url=receiver.url("/director"), person=director_a)
    channel.test_ok = True
    channel.save()
    assert setup_banner(director_a) is None
    assert _banner_html(director_a).strip() == ""


# --- Gửi thử ---------------------------------------------------------------------------


def test_gui_thu_shows_what_the_channel_answered(director_a, leader_a, receiver):
    channel = channel_add(url=receiver.url("/leader"), person=leader_a)
    client = logged_in(director_a)
    response = client.post(reverse("setup_channel_test"), {"channel": channel.pk}, follow=True)
    assert "Kênh đã nhận tin thử" in response.content.decode()
    assert "Tin thử từ UngCuu" in receiver.received[-1].text
    channel.refresh_from_db()
    assert channel.test_ok is True

    receiver.fail("/broken", status=401)
    broken = channel_add(url=receiver.url("/broken"), person=leader_a)
    response = client.post(reverse("setup_channel_test"), {"channel": broken.pk}, follow=True)
    broken.refresh_from_db()
    assert broken.test_ok is False
    page = response.content.decode()
    assert "trả lời" in page and "401" in broken.test_answer
    assert "Gửi thử lỗi" in page


def test_no_one_tests_or_adds_another_centers_channel(director_a, staff_b, receiver):
    theirs = channel_add(url=receiver.url("/b"), person=staff_b)
    response = logged_in(director_a).post(reverse("setup_channel_test"), {"channel": theirs.pk})
    assert response.status_code == 404
    assert receiver.received == []
    response = logged_in(director_a).post(
        reverse("setup_channel"), {"owner": f"p{staff_b.pk}", "url": receiver.url("/x")}
    )
    assert response.status_code == 400
    assert not Channel.objects.filter(person=staff_b).exclude(pk=theirs.pk).exists()


def test_a_channel_is_added_for_someone_of_the_center(director_a, leader_a, receiver):
    response = logged_in(director_a).post(
        reverse("setup_channel"),
        {"owner": f"p{leader_a.pk}", "url": receiver.url("/leader"), "label": "Zalo"},
    )
    assert response.status_code == 302
    assert Channel.objects.get(person=leader_a).label == "Zalo"
    bad = logged_in(director_a).post(
        reverse("setup_channel"), {"owner": f"p{leader_a.pk}", "url": "khong-phai-url"}
    )
    assert bad.status_code == 400 and "không hợp lệ" in bad.content.decode()


def test_an_administrator_creates_a_center_from_the_official_list(db):
    admin = make_user("root", Role.ADMIN)
    client = logged_in(admin)
    page = client.get(reverse("setup"), {"province": "40", "ward": "17623"})
    assert page.context["code"] == "bachngoc" and page.context["prefix"] == "BN"
    response = client.post(
        reverse("setup_center"), {"ward": "17623", "code": "bachngoc", "prefix": "BN"}
    )
    assert response.status_code == 302 and "center=bachngoc" in response["Location"]
    again = client.post(reverse("setup_center"), {"ward": "17623", "code": "x", "prefix": "X"})
    assert again.status_code == 409


def test_a_center_leader_cannot_create_centers(director_a):
    response = logged_in(director_a).post(
        reverse("setup_center"), {"ward": "17266", "code": "tanky", "prefix": "TK"}
    )
    assert response.status_code == 404


# --- ungcuu doctor -------------------------------------------------------------------------


def _doctor(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("doctor", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code), out.getvalue()
    return 0, out.getvalue()


def test_doctor_fails_on_a_fresh_installation(center_a, settings):
    settings.BASE_URL = "http://127.0.0.1:8000"
    code, out = _doctor()
    assert code == 1
    assert "[CHƯA] Tiến trình nền" in out
    assert "Chưa có bản sao lưu nào" in out
    assert "127.0.0.1" in out


def test_doctor_passes_when_everything_is_in_place(center_a, director_a, leader_a, receiver, lan):
    ready(center_a, receiver, leader_a)
    channel = channel_add(url=receiver.url("/director"), person=director_a)
    channel.test_ok = True
    channel.save()
    heartbeat.beat()
    code, out = _doctor()
    assert code == 0, out
    assert "[CHƯA]" not in out


def test_doctor_notices_a_dead_worker_and_an_untested_channel(
    center_a, leader_a, receiver, lan, queue
):
    ready(center_a, receiver, leader_a)
    heartbeat.beat(time.time() - 600)
    code, out = _doctor("--center", center_a.code)
    assert code == 1 and "cách đây 10 phút" in out
    heartbeat.beat()
    queue["n"] = 500
    code, out = _doctor("--center", center_a.code)
    assert code == 1 and "hàng đợi 500 việc" in out
    queue["n"] = 0
    channel_add(url=receiver.url("/new"), person=leader_a)
    code, out = _doctor("--center", center_a.code)
    assert code == 1 and "chưa gửi thử" in out


def test_doctor_runs_from_the_console_command(center_a, monkeypatch, capsys):
    from ungcuu import cli

    monkeypatch.setattr("sys.argv", ["ungcuu", "doctor"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 1
    assert "mục chưa đạt" in capsys.readouterr().out


# --- alerts that reach nobody ------------------------------------------------------------


def test_an_alert_that_reached_nobody_is_red_on_the_incident(leader_a, staff_a, printer_paper):
    from ungcuu.notify.models import Delivery, DeliveryState
    from ungcuu.notify.tests.helpers import report

    incident = report(staff_a, printer_paper)
    Delivery.objects.filter(incident=incident).delete()
    Delivery.objects.create(
        incident=incident,
        level="at_once",
        person=leader_a,
        recipient=leader_a.display_name,
        title="t",
        body="b",
        state=DeliveryState.NO_CHANNEL,
    )
    page = logged_in(leader_a).get(reverse("incidents:detail", args=[incident.pk]))
    html = page.content.decode()
    assert 'class="card delivery-failed"' in html
    assert 'class="badge dl-no_channel"' in html
    css = (settings.BASE_DIR / "core/static/ungcuu/app.css").read_text(encoding="utf-8")
    rule = next(line for line in css.splitlines() if line.startswith(".dl-no_channel"))
    assert "var(--brand)" in rule and "var(--muted)" not in rule
