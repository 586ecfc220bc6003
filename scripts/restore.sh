#!/usr/bin/env bash
# Restore a SEND Hub backup (scripts/backup.sh) into an EMPTY database and an empty media folder:
#
#   scripts/restore.sh send-hub-20260101T020000Z.tar.gpg      (or: make restore FILE=...)
#
#   SEND_HUB_BACKUP_PASSPHRASE(_FILE)  the passphrase the backup was made with
#   RESTORE_DATABASE_URL               the new, empty database (default DATABASE_MIGRATE_URL,
#                                      then DATABASE_URL), as the role that will own the tables
#                                      (the app's role sendhub_app must exist on the server:
#                                      docker/postgres/10-app-role.sh)
#   RESTORE_MEDIA_ROOT                 the new, empty media folder (default SEND_HUB_MEDIA_ROOT,
#                                      then var/media)
#
# Refuses a database that already has tables or a media folder with files in it: a restore
# never mixes with what is there. Checks both parts against the archive's checksums first.
set -euo pipefail
umask 077
cd "$(dirname "$0")/.."

archive="${1:-}"
[ -n "$archive" ] && [ -f "$archive" ] || { echo "Usage: scripts/restore.sh <backup .tar.gpg>" >&2; exit 2; }
passphrase="${SEND_HUB_BACKUP_PASSPHRASE:-}"
if [ -z "$passphrase" ] && [ -n "${SEND_HUB_BACKUP_PASSPHRASE_FILE:-}" ]; then
  passphrase=$(cat "$SEND_HUB_BACKUP_PASSPHRASE_FILE")
fi
[ -n "$passphrase" ] || { echo "Set SEND_HUB_BACKUP_PASSPHRASE (or _FILE)." >&2; exit 2; }
db_url="${RESTORE_DATABASE_URL:-${DATABASE_MIGRATE_URL:-${DATABASE_URL:-}}}"
case "$db_url" in
  postgres://*|postgresql://*) ;;
  *) echo "Set RESTORE_DATABASE_URL to the new, empty PostgreSQL database." >&2; exit 2 ;;
esac
media="${RESTORE_MEDIA_ROOT:-${SEND_HUB_MEDIA_ROOT:-var/media}}"

tables=$(psql "$db_url" --no-psqlrc -tAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != "0" ]; then
  echo "The database already has $tables tables: restore into a new, empty database." >&2
  exit 3
fi
mkdir -p "$media"
if [ -n "$(ls -A "$media")" ]; then
  echo "$media is not empty: restore into a new, empty media folder." >&2
  exit 3
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gpg --batch --quiet --pinentry-mode loopback --passphrase-fd 3 --decrypt "$archive" 3<<<"$passphrase" |
  tar -C "$work" -xf -
(cd "$work" && tail -n +2 MANIFEST | sha256sum --check --quiet) || {
  echo "The archive's parts do not match its checksums: not restored." >&2
  exit 4
}
# One transaction: the dump, then the append-only tables sealed again. A new database made from
# a template with the app role's default privileges (docker/postgres/10-app-role.sh) gives the
# app UPDATE and DELETE on every table pg_restore creates; send_hub_append_only takes them back
# from the append-only ones, as the migrations did (the restore drill checks the privileges).
{
  pg_restore --no-owner --file=- "$work/database.dump"
  echo "SET search_path = public; SELECT send_hub_append_only(tgrelid::regclass) FROM pg_trigger WHERE tgname = 'send_hub_no_truncate';"
} | psql "$db_url" --no-psqlrc --quiet --single-transaction -v ON_ERROR_STOP=1 >/dev/null
tar -C "$media" -xf "$work/media.tar"
echo "Restored $(head -n 1 "$work/MANIFEST") into the database and $media."
