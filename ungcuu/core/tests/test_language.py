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


def test_an_english_browser_still_gets_vietnamese_until_the_person_switches():
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    page = client.get("/login/").content.decode()
    assert "Tên đăng nhập" in page and 'lang="vi"' in page

    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Username" in client.get("/login/").content.decode()

    client.post("/i18n/setlang/", {"language": "vi", "next": "/login/"})
    assert "Tên đăng nhập" in client.get("/login/").content.decode()


def test_the_language_switch_names_each_language_in_its_own_words():
    page = Client().get("/login/").content.decode()
    assert 'lang="en"' in page and ">English</button>" in page
    assert ">Tiếng Việt</button>" in page and "Tiếng Anh" not in page
