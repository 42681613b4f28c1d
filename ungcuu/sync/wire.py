"""Bodies on the wire: JSON, gzip-compressed both ways, with a size limit."""

from __future__ import annotations

import gzip
import json
import uuid
import zlib
from datetime import date, datetime

MAX_BODY = 64 * 1024 * 1024  # a working day of a busy center is a few MB


class BadBody(ValueError):
    pass


def plain(value):
    """A field's value as JSON has it: moments and days in ISO 8601, UUIDs as text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def pack(data) -> bytes:
    return gzip.compress(json.dumps(data, ensure_ascii=False).encode(), compresslevel=5)


def unpack(raw: bytes, encoding: str = "gzip"):
    if encoding == "gzip":
        decompressor = zlib.decompressobj(wbits=31)
        try:
            raw = decompressor.decompress(raw, MAX_BODY)
        except zlib.error as exc:
            raise BadBody("Dữ liệu nén không hợp lệ.") from exc
        if decompressor.unconsumed_tail:
            raise BadBody("Gói đồng bộ quá lớn.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadBody("Gói đồng bộ không phải UTF-8.") from exc
    if "\x00" in text or "\\u0000" in text:
        raise BadBody("Gói đồng bộ có ký tự không hợp lệ (NUL).")
    try:
        return json.loads(text)
    except ValueError as exc:
        raise BadBody("Gói đồng bộ không phải JSON hợp lệ.") from exc
