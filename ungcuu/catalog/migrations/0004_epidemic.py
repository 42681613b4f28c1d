"""The epidemic scenario that 001 and 003 I.1 name among the situations the center must
keep serving through ("thiên tai, dịch bệnh"): a type of its own, shipped with the words the
plans use for a force-majeure event, before "Sự cố khác". An installation that already has
the code keeps its row; "Sự cố khác" moves after it only if still where it was shipped."""

from django.db import migrations


def forwards(apps, schema_editor):
    from ungcuu.catalog.services import catalog_entries, catalog_load

    IncidentType = apps.get_model("catalog", "IncidentType")
    IncidentType.objects.filter(code="other", position=12).update(position=13)
    catalog_load(
        entries=[e for e in catalog_entries() if e["code"] == "epidemic"],
        type_model=IncidentType,
        step_model=apps.get_model("catalog", "PlaybookStep"),
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_official_words")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
