"""Vietnamese text handling: NFC input, diacritic-free folding, alphabetical order."""

from __future__ import annotations

import unicodedata

_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_BASE_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng


def nfc(value: str | None) -> str:
    """Normalise to NFC and trim: NFD input from some keyboards otherwise never matches."""
    return unicodedata.normalize("NFC", value or "").strip()


def fold(value: str | None) -> str:
    """Lower-case text without diacritics: "Đồng Phúc" → "dong phuc"."""
    decomposed = unicodedata.normalize("NFD", value or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("đ", "d").replace("Đ", "D").casefold()


def _letter_key(ch: str) -> tuple[int, int]:
    parts = unicodedata.normalize("NFD", ch.lower())
    tone = next((_TONES[m] for m in parts if m in _TONES), 0)
    base = unicodedata.normalize("NFC", "".join(m for m in parts if m not in _TONES))
    if base in _BASE_RANK:
        return (_BASE_RANK[base], tone)
    if base.isspace():
        return (-1000, 0)  # "An Bình" before "Anh Đào": the shorter word first
    if base.isdigit():
        return (-100 + int(base), 0)
    return (len(_ALPHABET) + ord(base[:1] or " "), tone)


def sort_key(value: str | None) -> tuple:
    """Vietnamese alphabetical order (a ă â b … đ …), then tones."""
    text = nfc(value)
    letters = [_letter_key(ch) for ch in text]
    return (tuple(rank for rank, _ in letters), tuple(tone for _, tone in letters))


def person_sort_key(full_name: str | None) -> tuple:
    """People are listed by given name (the last word), then the whole name."""
    words = nfc(full_name).split()
    return (sort_key(words[-1] if words else ""), sort_key(" ".join(words)))
