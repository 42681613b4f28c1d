"""Every error answer of the API is one documented shape: the OpenAPI document lists it
for every operation, and every way the API can refuse answers with it."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache
from django.test import Client

from ungcuu.api.api import api
from ungcuu.api.errors import ErrorOut
from ungcuu.api.tests.helpers import INCIDENTS, is_vietnamese, post_json, report, report_body
from ungcuu.core.testing import api_client

ERROR_REF = "#/components/schemas/ErrorOut"
UNSAFE = {"post", "put", "patch", "delete"}


def _operations():
    document = api.get_openapi_schema()
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", method, operation


OPERATIONS = list(_operations())


def _codes(operation) -> set[int]:
    return {int(code) for code in operation["responses"]}


@pytest.mark.parametrize(
    ("label", "method", "operation"), OPERATIONS, ids=[label for label, *_ in OPERATIONS]
)
def test_every_4xx_of_every_operation_is_the_error_schema(label, method, operation):
    errors = {
        code: answer for code, answer in operation["responses"].items() if 400 <= int(code) < 500
    }

    assert errors, f"{label} documents no error answer"
    for code, answer in errors.items():
        assert answer["content"] == {"application/json": {"schema": {"$ref": ERROR_REF}}}, (
            f"{label} {code}"
        )
        assert is_vietnamese(answer["description"]), f"{label} {code}"


@pytest.mark.parametrize(
    ("label", "method", "operation"), OPERATIONS, ids=[label for label, *_ in OPERATIONS]
)
def test_every_operation_lists_the_refusals_its_shape_can_give(label, method, operation):
    codes = _codes(operation)
    in_path = [p for p in operation.get("parameters", []) if p["in"] == "path"]
    has_input = bool(operation.get("parameters") or operation.get("requestBody"))

    if operation.get("security"):
        assert {401, 429} <= codes, label
    if in_path:
        assert 404 in codes, label
    if has_input:
        assert 422 in codes, label
    assert 400 in codes, label
    if operation.get("requestBody"):
        assert 413 in codes, label
    if method in UNSAFE:
        assert {403, 404} <= codes, label


def test_the_error_schema_requires_detail_field_and_errors():
    schema = api.get_openapi_schema()["components"]["schemas"]["ErrorOut"]

    assert set(schema["required"]) == {"detail", "field", "errors"}


def test_the_codes_a_service_gives_are_declared_where_it_can_give_them():
    documented = {label: _codes(operation) for label, _, operation in OPERATIONS}

    assert 409 in documented["POST /api/v1/incidents"]  # client_uuid replayed, other body
    assert 409 in documented["POST /api/v1/incidents/{incident_id}/events"]
    assert 409 in documented["POST /api/v1/paper-intakes"]
    assert 409 in documented["POST /api/v1/readiness/supplies/{item_id}/movements"]
    assert 404 in documented["GET /api/v1/readiness/checklist"]  # ?center= out of scope
    assert {400, 404} <= documented["GET /api/v1/reports/quarterly"]
    assert 409 not in documented["GET /api/v1/incidents"]
    assert 404 not in documented["GET /api/v1/me"]


# The refusals themselves: each path through the handlers answers the one schema.


def assert_error(response, status: int, *, field: str | None = None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    ErrorOut.model_validate(body)
    assert {"detail", "field", "errors"} <= set(body)
    assert is_vietnamese(body["detail"]), body
    assert body["field"] == field, body
    if field:
        assert field in body["errors"], body
    return body


@pytest.fixture(autouse=True)
def _no_throttle_left():
    cache.clear()  # the wrong-token counter of another test must not answer 429 here


def test_no_credentials(db):
    assert_error(Client().get("/api/v1/me"), 401)


def test_the_csrf_refusal(staff_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff_a)

    assert_error(browser.post(INCIDENTS, report_body(), content_type="application/json"), 403)


def test_a_method_the_path_does_not_take(staff_a):
    response = api_client(staff_a).delete("/api/v1/me")

    assert_error(response, 405)
    assert response["Allow"] == "GET"


def test_a_body_that_is_not_json(staff_a):
    response = api_client(staff_a).post(INCIDENTS, "{khong", content_type="application/json")

    assert_error(response, 400, field="body")


def test_a_body_too_big(staff_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = report_body(description="x" * 2000)

    assert_error(post_json(api_client(staff_a), INCIDENTS, body), 413)


def test_a_multipart_body_that_cannot_be_read(staff_a):
    incident = report(staff_a, staff_a.center)

    response = api_client(staff_a).post(
        f"{INCIDENTS}/{incident.pk}/attachments",
        b"khong phai multipart",
        content_type="multipart/form-data",  # no boundary
    )

    assert_error(response, 400, field="body")


def test_a_body_field_that_does_not_validate(staff_a):
    body = report_body(impact="tan-the")

    assert_error(post_json(api_client(staff_a), INCIDENTS, body), 422, field="impact")


def test_a_query_parameter_that_does_not_validate(staff_a):
    response = api_client(staff_a).get(INCIDENTS, {"status": "khong-co"})

    assert_error(response, 422, field="status")


def test_a_pagination_parameter_that_does_not_validate(staff_a):
    response = api_client(staff_a).get(INCIDENTS, {"limit": "-1"})

    assert_error(response, 422, field="limit")


def test_a_path_id_that_is_not_a_number(staff_a):
    assert_error(api_client(staff_a).get(f"{INCIDENTS}/abc"), 422, field="incident_id")


def test_a_path_that_names_no_operation(staff_a):
    assert_error(api_client(staff_a).get("/api/v1/khong-co/gi-ca"), 404)


def test_an_id_that_names_nothing(staff_a):
    assert_error(api_client(staff_a).get(f"{INCIDENTS}/987654"), 404)


def test_a_service_refusal_names_its_field(staff_a):
    body = report_body(type="khong-co-loai-nay")

    assert_error(post_json(api_client(staff_a), INCIDENTS, body), 400, field="type")


def test_a_conflict(staff_a):
    client = api_client(staff_a)
    incident = report(staff_a, staff_a.center)
    event = uuid.uuid4()
    assert (
        post_json(
            client,
            f"{INCIDENTS}/{incident.pk}/events",
            {"kind": "note", "text": "Đã gọi", "uuid": str(event)},
        ).status_code
        == 201
    )
    other = report(staff_a, staff_a.center)

    response = post_json(
        client,
        f"{INCIDENTS}/{other.pk}/events",
        {"kind": "note", "text": "Đã gọi", "uuid": str(event)},
    )

    assert_error(response, 409, field="uuid")


def test_too_many_wrong_tokens(staff_a, settings):
    settings.TOKEN_FAILURES = 2
    wrong = Client(HTTP_AUTHORIZATION="Bearer uc_sai")
    wrong.get("/api/v1/me")
    wrong.get("/api/v1/me")

    assert_error(api_client(staff_a).get("/api/v1/me"), 429)
