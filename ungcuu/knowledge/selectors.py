"""Reading guides. Guides are shared by every center: any signed-in person reads them."""

from __future__ import annotations

import re

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404

from ungcuu.core.text import fold
from ungcuu.knowledge.models import Category, Guide, GuideNote
from ungcuu.org.models import User
from ungcuu.org.scope import center_q

MAX_TERMS = 8
_WORD = re.compile(r"\w+")


def search_terms(query: str | None) -> list[str]:
    """The folded words of a query: "Người CAO tuổi" → ["nguoi", "cao", "tuoi"]."""
    return _WORD.findall(fold(query))[:MAX_TERMS]


def guides_search(query: str | None) -> QuerySet[Guide]:
    """Published guides holding every word of the query, with or without diacritics;
    guides whose title holds the words come first."""
    return guides_matching(query).filter(is_published=True)


def guides_matching(query: str | None) -> QuerySet[Guide]:
    """Every guide (published or not) matching the query, best first."""
    terms = search_terms(query)
    if not terms:
        return Guide.objects.none()
    matches = Q()
    title_hits = []
    for term in terms:
        word = f" {term}"  # the start of a word (see services.searchable)
        matches &= Q(search_title__contains=word) | Q(search_body__contains=word)
        title_hits.append(Case(When(search_title__contains=word, then=Value(1)), default=Value(0)))
    phrase = "".join(f" {term}" for term in terms)
    rank = sum(title_hits[1:], title_hits[0]) + Case(
        When(search_title__contains=phrase, then=Value(len(terms))),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        Guide.objects.filter(matches)
        .annotate(rank=Coalesce(rank, Value(0)))
        .order_by("-rank", "position", "title")
    )


def guides_by_category() -> list[tuple[str, str, list[Guide]]]:
    """Every published guide, grouped by category in the categories' order."""
    grouped: dict[str, list[Guide]] = {value: [] for value in Category.values}
    for guide in Guide.objects.published().order_by("position", "title"):
        grouped.setdefault(guide.category, []).append(guide)
    return [
        (value, Category(value).label, grouped[value])
        for value in Category.values
        if grouped[value]
    ]


def guide_get(slug: str) -> Guide:
    guide = (
        Guide.objects.published()
        .filter(slug=slug)
        .prefetch_related("steps", "incident_types")
        .first()
    )
    if guide is None:
        raise Http404
    return guide


def guides_for_type(incident_type_id: int | None) -> QuerySet[Guide]:
    if not incident_type_id:
        return Guide.objects.none()
    return Guide.objects.published().filter(incident_types__id=incident_type_id)


def guide_notes(user: User, guide: Guide) -> QuerySet[GuideNote]:
    """The centers' notes on a guide that the user may read: their own center's,
    a province's centers' for the province, all for an admin."""
    return (
        GuideNote.objects.filter(center_q(user), guide=guide)
        .select_related("center", "updated_by")
        .order_by("center__ward_name")
    )
