from __future__ import annotations

import io

import pytest
from django.test import Client
from docx import Document

from ungcuu.core.testing import logged_in, make_user
from ungcuu.org.models import Role
from ungcuu.reports.models import JobState, Minutes, ReportJob
from ungcuu.reports.tasks import build_report
from ungcuu.reports.tests.conftest import make_incident

pytestmark = pytest.mark.django_db

Q1 = {"year": "2026", "quarter": "1", "period": "calendar"}


def _pages(incident_id: int) -> list[str]:
    return [
        "/reports/",
        "/reports/dashboard/",
        "/reports/quarterly.docx",
        "/reports/quarterly.xlsx",
        f"/reports/minutes/{incident_id}/",
        f"/reports/minutes/{incident_id}/print/",
        f"/reports/minutes/{incident_id}/docx",
    ]


def test_anonymous_is_sent_to_login(quarter_a):
    for url in _pages(quarter_a[0].pk):
        answer = Client().get(url)
        assert answer.status_code == 302 and answer["Location"].startswith("/login/"), url


def test_another_centers_user_gets_404(quarter_a, staff_b):
    client = logged_in(staff_b)
    for url in _pages(quarter_a[0].pk):
        if url.startswith("/reports/minutes/"):
            assert client.get(url).status_code == 404, url
        else:
            assert client.get(url, {"center": "bachngoc", **Q1}).status_code == 404, url
    assert client.get("/reports/dashboard/", {"province": "40", **Q1}).status_code == 404
    assert client.post(f"/reports/minutes/{quarter_a[0].pk}/", {}).status_code == 404


def test_dashboard_shows_figures_with_links_to_the_incidents(quarter_a, leader_a):
    answer = logged_in(leader_a).get("/reports/dashboard/", Q1)
    assert answer.status_code == 200
    html = answer.content.decode()
    figures = {f["label"]: f for f in answer.context["figures"]}
    assert figures["Tổng số sự cố"]["value"] == "5"
    assert figures["Tổng số sự cố"]["href"] == (
        "/logbook/?date_from=2026-01-01&date_to=2026-03-31&center=bachngoc&no_drills=on"
    )
    assert "<svg" in html and "Máy in hết giấy, kẹt giấy" in html
    assert "&amp;type=printer-paper" in html
    # The drill-down lists exactly the counted incidents: the drill is left out.
    book = logged_in(leader_a).get(figures["Tổng số sự cố"]["href"])
    assert book.context["page"].paginator.count == 5


def test_province_dashboard_lists_every_center(quarter_a, province_user, staff_b):
    answer = logged_in(province_user).get("/reports/dashboard/", Q1)
    assert answer.status_code == 200
    assert [r["row"].code for r in answer.context["center_rows"]] == ["bachngoc", "tanky"]
    assert answer.context["scope"].is_province


def test_admin_drill_down_from_a_province_stays_in_that_province(quarter_a, admin_user, staff_c):
    # An incident of the same quarter in another province (Thái Nguyên).
    make_incident(reporter=staff_c, code="internet", started="2026-02-10 08:00")
    client = logged_in(admin_user)
    answer = client.get("/reports/dashboard/", {"province": "40", **Q1})
    assert answer.status_code == 200
    figures = {f["label"]: f for f in answer.context["figures"]}
    assert figures["Tổng số sự cố"]["value"] == "5"
    book = client.get(figures["Tổng số sự cố"]["href"])
    assert book.context["page"].paginator.count == 5
    assert {i.center.code for i in book.context["page"]} == {"bachngoc"}
    # Without the province the admin's log book holds both provinces' incidents.
    everything = client.get("/logbook/", {"date_from": "2026-01-01", "date_to": "2026-03-31"})
    assert everything.context["page"].paginator.count == 7  # with the drill


