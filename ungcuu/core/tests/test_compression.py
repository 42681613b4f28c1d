"""Lighter pages (issue 14, item 7): HTML gzipped when the browser accepts it, with
Django's random padding against BREACH and the CSRF token masked anew on each page; an
icon for every page, /favicon.ico included."""

from __future__ import annotations

import gzip
import re

import pytest

from ungcuu.core.testing import logged_in

pytestmark = pytest.mark.django_db


def test_pages_are_gzipped_when_accepted_and_plain_otherwise(staff_a):
    client = logged_in(staff_a)
    zipped = client.get("/guides/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    page = gzip.decompress(zipped.content).decode()
    assert "Người cao tuổi" in page
    assert len(zipped.content) < len(page.encode()) / 2
    plain = client.get("/guides/")
    assert not plain.has_header("Content-Encoding") and "Người cao tuổi" in plain.text


def test_the_same_page_differs_each_time_on_the_wire(staff_a):
    """BREACH: random padding, and a CSRF token masked anew for every response."""
    client = logged_in(staff_a)
    first, second = (client.get("/incidents/new/", HTTP_ACCEPT_ENCODING="gzip") for _ in range(2))
    tokens = [
        re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"', gzip.decompress(r.content).decode()
        )[1]
        for r in (first, second)
    ]
    assert tokens[0] != tokens[1]
    assert first.content != second.content


def test_pictures_and_documents_are_not_compressed_again(client):
    icon = client.get("/favicon.ico", HTTP_ACCEPT_ENCODING="gzip")
    assert icon.status_code == 200 and icon["Content-Type"] == "image/x-icon"
    assert not icon.has_header("Content-Encoding")
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_public_pages_name_their_icon(client, center_a):
    board = client.get(f"/board/{center_a.code}/").content.decode()
    assert 'rel="icon"' in board
