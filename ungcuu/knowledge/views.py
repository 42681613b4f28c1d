"""Pages: the guides by topic with a search box, one guide, its print view."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ungcuu.knowledge.selectors import guide_get, guides_by_category, guides_search

MAX_QUERY = 200


@login_required
@require_GET
def guide_list(request):
    query = request.GET.get("q", "")[:MAX_QUERY].strip()
    context = {"query": query}
    if query:
        context["results"] = list(guides_search(query)[:30])
    else:
        context["groups"] = guides_by_category()
    if request.htmx:
        return render(request, "knowledge/_results.html", context)
    return render(request, "knowledge/list.html", context)


@login_required
@require_GET
def guide_detail(request, slug: str):
    guide = guide_get(slug)
    return render(
        request,
        "knowledge/detail.html",
        {
            "guide": guide,
            "steps": list(guide.steps.all()),
            "types": list(guide.incident_types.all()),
        },
    )


@login_required
@require_GET
def guide_print(request, slug: str):
    guide = guide_get(slug)
    return render(
        request, "knowledge/print.html", {"guide": guide, "steps": list(guide.steps.all())}
    )
