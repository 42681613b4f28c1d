from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.http import urlencode

from ungcuu.core.audit import selectors

PAGE_SIZE = 50


@login_required
def log(request):
    """The configuration changes the user may read, newest first."""
    user = request.user
    if not selectors.may_read_audit(user):
        raise Http404
    centers = {c.code: c for c in selectors.audit_centers_for(user)}
    kinds = selectors.audit_kinds()
    # Only values offered in the lists are used; anything else means "all".
    center = centers.get(request.GET.get("center", ""))
    kind = request.GET.get("kind", "")
    kind = kind if kind in dict(kinds) else ""
    entries = selectors.filter_entries(selectors.audit_entries_for(user), center=center, kind=kind)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "entry": entry,
            "label": selectors.entry_label(entry),
            "actor": selectors.entry_actor(entry),
            "action": selectors.entry_action(entry),
            "changes": selectors.entry_changes(entry),
        }
        for entry in page
    ]
    query = urlencode({k: v for k, v in (("center", center and center.code), ("kind", kind)) if v})
    return render(
        request,
        "audit/log.html",
        {
            "page": page,
            "rows": rows,
            "centers": centers.values(),
            "kinds": kinds,
            "center": center,
            "kind": kind,
            "query": query,
        },
    )
