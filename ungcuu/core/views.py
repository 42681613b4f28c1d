from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from ungcuu import __version__
from ungcuu.core import site
from ungcuu.org.models import Role


@never_cache
@require_safe
def healthz(request):
    """200 when the app and its database answer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # the database is down: say so, don't crash
        return JsonResponse({"status": "error", "database": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor, "version": __version__})


def may_set_address(user) -> bool:
    """The installation's public address is the system administrator's."""
    return bool(user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN))


@login_required
def site_address(request):
    """The public address every link and QR code uses, chosen by an administrator."""
    if not may_set_address(request.user):
        raise Http404
    error = ""
    if request.method == "POST" and not site.base_url_fixed():
        try:
            chosen = site.base_url_set(
                url=request.POST.get("base_url", "")[:300], by=request.user.username
            )
        except site.BadAddress as exc:
            error = str(exc)
        else:
            messages.success(request, _("Đã lưu địa chỉ công khai: %(url)s") % {"url": chosen})
            return redirect("site_address")
    lan = site.lan_address()
    port = request.get_port()
    suggestions = []
    if lan:
        suggestions.append(f"http://{lan}:{port}")
    here = request.build_absolute_uri("/").rstrip("/")
    if not site.is_loopback(here) and here not in suggestions:
        suggestions.append(here)
    return render(
        request,
        "core/site_address.html",
        {
            "state": site.address_state(),
            "fixed": site.base_url_fixed(),
            "stored": site.stored(),
            "typed": request.POST.get("base_url", "")[:300] if error else "",
            "error": error,
            "suggestions": [s for s in suggestions if s != site.base_url()],
        },
        status=400 if error else 200,
    )


_FAVICON = Path(__file__).resolve().parent / "static" / "ungcuu" / "favicon.ico"


@require_safe
@cache_control(max_age=7 * 24 * 3600, public=True)
def favicon(request):
    """/favicon.ico, which browsers ask for on every page, even those without a <link>."""
    return HttpResponse(_FAVICON.read_bytes(), content_type="image/x-icon")
