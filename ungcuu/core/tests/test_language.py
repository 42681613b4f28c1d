from __future__ import annotations

from django.test import Client

from ungcuu.core.testing import logged_in


def test_the_login_page_is_vietnamese_by_default_and_english_on_request():
    vietnamese = Client().get("/login/").content.decode()
    assert "Tên đăng nhập" in vietnamese and 'lang="vi"' in vietnamese

    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    english = client.get("/login/").content.decode()

    assert "Username" in english and 'lang="en"' in english
    assert "Tên đăng nhập" not in english


def test_status_labels_come_from_the_same_catalog(staff_a):
    client = logged_in(staff_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    page = client.get("/incidents/new/").content.decode()

    assert "Report an incident" in page
    assert "Intake stopped" in page  # the Impact choices, translated
