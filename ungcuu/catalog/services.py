"""Loading the shipped catalog."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from ungcuu.catalog.models import IncidentType, PlaybookStep
from ungcuu.core.text import nfc

CATALOG_FILE = Path(__file__).parent / "data" / "catalog.json"


def catalog_entries() -> list[dict]:
    return json.loads(CATALOG_FILE.read_text(encoding="utf-8"))


@transaction.atomic
def catalog_load(
    *,
    entries: list[dict] | None = None,
    overwrite: bool = False,
    type_model=IncidentType,
    step_model=PlaybookStep,
) -> int:
    """Create the shipped types; an existing type is left as the admin edited it
    unless ``overwrite`` is asked. Returns the number of types written.

    The models can be passed in so a data migration can use its historical ones."""
    written = 0
    for entry in entries if entries is not None else catalog_entries():
        fields = {
            "name": nfc(entry["name"]),
            "tier": entry["tier"],
            "position": entry["position"],
            "symptoms": nfc(entry.get("symptoms")),
            "owner": nfc(entry.get("owner")),
            "prevention": nfc(entry.get("prevention")),
            "citizen_notice": nfc(entry.get("citizen_notice")),
            "escalation": nfc(entry.get("escalation")),
            "escalation_targets": entry.get("escalation_targets", []),
            "tier_chosen_by_reporter": entry["code"] == "other",
        }
        existing = type_model.objects.filter(code=entry["code"]).first()
        if existing and not overwrite:
            continue
        if existing:
            type_model.objects.filter(pk=existing.pk).update(**fields)
            incident_type = existing
            step_model.objects.filter(incident_type=incident_type).delete()
        else:
            incident_type = type_model.objects.create(code=entry["code"], **fields)
        step_model.objects.bulk_create(
            step_model(
                incident_type=incident_type,
                position=index,
                section=nfc(step.get("section")),
                text=nfc(step["text"]),
            )
            for index, step in enumerate(entry["steps"], start=1)
        )
        written += 1
    return written
