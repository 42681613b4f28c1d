"""Clean the text already stored by earlier versions, as the input boundary now cleans all
new text: NFC, line breaks as \\n, control characters and NUL removed. A row an earlier
version let in with a vertical tab (Word's Shift+Enter) no longer breaks the exports.

It walks every model of the project's apps, so it lives after each app's migrations."""

from django.db import IntegrityError, migrations, models, transaction

APPS = ("org", "catalog", "incidents", "notify", "continuity", "reports", "readiness", "knowledge")
SKIP = {("org", "user"): {"password"}}


def _clean(value):
    from ungcuu.core.text import clean_text

    if isinstance(value, str):
        return clean_text(value.replace("\x00", ""))
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    return value


def clean_stored_text(apps, schema_editor):
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in APPS or meta.proxy or not meta.managed:
            continue
        skip = SKIP.get((meta.app_label, meta.model_name), set())
        names = [
            field.attname
            for field in meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
            and field.attname not in skip
        ]
        if not names:
            continue
        rows = model.objects.order_by().values_list("pk", *names).iterator(chunk_size=2000)
        dirty = []
        for pk, *values in rows:
            changed = {}
            for name, value in zip(names, values, strict=True):
                cleaned = _clean(value)
                if cleaned != value:
                    changed[name] = cleaned
            if changed:
                dirty.append((pk, changed))
        # Written after the read, never under an open cursor on the same table.
        for pk, changed in dirty:
            try:
                with transaction.atomic():
                    model.objects.filter(pk=pk).update(**changed)
            except IntegrityError:
                pass  # cleaning would make it equal to another unique value: left as it was


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0006_client_digest"),
        ("org", "0002_center_saturday_working"),
        ("catalog", "0002_load_catalog"),
        ("notify", "0003_reminders"),
        ("continuity", "0002_client_digest"),
        ("reports", "0001_initial"),
        ("readiness", "0002_checksubmission"),
        ("knowledge", "0003_guide_note"),
    ]

    operations = [migrations.RunPython(clean_stored_text, migrations.RunPython.noop)]
