"""The audit trail is append-only in PostgreSQL too, and no append-only table can be emptied.

The app connects as a role that owns no table (docker/postgres/10-app-role.sh); these migrations
run as the owner. ``send_hub_append_only(table)`` seals a table against that role twice over:

* it takes UPDATE, DELETE and TRUNCATE back from every role but the owner (the app's role gets
  them from the default privileges when the table is created), so the app cannot change a row
  even by switching a trigger off (pgtrigger's ``pgtrigger.ignore`` is a setting any role may
  set; ``session_replication_role`` needs a superuser);
* it adds the ``send_hub_no_truncate`` trigger, which refuses TRUNCATE to anyone who does not
  own the table, should a privilege ever be granted by mistake. The owner may still empty it
  (Django's test flush does), as it could drop the trigger anyway.

staff_auditevent also gets ``send_hub_append_only``, refusing UPDATE and DELETE of a row to
everyone, as pgtrigger's ``append_only`` triggers do for the safeguarding tables (sealed by
safeguarding 0006). Going back drops the triggers and functions but does not give the
privileges back. Nothing happens on SQLite (the demo).
"""

from django.db import migrations

FORWARDS = r"""
CREATE FUNCTION send_hub_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE'
        AND pg_has_role((SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE FUNCTION send_hub_append_only(target regclass) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    grantee_name text;
BEGIN
    EXECUTE format(
        'CREATE OR REPLACE TRIGGER send_hub_no_truncate BEFORE TRUNCATE ON %s '
        'FOR EACH STATEMENT EXECUTE FUNCTION send_hub_refuse_change()',
        target
    );
    FOR grantee_name IN
        SELECT DISTINCT
            CASE WHEN acl.grantee = 0 THEN 'PUBLIC' ELSE acl.grantee::regrole::text END
        FROM pg_class, aclexplode(pg_class.relacl) AS acl
        WHERE pg_class.oid = target
            AND acl.grantee <> pg_class.relowner
            AND acl.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
    LOOP
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %s FROM %s', target, grantee_name);
    END LOOP;
END;
$$;

CREATE TRIGGER send_hub_append_only BEFORE UPDATE OR DELETE ON staff_auditevent
    FOR EACH ROW EXECUTE FUNCTION send_hub_refuse_change();
SELECT send_hub_append_only('staff_auditevent');
"""

BACKWARDS = """
DROP TRIGGER send_hub_append_only ON staff_auditevent;
DROP TRIGGER send_hub_no_truncate ON staff_auditevent;
DROP FUNCTION send_hub_append_only(regclass);
DROP FUNCTION send_hub_refuse_change();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0006_form_submission_keys"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
