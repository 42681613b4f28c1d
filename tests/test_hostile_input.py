"""Every page of the URL configuration, opened and posted to by the center's own people with
what a careless paste or an attacker sends: control characters, NUL, numbers the database
cannot hold, digits of other scripts. A page may refuse, never answer 5xx.

The routes and their objects come from the route matrix (route_matrix.py), so a new page is
fed hostile input without anyone adding a line here.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from route_matrix import Unfillable, form_body, paths, routes
from test_route_matrix import MARKERS, _center_objects

from ungcuu.api.api import api
from ungcuu.core.testing import make_user, two_step_pass
from ungcuu.org.models import Organisation, OrganisationKind, Role
from ungcuu.org.services import center_create

pytestmark = pytest.mark.django_db

BIG = "9" * 30
# Each variant turns every value of a form into something hostile of one kind.
VARIANTS = {
    "control": lambda value: f"{value}\x0b\x01\x1b\x7f\x85",
    "huge": lambda value: BIG,
    "negative": lambda value: "-" + BIG,
    "float": lambda value: "1e400",
    "other digits": lambda value: "٣²３",
    "long": lambda value: "Ữ" * 5_000,
}


def _hostile(body: dict, change) -> dict:
    return {
        key: [change(str(v)) for v in value] if isinstance(value, list) else change(str(value))
        for key, value in body.items()
    }


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    two_step_pass(client, user)
    return client


@pytest.fixture
def center(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    center = center_create(ward_code=17623, code="bachngoc", prefix="BN")
    vnpt = Organisation.objects.create(
        name="VNPT Nghệ An", kind=OrganisationKind.ISP, province=center.province
    )
    return _center_objects(center, "a", MARKERS, vnpt, "040190001234")


def test_no_page_answers_hostile_input_with_a_server_error(center, capsys):
    openapi = api.get_openapi_schema()
    private, public = routes(openapi)
    pages = [r for r in private if not r.api_path and not r.is_admin]
    # The team leader may do most on the center's pages; the director the rest.
    owners = {"leader": _client(center.people[3]), "director": _client(center.people[-1])}
    admin = _client(make_user("root", Role.ADMIN, is_staff=True, is_superuser=True))
    form = form_body(center, timezone.localtime())
    failures: list[str] = []
    sent = 0

    def check(who, method, url, response):
        nonlocal sent
        sent += 1
        if response.status_code >= 500:
            failures.append(f"{who} {method} {url}: {response.status_code}")

    for route in pages:
        try:
            urls = paths(route, center)
        except Unfillable:
            continue  # the route matrix fails on these
        for index, url in enumerate(urls[:4]):
            # One owner per filled path (the act route has one per event kind).
            for who, client in [list(owners.items())[index % 2]]:
                for name, change in VARIANTS.items():
                    hostile = _hostile(form, change)
                    query = "&".join(f"{key}={change('1')}" for key in list(form)[:12])
                    check(who, "GET", f"{url}?{query}", client.get(f"{url}?{query}"))
                    if "POST" in route.methods:
                        check(who, f"POST {name}", url, client.post(url, hostile))
                nul = client.post(url, {**form, "description": "a\x00b"})
                check(who, "POST nul", url, nul)
                if nul.status_code != 400:
                    failures.append(f"{who} POST {url} with a NUL: {nul.status_code}, not 400")

    # Public pages take their token or code from the address.
    for path in ("/s/%s/", "/ack/%s/", "/board/%s/", "/board/%s/state.json"):
        for token in (BIG, "\x0b\x01", "٣²３", "Ữ" * 500):
            check("anonymous", "GET", path % token, Client().get(path % token))

    # The admin's object pages, with ids no table holds.
    for route in private:
        if route.is_admin and route.model is not None and "object_id" in route.params:
            url = f"/admin/{route.model._meta.app_label}/{route.model._meta.model_name}/{BIG}/"
            check("admin", "GET", url + "change/", admin.get(url + "change/"))
            check("admin", "GET", url + "history/", admin.get(url + "history/"))

    with capsys.disabled():
        print(f"\nhostile input: {len(pages)} pages, {sent} requests")
    assert not failures, f"{len(failures)} wrong answers:\n" + "\n".join(failures)
