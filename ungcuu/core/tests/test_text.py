"""Vietnamese text: NFC input, diacritic-free folding, alphabetical order."""

from __future__ import annotations

import unicodedata

import pytest

from ungcuu.core.text import fold, nfc, person_sort_key, sort_key


def nfd(value: str) -> str:
    return unicodedata.normalize("NFD", value)


def test_nfc_composes_text_typed_as_separate_marks():
    typed = nfd("Trung tâm Đồng Phúc")
    assert typed != "Trung tâm Đồng Phúc"  # the input really is decomposed

    assert nfc(typed) == "Trung tâm Đồng Phúc"


def test_nfc_trims_and_accepts_nothing():
    assert nfc("  Mất điện \n") == "Mất điện"
    assert nfc(None) == ""
    assert nfc("") == ""


def test_fold_drops_diacritics_and_case():
    assert fold("Đồng Phúc") == "dong phuc"
    assert fold("đường dây nóng") == "duong day nong"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nguyễn", "nguyen"),  # ê + ngã
        ("Việt", "viet"),  # ê + nặng
        ("Phượng", "phuong"),  # ư, ơ + nặng
        ("Hồng", "hong"),  # ô + huyền
        ("Mỹ", "my"),
        ("Bắc Ninh", "bac ninh"),  # ă + sắc
        ("ữ ặ ở ẫ ậ", "u a o a a"),
    ],
)
def test_fold_handles_letters_with_two_marks(text, folded):
    assert fold(text) == folded
    assert fold(nfd(text)) == folded


def test_fold_makes_typed_queries_match_stored_text():
    assert fold("may in") in fold("Máy in hết giấy, kẹt giấy")
    assert fold("MÁY IN") == fold("máy in")


def test_sort_key_puts_d_stroke_after_d_and_before_e():
    assert sorted(["E", "Đ", "D"], key=sort_key) == ["D", "Đ", "E"]
    assert sorted(["Em", "Đào", "Dương"], key=sort_key) == ["Dương", "Đào", "Em"]


def test_sort_key_follows_the_vietnamese_alphabet():
    # Code-point order would put "b" before "ă" and "â".
    assert sorted(["b", "â", "ă", "a"], key=sort_key) == ["a", "ă", "â", "b"]
    assert sorted(["ư", "v", "u", "ơ", "o", "ô"], key=sort_key) == ["o", "ô", "ơ", "u", "ư", "v"]


def test_sort_key_orders_tones_after_letters():
    # Letters decide first; tones only break ties (ngang, huyền, hỏi, ngã, sắc, nặng).
    assert sorted(["mạ", "má", "mã", "mả", "mà", "ma"], key=sort_key) == [
        "ma",
        "mà",
        "mả",
        "mã",
        "má",
        "mạ",
    ]
    assert sorted(["an", "án", "am"], key=sort_key) == ["am", "an", "án"]


def test_sort_key_is_the_same_for_nfd_and_nfc():
    assert sort_key(nfd("Đặng Thị Ánh")) == sort_key("Đặng Thị Ánh")


def test_sort_key_ignores_case():
    assert sort_key("đồng phúc") == sort_key("ĐỒNG PHÚC")


def test_sort_key_puts_a_shorter_word_first():
    assert sorted(["Anh Đào", "An Bình"], key=sort_key) == ["An Bình", "Anh Đào"]


def test_person_sort_key_sorts_by_given_name():
    people = ["Nguyễn Văn Bình", "Trần Thị An", "Lê Đức", "Phạm Dũng", "Vũ Thị Yến"]

    assert sorted(people, key=person_sort_key) == [
        "Trần Thị An",
        "Nguyễn Văn Bình",
        "Phạm Dũng",
        "Lê Đức",
        "Vũ Thị Yến",
    ]


def test_person_sort_key_breaks_ties_by_the_whole_name():
    people = ["Trần Văn An", "Lê Thị An", "Nguyễn An"]

    assert sorted(people, key=person_sort_key) == ["Lê Thị An", "Nguyễn An", "Trần Văn An"]


def test_person_sort_key_handles_a_missing_name():
    assert sorted(["Hà", "", None], key=person_sort_key)[:2] in (["", None], [None, ""])
