"""The database refuses edits for real: PostgreSQL itself, not only the app's code.

The app connects as a role (DATABASE_URL) that owns no table and is no superuser; the tables'
owner (DATABASE_MIGRATE_URL) runs migrations and creates the test database. These tests open a
second connection, as the app's role, to the test database and try what a fault in the app (or
an injected statement) might: changing, deleting or emptying an append-only table, switching
triggers off. Every attempt fails. scripts/with-services.sh sets up both roles the way
docker/postgres/10-app-role.sh does in production.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from psycopg import errors, sql

from send_hub.lib.env import env
from staff.audit import log_action
from staff.models import AuditEvent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the database roles are PostgreSQL's"
    ),
]


def append_only_tables() -> list[str]:
    """The audit trail and every table with pgtrigger's ``append_only`` trigger."""
    tables = {AuditEvent._meta.db_table}
    for model in apps.get_models():
        if any(trigger.name == "append_only" for trigger in getattr(model._meta, "triggers", [])):
            tables.add(model._meta.db_table)
    return sorted(tables)


APPEND_ONLY = append_only_tables()
REFUSED = ["UPDATE {table} SET id = id", "DELETE FROM {table}", "TRUNCATE {table}"]


@pytest.fixture
def app_db() -> Iterator[psycopg.Connection]:
    """A connection to the test database as the app's own role."""
    if not os.environ.get("DATABASE_MIGRATE_URL"):
        pytest.fail(
            "Set DATABASE_URL to the app's role and DATABASE_MIGRATE_URL to the owner of the "
            "tables (scripts/with-services.sh does), so that the app's role can be tested."
        )
    app = env.db_url("DATABASE_URL")
    assert app["USER"] != connection.settings_dict["USER"], "the app must not be the owner"
    with psycopg.connect(
        dbname=connection.settings_dict["NAME"],  # the test database
        user=app["USER"],
        password=app["PASSWORD"] or None,
        host=app["HOST"] or None,
        port=app["PORT"] or None,
        autocommit=True,
    ) as conn:
        yield conn


def test_there_are_append_only_tables_to_check() -> None:
    assert "staff_auditevent" in APPEND_ONLY
    assert "safeguarding_concern" in APPEND_ONLY
    assert len(APPEND_ONLY) >= 14


def test_the_app_role_is_no_superuser_and_owns_no_table(app_db) -> None:
    role = app_db.execute(
        "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication "
        "FROM pg_roles WHERE rolname = current_user"
    ).fetchone()
    assert role == (False, False, False, False, False)
    owned = app_db.execute(
        "SELECT relname FROM pg_class WHERE relowner = "
        "(SELECT oid FROM pg_roles WHERE rolname = current_user)"
    ).fetchall()
    assert owned == []


def test_the_app_role_cannot_switch_triggers_off(app_db) -> None:
    with pytest.raises(errors.InsufficientPrivilege):
        app_db.execute("SET session_replication_role = replica")
    assert app_db.execute("SHOW session_replication_role").fetchone() == ("origin",)
    with pytest.raises(errors.InsufficientPrivilege):
        app_db.execute("ALTER TABLE staff_auditevent DISABLE TRIGGER ALL")
    with pytest.raises(errors.InsufficientPrivilege):
        app_db.execute("DROP TRIGGER send_hub_append_only ON staff_auditevent")


@pytest.mark.parametrize("table", APPEND_ONLY)
@pytest.mark.parametrize("statement", REFUSED, ids=lambda s: s.split()[0])
def test_the_app_role_cannot_change_delete_or_empty_an_append_only_table(
    app_db, table, statement
) -> None:
    # pgtrigger lets any role skip its triggers with this setting; privileges still refuse.
    triggers = [
        name
        for (name,) in app_db.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass", [table]
        )
    ]
    app_db.execute(
        "SELECT set_config('pgtrigger.ignore', %s, false)", ["{" + ",".join(triggers) + "}"]
    )
    query = sql.SQL(statement.replace("{table}", "{}")).format(sql.Identifier(table))
    with pytest.raises(errors.InsufficientPrivilege, match="permission denied"):
        app_db.execute(query)


def test_the_app_role_still_adds_rows_and_changes_ordinary_ones(app_db) -> None:
    with app_db.transaction(force_rollback=True):
        (pk,) = app_db.execute(
            "INSERT INTO staff_auditevent (at, action, object_type, object_id, data) "
            "VALUES (now(), 'test.db_roles.checked', '', '', '{}') RETURNING id"
        ).fetchone()
        assert app_db.execute("SELECT action FROM staff_auditevent WHERE id = %s", [pk]).fetchone()
        with pytest.raises(errors.InsufficientPrivilege):
            app_db.execute("UPDATE staff_auditevent SET action = 'rewritten' WHERE id = %s", [pk])
    with app_db.transaction(force_rollback=True):
        app_db.execute("UPDATE staff_school SET name = name")
        app_db.execute("DELETE FROM django_session")


def test_every_append_only_table_refuses_truncate_by_trigger_too() -> None:
    """Sealed by send_hub_append_only (staff 0007, safeguarding 0006). An append-only model
    added later needs a migration that runs ``SELECT send_hub_append_only('<table>')``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = 'send_hub_no_truncate'"
        )
        sealed = {name for (name,) in cursor.fetchall()}
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger "
            "WHERE tgname LIKE 'pgtrigger\\_append\\_only\\_%'"
        )
        protected = {name for (name,) in cursor.fetchall()}
    assert protected <= set(APPEND_ONLY)
    missing = set(APPEND_ONLY) - sealed
    assert not missing, f"not sealed by send_hub_append_only: {sorted(missing)}"


def test_the_audit_trail_refuses_changes_even_to_its_owner() -> None:
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")  # tests run as the app's role (conftest); be the owner
    event = log_action(None, "test.db_roles.checked")
    for statement in (
        "UPDATE staff_auditevent SET action = 'rewritten'",
        "DELETE FROM staff_auditevent",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert AuditEvent.objects.get(pk=event.pk).action == "test.db_roles.checked"


def test_a_granted_truncate_is_still_refused_by_the_trigger() -> None:
    """Belt and braces: were TRUNCATE ever granted to the app's role, the trigger refuses it."""
    app_role = connection.ops.quote_name(env.db_url("DATABASE_URL")["USER"])
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")  # tests run as the app's role (conftest); be the owner
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            pytest.skip("the owner here cannot take on the app's role to try")
        for table in APPEND_ONLY:
            quoted = connection.ops.quote_name(table)
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                # CASCADE, or the foreign keys refuse first, before any trigger has run.
                cursor.execute(f"GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {app_role}")
                cursor.execute(f"SET LOCAL ROLE {app_role}")
                cursor.execute(f"TRUNCATE {quoted} CASCADE")


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_can_write_audit_rows() -> None:
    # Runs with flush teardown: the owner may still empty the audit table (Django's TRUNCATE).
    log_action(None, "test.db_roles.checked")
    assert AuditEvent.objects.filter(action="test.db_roles.checked").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_flush_after_a_transactional_test_emptied_the_audit_table() -> None:
    assert not AuditEvent.objects.filter(action="test.db_roles.checked").exists()
