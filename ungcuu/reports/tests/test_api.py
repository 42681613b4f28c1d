from __future__ import annotations

import io

import pytest
from django.test import Client
from docx import Document
from openpyxl import load_workbook

from ungcuu.core.testing import api_client
from ungcuu.incidents.models import Incident

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/quarterly"
Q1 = {"year": 2026, "quarter": 1}


def test_json_gives_the_figures_of_the_documents(quarter_a, leader_a):
    answer = api_client(leader_a).get(URL, {"center": "bachngoc", **Q1, "format": "json"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["total"] == 5
    assert body["by_tier"] == {"simple": 3, "complex": 2}
    assert body["mttr"] == {"count": 5, "median": 30.0, "p90": 240.0}
    assert body["paper_intake"]["taken"] == 0  # no outage of the quarter went to paper
    assert body["date_from"] == "2026-01-01" and body["date_to"] == "2026-03-31"


def test_json_statistical_period_and_date_range(quarter_a, leader_a):
    client = api_client(leader_a)
    statistical = client.get(URL, {**Q1, "period": "statistical"}).json()
    assert statistical["date_from"] == "2025-12-15" and statistical["total"] == 4
    ranged = client.get(URL, {"date_from": "2026-03-31", "date_to": "2026-04-01"}).json()
    assert ranged["total"] == 2  # the power cut of 31/3 and the link loss of 1/4


def test_docx_and_xlsx_download(quarter_a, leader_a):
    client = api_client(leader_a)
    docx = client.get(URL, {"center": "bachngoc", **Q1, "format": "docx"})
    assert docx.status_code == 200
    assert "bao-cao-su-co-bachngoc-2026-q1.docx" in docx["Content-Disposition"]
    assert "BÁO CÁO" in [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    xlsx = client.get(URL, {"center": "bachngoc", **Q1, "format": "xlsx"})
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book["Tổng hợp"]["B3"].value == 5


def test_province_report_for_the_province(quarter_a, province_user, staff_b):
    body = api_client(province_user).get(URL, {"province": "40", **Q1}).json()
    assert body["is_province"] is True
    assert body["total"] == 5
    assert [c["code"] for c in body["by_center"]] == ["bachngoc", "tanky"]


@pytest.mark.parametrize(
    "params",
    [{"center": "bachngoc"}, {"province": "40"}, {"province": "nghe-an"}],
)
def test_another_centers_user_gets_404(quarter_a, staff_b, staff_c, params):
    # staff_b is of another center of the same province; staff_c of another province.
    for user in (staff_b, staff_c):
        answer = api_client(user).get(URL, {**params, **Q1})
        assert answer.status_code == 404, (user, params)


def test_vendor_gets_no_report(quarter_a, vendor_user):
    assert api_client(vendor_user).get(URL, Q1).status_code == 404


def test_bad_period_is_a_clear_400(leader_a):
    client = api_client(leader_a)
    answer = client.get(URL, {"year": 2026, "quarter": 5})
    assert answer.status_code == 400
    assert answer.json()["detail"] == "Quý phải là 1, 2, 3 hoặc 4."
    answer = client.get(URL, {"date_from": "2026-02-30", "date_to": "2026-03-01"})
    assert answer.status_code == 400
    assert "Ngày không hợp lệ" in answer.json()["detail"]
    assert client.get(URL, {"format": "pdf"}).status_code == 422
    answer = client.get(URL, {"date_from": "2026-01-01", "date_to": "9999-12-31"})
    assert answer.status_code == 400 and "Năm phải từ 2000 đến 2100" in answer.json()["detail"]
    assert client.get(URL, {"province": "²", "year": 2026, "quarter": 1}).status_code in (400, 404)


def test_anonymous_gets_401(quarter_a):
    assert Client().get(URL, Q1).status_code == 401
    incident = quarter_a[0]
    assert Client().get(f"/api/v1/incidents/{incident.pk}/minutes.docx").status_code == 401


def test_minutes_docx_is_scoped_like_the_incident(quarter_a, leader_a, staff_b, province_user):
    incident = quarter_a[0]
    url = f"/api/v1/incidents/{incident.pk}/minutes.docx"
    answer = api_client(leader_a).get(url)
    assert answer.status_code == 200
    doc = Document(io.BytesIO(answer.content))
    assert "BIÊN BẢN" in [p.text for p in doc.paragraphs]
    assert api_client(province_user).get(url).status_code == 200
    assert api_client(staff_b).get(url).status_code == 404
    assert Incident.objects.count() == 7
