from __future__ import annotations

import unicodedata
from datetime import timedelta

from django import template
from django.conf import settings
from django.utils.translation import get_language_info

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    """A span of time in plain words: "1 giờ 25 phút"."""
    if value is None:
        return ""
    minutes = max(0, round(value.total_seconds() / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} ngày")
    if hours:
        parts.append(f"{hours} giờ")
    if mins or not parts:
        parts.append(f"{mins} phút")
    return " ".join(parts)


@register.simple_tag
def languages_local() -> list[tuple[str, str]]:
    """Each available language named in its own words ("English", "Tiếng Việt"), so
    someone who reads only that language finds it. NFC, like all the app's text
    (Django's own table writes Vietnamese with combining marks)."""
    return [
        (code, unicodedata.normalize("NFC", get_language_info(code)["name_local"]))
        for code, _name in settings.LANGUAGES
    ]
