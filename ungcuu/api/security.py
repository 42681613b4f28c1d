"""Guards of the API besides who is calling: the wrong-token throttle and the docs' login."""

from __future__ import annotations

import time
from functools import wraps

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from ninja.errors import HttpError
from ninja.openapi.views import openapi_json

from ungcuu.api.errors import error_body

_KEY = "ungcuu:wrong-token:{}"


class TokenThrottled(HttpError):
    def __init__(self):
        minutes = max(settings.TOKEN_BLOCK_SECONDS // 60, 1)
        super().__init__(
            429,
            f"Quá nhiều mã truy cập (token) sai từ địa chỉ này: thử lại sau {minutes} phút.",
        )


def _key(request: HttpRequest) -> str:
    # The address the login lockout counts by, so both agree behind a proxy.
    return _KEY.format(get_client_ip_address(request) or "unknown")


# Addresses this process found below the limit, until when (monotonic seconds): every
# API call checks the guard, and most come from addresses that never sent a wrong token.
# A wrong token from an address drops its mark here, so its next call reads the shared
# count again: a process lets through at most one call more once the limit is reached
# elsewhere.
_CLEAN_SECONDS = 1.0
_CLEAN_MAX = 4096
_clean: dict[str, float] = {}


def token_guard(request: HttpRequest) -> None:
    """Refuse (429) an address that sent too many wrong tokens, before looking this one up."""
    key = _key(request)
    now = time.monotonic()
    if _clean.get(key, 0.0) > now:
        return
    if (cache.get(key) or 0) >= settings.TOKEN_FAILURES:
        raise TokenThrottled
    if len(_clean) >= _CLEAN_MAX:
        _clean.clear()
    _clean[key] = now + _CLEAN_SECONDS


def token_failed(request: HttpRequest) -> None:
    """Count a wrong token; the count lives as long as the window after the latest one.

    Read and write rather than an atomic increment: the file cache has none, and a few
    lost counts between worker processes only let an attacker a few tries more.
    """
    key = _key(request)
    _clean.pop(key, None)
    cache.set(key, (cache.get(key) or 0) + 1, timeout=settings.TOKEN_BLOCK_SECONDS)


def docs_need_login(view):
    """For ninja's docs page and OpenAPI document: a signed-in person or a valid token.

    Anonymous, the document answers 401 in the API's error shape and the page sends to
    the login page, which comes back to it.
    """
    is_document = getattr(view, "func", None) is openapi_json

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs):
        from ungcuu.api.api import BearerAuth

        user = getattr(request, "user", None)
        if not (user is not None and user.is_authenticated and user.is_active):
            try:
                user = BearerAuth()(request)
            except TokenThrottled as exc:
                body = error_body(exc.message)
                return JsonResponse(
                    body, status=exc.status_code, json_dumps_params={"ensure_ascii": False}
                )
        if user:
            return view(request, *args, **kwargs)
        if is_document:
            body = error_body("Chưa đăng nhập hoặc mã truy cập (token) không hợp lệ.")
            return JsonResponse(body, status=401, json_dumps_params={"ensure_ascii": False})
        return redirect_to_login(request.get_full_path())

    return guarded
