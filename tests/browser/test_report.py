"""A staff member reports an incident from a phone and follows its playbook."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ungcuu.catalog.models import PlaybookStep
from ungcuu.incidents.models import Attachment, Incident

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PRINTER_PAPER = "Máy in hết giấy, kẹt giấy"


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_staff_reports_printer_paper_and_ticks_a_step(page, hand, login, shot, staff_a):
    login(staff_a)
    expect(page).to_have_url(re.compile(r"/$"))

    hand.tap(page.locator("main").get_by_role("link", name="Báo sự cố"))
    expect(page.get_by_role("heading", name="Báo sự cố")).to_be_visible()
    shot("report")
    opening = hand.count

    hand.tap(page.locator("label.choice", has_text=PRINTER_PAPER))
    hand.tap(page.get_by_role("button", name="Gửi báo cáo sự cố"))
    expect(page).to_have_url(re.compile(r"/incidents/\d+/$"))

    # Reporting a paper jam: one tap on the type, one on send; nothing to type.
    assert hand.count - opening == 2
    assert hand.count == 3

    incident = Incident.objects.get()
    number = f"BN-{timezone.localtime().year}-0001"
    assert incident.number == number
    expect(page.get_by_role("heading", level=1)).to_have_text(PRINTER_PAPER)
    expect(page.locator("main")).to_contain_text(number)
    expect(page.locator("main .meta .badge").first).to_have_text("Mới báo")
    expect(page.locator(".messages")).to_contain_text(f"Đã báo sự cố {number}")

    steps = list(
        PlaybookStep.objects.filter(incident_type__code="printer-paper").order_by("position")
    )
    assert steps, "the printer-paper playbook ships with steps"
    shown = [_squash(t) for t in page.locator("#playbook .step .text").all_inner_texts()]
    assert shown == [_squash(s.text) for s in steps]
    progress = page.locator("#playbook .progress")
    expect(progress).to_have_text(f"(0/{len(steps)})")

    # Ticking a step swaps the checklist in place: same document, same URL, same history.
    page.evaluate("window.__ungcuuNoReload = 'same-document'")
    url, history = page.url, page.evaluate("history.length")
    first = page.locator("#playbook button.step").first
    with page.expect_response(lambda r: "/step_done/" in r.url) as answer:
        hand.tap(first)
    assert answer.value.request.headers.get("hx-request") == "true"
    assert answer.value.status == 200

    first = page.locator("#playbook button.step").first
    expect(first).to_have_class(re.compile(r"\bdone\b"))
    expect(first).to_have_attribute("aria-pressed", "true")
    expect(first.locator(".box")).to_have_text("✓")
    expect(progress).to_have_text(f"(1/{len(steps)})")
    assert page.evaluate("window.__ungcuuNoReload") == "same-document"
    assert page.url == url
    assert page.evaluate("history.length") == history
    shot("incident")

    incident.refresh_from_db()
    assert incident.steps_done == [steps[0].position]

    page.reload()
    assert page.evaluate("window.__ungcuuNoReload") is None  # the marker does detect reloads
    first = page.locator("#playbook button.step").first
    expect(first).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#playbook .progress")).to_have_text(f"(1/{len(steps)})")


def test_report_without_a_type_says_so_and_creates_nothing(page, login, staff_a):
    login(staff_a)
    page.goto("/incidents/new/")

    page.get_by_role("button", name="Gửi báo cáo sự cố").tap()

    expect(page.locator("#types")).to_contain_text("Vui lòng chọn loại sự cố.")
    expect(page).to_have_url(re.compile(r"/incidents/new/$"))
    assert not Incident.objects.exists()


def test_report_refuses_a_text_file_named_as_a_photo(page, login, staff_a):
    login(staff_a)
    page.goto("/incidents/new/")

    page.locator("label.choice", has_text=PRINTER_PAPER).tap()
    page.locator("#id_files").set_input_files(
        {"name": "loi.jpg", "mimeType": "image/jpeg", "buffer": b"day la van ban, khong phai anh\n"}
    )
    expect(page.locator("#file-names")).to_have_text("loi.jpg")
    page.get_by_role("button", name="Gửi báo cáo sự cố").tap()

    error = page.locator(".errorlist, .form-errors").filter(has_text="không phải ảnh hoặc video")
    expect(error).to_be_visible()
    expect(error).to_contain_text("loi.jpg")
    expect(page).to_have_url(re.compile(r"/incidents/new/$"))
    # The chosen type is kept, so the person only picks another photo and sends again.
    expect(page.get_by_role("radio", name=re.compile(PRINTER_PAPER))).to_be_checked()
    assert not Incident.objects.exists()
    assert not Attachment.objects.exists()


def test_a_long_e_mail_address_of_a_contact_wraps_on_a_small_phone(page, login, staff_a, vnpt):
    from ungcuu.catalog.models import IncidentType
    from ungcuu.incidents.services import incident_report
    from ungcuu.org.models import Contact

    email = "to.doi.ung.ky.thuat.vnpt.nghe.an@demo.ungcuu.vn"
    Contact.objects.create(
        organisation=vnpt, center=staff_a.center, name="Tổ Đối ứng", phone="0238 3937 182",
        email=email,
    )  # fmt: skip
    incident = incident_report(
        actor=staff_a,
        center=staff_a.center,
        incident_type=IncidentType.objects.get(code="internet"),
    ).incident
    page.set_viewport_size({"width": 360, "height": 740})
    login(staff_a)
    page.goto(f"/incidents/{incident.pk}/")

    expect(page.locator(f'a[href="mailto:{email}"]')).to_be_visible()
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
