#!/bin/sh
# SEND Hub's two PostgreSQL roles. The postgres image runs this once, when it creates the
# database (it is mounted in /docker-entrypoint-initdb.d); scripts/with-services.sh runs it for
# the tests. Safe to run again, e.g. to give an existing installation the app's role (README,
# "Running it for a school").
#
#   $POSTGRES_USER (sendhub)  owns every table and runs the migrations (the `migrate` service).
#   sendhub_app               what the app connects as: it reads and writes rows but owns no
#                             table and is no superuser, so it can neither alter a table nor
#                             switch triggers off (session_replication_role), and the
#                             append-only tables refuse it UPDATE, DELETE and TRUNCATE.
set -eu
: "${POSTGRES_USER:?set POSTGRES_USER (the owner of the tables)}"
: "${POSTGRES_APP_PASSWORD:?set POSTGRES_APP_PASSWORD (the password of sendhub_app)}"

psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet \
    --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" \
    -v owner="$POSTGRES_USER" -v app_password="$POSTGRES_APP_PASSWORD" <<'SQL'
SELECT 'CREATE ROLE sendhub_app'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sendhub_app') \gexec
ALTER ROLE sendhub_app
    LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'app_password';

-- Nobody but the owner creates anything (PostgreSQL 15 already has it so).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO sendhub_app;

-- Rows, not tables: every table and sequence the owner creates from now on...
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner"
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO sendhub_app;
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" GRANT USAGE, SELECT ON SEQUENCES TO sendhub_app;
-- ...and those already there (an installation from before the app had its own role).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO sendhub_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO sendhub_app;

-- The migrations mark every append-only table with the send_hub_no_truncate trigger and take
-- these privileges back as they do; repeated here for tables granted just above.
SELECT format('REVOKE UPDATE, DELETE, TRUNCATE ON %s FROM sendhub_app', tgrelid::regclass)
FROM pg_trigger
WHERE tgname = 'send_hub_no_truncate' \gexec
SQL
