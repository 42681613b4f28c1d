"""The route × role matrix: every route of the URL configuration, its parameters filled
with one center's objects, and a fingerprint of that center's rows.

Nothing here lists the project's routes by hand: they are read from the resolver (the API's
methods and request bodies from its OpenAPI document), so a new route is attacked as soon as
it is added — or breaks the matrix because its parameter cannot be filled.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils.regex_helper import normalize

# Routes anyone may open without a login, by design. Nothing else is skipped.
PUBLIC = frozenset(
    {
        "login",
        "logout",
        "admin:login",
        "admin:logout",
        "healthz",
        "favicon",  # /favicon.ico: the app's icon
        "pwa_sw",  # the service worker
        "pwa_manifest",
        "pwa_offline",  # the offline fallback page
        "set_language",  # i18n/setlang
        "notify:ack",  # the one-click acknowledgement link: the token is the credential
        "continuity:status",  # a dossier's public status: the token is the credential
        "continuity:board",  # the waiting-room screen: nothing personal
        "continuity:board_state",
        "first_sign_in",  # a new person's first sign-in link: the token is the credential
        "incidents:province_status",  # a province's service states: no people, no texts
    }
)

# Parameters that choose a variant of a route, not an object, and those that name an object
# every center shares (a guide): a route whose parameters are all of these kinds answers
# anyone logged in, with the caller's own data only (a list, a download, a form, a guide
# with the caller's center's note).
VARIANT_PARAMS = frozenset({"kind", "action", "format", "app_label", "url"})
SHARED_PARAMS = frozenset({"slug", "type_code"})


@dataclass(frozen=True)
class Route:
    """One URL pattern: its full name, the path pieces to fill, what it accepts."""

    name: str
    pieces: tuple[str, ...]  # regex of each nested pattern, outermost first
    params: tuple[str, ...]
    callback: Callable
    api_path: str | None = None  # the OpenAPI path of an API operation
    methods: tuple[str, ...] = ("GET", "POST")
    model: type[models.Model] | None = None  # the admin's model, for its object_id

    @property
    def has_object(self) -> bool:
        return any(p not in VARIANT_PARAMS | SHARED_PARAMS for p in self.params)

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:")

    @property
    def label(self) -> str:
        return self.api_path or self.name


def _walk(patterns, pieces=(), namespace="") -> Iterator[tuple[URLPattern, tuple, str]]:
    for pattern in patterns:
        here = (*pieces, pattern.pattern.regex.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, here, inner)
        else:
            yield pattern, here, namespace


def _django_to_openapi(pieces: tuple[str, ...]) -> str:
    """'^api/v1/' + '^incidents/(?P<incident_id>[^/]+)\\Z' → '/api/v1/incidents/{incident_id}'."""
    text = "".join(normalize(piece)[0][0] for piece in pieces)
    return "/" + re.sub(r"%\((\w+)\)s", r"{\1}", text)


def routes(openapi: dict) -> tuple[list[Route], list[Route]]:
    """(every route that needs a login, the public ones), from the resolver."""
    private, public = [], []
    operations = {path: tuple(m.upper() for m in ops) for path, ops in openapi["paths"].items()}
    seen_api: set[str] = set()
    for pattern, pieces, namespace in _walk(get_resolver().url_patterns):
        regexes = [re.compile(piece) for piece in pieces]
        params = tuple(name for regex in regexes for name in regex.groupindex)
        name = f"{namespace}{pattern.name or _django_to_openapi(pieces)}"
        model_admin = getattr(pattern.callback, "model_admin", None)
        route = Route(
            name=name,
            pieces=pieces,
            params=params,
            callback=pattern.callback,
            model=model_admin.model if model_admin else None,
        )
        if namespace.startswith("api:"):
            api_path = _django_to_openapi(pieces)
            if api_path in seen_api:  # one pattern per operation, one view per path
                continue
            seen_api.add(api_path)
            # A path of the API that is no operation (the docs, the schema, the root) is
            # still attacked, with GET.
            route = Route(
                name=name,
                pieces=pieces,
                params=params,
                callback=pattern.callback,
                api_path=api_path,
                methods=operations.get(api_path, ("GET",)),
            )
        (public if name in PUBLIC else private).append(route)
    return private, public


# --- the victim's objects ---------------------------------------------------------


@dataclass
class Victim:
    """One center's objects of every kind a route can name, and the words that would
    betray them in a page."""

    center: Any
    incidents: list
    attachment: Any
    intake: Any
    supply: Any
    movement: Any
    equipment: Any
    certificate: Any
    drill: Any
    check: Any
    check_item: Any
    guide: Any
    job: Any
    event: Any
    people: list
    organisation: Any  # the organisation the victim's incident was escalated to
    guide_media: Any = None  # the center's illustration on the guide
    sample: Any = None  # the center's sample form to print
    major: Any = None  # the major incident the victim's open incident belongs to
    probe: Any = None  # the center's probe (monitor)
    markers: list[str] = field(default_factory=list)

    def by_model(self, model) -> Any:
        for obj in (
            self.center,
            *self.incidents,
            self.attachment,
            self.intake,
            self.supply,
            self.movement,
            self.equipment,
            self.certificate,
            self.drill,
            self.check,
            self.check_item,
            self.job,
            self.event,
            self.guide_media,
            self.sample,
            self.probe,
            *self.people,
        ):
            if isinstance(obj, model):
                return obj
        return None


class Unfillable(Exception):
    """A route parameter the matrix does not know how to fill: the route must be
    taught to the matrix, never skipped."""


# The objects behind a ``pk``: named by the path segment before it.
PK_SEGMENTS = {
    "supplies": "supply",
    "equipment": "equipment",
    "certificates": "certificate",
    "drills": "drill",
    "probes": "probe",
}


def _pk_objects(route: Route, victim: Victim) -> list:
    path = _django_to_openapi(route.pieces)
    found = re.search(r"/([\w-]+)/\{pk\}", path)
    attr = PK_SEGMENTS.get(found.group(1)) if found else None
    if attr is None:
        raise Unfillable(f"{route.label}: which object is its pk?")
    return [getattr(victim, attr).pk]


def _admin_object(route: Route, victim: Victim) -> list:
    obj = victim.by_model(route.model) if route.model else None
    if obj is None and route.model is not None:
        obj = route.model._default_manager.order_by("pk").first()
    return [obj.pk if obj is not None else 1]


def param_values(route: Route, name: str, victim: Victim) -> list:
    from ungcuu.incidents.models import EventKind
    from ungcuu.readiness.views import DRILL_ACTIONS

    fillers: dict[str, Callable[[], list]] = {
        "incident_id": lambda: [victim.incidents[0].pk],
        "attachment_uuid": lambda: [victim.attachment.uuid],
        "intake_id": lambda: [victim.intake.pk],
        "item_id": lambda: [victim.supply.pk],
        "job_uuid": lambda: [victim.job.uuid],
        "media_uuid": lambda: [victim.guide_media.uuid],
        "sample_uuid": lambda: [victim.sample.uuid],
        "slug": lambda: [victim.guide.slug],
        "major_id": lambda: [victim.major.pk],
        "probe_id": lambda: [victim.probe.pk],
        "province_code": lambda: [victim.center.province.code],
        "code": lambda: [victim.center.code],
        "type_code": lambda: ["printer-paper"],
        "pk": lambda: _pk_objects(route, victim),
        "kind": lambda: list(EventKind.values),
        "action": lambda: list(DRILL_ACTIONS),
        "format": lambda: ["docx", "xlsx"],
        # The admin's own parameters (its object ids: see above).
        "content_type_id": lambda: [ContentType.objects.get_for_model(victim.incidents[0]).pk],
        "app_label": lambda: ["incidents"],
        "url": lambda: ["khong-co/"],
    }
    if route.is_admin and name in ("object_id", "pk", "id"):
        return _admin_object(route, victim)
    if name not in fillers:
        raise Unfillable(f"{route.label}: no value for the parameter {name!r}")
    return fillers[name]()


def paths(route: Route, victim: Victim) -> list[str]:
    """Every path of the route filled with the victim's objects, each checked to resolve
    back to the same view."""
    choices = [param_values(route, name, victim) for name in route.params]
    out = []
    for values in itertools.product(*choices):
        kwargs = dict(zip(route.params, values, strict=True))
        text = ""
        for piece in route.pieces:
            template, names = normalize(piece)[0]
            text += template % {n: kwargs[n] for n in names}
        path = "/" + text
        match = resolve(path)
        if match.func is not route.callback and not route.api_path:
            raise Unfillable(f"{route.label}: {path} resolves to {match.view_name}")
        out.append(path)
    return out


# --- bodies ----------------------------------------------------------------------


def form_body(victim: Victim, now) -> dict:
    """Every field name a page's form uses, filled with the victim's ids and codes: a
    form that trusts one of them writes into the victim's center."""
    center, incident = victim.center, victim.incidents[0]
    person = victim.people[0]
    stamp = now.strftime("%Y-%m-%dT%H:%M")
    return {
        "center": center.code,
        "scope": f"center:{center.code}",
        "province": center.province.code,
        "incident": incident.pk,
        "intake": victim.intake.pk,
        "item": victim.supply.pk,
        "equipment": victim.equipment.pk,
        "organisations": [victim.organisation.pk],
        "assignee": person.username,
        "holder": person.pk,
        "participants": [p.pk for p in victim.people],
        "people": [p.pk for p in victim.people],
        "ok": [victim.check_item.pk],
        "all_ok": "on",
        "client_uuid": str(incident.client_uuid),
        "event_uuid": str(victim.event.uuid),
        "type": "printer-paper",
        "incident_type": incident.incident_type.pk,
        "scenario": incident.incident_type.pk,
        "kind": "received",
        "quantity": "1",
        "to_center": center.code,
        "text": "Ghi chú thử",
        "description": "Mô tả thử",
        "reason": "Lý do thử",
        "note": "Ghi chú thử",
        "label": "Mục thử",
        "name": "Tên thử",
        "unit": "ram",
        "step": "1",
        "root_cause": "Nguyên nhân thử",
        "resolution": "Cách xử lý thử",
        "restored_at": stamp,
        "started_at": stamp,
        "scheduled_at": stamp,
        "received_at": stamp,
        "held_at": stamp,
        "ended_at": stamp,
        "citizens_affected": "1",
        "citizens_waiting": "1",
        "dossiers_delayed": "0",
        "impact": "partial",
        "dossier_code": "000.00.27.H40-260101-0001",
        "citizen_name": "Nguyễn Văn Thử",
        "citizen_id": "001099009999",
        "procedure": "Đăng ký khai sinh",
        "processing_days": "3",
        "copies": "1",
        "return_place": "desk",
        "provider": "bcy",
        "serial": "540200000001",
        "valid_from": now.date().isoformat(),
        "valid_to": (now.date() + timedelta(days=365)).isoformat(),
        "status": "working",
        "minutes_to_paper": "5",
        "lessons": "Bài học thử",
        "message": "Lời nhắn thử",
        "expected_recovery": "10 giờ",
        "paper_intake": "on",
        "is_active": "1",
        "simple_ack_minutes": "15",
        "complex_ack_minutes": "5",
        "prolonged_minutes": "120",
        "place": "Phòng họp",
        "chair": "Chủ trì thử",
        "recorder": "Thư ký thử",
        "happened": "Diễn biến thử",
        "times": "Thời gian thử",
        f"d-{now.date().isoformat()}": [p.username for p in victim.people],
    }


