"""Whole numbers typed by people or sent by offline forms: checked, never coerced."""

from __future__ import annotations

from ungcuu.core.errors import ServiceError


def whole_number(value, *, field: str, low: int, high: int, label: str) -> int:
    """``value`` as an int within [low, high]; "5", 5 and 5.0 pass, True, "5,5", "٥" and
    anything out of range are refused with the field named."""
    number = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.lstrip("-").isdecimal():
            if len(text) > 18:
                raise ServiceError(f"{label} phải từ {low} đến {high}.", field=field)
            number = int(text)
    if number is None:
        raise ServiceError(f"{label} phải là một số nguyên.", field=field)
    if not low <= number <= high:
        raise ServiceError(f"{label} phải từ {low} đến {high}.", field=field)
    return number


class IdConverter:
    """``<id:…>`` in a URL: a database id, at most 18 digits, so a longer one is a 404
    instead of an integer the database cannot hold."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


def parse_id(value) -> int | None:
    """A database id from a form field, or None for anything that cannot be one."""
    text = str(value if value is not None else "").strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdecimal()) or len(text) > 18:
        return None
    return int(text) or None
