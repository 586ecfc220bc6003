"""Seal every safeguarding table PostgreSQL already keeps append-only (pgtrigger's
``append_only`` trigger refuses UPDATE and DELETE of a row): the app's role loses UPDATE, DELETE
and TRUNCATE, and TRUNCATE is refused to all but the owner (``send_hub_append_only``, staff 0007).

The tables are the ones carrying an ``append_only`` trigger when this runs. An append-only model
added later must call ``send_hub_append_only`` in its own migration (tests/test_db_roles.py
fails until it does). Going back drops the TRUNCATE triggers but does not give the privileges
back. Nothing happens on SQLite (the demo).
"""

from django.db import migrations

FORWARDS = """
SELECT send_hub_append_only(tgrelid)
FROM pg_trigger
WHERE tgname LIKE 'pgtrigger\\_append\\_only\\_%' AND NOT tgisinternal
ORDER BY tgrelid
"""

BACKWARDS = """
SELECT format('DROP TRIGGER send_hub_no_truncate ON %s', tgrelid::regclass)
FROM pg_trigger
WHERE tgname = 'send_hub_no_truncate' AND tgrelid::regclass::text LIKE 'safeguarding\\_%'
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(BACKWARDS)
        statements = [row[0] for row in cursor.fetchall()]
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("safeguarding", "0004_action_owner_notices"),
        ("staff", "0007_audit_append_only"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
