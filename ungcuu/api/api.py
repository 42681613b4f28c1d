"""The REST API under /api/v1/: thin endpoints over the same services the pages use."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from ungcuu.core.errors import ServiceError
from ungcuu.org.models import ApiToken


class BearerAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a per-user token (see ``ungcuu token``)."""

    def authenticate(self, request: HttpRequest, token: str):
        try:
            found = ApiToken.objects.select_related("user__center").get(
                digest=ApiToken.digest_of(token)
            )
        except ApiToken.DoesNotExist:
            return None
        if not found.user.is_active:
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


api = NinjaAPI(
    title="UngCuu API",
    version="1",
    description="Báo sự cố, theo dõi diễn biến và danh mục sự cố của Trung tâm Phục vụ hành "
    "chính công. Xác thực: phiên đăng nhập hoặc `Authorization: Bearer <mã>`.",
    auth=[BearerAuth(), SessionAuth()],
    urls_namespace="api",
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


def _field_name(loc) -> str:
    parts = [str(part) for part in loc if part not in ("body", "payload", "query", "path", "file")]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    errors = {}
    for error in exc.errors:
        field = _field_name(error.get("loc", ()))
        errors.setdefault(field, _PYDANTIC_MESSAGES.get(error.get("type"), "Giá trị không hợp lệ."))
    return api.create_response(
        request, {"detail": "Dữ liệu chưa hợp lệ.", "errors": errors}, status=422
    )


@api.exception_handler(ServiceError)
def on_service_error(request, exc: ServiceError):
    return api.create_response(
        request, {"detail": exc.message, "errors": exc.fields}, status=exc.status
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": "Không tìm thấy."}, status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(
        request,
        {"detail": "Chưa đăng nhập hoặc mã truy cập (token) không hợp lệ."},
        status=401,
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    message = str(exc)
    if message.startswith("Cannot parse request body"):
        return api.create_response(
            request,
            {
                "detail": _PYDANTIC_MESSAGES["json_invalid"],
                "errors": {"body": "JSON không hợp lệ."},
            },
            status=400,
        )
    return api.create_response(request, {"detail": message}, status=exc.status_code)


from ungcuu.api import routes  # noqa: E402,F401  (registers the routers)
