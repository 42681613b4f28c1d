"""R79 (000 2.2.5 "in sẵn phiếu tiếp nhận, hồ sơ mẫu, biểu mẫu giấy"): the center keeps its
own sample dossiers and forms on the blank-forms page, to open and print in advance."""

from __future__ import annotations

import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ungcuu.continuity.models import SampleForm
from ungcuu.core.testing import logged_in, make_user
from ungcuu.org.models import Role

pytestmark = pytest.mark.django_db

PAGE = "/paper/blank-forms/"
ADD = "/paper/blank-forms/samples/"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"


def word_file() -> SimpleUploadedFile:
    document = docx.Document()
    document.add_paragraph("TỜ KHAI ĐĂNG KÝ KHAI SINH")
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile("to-khai-khai-sinh.docx", buffer.getvalue())


@pytest.fixture
def it_a(center_a):
    return make_user("a.it", Role.IT_OFFICER, center=center_a)


def test_the_center_leader_adds_a_pdf_and_the_desk_opens_it(director_a, staff_a):
    answer = logged_in(director_a).post(
        ADD, {"title": "Tờ khai đăng ký khai sinh", "file": SimpleUploadedFile("tk.pdf", PDF)}
    )
    assert answer.status_code == 302
    sample = SampleForm.objects.get()
    page = logged_in(staff_a).get(PAGE).content.decode()
    assert "Tờ khai đăng ký khai sinh" in page
    served = logged_in(staff_a).get(reverse("continuity:sample", args=[sample.uuid]))
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"
    assert b"".join(served.streaming_content) == PDF


def test_a_word_form_is_kept(it_a):
    answer = logged_in(it_a).post(ADD, {"title": "Đơn đề nghị", "file": word_file()})
    assert answer.status_code == 302
    assert SampleForm.objects.get().content_type.endswith("wordprocessingml.document")


def test_a_file_that_is_not_a_document_or_picture_is_refused(it_a):
    fake = SimpleUploadedFile("mau.pdf", b"MZ\x90\x00 not a pdf at all")
    answer = logged_in(it_a).post(ADD, {"title": "Mẫu", "file": fake})
    assert answer.status_code == 400
    assert "không phải tệp PDF, Word (DOCX) hoặc ảnh hợp lệ" in answer.content.decode()
    assert not SampleForm.objects.exists()


def test_a_sample_needs_a_name(it_a):
    answer = logged_in(it_a).post(ADD, {"title": " ", "file": SimpleUploadedFile("a.pdf", PDF)})
    assert answer.status_code == 400
    assert "Vui lòng nhập tên mẫu" in answer.content.decode()
    assert not SampleForm.objects.exists()


def test_staff_cannot_add_and_another_center_cannot_see_or_remove(it_a, staff_a, staff_b, center_b):
    assert (
        logged_in(staff_a)
        .post(ADD, {"title": "X", "file": SimpleUploadedFile("a.pdf", PDF)})
        .status_code
        == 404
    )
    logged_in(it_a).post(ADD, {"title": "Mẫu của A", "file": SimpleUploadedFile("a.pdf", PDF)})
    sample = SampleForm.objects.get()
    assert "Mẫu của A" not in logged_in(staff_b).get(PAGE).content.decode()
    assert (
        logged_in(staff_b).get(reverse("continuity:sample", args=[sample.uuid])).status_code == 404
    )
    it_b = make_user("b.it", Role.IT_OFFICER, center=center_b)
    remove = reverse("continuity:sample_remove", args=[sample.uuid])
    assert logged_in(it_b).post(remove).status_code == 404
    assert logged_in(it_a).post(remove).status_code == 302
    assert not SampleForm.objects.exists()
