"""003 VI.3 and VI.4 (R29, R30): a guide for helping citizens submit dossiers online while
the center is down and after it is back, with the ward's "tổ công nghệ số cộng đồng" and
"Bình dân học vụ số". An installation that already has the slug keeps its guide."""

from django.db import migrations

SLUG = "nop-ho-so-truc-tuyen"


def load(apps, schema_editor):
    from ungcuu.knowledge.services import guide_entries, guides_load

    guides_load(
        entries=[e for e in guide_entries() if e["slug"] == SLUG],
        guide_model=apps.get_model("knowledge", "Guide"),
        step_model=apps.get_model("knowledge", "GuideStep"),
        type_model=apps.get_model("catalog", "IncidentType"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0004_official_account_payment"),
        ("catalog", "0002_load_catalog"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
