from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.shortcuts import render

from ungcuu.org.selectors import unlock_contacts


class LoginView(auth_views.LoginView):
    template_name = "org/login.html"
    redirect_authenticated_user = True


def locked_out(request, credentials=None, *args, **kwargs):
    """Shown by django-axes after repeated failed logins: who can unlock the account."""
    return render(
        request,
        "org/locked_out.html",
        {"contacts": unlock_contacts(), "username": (credentials or {}).get("username", "")},
        status=429,
    )
