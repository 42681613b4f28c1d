from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0003_reminders"),
    ]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="claimed_by",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
    ]