def _resolve_ref(schema: dict, openapi: dict) -> dict:
    while "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in schema:  # an optional value: its first concrete form
        concrete = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return _resolve_ref(concrete[0], openapi) if concrete else {}
    return schema


CHOICES = re.compile(r"\w+(?: \| \w+)+")


def _value(name: str, schema: dict, victim: Victim, form: dict, uuids: list):
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if name in ("uuid", "client_uuid") or schema.get("format") == "uuid":
        return uuids[0]
    if name in form and kind != "array":
        return form[name]
    if name == "organisations":
        return [victim.organisation.pk]
    if kind == "array":
        return []
    if kind == "integer":
        return 1
    if kind == "boolean":
        return True
    if schema.get("format") == "date-time":
        return form["started_at"]
    return "Thử"


def api_bodies(
    route: Route, method: str, openapi: dict, victim: Victim, form: dict, uuids: list[str]
):
    """The request bodies to send: built from the operation's schema, the victim's ids and
    codes in every field that names one; one body per value of an enum (every event kind)
    and, for an operation that creates in the caller's own center, one per victim
    ``uuids`` (a replay must not answer with the victim's record)."""
    operation = openapi["paths"][route.api_path][method.lower()]
    content = operation.get("requestBody", {}).get("content", {})
    if "multipart/form-data" in content:
        return [("multipart", None)]
    if "application/json" not in content:
        return [("json", None)]
    schema = _resolve_ref(content["application/json"]["schema"], openapi)
    properties = {k: _resolve_ref(v, openapi) for k, v in schema.get("properties", {}).items()}
    base = {k: _value(k, s, victim, form, uuids) for k, s in properties.items()}
    bodies = [base]
    for key, prop in properties.items():
        if "enum" in prop:
            bodies += [{**base, key: option} for option in prop["enum"][1:]]
        elif CHOICES.fullmatch(prop.get("description", "")):
            # A plain string whose description lists its choices ("received | used | …").
            bodies += [{**base, key: option} for option in prop["description"].split(" | ")]
        if key in ("uuid", "client_uuid"):
            bodies += [{**base, key: option} for option in uuids[1:]]
    return [("json", body) for body in bodies]


