"""The input boundary: every text that reaches UngCuu over HTTP is cleaned here, once.

Path, query string, form fields (pages, the admin, offline replays posted as forms) and
JSON bodies (the API) all go through :func:`ungcuu.core.text.clean_text`. A NUL is
refused with a Vietnamese 4xx that names the field, before any view or query runs: on
PostgreSQL it cannot be stored or even compared, and on SQLite it would be stored and
break the exports later. Cookies holding control characters are dropped.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

from ungcuu.core.text import NulCharacterError, clean_text

logger = logging.getLogger(__name__)
API_PREFIX = "/api/"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Passwords are compared as typed: a control character is refused as NUL is, but
# nothing in them is rewritten.
_VERBATIM = ("password", "csrfmiddlewaretoken")


class RefusedInput(Exception):
    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


class UnreadableBody(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


PATH = "đường dẫn"


def refusal_message(field: str) -> str:
    if field == PATH:
        return "Địa chỉ trang có ký tự không hợp lệ (NUL). Hãy kiểm tra lại đường dẫn."
    return (
        f"Ô “{field}” có ký tự không hợp lệ (NUL), thường do dán từ tệp khác. "
        "Hãy xóa nội dung ô đó, gõ lại rồi gửi lại."
    )


def _clean(value: str, field: str) -> str:
    if any(word in field for word in _VERBATIM):
        if "\x00" in value:
            raise RefusedInput(field)
        return value
    try:
        return clean_text(value)
    except NulCharacterError:
        raise RefusedInput(field) from None


def _clean_querydict(data: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True)
    for key, values in data.lists():
        name = _clean(key, key.replace("\x00", "?"))
        cleaned.setlist(name, [_clean(value, name) for value in values])
    cleaned._mutable = False
    return cleaned


def _clean_json(value, path: str):
    if isinstance(value, str):
        return _clean(value, path or "body")
    if isinstance(value, list):
        return [
            _clean_json(item, f"{path}.{index}" if path else str(index))
            for index, item in enumerate(value)
        ]
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            name = _clean(key, key.replace("\x00", "?"))
            result[name] = _clean_json(item, f"{path}.{name}" if path else name)
        return result
    return value


def _is_json(request: HttpRequest) -> bool:
    kind = request.content_type or ""
    return kind == "application/json" or kind.endswith("+json")


def clean_request(request: HttpRequest) -> None:
    """Clean the request's text in place; raise :class:`RefusedInput` on a NUL."""
    if "\x00" in request.path_info or "\x00" in request.path:
        raise RefusedInput(PATH)
    bad_cookies = [name for name, value in request.COOKIES.items() if "\x00" in name + value]
    for name in bad_cookies:
        del request.COOKIES[name]
    if request.GET:
        request.GET = _clean_querydict(request.GET)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if (request.content_type or "") in FORM_TYPES:
        try:
            posted = request.POST
        except RequestDataTooBig:
            raise UnreadableBody(413, "Dữ liệu gửi lên quá lớn.") from None
        except (MultiPartParserError, TooManyFieldsSent, TooManyFilesSent, SuspiciousOperation):
            raise UnreadableBody(400, "Dữ liệu gửi lên không đọc được.") from None
        if posted:
            request.POST = _clean_querydict(posted)
        return
    if _is_json(request):
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if not length or length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return  # empty, or too big: Django and the API refuse it themselves
        try:
            data = json.loads(request.body)
        except ValueError:
            return  # the API answers unparseable JSON itself
        cleaned = _clean_json(data, "")
        if cleaned != data:
            request._body = json.dumps(cleaned, ensure_ascii=False).encode()


def _refuse(
    request: HttpRequest, message: str, field: str | None, status: int = 400
) -> HttpResponse:
    # The API's error shape (ungcuu.api.errors.ErrorOut); a page gets the 400 page.
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {"detail": message, "field": field, "errors": {field: message} if field else {}},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "400.html", {"message": message}, status=status)


class InputBoundaryMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            clean_request(request)
        except RefusedInput as exc:
            return _refuse(request, refusal_message(exc.field), exc.field)
        except UnreadableBody as exc:
            return _refuse(request, exc.message, "body", exc.status)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        # Every number is bounded where it enters; a value the database still cannot
        # hold is a bug to fix there, but the person gets a 400, not an error page.
        if isinstance(exception, OverflowError | DataError):
            logger.warning("Unbounded input reached the database at %s", request.path)
            return _refuse(request, "Giá trị gửi lên quá lớn hoặc không hợp lệ.", None)
        return None
