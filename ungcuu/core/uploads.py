"""Uploaded files: checked by their content (never by name or declared type), capped in
size, stored under a random name, served back with the type that was checked."""

from __future__ import annotations

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat

from ungcuu.core.errors import ServiceError
from ungcuu.core.text import nfc

IMAGE_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
}
VIDEO_TYPES = {
    "video/mp4": "mp4",
    "video/webm": "webm",
    "video/quicktime": "mov",
    "video/3gpp": "3gp",
}
AUDIO_TYPES = {
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/ogg": "ogg",
    "audio/x-wav": "wav",
    "audio/aac": "aac",
    "audio/amr": "amr",
}
DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}


def types_label(allowed: dict[str, str]) -> str:
    return ", ".join(ext.upper() for ext in allowed.values())


def check_file(
    upload: UploadedFile,
    allowed: dict[str, str],
    *,
    what: str,
    field: str = "files",
    label: str | None = None,
) -> tuple[str, str]:
    """The content type and extension of an acceptable upload, or a Vietnamese refusal
    naming the file (``what``: "ảnh hoặc video", …)."""
    name = upload.name or "tệp"
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ServiceError(
            f"Tệp “{name}” quá lớn ({filesizeformat(upload.size)}); "
            f"tối đa {filesizeformat(settings.UPLOAD_MAX_BYTES)}.",
            field=field,
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in allowed:
        raise ServiceError(
            f"Tệp “{name}” không phải {what} hợp lệ. Chỉ nhận: {label or types_label(allowed)}.",
            field=field,
        )
    return kind.mime, allowed[kind.mime]


def store_checked(instance, upload: UploadedFile, content_type: str, ext: str) -> None:
    """Fill a stored-file row (``file``, ``content_type``, ``size``, ``original_name``,
    ``uuid``) from a checked upload and save it; the name on disk is the row's UUID."""
    instance.content_type = content_type
    instance.size = upload.size
    instance.original_name = nfc(upload.name)[:255]
    instance.file.save(f"{instance.uuid}.{ext}", upload, save=False)
    instance.save()


def file_response(instance, *, download: bool = False) -> FileResponse:
    """A stored file with the type it was checked as; shown in the page unless asked
    to download."""
    response = FileResponse(instance.file.open("rb"), content_type=instance.content_type)
    name = instance.file.name.rsplit("/", 1)[-1]
    response["Content-Disposition"] = f'{"attachment" if download else "inline"}; filename="{name}"'
    response["Cache-Control"] = "private, max-age=3600"
    return response