def victim_uuids(victim: Victim) -> list:
    return [
        victim.incidents[0].client_uuid,
        victim.intake.client_uuid,
        victim.check.client_uuid,
        victim.movement.client_uuid,
        victim.drill.client_uuid,
        victim.event.uuid,
    ]


# --- reading an answer --------------------------------------------------------------


def readable(response) -> str:
    """The text a person could read in an answer: a page, JSON, or the XML inside a Word
    or Excel file."""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    if raw[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            raw = b"".join(
                archive.read(n) for n in archive.namelist() if n.endswith((".xml", ".rels"))
            )
    return raw.decode("utf-8", "replace")


# --- whose rows ---------------------------------------------------------------------


NOISE = {
    ("org", "user"): {"last_login"},
    ("org", "apitoken"): {"last_used_at"},
}


def _center_paths(model, depth: int = 3) -> list[str]:
    """Lookups from ``model`` to a Center id through its foreign keys."""
    from ungcuu.org.models import Center

    if model is Center:
        return ["pk"]
    found, frontier = [], [("", model)]
    for _level in range(depth):
        following = []
        for prefix, current in frontier:
            for f in current._meta.concrete_fields:
                if not f.is_relation or f.related_model is None:
                    continue
                if f.related_model is Center:
                    found.append(f"{prefix}{f.attname}")
                else:
                    following.append((f"{prefix}{f.name}__", f.related_model))
        frontier = following
    return found


def project_models() -> list[type[models.Model]]:
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("ungcuu.")
        for model in config.get_models(include_auto_created=True)
    ]


