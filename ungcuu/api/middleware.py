"""A call to the REST API with a token takes a shorter way through the middleware.

The phones' queued reports, the probes' and the province's tools call the API with
``Authorization: Bearer`` and no session cookie. For them the middleware that serves a
browser's session (the session itself, its user and second step, the CSRF check, the
flash messages, the login lockout, htmx, the static files, the audit of who changed the
configuration, which no API route changes) does nothing for them and was about a
quarter of a small call's cost. They go through the rest: the input boundary, the
node's read-only rule, the locale and the security headers every answer carries.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.utils.module_loading import import_string

API_PREFIX = "/api/v1/"
# The hub's sync endpoints carry a node's token and change records of every kind, the
# audited configuration among them: they keep the whole stack.
SYNC_PREFIX = "/api/v1/sync/"

# What only a browser's session needs.
BROWSER_ONLY = frozenset(
    {
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django_otp.middleware.OTPMiddleware",
        "ungcuu.org.middleware.TwoStepMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django_htmx.middleware.HtmxMiddleware",
        "axes.middleware.AxesMiddleware",
        "auditlog.middleware.AuditlogMiddleware",
    }
)


def is_token_call(request) -> bool:
    """An API call that carries a bearer token and no session cookie."""
    path = request.path_info
    if not path.startswith(API_PREFIX) or path.startswith(SYNC_PREFIX):
        return False
    scheme = request.META.get("HTTP_AUTHORIZATION", "").split(" ", 1)[0]
    return scheme.lower() == "bearer" and settings.SESSION_COOKIE_NAME not in request.COOKIES


def token_call_middleware() -> list[str]:
    """The middleware a token call goes through, in the order of ``MIDDLEWARE``."""
    own = f"{__name__}.TokenCallMiddleware"
    return [path for path in settings.MIDDLEWARE if path not in BROWSER_ONLY and path != own]


class _TokenCallHandler(BaseHandler):
    """Django's request handling (view middleware, exceptions, the view) under the
    shorter list. The outer handler sets the URL configuration and logs the answer."""

    def __init__(self) -> None:
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(token_call_middleware()):
            try:
                middleware = import_string(path)(handler)
            except MiddlewareNotUsed:
                continue
            if hasattr(middleware, "process_view"):
                self._view_middleware.insert(0, middleware.process_view)
            if hasattr(middleware, "process_template_response"):
                self._template_response_middleware.append(middleware.process_template_response)
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self._middleware_chain = handler


class TokenCallMiddleware:
    """First in ``MIDDLEWARE``: a token call goes down the shorter chain, every other
    request down the whole one."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.token_calls = _TokenCallHandler()

    def __call__(self, request):
        if is_token_call(request):
            request.user = AnonymousUser()  # until the token names its holder
            return self.token_calls._middleware_chain(request)
        return self.get_response(request)
