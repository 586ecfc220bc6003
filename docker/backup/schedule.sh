#!/bin/sh
# Run scripts/backup.sh every day at SEND_HUB_BACKUP_AT (HH:MM, the container's time zone, UTC
# unless TZ is set); backup.sh removes archives older than SEND_HUB_BACKUP_KEEP_DAYS. A failed
# backup is logged and tried again the next day; the healthcheck turns unhealthy when no archive
# is newer than 26 hours.
set -eu
at="${SEND_HUB_BACKUP_AT:-02:30}"
touch /tmp/started
while true; do
  now=$(date +%s)
  next=$(date -d "today $at" +%s)
  [ "$next" -gt "$now" ] || next=$(date -d "tomorrow $at" +%s)
  sleep $((next - now))
  /backup/scripts/backup.sh || echo "backup failed; see the lines above" >&2
done
