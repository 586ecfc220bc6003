#!/usr/bin/env bash
# `make bench`: every benchmark under benchmarks/ against a throw-away PostgreSQL seeded with the
# 12-school demo trust, under production settings (DEBUG off, so Django keeps no query log).
# Run inside scripts/with-services.sh, which provides DATABASE_URL (the app's role) and
# DATABASE_MIGRATE_URL (the tables' owner, which migrates and seeds).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=("$@")  # the Python runner, e.g. `uv run --frozen`

# In process there is no HTTPS proxy in front: measure the pages, not a redirect to https.
export DJANGO_DEBUG=false SEND_HUB_MFA_REQUIRED=false SEND_HUB_SSL_REDIRECT=false
DJANGO_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(60))')
export DJANGO_SECRET_KEY

echo "== Migrating and seeding the 12-school demo trust (a few minutes) =="
DATABASE_URL=$DATABASE_MIGRATE_URL "${PY[@]}" python manage.py migrate --no-input -v0
DATABASE_URL=$DATABASE_MIGRATE_URL "${PY[@]}" python manage.py createcachetable
"${PY[@]}" python manage.py collectstatic --no-input -v0  # production serves hashed files
DATABASE_URL=$DATABASE_MIGRATE_URL "${PY[@]}" python manage.py seed_demo --schools 12 --quiet-logins
psql "$DATABASE_MIGRATE_URL" -qc "ANALYZE" >/dev/null

for bench in import_pupils impact_pdf reminder_sweep daily_sweep sendco_pages; do
  echo ""
  echo "== benchmarks.$bench =="
  "${PY[@]}" python -m "benchmarks.$bench"
done
