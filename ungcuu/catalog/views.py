"""The center's plan, for the staff to read, train on and print (R24)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ungcuu.catalog.plan import plan_for
from ungcuu.catalog.selectors import plan_center, plan_centers


@login_required
@require_GET
def plan(request):
    center = plan_center(request.user, request.GET.get("center"))
    centers = list(plan_centers(request.user)) if not request.user.center_id else []
    return render(
        request,
        "catalog/plan.html",
        {"plan": plan_for(center), "center": center, "centers": centers},
    )
