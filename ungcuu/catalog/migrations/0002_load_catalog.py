from django.db import migrations


def load(apps, schema_editor):
    from ungcuu.catalog.services import catalog_load

    catalog_load(
        type_model=apps.get_model("catalog", "IncidentType"),
        step_model=apps.get_model("catalog", "PlaybookStep"),
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
