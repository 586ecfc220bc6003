"""Seed the training and checks every school tracks; HR admins change or add to them later.

Renewal periods are common defaults, not law: KCSIE asks for DSL training every two years;
DBS checks and Makaton have no fixed expiry. A school sets its own in the admin.
"""

from django.db import migrations

TYPES = [
    # code, name, renew after (months), is a check
    ("elsa", "ELSA accreditation", None, False),
    ("safeguarding-1", "Safeguarding level 1 (all staff)", 36, False),
    ("safeguarding-2", "Safeguarding level 2 (advanced)", 36, False),
    ("dsl", "Designated safeguarding lead training", 24, False),
    ("dbs-enhanced", "DBS enhanced check with children's barred list", None, True),
    ("first-aid", "First aid (paediatric or at work)", 36, False),
    ("positive-handling", "De-escalation and positive handling", 12, False),
    ("makaton", "Makaton", None, False),
    ("prevent", "Prevent duty", 24, False),
]


def add_types(apps, schema_editor):
    TrainingType = apps.get_model("staff", "TrainingType")
    for order, (code, name, months, is_check) in enumerate(TYPES, start=1):
        TrainingType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "validity_months": months,
                "is_check": is_check,
                "order": order * 10,
            },
        )


def remove_types(apps, schema_editor):
    TrainingType = apps.get_model("staff", "TrainingType")
    TrainingType.objects.filter(code__in=[row[0] for row in TYPES], records__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0003_staff_records"),
    ]

    operations = [
        migrations.RunPython(add_types, remove_types),
    ]
