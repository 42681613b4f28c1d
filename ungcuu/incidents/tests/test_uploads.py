"""Photos of the error screen: real images kept under a new name, anything else refused."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from PIL import Image

from ungcuu.core.errors import ServiceError
from ungcuu.core.testing import api_client, logged_in
from ungcuu.incidents import services
from ungcuu.incidents.models import Attachment, EventKind, Incident

NOT_AN_IMAGE = "không phải ảnh hoặc video hợp lệ"


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def png(name: str = "man-hinh-loi.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("PNG"), content_type="image/png")


def jpeg(name: str = "ảnh lỗi iGate.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("JPEG"), content_type="image/jpeg")


def fake_jpeg() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "anh.jpg", b"Day la mot tep van ban.\n" * 20, content_type="image/jpeg"
    )


def fake_exe() -> SimpleUploadedFile:
    content = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
    return SimpleUploadedFile("man-hinh.png", content, content_type="image/png")


@pytest.fixture
def incident(staff_a, printer_paper):
    return services.incident_report(
        actor=staff_a, center=staff_a.center, incident_type=printer_paper
    ).incident


# --- through the service ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "content_type", "ext"),
    [(png, "image/png", "png"), (jpeg, "image/jpeg", "jpg")],
)
def test_a_real_image_is_kept_under_a_new_name(
    settings, staff_a, printer_paper, make, content_type, ext
):
    upload = make()
    content = upload.read()
    upload.seek(0)

    incident = services.incident_report(
        actor=staff_a, center=staff_a.center, incident_type=printer_paper, files=[upload]
    ).incident

    attachment = incident.attachments.get()
    stored = Path(attachment.file.path)
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert stored.read_bytes() == content
    assert stored.name == f"{attachment.uuid}.{ext}"
    assert upload.name not in attachment.file.name
    assert attachment.original_name == upload.name
    assert attachment.content_type == content_type
    assert attachment.size == len(content)
    assert incident.events.filter(kind=EventKind.ATTACHMENT).count() == 1


def test_an_image_is_judged_by_content_not_by_its_name(incident, staff_a):
    # A real PNG sent as "photo.jpg" with a JPEG content type is stored as what it is.
    upload = SimpleUploadedFile("photo.jpg", image_bytes("PNG"), content_type="image/jpeg")

    (attachment,) = services.attachment_add(actor=staff_a, incident=incident, files=[upload])

    assert attachment.content_type == "image/png"
    assert attachment.file.name.endswith(".png")


@pytest.mark.parametrize("make", [fake_jpeg, fake_exe], ids=["text-as-jpg", "exe-as-png"])
def test_a_file_disguised_as_an_image_is_refused(incident, staff_a, make):
    with pytest.raises(ServiceError) as refused:
        services.attachment_add(actor=staff_a, incident=incident, files=[make()])

    assert NOT_AN_IMAGE in refused.value.fields["files"]
    assert "JPG, PNG" in refused.value.message
    assert not Attachment.objects.exists()
    assert not incident.events.filter(kind=EventKind.ATTACHMENT).exists()


def test_a_report_with_a_disguised_file_creates_no_incident(staff_a, printer_paper):
    with pytest.raises(ServiceError) as refused:
        services.incident_report(
            actor=staff_a,
            center=staff_a.center,
            incident_type=printer_paper,
            files=[png(), fake_jpeg()],
        )

    assert "“anh.jpg”" in refused.value.fields["files"]
    assert not Incident.objects.exists()
    assert not Attachment.objects.exists()


def test_an_oversize_file_is_refused(settings, incident, staff_a):
    settings.UPLOAD_MAX_BYTES = 1024
    upload = SimpleUploadedFile(
        "to.jpg", image_bytes("JPEG", (400, 400)) + b"\0" * 2048, content_type="image/jpeg"
    )
    assert upload.size > 1024

    with pytest.raises(ServiceError) as refused:
        services.attachment_add(actor=staff_a, incident=incident, files=[upload])

    assert "quá lớn" in refused.value.fields["files"]
    assert "tối đa 1,0\xa0KB" in refused.value.message
    assert not Attachment.objects.exists()


def test_too_many_files_at_once_are_refused(incident, staff_a):
    with pytest.raises(ServiceError) as refused:
        services.attachment_add(
            actor=staff_a, incident=incident, files=[png(f"{n}.png") for n in range(6)]
        )

    assert "tối đa 5 tệp" in refused.value.fields["files"]
    assert not Attachment.objects.exists()


# --- through the report page --------------------------------------------------------------


def report_post(**extra) -> dict:
    return {
        "client_uuid": str(uuid.uuid4()),
        "incident_type": "printer-paper",
        "impact": "partial",
        "description": "Máy in quầy 2 kẹt giấy",
        "citizens_waiting": "3",
        "started_at": "",
        **extra,
    }


def test_the_report_page_refuses_a_disguised_file_and_creates_nothing(staff_a, printer_paper):
    response = logged_in(staff_a).post("/incidents/new/", report_post(files=[fake_jpeg()]))

    assert response.status_code == 400
    html = response.content.decode()
    assert escape(NOT_AN_IMAGE) in html
    assert escape("anh.jpg") in html
    assert not Incident.objects.exists()
    assert not Attachment.objects.exists()


def test_the_report_page_keeps_a_real_photo(staff_a, printer_paper):
    response = logged_in(staff_a).post("/incidents/new/", report_post(files=[jpeg()]))

    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.attachments.get().content_type == "image/jpeg"


def test_the_add_photo_form_refuses_a_disguised_file(incident, staff_a):
    client = logged_in(staff_a)

    response = client.post(f"/incidents/{incident.pk}/files/", {"files": [fake_exe()]}, follow=True)

    assert escape(NOT_AN_IMAGE) in response.content.decode()
    assert not Attachment.objects.exists()


# --- through the API ----------------------------------------------------------------------


def test_the_api_refuses_a_disguised_file_with_400(incident, staff_a):
    response = api_client(staff_a).post(
        f"/api/v1/incidents/{incident.pk}/attachments", {"files": [fake_jpeg()]}
    )

    assert response.status_code == 400
    body = response.json()
    assert NOT_AN_IMAGE in body["detail"]
    assert NOT_AN_IMAGE in body["errors"]["files"]
    assert not Attachment.objects.exists()


def test_the_api_keeps_a_real_photo(incident, staff_a):
    response = api_client(staff_a).post(
        f"/api/v1/incidents/{incident.pk}/attachments", {"files": [png()]}
    )

    assert response.status_code == 201
    (item,) = response.json()
    assert item["content_type"] == "image/png"
    assert Attachment.objects.get().uuid == uuid.UUID(item["uuid"])


def test_the_api_hides_another_centers_incident(incident, staff_b):
    response = api_client(staff_b).post(
        f"/api/v1/incidents/{incident.pk}/attachments", {"files": [png()]}
    )

    assert response.status_code == 404
    assert not Attachment.objects.exists()


# --- serving the file back ----------------------------------------------------------------


def test_the_attachment_page_serves_the_bytes_to_the_same_center(incident, staff_a, leader_a):
    content = image_bytes("PNG")
    (attachment,) = services.attachment_add(
        actor=staff_a,
        incident=incident,
        files=[SimpleUploadedFile("loi.png", content, content_type="image/png")],
    )

    response = logged_in(leader_a).get(f"/incidents/{incident.pk}/files/{attachment.uuid}")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == content


def test_the_attachment_page_hides_the_file_from_another_center(incident, staff_a, staff_b):
    (attachment,) = services.attachment_add(actor=staff_a, incident=incident, files=[png()])

    response = logged_in(staff_b).get(f"/incidents/{incident.pk}/files/{attachment.uuid}")

    assert response.status_code == 404


def test_the_incident_page_shows_the_photo(incident, staff_a):
    (attachment,) = services.attachment_add(actor=staff_a, incident=incident, files=[png()])

    response = logged_in(staff_a).get(f"/incidents/{incident.pk}/")

    assert f"/incidents/{incident.pk}/files/{attachment.uuid}" in response.content.decode()
