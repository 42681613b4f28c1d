"""The installable app: manifest, service worker and the page shown when nothing is cached."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from ungcuu import __version__
from ungcuu.core.middleware import SESSION_ENDS_HEADER

THEME_COLOUR = "#b3261e"  # --brand in app.css
SHELL_FILES = (
    "ungcuu/app.css",
    "ungcuu/app.js",
    "ungcuu/vendor/htmx.min.js",
    "ungcuu/icon.svg",
    "ungcuu/icon-192.png",
    "ungcuu/icon-512.png",
    "continuity/offline.js",
    "continuity/offline.css",
)
# Forms that must open with no connection: cached as soon as a signed-in page loads.
OFFLINE_FORMS = (
    ("incidents:report", _("Báo sự cố")),
    ("continuity:intake", _("Tiếp nhận hồ sơ giấy")),
)
# Never kept in the page cache: other people's data, one-off answers, the app itself.
NEVER_CACHED = (
    "admin:index",
    "login",
    "logout",
    "two_step",  # the second step's pages show the app's key and the backup codes
    "set_language",
    "healthz",
    "pwa_sw",
    "pwa_manifest",
)


def _reverse_all(names) -> list[str]:
    urls = []
    for name in names:
        try:
            urls.append(reverse(name))
        except NoReverseMatch:  # an app not installed in this build
            continue
    return urls


def _offline_forms() -> list[tuple[str, str]]:
    forms = []
    for name, label in OFFLINE_FORMS:
        urls = _reverse_all([name])
        if urls:
            forms.append((urls[0], label))
    return forms


@lru_cache(maxsize=1)
def shell_version() -> str:
    """Changes whenever the worker or a shell file changes, so clients drop old caches."""
    digest = hashlib.sha256(__version__.encode())
    digest.update(get_template("pwa/sw.js").template.source.encode())
    for name in SHELL_FILES:
        path = finders.find(name)
        if path:
            with open(path, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]


def worker_config() -> dict:
    offline_url = reverse("pwa_offline")
    return {
        "version": shell_version(),
        "static_url": settings.STATIC_URL,
        "shell": [static(name) for name in SHELL_FILES] + [offline_url],
        "shell_static": [static(name) for name in SHELL_FILES],
        "offline_url": offline_url,
        "slow_form_ms": 6000,
        "warm": _reverse_all(name for name, _label in OFFLINE_FORMS),
        "never": _reverse_all(NEVER_CACHED) + ["/api/"],
        "forget": _reverse_all(("login", "logout")),
        "signin": _reverse_all(("login",)),
        # Sent with each signed-in page: the seconds its session has left.
        "session_header": SESSION_ENDS_HEADER,
    }


@require_safe
def service_worker(request):
    """The worker at the root, so its scope covers every page."""
    body = get_template("pwa/sw.js").render({"config": json.dumps(worker_config())})
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    # Browsers re-check the worker at most daily anyway; never let a proxy pin an old one.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
@cache_control(max_age=3600)
def manifest(request):
    data = {
        "name": "Ứng Cứu",
        "short_name": "Ứng Cứu",
        "description": "Báo và xử lý sự cố tại Trung tâm Phục vụ hành chính công",
        "lang": "vi",
        "dir": "ltr",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": [
            {
                "src": static(f"ungcuu/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in (192, 512)
        ]
        + [{"src": static("ungcuu/icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    return JsonResponse(
        data,
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@never_cache
@require_safe
def offline(request):
    """Shown by the worker for a page that was never opened online; the same for everyone."""
    return render(
        request,
        "pwa/offline.html",
        {"theme_colour": THEME_COLOUR, "forms": _offline_forms()},
    )
