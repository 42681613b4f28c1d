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
        # Row by row through save(), so the audit log records what an overwrite changed.
        if existing:
            incident_type = existing
            for name, value in fields.items():
                setattr(incident_type, name, value)
            incident_type.save()
        else:
            incident_type = type_model.objects.create(code=entry["code"], **fields)
        _steps_set(step_model, incident_type, entry["steps"])
        written += 1
    return written


def _steps_set(step_model, incident_type, steps: list[dict]) -> None:
    """Make the type's playbook exactly ``steps``, changing only the steps that differ."""
    current = {
        step.position: step for step in step_model.objects.filter(incident_type=incident_type)
    }
    for position, step in enumerate(steps, start=1):
        section, text = nfc(step.get("section")), nfc(step["text"])
        row = current.pop(position, None)
        if row is None:
            step_model.objects.create(
                incident_type=incident_type, position=position, section=section, text=text
            )
        elif (row.section, row.text) != (section, text):
            row.section, row.text = section, text
            row.save()
    for row in current.values():
        row.delete()
