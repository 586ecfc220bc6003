"""Seed the plan kinds schools use; schools may add more (the list is data, not code)."""

from django.db import migrations

KINDS = [
    ("IEP", "IEP / individual support plan", 1),
    ("BSP", "Behaviour support plan", 2),
    ("PSP", "Pastoral support plan", 3),
]


def seed(apps, schema_editor):
    PlanKind = apps.get_model("interventions", "PlanKind")
    for code, name, order in KINDS:
        PlanKind.objects.get_or_create(code=code, defaults={"name": name, "order": order})


def unseed(apps, schema_editor):
    apps.get_model("interventions", "PlanKind").objects.filter(
        code__in=[code for code, _, _ in KINDS], plans__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("interventions", "0004_plans_ehcp_reminders")]
    operations = [migrations.RunPython(seed, unseed)]
