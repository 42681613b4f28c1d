"""The parts of the API other tools rely on: me, catalog, OpenAPI, docs, health."""

from __future__ import annotations

import re

from django.test import Client

from ungcuu.core.testing import api_client, logged_in

CATALOG_CODES = {
    "printer-paper": "simple",
    "printer-ink": "simple",
    "login": "simple",
    "slow-system": "simple",
    "internet": "complex",
    "software-down": "complex",
    "national-db": "complex",
    "digital-cert": "complex",
    "power": "complex",
    "qms": "complex",
    "disaster": "complex",
    "epidemic": "complex",  # added after the first twelve: an extension, not a change
    "other": None,  # chosen by the reporter
}


def test_me_says_who_is_calling(staff_a):
    response = api_client(staff_a).get("/api/v1/me")

    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "a.staff"
    assert body["role"] == "staff"
    assert body["center"] == "bachngoc"
    assert body["organisation"] is None


def test_me_for_the_province_names_no_center(province_user):
    body = api_client(province_user).get("/api/v1/me").json()

    assert body["role"] == "province"
    assert body["center"] is None
    assert body["province"] == province_user.province.code


def test_me_for_a_vendor_names_its_organisation(vendor_user):
    body = api_client(vendor_user).get("/api/v1/me").json()

    assert body["role"] == "vendor"
    assert body["organisation"] == "VNPT Nghệ An"


def test_the_catalog_has_the_stable_codes(staff_a):
    response = api_client(staff_a).get("/api/v1/catalog")

    assert response.status_code == 200
    types = {item["code"]: item for item in response.json()}
    assert set(types) == set(CATALOG_CODES)
    for code, tier in CATALOG_CODES.items():
        if tier:
            assert types[code]["tier"] == tier, code
        assert types[code]["steps"], f"{code} has no playbook steps"
    assert types["printer-paper"]["name"] == "Máy in hết giấy, kẹt giấy"


def test_catalog_steps_are_numbered_in_order(staff_a):
    for item in api_client(staff_a).get("/api/v1/catalog").json():
        positions = [step["position"] for step in item["steps"]]
        assert positions == sorted(positions), item["code"]
        assert len(set(positions)) == len(positions), item["code"]


def test_the_openapi_document_lists_the_contract_paths(staff_a):
    response = logged_in(staff_a).get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    paths = response.json()["paths"]
    for path in (
        "/api/v1/incidents",
        "/api/v1/incidents/{incident_id}",
        "/api/v1/incidents/{incident_id}/events",
        "/api/v1/incidents/{incident_id}/ack",
        "/api/v1/catalog",
        "/api/v1/me",
        "/api/v1/centers",
    ):
        assert path in paths, path
    assert "post" in paths["/api/v1/incidents"]
    assert "get" in paths["/api/v1/incidents"]


def test_the_openapi_document_describes_bearer_auth(staff_a):
    document = api_client(staff_a).get("/api/v1/openapi.json").json()
    schemes = document["components"]["securitySchemes"]

    assert any(scheme.get("scheme") == "bearer" for scheme in schemes.values())


def test_the_interactive_docs_answer(staff_a):
    response = logged_in(staff_a).get("/api/v1/docs")

    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_the_interactive_docs_load_no_outside_script_or_stylesheet(staff_a):
    page = logged_in(staff_a).get("/api/v1/docs").content.decode()

    outside = re.findall(r'(?:src|href)="(https?://[^"]+)"', page)
    assert outside == []


def test_healthz_says_ok_without_login(db):
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_an_unknown_api_path_answers_404(staff_a):
    assert api_client(staff_a).get("/api/v1/khong-co").status_code == 404
