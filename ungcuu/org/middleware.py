"""Until the second step is passed, a person who needs it reaches only the sign-in pages."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from ungcuu.org.two_step import two_step_needed

# Pages open before the second step: the step itself, leaving, and what every page loads.
OPEN_URL_NAMES = frozenset(
    {
        "two_step",
        "two_step_enrol",
        "logout",
        "login",
        "set_language",
        "healthz",
        "pwa_sw",
        "pwa_manifest",
        "pwa_offline",
        "admin:logout",
    }
)


class TwoStepMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name in OPEN_URL_NAMES:
            return None
        if not two_step_needed(request):
            return None
        if "api" in match.namespaces:
            if request.headers.get("Authorization"):
                # A bearer token speaks for itself; the half-signed-in session must not.
                request.user = AnonymousUser()
                return None
            return JsonResponse(
                {"detail": "Cần hoàn tất đăng nhập hai bước (nhập mã 6 số) trước khi dùng API."},
                status=401,
            )
        target = f"{reverse('two_step')}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
