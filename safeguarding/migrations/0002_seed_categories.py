"""Seed the concern categories schools start with."""

from django.db import migrations

from safeguarding.categories import ensure_default_categories


def seed(apps, schema_editor):
    ensure_default_categories(apps.get_model("safeguarding", "Category"))


class Migration(migrations.Migration):
    dependencies = [("safeguarding", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
