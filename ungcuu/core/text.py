"""Vietnamese text handling: the one cleaning of text that enters, diacritic-free folding,
alphabetical order, and text made safe for the document formats."""

from __future__ import annotations

import re
import unicodedata

_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_BASE_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng


# C0 controls but tab and newline, DEL, C1 controls, lone surrogates (a JSON "\\ud800"
# cannot be stored) and the two non-characters XML refuses. Word puts a vertical tab
# (\x0b) in for Shift+Enter; pasted from there it would break every XLSX and DOCX.
_UNWANTED = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# What XML 1.0 (XLSX, DOCX) can hold: tab, newline, carriage return and the rest.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class NulCharacterError(ValueError):
    """A NUL character (\\x00) in text: refused, never stored or silently dropped."""


def clean_text(value: str) -> str:
    """The one normalisation of every text that enters UngCuu (pages, API, CLI, imports,
    offline replays): NFC, line breaks as ``\\n``, control characters removed (tab and
    newline kept). A NUL raises :class:`NulCharacterError`: the caller names the field."""
    if "\x00" in value:
        raise NulCharacterError(value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _UNWANTED.sub("", value))


def xml_safe(value: str) -> str:
    """Text an XLSX cell or a DOCX run can hold: whatever is stored, a document is built."""
    return _NOT_XML.sub("", value)


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
