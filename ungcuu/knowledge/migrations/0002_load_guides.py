from django.db import migrations


def load(apps, schema_editor):
    from ungcuu.knowledge.services import guides_load

    guides_load(
        guide_model=apps.get_model("knowledge", "Guide"),
        step_model=apps.get_model("knowledge", "GuideStep"),
        type_model=apps.get_model("catalog", "IncidentType"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0001_initial"),
        ("catalog", "0002_load_catalog"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
