"""The REST API under /api/v1/: thin endpoints over the same services the pages use."""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from ungcuu.api.errors import UngCuuAPI, error_body
from ungcuu.api.security import docs_need_login, token_failed, token_guard
from ungcuu.core.errors import ServiceError
from ungcuu.org.models import ApiToken
from ungcuu.org.selectors import token_holder


class BearerAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a per-user token (see ``ungcuu token``).

    An address that sent too many wrong tokens gets 429 for a while (api/security.py).
    """

    def authenticate(self, request: HttpRequest, token: str):
        token_guard(request)
        found = token_holder(ApiToken.digest_of(token))
        if found is None:
            token_failed(request)
            return None
        if not found.user.is_active:
            token_failed(request)
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > timedelta(hours=1):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class SessionAuth(APIKeyCookie):
    """The browser's login session; unsafe methods need the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # No session cookie: not a browser call, so a failed token answers 401, not a
        # CSRF refusal.
        if self.param_name not in request.COOKIES:
            return None
        try:
            return super()._get_key(request)
        except HttpError as exc:
            raise HttpError(
                403, "Thiếu hoặc sai mã bảo vệ CSRF: tải lại trang rồi thử lại."
            ) from exc

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


api = UngCuuAPI(
    title="UngCuu API",
    version="1",
    description="Báo sự cố, theo dõi diễn biến và danh mục sự cố của Trung tâm Phục vụ hành "
    "chính công. Xác thực: phiên đăng nhập hoặc `Authorization: Bearer <mã>`.",
    auth=[BearerAuth(), SessionAuth()],
    urls_namespace="api",
    # The paths stay (/api/v1/docs, /api/v1/openapi.json); reading them needs a login.
    docs_decorator=docs_need_login,
)


_PYDANTIC_MESSAGES = {
    "missing": "Thiếu thông tin bắt buộc.",
    "uuid_parsing": "Mã UUID không hợp lệ.",
    "uuid_type": "Mã UUID không hợp lệ.",
    "datetime_parsing": "Thời điểm không hợp lệ (dùng dạng 2026-11-23T08:15:00+07:00).",
    "datetime_from_date_parsing": "Thời điểm không hợp lệ (dùng dạng 2026-11-23T08:15:00+07:00).",
    "datetime_type": "Thời điểm không hợp lệ.",
    "int_parsing": "Vui lòng nhập một số nguyên.",
    "int_type": "Vui lòng nhập một số nguyên.",
    "int_from_float": "Vui lòng nhập một số nguyên.",
    "greater_than_equal": "Giá trị quá nhỏ.",
    "less_than_equal": "Giá trị quá lớn.",
    "string_too_long": "Nội dung quá dài.",
    "string_type": "Vui lòng nhập chữ.",
    "literal_error": "Giá trị không nằm trong danh sách cho phép.",
    "enum": "Giá trị không nằm trong danh sách cho phép.",
    "json_invalid": "Dữ liệu gửi lên không phải JSON hợp lệ.",
    "model_attributes_type": "Dữ liệu gửi lên không hợp lệ.",
    "dict_type": "Dữ liệu gửi lên không hợp lệ.",
    "list_type": "Cần một danh sách.",
}


# The members of a union (``int | str``) and validator wrappers in pydantic's error
# locations: not part of the field's name as the client sent it.
_TYPE_TAG = re.compile(
    r"(int|str|bool|float|none|uuid|datetime|date|[a-z-]+\[.*\]|"
    r"constrained-\w+|function-\w+|lax-or-strict|json-or-python|is-instance)"
)


def _field_name(loc) -> str:
    parts: list[str] = []
    for part in loc:
        if part in ("body", "payload", "query", "path", "file"):
            continue
        if parts and isinstance(part, str) and _TYPE_TAG.fullmatch(part):
            continue  # a tag after the field's name, never the name itself
        parts.append(str(part))
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    errors = {}
    for error in exc.errors:
        field = _field_name(error.get("loc", ()))
        errors.setdefault(field, _PYDANTIC_MESSAGES.get(error.get("type"), "Giá trị không hợp lệ."))
    return api.create_response(request, error_body("Dữ liệu chưa hợp lệ.", errors), status=422)


@api.exception_handler(ServiceError)
def on_service_error(request, exc: ServiceError):
    body = {**error_body(exc.message, exc.fields), **exc.extra}
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, error_body("Không tìm thấy."), status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(
        request,
        error_body("Chưa đăng nhập hoặc mã truy cập (token) không hợp lệ."),
        status=401,
    )


# ninja's own refusals are in English; the caller reads Vietnamese.
_NINJA_MESSAGES = {
    403: "Bạn không có quyền thực hiện thao tác này.",
    429: "Quá nhiều yêu cầu, vui lòng thử lại sau.",
}


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    message = str(exc)
    if message.startswith("Cannot parse request body"):
        return api.create_response(
            request,
            error_body(_PYDANTIC_MESSAGES["json_invalid"], {"body": "JSON không hợp lệ."}),
            status=400,
        )
    if message.isascii():
        message = _NINJA_MESSAGES.get(exc.status_code, "Yêu cầu không hợp lệ.")
    return api.create_response(request, error_body(message), status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    return api.create_response(request, error_body("Dữ liệu gửi lên quá lớn."), status=413)


@api.exception_handler(MultiPartParserError)
@api.exception_handler(SuspiciousOperation)
@api.exception_handler(BadRequest)
def on_bad_request(request, exc):
    # Django would answer these with its HTML 400 page.
    body = error_body("Dữ liệu gửi lên không đọc được.", {"body": "Không đọc được."})
    return api.create_response(request, body, status=400)


from ungcuu.api import routes  # noqa: E402,F401  (registers the routers)