def test_bad_period_is_a_form_error_not_a_500(leader_a):
    answer = logged_in(leader_a).get("/reports/dashboard/", {"year": "2026", "quarter": "7"})
    assert answer.status_code == 400
    answer = logged_in(leader_a).get(
        "/reports/", {"date_from": "2026-03-01", "date_to": "2026-01-01"}
    )
    assert answer.status_code == 400
    assert "Ngày kết thúc phải sau ngày bắt đầu." in answer.content.decode()


def test_small_report_downloads_at_once(quarter_a, leader_a):
    answer = logged_in(leader_a).get("/reports/quarterly.docx", Q1)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    assert logged_in(leader_a).get("/reports/quarterly.pdf", Q1).status_code == 404


def test_large_report_is_built_in_the_background(
    quarter_a, leader_a, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.REPORT_INLINE_MAX = 2
    settings.DATA_DIR = tmp_path
    client = logged_in(leader_a)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        answer = client.get("/reports/quarterly.xlsx", Q1)
    assert len(queued) == 1  # handed to the task worker once the job is stored
    job = ReportJob.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/reports/jobs/{job.uuid}/"
    waiting = client.get(answer["Location"], HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in waiting.content.decode()
    assert "<progress" in waiting.content.decode()

    build_report.call_local(job.pk)  # what the worker runs
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.progress == 100
    done = client.get(f"/reports/jobs/{job.uuid}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and f"/reports/jobs/{job.uuid}/file" in done
    file = client.get(f"/reports/jobs/{job.uuid}/file")
    assert file.status_code == 200
    assert b"".join(file.streaming_content)[:2] == b"PK"
    # Somebody else's job is not theirs to see.
    other = logged_in(make_user("a.other", Role.TEAM_LEADER, center=leader_a.center))
    assert other.get(f"/reports/jobs/{job.uuid}/").status_code == 404


def test_minutes_form_is_prefilled_saved_and_kept(quarter_a, director_a):
    incident = quarter_a[4]
    client = logged_in(director_a)
    page = client.get(f"/reports/minutes/{incident.pk}/")
    assert page.status_code == 200
    form = page.context["form"]
    assert "Mất điện" in form.initial["happened"]
    assert "Thời điểm khôi phục: 03 giờ 00 ngày 01/04/2026" in form.initial["times"]
    data = {**form.initial, "cause": "Sự cố trạm biến áp", "chair": ""}
    refused = client.post(f"/reports/minutes/{incident.pk}/", data)
    assert refused.status_code == 400
    assert not Minutes.objects.exists()
    assert "Sự cố trạm biến áp" in refused.content.decode()  # what was typed stays

    data["chair"] = "Nguyễn Văn A – Giám đốc"
    saved = client.post(f"/reports/minutes/{incident.pk}/", data)
    assert saved.status_code == 302
    minutes = Minutes.objects.get()
    assert (minutes.number, minutes.cause) == (1, "Sự cố trạm biến áp")

    printed = client.get(f"/reports/minutes/{incident.pk}/print/").content.decode()
    assert "Số: 01/BB-TTPVHCC" in printed and "Sự cố trạm biến áp" in printed
    docx = client.get(f"/reports/minutes/{incident.pk}/docx")
    body = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert "Sự cố trạm biến áp" in body


def test_staff_reads_minutes_but_cannot_change_them(quarter_a, staff_a):
    client = logged_in(staff_a)
    page = client.get(f"/reports/minutes/{quarter_a[0].pk}/")
    assert page.status_code == 200
    assert 'class="minutes-form"' not in page.content.decode()
    assert client.post(f"/reports/minutes/{quarter_a[0].pk}/", {}).status_code == 404
    assert not Minutes.objects.exists()


def test_incident_page_and_home_link_to_reports(quarter_a, leader_a):
    client = logged_in(leader_a)
    detail = client.get(f"/incidents/{quarter_a[0].pk}/").content.decode()
    assert f"/reports/minutes/{quarter_a[0].pk}/" in detail
    assert "/reports/dashboard/" in client.get("/").content.decode()
