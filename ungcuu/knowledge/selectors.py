"""Reading guides. Guides are shared by every center: any signed-in person reads them."""

from __future__ import annotations

import re

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404

from ungcuu.core.text import fold
from ungcuu.knowledge.models import Category, Guide, GuideMedia, GuideNote
from ungcuu.org.models import User
from ungcuu.org.scope import center_q

MAX_TERMS = 8
_WORD = re.compile(r"\w+")


def search_terms(query: str | None) -> list[str]:
    """The folded words of a query: "Người CAO tuổi" → ["nguoi", "cao", "tuoi"]."""
    return _WORD.findall(fold(query))[:MAX_TERMS]


def guides_search(query: str | None) -> QuerySet[Guide]:
    """Published guides holding every word of the query, with or without diacritics,
    best first (see :func:`guides_matching`)."""
    return guides_matching(query).filter(is_published=True)


# How much a word found in each place counts: the title and the guide's topic words
# ("từ khóa") say what a guide is about; the body mentions many things in passing.
TITLE_WEIGHT = 4
BODY_WEIGHT = 1


def _word(field: str, term: str) -> Q:
    """The whole word in a folded column (" nguoi cao tuoi"): "gia" is not "giay"."""
    return Q(**{f"{field}__contains": f" {term} "}) | Q(**{f"{field}__endswith": f" {term}"})


def _start(field: str, term: str) -> Q:
    return Q(**{f"{field}__contains": f" {term}"})


def guides_matching(query: str | None) -> QuerySet[Guide]:
    """Every guide (published or not) holding every word of the query, best first.

    Each word must be found whole, in the title and topic words or in the body; the
    words found together count as one more word, a word in the title more than in the body.
    When no guide holds every word whole, the last one is taken as the start of a word
    (someone still typing "mat kha"). Plain LIKE on folded columns: the same on SQLite
    and PostgreSQL."""
    terms = search_terms(query)
    if not terms:
        return Guide.objects.none()
    found = _ranked(terms, prefix_last=False)
    if not found.exists():
        found = _ranked(terms, prefix_last=True)
    return found


def _ranked(terms: list[str], *, prefix_last: bool) -> QuerySet[Guide]:
    matches = Q()
    score = []
    for index, term in enumerate(terms):
        match = _start if prefix_last and index == len(terms) - 1 else _word
        in_title, in_body = match("search_title", term), match("search_body", term)
        matches &= in_title | in_body
        score.append(
            Case(
                When(in_title, then=Value(TITLE_WEIGHT)),
                When(in_body, then=Value(BODY_WEIGHT)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    if len(terms) > 1:
        phrase = " ".join(terms)
        score += [
            Case(
                When(match_phrase, then=Value(weight)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for match_phrase, weight in (
                (_word("search_title", phrase), TITLE_WEIGHT),
                (_word("search_body", phrase), BODY_WEIGHT),
            )
        ]
    rank = sum(score[1:], score[0])
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


def guide_media(user: User, guide: Guide) -> QuerySet[GuideMedia]:
    """The illustrations on a guide the user may see: like notes, their own center's, a
    province's centers' for the province, all for an admin."""
    return (
        GuideMedia.objects.filter(center_q(user), guide=guide)
        .select_related("center")
        .order_by("center__ward_name", "created_at", "pk")
    )


def guide_media_get(user: User, guide: Guide, media_uuid) -> GuideMedia:
    found = guide_media(user, guide).filter(uuid=media_uuid).first()
    if found is None:
        raise Http404
    return found
