"""Schemathesis against the live API, in process, on a real database.

Every operation of the OpenAPI document is called with data generated from it, valid
and invalid, as a team leader whose center has incidents, paper intakes, supplies and a
guide's note, then as the admin; one pass puts the ids and codes of those records in the
paths and bodies, so the calls also get past "not found" to the service. Any 5xx, any
status the operation does not document, any body or content type that does not match
what the document says fails the test, with the failing cases of every operation listed.
The counts are printed (``-s``).
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ungcuu.api.tests.helpers import report
from ungcuu.continuity import services as continuity
from ungcuu.core.testing import make_user
from ungcuu.incidents import services as incidents
from ungcuu.knowledge.models import Guide
from ungcuu.knowledge.services import guide_note_save
from ungcuu.org.models import Role
from ungcuu.org.services import token_issue
from ungcuu.readiness.services import supplies

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Examples per operation and pass: one pass per generation mode, and one more, valid,
# with the ids and codes of real records.
# UNGCUU_SCHEMATHESIS_EXAMPLES=100 for a deeper run by hand.
EXAMPLES = int(os.environ.get("UNGCUU_SCHEMATHESIS_EXAMPLES", 5))


@dataclass
class Tally:
    cases: int = 0
    server_errors: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: dict[str, list[str]] = field(default_factory=dict)

    def note(self, label: str, text: str) -> None:
        found = self.failures.setdefault(label, [])
        if len(found) < 3 and text not in found:
            found.append(text)


def _world(leader, staff, center) -> dict[str, object]:
    """Records for the generated calls to find: ids for the paths, values for the bodies."""
    printer = report(staff, center, description="Máy in quầy 2 kẹt giấy")
    outage = report(leader, center, code="internet", description="Mất mạng cả tầng 1")
    incidents.incident_acknowledge(actor=leader, incident=outage)
    intake = continuity.intake_create(
        actor=staff,
        center=center,
        incident=outage,
        client_uuid=uuid.uuid4(),
        citizen_name="Nguyễn Văn An",
        citizen_id="040190001234",
        procedure="Đăng ký khai sinh",
        processing_days=3,
        received_at=timezone.now(),
    ).intake
    paper = supplies.supply_save(
        actor=leader, center=center, kind="paper_a4", name="Giấy A4", unit="ram", quota=20
    )
    supplies.stock_move(
        actor=leader, item=paper, kind="received", quantity_value=10, client_uuid=uuid.uuid4()
    )
    guide = Guide.objects.published().first()
    guide_note_save(actor=leader, guide=guide, text="Gọi anh Bình, tổ CNTT, số máy lẻ 12.")
    return {
        "incident_id": printer.pk,
        "intake_id": intake.pk,
        "item_id": paper.pk,
        "slug": guide.slug,
        "center": center.code,
        "type": "printer-paper",
        "incident": outage.pk,
        "assignee": staff.username,
    }


def _schema(token: str):
    """The OpenAPI document as the app serves it, tested against the app in process."""
    document = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/openapi.json")
    assert document.status_code == 200, document.content
    schema = schemathesis.openapi.from_dict(document.json())
    schema.app = get_wsgi_application()
    return schema


def _use_known(case, known: dict[str, object]) -> None:
    """Put real values (a catalog code, the center's code, an incident's id) where the
    generated body or query has a field of that name, so writes get past the first check."""
    for container in (case.body, case.query):
        if isinstance(container, dict):
            for name in container.keys() & known.keys():
                container[name] = known[name]


def _run(schema, token: str, world: dict[str, object], *, examples: int, modes) -> Tally:
    tally = Tally()
    # The WSGI client does not undo gzip; compression has its own test (core/test_compression).
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
    runs = settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )

    def send_all(strategy, known: dict[str, object]) -> None:
        @runs
        @given(case=strategy)
        def send(case):
            _use_known(case, known)
            response = case.call(headers=headers)
            tally.cases += 1
            tally.statuses[(case.operation.label, response.status_code)] += 1
            if response.status_code >= 500:
                tally.server_errors += 1
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except (AssertionError, BaseExceptionGroup) as exc:
                tally.note(case.operation.label, str(exc).strip())

        send()

    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in modes:
            send_all(operation.as_strategy(generation_mode=mode), {})
        names = [parameter.name for parameter in operation.path_parameters]
        real = {name: world[name] for name in names if name in world}
        valid = operation.as_strategy(generation_mode=GenerationMode.POSITIVE, path_parameters=real)
        send_all(valid, world)
    return tally


def _verdict(tally: Tally, who: str, schema) -> None:
    operations = len(list(schema.get_all_operations()))
    print(
        f"\nschemathesis ({who}): {operations} operations, {tally.cases} cases, "
        f"{tally.server_errors} answers 5xx, {len(tally.failures)} operations failing"
    )
    by_operation: dict[str, list[str]] = {}
    for (label, status), count in sorted(tally.statuses.items()):
        by_operation.setdefault(label, []).append(f"{status}×{count}")
    for label, counts in by_operation.items():
        print(f"  {label}: {' '.join(counts)}")
    report_lines = [
        f"== {label}\n" + "\n--\n".join(texts) for label, texts in tally.failures.items()
    ]
    assert not tally.failures, "\n\n".join(report_lines)
    assert tally.server_errors == 0


@pytest.fixture
def leader_world(center_a, leader_a, staff_a):
    return _world(leader_a, staff_a, center_a)


@pytest.fixture(autouse=True)
def _as_a_client_would(settings):
    settings.ALLOWED_HOSTS = ["*"]  # the WSGI client says Host: localhost
    cache.clear()  # wrong tokens counted by another test would answer 429 to every call


def test_every_operation_answers_as_documented_to_a_team_leader(leader_a, leader_world):
    token = token_issue(user=leader_a)
    schema = _schema(token)

    tally = _run(schema, token, leader_world, examples=EXAMPLES, modes=list(GenerationMode))

    _verdict(tally, "Tổ trưởng", schema)


def test_every_operation_answers_as_documented_to_the_admin(leader_world):
    admin = make_user("quan.tri", Role.ADMIN, is_staff=True, is_superuser=True)
    token = token_issue(user=admin)
    schema = _schema(token)

    tally = _run(
        schema, token, leader_world, examples=EXAMPLES // 2, modes=[GenerationMode.POSITIVE]
    )

    _verdict(tally, "quản trị", schema)
