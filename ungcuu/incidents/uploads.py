"""Photos and short videos of the error screen: checked by content, capped, renamed."""

from __future__ import annotations

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from ungcuu.core.errors import ServiceError

ALLOWED_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "image/heic": "heic",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "video/quicktime": "mov",
    "video/3gpp": "3gp",
}
ALLOWED_LABEL = "JPG, PNG, WEBP, GIF, HEIC, MP4, WEBM, MOV, 3GP"
MAX_FILES = 5


def check_upload(upload: UploadedFile) -> tuple[str, str]:
    """The content type and file extension of an acceptable upload, or a refusal."""
    name = upload.name or "tệp"
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ServiceError(
            f"Tệp “{name}” quá lớn ({filesizeformat(upload.size)}); "
            f"tối đa {filesizeformat(settings.UPLOAD_MAX_BYTES)}.",
            field="files",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ServiceError(
            f"Tệp “{name}” không phải ảnh hoặc video hợp lệ. Chỉ nhận: {ALLOWED_LABEL}.",
            field="files",
        )
    return kind.mime, ALLOWED_TYPES[kind.mime]


def check_uploads(uploads: list[UploadedFile]) -> list[tuple[UploadedFile, str, str]]:
    if len(uploads) > MAX_FILES:
        raise ServiceError(f"Chỉ gửi được tối đa {MAX_FILES} tệp mỗi lần.", field="files")
    return [(upload, *check_upload(upload)) for upload in uploads]
