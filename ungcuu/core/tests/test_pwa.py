"""The installable app: manifest, service worker at the root, the offline page."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image

from ungcuu.core.testing import logged_in

pytestmark = pytest.mark.django_db


def _worker_config(body: str) -> dict:
    match = re.search(r"^var CONFIG = (\{.*\});$", body, re.M)
    assert match, "the worker carries its configuration"
    return json.loads(match.group(1))


def _body(response) -> bytes:
    return b"".join(response.streaming_content if response.streaming else [response.content])


def test_manifest_makes_the_app_installable():
    response = Client().get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    data = json.loads(response.content)
    assert data["name"] == "Ứng Cứu"
    assert data["start_url"] == "/"
    assert data["scope"] == "/"
    assert data["display"] == "standalone"
    assert data["theme_color"] == "#b3261e"
    sizes = {icon["sizes"]: icon for icon in data["icons"] if icon["type"] == "image/png"}
    assert set(sizes) == {"192x192", "512x512"}
    for size, icon in sizes.items():
        served = Client().get(icon["src"])
        assert served.status_code == 200
        path = finders.find(icon["src"].removeprefix("/static/"))
        with Image.open(path) as image:
            assert f"{image.width}x{image.height}" == size


def test_theme_colour_is_the_brand_colour_of_the_pages():
    css = open(finders.find("ungcuu/app.css"), encoding="utf-8").read()
    assert "--brand: #b3261e;" in css


def test_service_worker_is_served_from_the_root_without_long_cache():
    response = Client().get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/"
    assert "max-age" not in response["Cache-Control"]


def test_service_worker_keeps_the_shell_and_the_forms_but_never_the_api_or_admin():
    config = _worker_config(Client().get("/sw.js").content.decode())

    assert "/static/ungcuu/app.css" in config["shell"]
    assert "/static/ungcuu/vendor/htmx.min.js" in config["shell"]
    assert "/static/continuity/offline.js" in config["shell"]
    assert "/offline/" in config["shell"]
    assert set(config["warm"]) == {"/incidents/new/", "/paper/new/"}
    for path in ("/api/", "/admin/", "/login/", "/logout/", "/healthz", "/sw.js"):
        assert path in config["never"]
    assert set(config["forget"]) == {"/login/", "/logout/"}


def test_every_shell_file_the_worker_needs_is_served():
    config = _worker_config(Client().get("/sw.js").content.decode())
    client = Client()
    for url in config["shell_static"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _body(response), url


def test_offline_page_is_vietnamese_and_shows_no_personal_data(staff_a):
    response = logged_in(staff_a).get("/offline/")

    assert response.status_code == 200
    text = response.content.decode()
    assert "Mất kết nối với máy chủ" in text
    assert 'href="/incidents/new/"' in text
    assert 'href="/paper/new/"' in text
    assert staff_a.username not in text
    assert staff_a.display_name not in text
    assert "csrfmiddlewaretoken" not in text


def test_pages_link_the_manifest_and_the_offline_script(staff_a):
    text = logged_in(staff_a).get("/").content.decode()

    assert '<link rel="manifest" href="/manifest.webmanifest">' in text
    assert "/static/continuity/offline.js" in text
    assert f'<meta name="ungcuu-user" content="{staff_a.username}">' in text


def test_both_offline_forms_are_marked_for_offline_use(staff_a):
    client = logged_in(staff_a)
    report = client.get("/incidents/new/").content.decode()
    paper = client.get("/paper/new/").content.decode()

    assert 'data-offline-api="/api/v1/incidents"' in report
    assert 'data-offline-kind="incident"' in report
    assert 'data-api-name="type"' in report
    assert 'data-offline-api="/api/v1/paper-intakes"' in paper
    assert 'data-offline-kind="paper-intake"' in paper
    for text in (report, paper):
        assert 'name="client_uuid"' in text


def test_the_api_the_offline_form_posts_to_replays_without_doubling(staff_a):
    """What offline.js sends for a queued report: JSON, session, CSRF token, client UUID."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_a)
    client.get("/incidents/new/")
    token = client.cookies["csrftoken"].value
    body = {
        "client_uuid": "5b0c5f0e-8d7e-4c1e-9d3f-1f2a3b4c5d6e",
        "type": "printer-paper",
        "impact": "partial",
        "description": "Máy in quầy 2 kẹt giấy",
        "started_at": "2026-11-23T01:15:00.000Z",
        "citizens_waiting": 3,
    }
    first = client.post(
        "/api/v1/incidents", json.dumps(body), "application/json", HTTP_X_CSRFTOKEN=token
    )
    again = client.post(
        "/api/v1/incidents", json.dumps(body), "application/json", HTTP_X_CSRFTOKEN=token
    )

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert first.json()["started_at"].startswith("2026-11-23T01:15:00")


def test_without_the_csrf_token_the_offline_post_is_refused_in_vietnamese(staff_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_a)
    response = client.post(
        "/api/v1/incidents",
        json.dumps({"client_uuid": "5b0c5f0e-8d7e-4c1e-9d3f-1f2a3b4c5d6e", "type": "login"}),
        "application/json",
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_offline_page_speaks_english_on_request():
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    text = client.get("/offline/").content.decode()

    assert "No connection to the server" in text
    assert 'lang="en"' in text
    assert "Mất kết nối với máy chủ" not in text
