"""Append-only records leave only through records_dispose_rows(), and only when approved.

The app's role may not DELETE from an append-only table (staff 0007, safeguarding 0006), and
pgtrigger's ``append_only`` triggers refuse every role. ``records_dispose_rows(item, table, ids)``
is SECURITY DEFINER: it runs as the owner of the tables (the role that runs migrations), not as
the app. It deletes only:

* rows of a table sealed by ``send_hub_append_only`` (send_hub_no_truncate trigger),
* whose ids the disposal item lists for that table,
* when the item is APPROVED and its batch was approved by an active head or DPO of the school.

The app's role may call it (EXECUTE) and nothing else may; anything else raises
insufficient_privilege. The disposal log is sealed the same way as every append-only table.
Nothing happens on SQLite (the demo), where the service deletes the rows itself.
"""

from django.db import migrations

FORWARDS = r"""
CREATE FUNCTION records_dispose_rows(item_id bigint, target regclass, ids bigint[])
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    listed jsonb;
    ignore text;
    deleted integer;
BEGIN
    SELECT item.rows INTO listed
    FROM records_disposalitem item
    JOIN records_disposalbatch batch ON batch.id = item.batch_id
    WHERE item.id = item_id
        AND item.state = 'APPROVED'
        AND batch.approved_at IS NOT NULL
        AND EXISTS (
            SELECT 1
            FROM staff_membership m
            JOIN staff_membershiprole r ON r.membership_id = m.id
            JOIN staff_user u ON u.id = m.user_id
            WHERE m.user_id = batch.approved_by_id AND m.school_id = batch.school_id
                AND m.active AND u.is_active AND r.role IN ('HEAD', 'DPO')
        );
    IF listed IS NULL THEN
        RAISE EXCEPTION 'disposal item % is not approved by the school''s DPO or head', item_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM pg_trigger WHERE tgrelid = target AND tgname = 'send_hub_no_truncate'
    ) THEN
        RAISE EXCEPTION '% is not an append-only table', target
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF EXISTS (
        SELECT unnest(ids)
        EXCEPT
        SELECT listed_id::bigint
        FROM jsonb_array_elements(listed) AS entry(row_set),
            jsonb_array_elements_text(entry.row_set -> 2) AS listed_id
        WHERE entry.row_set ->> 1 = target::text
    ) THEN
        RAISE EXCEPTION 'disposal item % does not list these rows of %', item_id, target
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT '{' || coalesce(string_agg(tgname, ','), '') || '}' INTO ignore
    FROM pg_trigger WHERE tgrelid = target AND tgname LIKE 'pgtrigger\_%';
    PERFORM set_config('pgtrigger.ignore', ignore, true);
    EXECUTE format('DELETE FROM %s WHERE id = ANY($1)', target) USING ids;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    PERFORM set_config('pgtrigger.ignore', '{}', true);
    RETURN deleted;
END;
$$;

REVOKE ALL ON FUNCTION records_dispose_rows(bigint, regclass, bigint[]) FROM PUBLIC;
"""

GRANT_APP = """
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'sendhub_app') THEN
        GRANT EXECUTE ON FUNCTION records_dispose_rows(bigint, regclass, bigint[]) TO sendhub_app;
    END IF;
END;
$$;
SELECT send_hub_append_only('records_disposallog');
"""

BACKWARDS = """
DROP FUNCTION records_dispose_rows(bigint, regclass, bigint[]);
DROP TRIGGER IF EXISTS send_hub_no_truncate ON records_disposallog;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS, params=None)
        schema_editor.execute(GRANT_APP, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0002_default_rules"),
        ("staff", "0008_dpo_role"),
        ("safeguarding", "0006_truncate_refused"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
