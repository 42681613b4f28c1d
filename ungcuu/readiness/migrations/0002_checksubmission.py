import django.db.models.deletion
from django.db import migrations, models


def remember_applied(apps, schema_editor):
    DailyCheck = apps.get_model("readiness", "DailyCheck")
    CheckSubmission = apps.get_model("readiness", "CheckSubmission")
    CheckSubmission.objects.bulk_create(
        CheckSubmission(client_uuid=run.client_uuid, check_run_id=run.pk, at=run.done_at)
        for run in DailyCheck.objects.all().only("pk", "client_uuid", "done_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("readiness", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="CheckSubmission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("client_uuid", models.UUIDField(editable=False, unique=True)),
                ("at", models.DateTimeField()),
                (
                    "check_run",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="submissions",
                        to="readiness.dailycheck",
                    ),
                ),
            ],
        ),
        migrations.RunPython(remember_applied, migrations.RunPython.noop),
    ]
