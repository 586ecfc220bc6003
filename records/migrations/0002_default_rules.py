"""The retention schedule's defaults, from the IRMS Information Management Toolkit for Schools.

Each is a row without a school: a school changes it by adding its own row for the same kind in
the admin (Records management, then Retention rules). DOMAIN.md asks for rules like these to be
data, not constants.
"""

from django.db import migrations

DEFAULTS = [
    # kind, trigger, years, review, source
    (
        "PUPIL_RECORD",
        "DATE_OF_BIRTH",
        25,
        False,
        "IRMS toolkit: pupil's educational record (secondary), date of birth + 25 years",
    ),
    (
        "SEN_RECORD",
        "DATE_OF_BIRTH",
        31,
        False,
        "IRMS toolkit: SEN files, reviews and EHCPs, date of birth + 31 years",
    ),
    (
        "CHILD_PROTECTION",
        "DATE_OF_BIRTH",
        25,
        True,
        "IRMS toolkit: child protection file, date of birth + 25 years, then review",
    ),
    (
        "STAFF_RECORD",
        "LEAVING",
        6,
        False,
        "IRMS toolkit: staff personnel file, termination of employment + 6 years",
    ),
    (
        "OPERATIONAL",
        "CREATION",
        1,
        False,
        "School's choice: reminders and alerts, date made + 1 year",
    ),
    ("SYSTEM", "NEVER", None, False, "Accounts, audit trail and disposal log: kept permanently"),
]


def forwards(apps, schema_editor):
    RetentionRule = apps.get_model("records", "RetentionRule")
    for kind, trigger, years, review, source in DEFAULTS:
        RetentionRule.objects.get_or_create(
            school=None,
            kind=kind,
            defaults={"trigger": trigger, "years": years, "review": review, "source": source},
        )


def backwards(apps, schema_editor):
    apps.get_model("records", "RetentionRule").objects.filter(school=None).delete()


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
