#!/usr/bin/env bash
# Back SEND Hub up: a consistent PostgreSQL dump (pg_dump takes one snapshot) and the uploaded
# files, in one dated archive encrypted with GPG (AES-256, a passphrase from the environment).
#
#   SEND_HUB_BACKUP_PASSPHRASE   the passphrase (or SEND_HUB_BACKUP_PASSPHRASE_FILE: a file
#                                holding it). Keep it with your secrets, never with the backups.
#   BACKUP_DATABASE_URL          the database to dump (default DATABASE_MIGRATE_URL, then
#                                DATABASE_URL); the tables' owner sees every table.
#   SEND_HUB_MEDIA_ROOT          the uploaded files (default var/media)
#   SEND_HUB_BACKUP_DIR          where archives go (default var/backups)
#   SEND_HUB_BACKUP_KEEP_DAYS    archives older than this are removed after a good backup
#                                (default 35; 0 keeps every archive)
#
# Prints the archive's path. `make restore FILE=<archive>` brings it back; scripts/restore_drill.py
# proves that it does.
set -euo pipefail
umask 077
cd "$(dirname "$0")/.."

passphrase="${SEND_HUB_BACKUP_PASSPHRASE:-}"
if [ -z "$passphrase" ] && [ -n "${SEND_HUB_BACKUP_PASSPHRASE_FILE:-}" ]; then
  passphrase=$(cat "$SEND_HUB_BACKUP_PASSPHRASE_FILE")
fi
[ -n "$passphrase" ] || { echo "Set SEND_HUB_BACKUP_PASSPHRASE (or _FILE): backups are always encrypted." >&2; exit 2; }
db_url="${BACKUP_DATABASE_URL:-${DATABASE_MIGRATE_URL:-${DATABASE_URL:-}}}"
case "$db_url" in
  postgres://*|postgresql://*) ;;
  *) echo "Set BACKUP_DATABASE_URL (or DATABASE_URL) to the PostgreSQL database to back up." >&2; exit 2 ;;
esac
media="${SEND_HUB_MEDIA_ROOT:-var/media}"
out_dir="${SEND_HUB_BACKUP_DIR:-var/backups}"
keep_days="${SEND_HUB_BACKUP_KEEP_DAYS:-35}"
mkdir -p "$out_dir" "$media"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stamp=$(date -u +%Y%m%dT%H%M%SZ)

pg_dump --format=custom --compress=6 --no-password --file="$work/database.dump" "$db_url"
tar -C "$media" -cf "$work/media.tar" .
(
  cd "$work"
  echo "SEND Hub backup $stamp"
  sha256sum database.dump media.tar
) >"$work/MANIFEST"

archive="$out_dir/send-hub-$stamp.tar.gpg"
tar -C "$work" -cf - MANIFEST database.dump media.tar |
  gpg --batch --yes --quiet --pinentry-mode loopback --passphrase-fd 3 \
    --symmetric --cipher-algo AES256 --output "$archive.part" 3<<<"$passphrase"
mv "$archive.part" "$archive"

if [ "$keep_days" -gt 0 ]; then
  find "$out_dir" -maxdepth 1 -name 'send-hub-*.tar.gpg' -mtime +"$keep_days" -print -delete |
    sed 's/^/removed old backup /' >&2
fi
echo "$archive"
