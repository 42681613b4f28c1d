from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ungcuu.core.errors import ServiceError
from ungcuu.org.selectors import contacts_for, duty_roster, response_team, unlock_contacts
from ungcuu.org.services import duty_set, may_plan_duty


class LoginView(auth_views.LoginView):
    template_name = "org/login.html"
    redirect_authenticated_user = True


def locked_out(request, response=None, credentials=None, *args, **kwargs):
    """Shown by django-axes after repeated failed logins: who can unlock the account."""
    return render(
        request,
        "org/locked_out.html",
        {"contacts": unlock_contacts(), "username": (credentials or {}).get("username", "")},
        status=429,
    )


DUTY_DAYS = 10


def _working_days(start: date, count: int) -> list[date]:
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


@login_required
def duty(request):
    """The duty roster of the user's center: who of the Response Team is on duty."""
    center = request.user.center
    if center is None:
        raise Http404
    days = _working_days(timezone.localdate(), DUTY_DAYS)
    team = list(response_team(center))
    may_edit = may_plan_duty(request.user, center)
    if request.method == "POST" and may_edit:
        by_username = {person.username: person for person in team}
        try:
            for day in days:
                chosen = request.POST.getlist(f"d-{day.isoformat()}")
                duty_set(
                    actor=request.user,
                    center=center,
                    day=day,
                    people=[by_username[u] for u in chosen if u in by_username],
                )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã lưu lịch trực."))
            return redirect("duty")
    roster = duty_roster(center, days)
    rows = [{"day": day, "people": roster[day], "ids": {p.pk for p in roster[day]}} for day in days]
    return render(
        request,
        "org/duty.html",
        {"rows": rows, "team": team, "may_edit": may_edit, "center": center},
    )


@login_required
def contacts(request):
    """Phone, Zalo and email of the outside units the user's center calls."""
    center = request.user.center
    if center is None:
        raise Http404
    return render(
        request, "org/contacts.html", {"contacts": contacts_for(center), "center": center}
    )
