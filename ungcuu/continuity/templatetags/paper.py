"""Filters for official paper layouts (Decree 30/2020 header, place names)."""

from __future__ import annotations

from django import template

register = template.Library()

UNIT_WORDS = ("Đặc khu ", "Phường ", "Xã ")


@register.filter
def place(center) -> str:
    """ "Xã Bạch Ngọc" → "Bạch Ngọc", for the place-and-date line."""
    name = center.ward_name
    for word in UNIT_WORDS:
        if name.startswith(word):
            return name[len(word) :]
    return name


@register.filter
def parent_body(center) -> str:
    """The issuing body's parent, upper case: "UBND XÃ BẠCH NGỌC"."""
    return f"UBND {center.ward_name.upper()}"
