"""Photos and videos of the error screen."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from ungcuu.core.errors import ServiceError
from ungcuu.core.text import nfc
from ungcuu.incidents import permissions
from ungcuu.incidents.models import (
    Attachment,
    EventKind,
    Incident,
    IncidentEvent,
)
from ungcuu.incidents.services.common import _now
from ungcuu.incidents.uploads import check_uploads
from ungcuu.org.models import User
from ungcuu.org.scope import require_incident


def _store_attachment(actor, incident, upload, content_type, ext, now) -> Attachment:
    attachment = Attachment(
        incident=incident,
        content_type=content_type,
        size=upload.size,
        original_name=nfc(upload.name)[:255],
        uploaded_by=actor,
    )
    attachment.file.save(f"{attachment.uuid}.{ext}", upload, save=False)
    attachment.save()
    IncidentEvent.objects.create(
        incident=incident,
        kind=EventKind.ATTACHMENT,
        actor=actor,
        at=now,
        payload={
            "attachment": str(attachment.uuid),
            "name": attachment.original_name,
            "content_type": content_type,
        },
    )
    return attachment


def attachment_add(
    *, actor: User, incident: Incident, files: Iterable[UploadedFile], now: datetime | None = None
) -> list[Attachment]:
    require_incident(actor, incident)
    checked = check_uploads(list(files))
    if not checked:
        raise ServiceError("Vui lòng chọn ảnh hoặc video.", field="files")
    if not permissions.may(actor, EventKind.ATTACHMENT, incident):
        raise ServiceError("Bạn không có quyền thực hiện thao tác này.", status=403)
    now = _now(now)
    with transaction.atomic():
        return [_store_attachment(actor, incident, *item, now) for item in checked]
