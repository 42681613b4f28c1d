"""The API's one error answer, and the OpenAPI entries that announce it.

Every 4xx of ``/api/v1/`` is an :class:`ErrorOut`. The answers every operation of a
kind can give (401 for a protected one, 422 for one with input, 404 for one with an
id in its path, …) are added to the OpenAPI document by :func:`document_errors`, so a
new operation is described without anyone listing them; the answers only its own
code gives (a 409 for a replayed ``client_uuid``, a 403 for a role) are declared
beside it, ``response={…, (403, 409): ErrorOut}``.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.http import HttpResponseNotAllowed
from django.urls import URLPattern, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from pydantic import Field

ERROR_SCHEMA = "ErrorOut"
_REF = f"#/components/schemas/{ERROR_SCHEMA}"
_UNSAFE = {"post", "put", "patch", "delete"}

DESCRIPTIONS = {
    400: "Yêu cầu không hợp lệ (nội dung không đọc được, hoặc dịch vụ từ chối dữ liệu).",
    401: "Chưa đăng nhập hoặc mã truy cập (token) không hợp lệ.",
    403: "Không có quyền, hoặc thiếu mã bảo vệ CSRF khi dùng phiên đăng nhập.",
    404: "Không tìm thấy, hoặc nằm ngoài phạm vi của người gọi.",
    405: "Phương thức không dùng được ở địa chỉ này.",
    409: "Xung đột với dữ liệu đã có (ví dụ client_uuid gửi lại với nội dung khác).",
    413: "Dữ liệu gửi lên quá lớn.",
    422: "Dữ liệu chưa hợp lệ: `field` và `errors` chỉ ra trường sai.",
    429: "Quá nhiều yêu cầu, vui lòng thử lại sau.",
}


class ErrorOut(Schema):
    detail: str = Field(..., description="Lời báo lỗi bằng tiếng Việt")
    field: str | None = Field(
        ..., description="Trường sai đầu tiên, khi lỗi do dữ liệu gửi lên; nếu không thì null"
    )
    errors: dict[str, str] = Field(
        ..., description="Lời báo cho từng trường sai (rỗng khi lỗi không do một trường)"
    )
    id: int | None = Field(
        None, description="409 khi gửi lại client_uuid với nội dung khác: mã (id) bản ghi đã có"
    )


def error_body(detail: str, errors: dict[str, str] | None = None) -> dict[str, Any]:
    """The body of every error answer; ``field`` is the first field ``errors`` names."""
    errors = dict(errors or {})
    return {"detail": detail, "field": next(iter(errors), None), "errors": errors}


def _error_response(code: int) -> dict[str, Any]:
    return {
        "description": DESCRIPTIONS.get(code, "Lỗi"),
        "content": {"application/json": {"schema": {"$ref": _REF}}},
    }


def common_errors(method: str, operation: dict[str, Any]) -> set[int]:
    """The error answers any operation of this shape can give, whatever its own code does.

    401: it needs a caller; 429: a bearer token from an address that sent too many wrong
    ones. 403: a browser session on an unsafe method needs the CSRF token. 404: an id in
    its path, or an object a write names, may be nothing the caller sees (the write
    services check each one). 400: a body that cannot be read; 413: one too big. 422: any
    input that does not validate.
    """
    codes: set[int] = set()
    security = operation.get("security") or []
    parameters = operation.get("parameters") or []
    body = operation.get("requestBody")
    if security:
        codes.add(401)
        if any("BearerAuth" in scheme for scheme in security):
            codes.add(429)
        if method in _UNSAFE and any("SessionAuth" in scheme for scheme in security):
            codes.add(403)
    if method in _UNSAFE or any(p.get("in") == "path" for p in parameters):
        codes.add(404)
    # Any request may be refused as unreadable: a NUL in a parameter, even one the
    # operation does not declare, is answered by the input boundary with 400.
    codes.add(400)
    if body:
        codes.add(413)
    if parameters or body:
        codes.add(422)
    return codes


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the common error answers to every operation of an OpenAPI document, in place."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if ERROR_SCHEMA not in components:
        components[ERROR_SCHEMA] = ErrorOut.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = {
                int(code): answer for code, answer in operation.get("responses", {}).items()
            }
            for code in common_errors(method, operation):
                responses.setdefault(code, _error_response(code))
            for code, answer in responses.items():
                if 400 <= code < 500:
                    answer["description"] = DESCRIPTIONS.get(code, answer.get("description", ""))
            operation["responses"] = dict(sorted(responses.items()))
    return schema


class UngCuuAPI(NinjaAPI):
    """A NinjaAPI whose document lists every operation's error answers, and whose
    405 for a method a path does not take is an :class:`ErrorOut` like every other."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_errors(schema)

    def _get_urls(self):
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = self._json_not_allowed(pattern.callback)
        # Last: a path under /api/v1/ that names no operation is a 404 in the same shape,
        # not the site's HTML page.
        urls.append(re_path(r"", csrf_exempt(self._unknown_path)))
        return urls

    def _unknown_path(self, request, *args, **kwargs):
        return self.create_response(
            request, error_body("Không có địa chỉ này trong API."), status=404
        )

    def _json_not_allowed(self, view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if not isinstance(response, HttpResponseNotAllowed):
                return response
            refusal = self.create_response(
                request,
                error_body(f"Địa chỉ này không nhận phương thức {request.method}."),
                status=405,
            )
            refusal["Allow"] = response["Allow"]
            return refusal

        return wrapper
