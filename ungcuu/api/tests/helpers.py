"""Small helpers shared by the API tests: a report body, a real PNG, JSON posts."""

from __future__ import annotations

import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from ungcuu.catalog.models import IncidentType
from ungcuu.incidents import services
from ungcuu.incidents.models import Incident
from ungcuu.org.models import Center, User

INCIDENTS = "/api/v1/incidents"


def is_vietnamese(text: str) -> bool:
    """Whether a message is written with Vietnamese letters (not an English default)."""
    return any(letter in text for letter in "ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ")


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def png_upload(name: str = "man-hinh-loi.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def report_body(**overrides) -> dict:
    body = {
        "client_uuid": str(uuid.uuid4()),
        "type": "printer-paper",
        "description": "Máy in quầy số 2 báo hết giấy",
        "impact": "partial",
    }
    body.update(overrides)
    return body


def post_json(client: Client, url: str, body: dict | None = None):
    return client.post(url, body or {}, content_type="application/json")


def post_event(client: Client, incident_id: int, **body):
    return post_json(client, f"{INCIDENTS}/{incident_id}/events", body)


def report(
    user: User, center: Center, code: str = "printer-paper", **kwargs
) -> Incident:  # through the service, as set-up
    return services.incident_report(
        actor=user,
        center=center,
        incident_type=IncidentType.objects.get(code=code),
        description=kwargs.pop("description", "Sự cố để kiểm thử"),
        **kwargs,
    ).incident
