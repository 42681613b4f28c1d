"""Photos and short videos of the error screen: checked by content, capped, renamed."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile

from ungcuu.core.errors import ServiceError
from ungcuu.core.uploads import check_file

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
    return check_file(upload, ALLOWED_TYPES, what="ảnh hoặc video", label=ALLOWED_LABEL)


def check_uploads(uploads: list[UploadedFile]) -> list[tuple[UploadedFile, str, str]]:
    if len(uploads) > MAX_FILES:
        raise ServiceError(f"Chỉ gửi được tối đa {MAX_FILES} tệp mỗi lần.", field="files")
    return [(upload, *check_upload(upload)) for upload in uploads]