def snapshot(others: set[int]) -> dict[str, dict]:
    """A hash of every row of the project's tables that is not wholly the attackers' own:
    the victim center's rows and the shared ones (catalog, guides, organisations…). A row
    is the attackers' own when every center it leads to is one of ``others``."""
    out = {}
    for model in project_models():
        meta = model._meta
        skip = NOISE.get((meta.app_label, meta.model_name), set())
        columns = [f.attname for f in meta.concrete_fields if f.attname not in skip]
        center_paths = _center_paths(model)
        rows = {}
        for values in model._default_manager.order_by().values_list(*columns, *center_paths):
            owners = {v for v in values[len(columns) :] if v is not None}
            if owners and owners <= others:
                continue
            row = values[: len(columns)]
            digest = hashlib.sha256(repr(row).encode()).hexdigest()
            rows[repr(row[columns.index(meta.pk.attname)])] = digest
        out[meta.label] = rows
    return out


def changes(before: dict, after: dict) -> list[str]:
    out = []
    for table, rows in after.items():
        old = before.get(table, {})
        for pk in rows.keys() - old.keys():
            out.append(f"{table} #{pk} created")
        for pk in old.keys() - rows.keys():
            out.append(f"{table} #{pk} deleted")
        for pk in rows.keys() & old.keys():
            if rows[pk] != old[pk]:
                out.append(f"{table} #{pk} changed")
    return out
