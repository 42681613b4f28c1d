"""003 II.2d (R98): when a USB certificate is broken, the plan has the center "liên hệ với
chuyên viên phòng Văn hoá - xã hội phường … để được hỗ trợ" beside the province's IT
centre. It was only in the owner text; now it is a step of the digital-cert playbook, taken
from the shipped catalog. A playbook an administrator has changed is left as it is."""

from django.db import migrations

CODE = "digital-cert"
NEW_STEP = "Liên hệ chuyên viên phòng Văn hóa - Xã hội xã/phường để được hỗ trợ."


def forwards(apps, schema_editor):
    from ungcuu.catalog.services import _steps_set, catalog_entries

    IncidentType = apps.get_model("catalog", "IncidentType")
    PlaybookStep = apps.get_model("catalog", "PlaybookStep")
    incident_type = IncidentType.objects.filter(code=CODE).first()
    if incident_type is None:
        return
    [entry] = [e for e in catalog_entries() if e["code"] == CODE]
    shipped = [(s.get("section", ""), s["text"]) for s in entry["steps"]]
    before = [step for step in shipped if step[1] != NEW_STEP]
    current = list(
        PlaybookStep.objects.filter(incident_type=incident_type)
        .order_by("position")
        .values_list("section", "text")
    )
    if current != before:
        return
    _steps_set(PlaybookStep, incident_type, entry["steps"])


def backwards(apps, schema_editor):
    PlaybookStep = apps.get_model("catalog", "PlaybookStep")
    gone = PlaybookStep.objects.filter(incident_type__code=CODE, text=NEW_STEP).first()
    if gone is None:
        return
    later = PlaybookStep.objects.filter(
        incident_type_id=gone.incident_type_id, position__gt=gone.position
    ).order_by("position")
    gone.delete()
    for step in later:
        step.position -= 1
        step.save(update_fields=["position"])


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_upward_rules")]

    operations = [migrations.RunPython(forwards, backwards)]
