"""Supplies, equipment and its incidents, certificates and training travel between a
center's node and its hub under a UUID: rows that exist get one each."""

import uuid

from django.db import migrations, models

MODELS = ("supplyitem", "equipment", "incidentequipment", "certificate", "trainingrecord")


def fill(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("readiness", name)
        rows = list(model.objects.filter(uuid__isnull=True).only("pk"))
        for row in rows:
            row.uuid = uuid.uuid4()
        model.objects.bulk_update(rows, ["uuid"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("readiness", "0003_trainingrecord")]

    operations = [
        *[
            migrations.AddField(
                model_name=name, name="uuid", field=models.UUIDField(null=True, editable=False)
            )
            for name in MODELS
        ],
        migrations.RunPython(fill, migrations.RunPython.noop),
        *[
            migrations.AlterField(
                model_name=name,
                name="uuid",
                field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
            )
            for name in MODELS
        ],
    ]
