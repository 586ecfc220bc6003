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

# The page benchmark drives gunicorn with wrk (from the distribution).
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing wrk with apt-get ..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null
  else
    echo "wrk is missing. Install it, then run again:  sudo apt-get install wrk" >&2
    exit 1
  fi
fi

# seed URL SCHOOLS: migrate and seed, unless the database already holds that demo trust (reuse).
seed() {
  local url=$1 schools=$2 have
  DATABASE_URL=$url "${PY[@]}" python manage.py migrate --no-input -v0
  DATABASE_URL=$url "${PY[@]}" python manage.py createcachetable
  have=$(psql "$url" -Atc "SELECT count(*) FROM staff_school")
  if [ "$have" = "$schools" ]; then
    echo "(reusing the $schools-school demo already in the database)"
  else
    DATABASE_URL=$url "${PY[@]}" python manage.py seed_demo --schools "$schools" --quiet-logins
  fi
  psql "$url" -qc "ANALYZE" >/dev/null
}

echo "== Migrating and seeding the 12-school demo trust (a minute or two) =="
"${PY[@]}" python manage.py collectstatic --no-input -v0  # production serves hashed files
seed "$DATABASE_MIGRATE_URL" 12
# A second database with one school, where benchmarks.pages counts each page's queries again:
# the counts must not grow with the number of schools.
one_db="$(basename "$DATABASE_MIGRATE_URL")_one_school"
psql "$DATABASE_MIGRATE_URL" -qAtc "SELECT 1 FROM pg_database WHERE datname = '$one_db'" | grep -q 1 \
  || psql "$DATABASE_MIGRATE_URL" -qc "CREATE DATABASE $one_db"
seed "${DATABASE_MIGRATE_URL%/*}/$one_db" 1
export DATABASE_ONE_SCHOOL_URL="${DATABASE_URL%/*}/$one_db"

# BENCH="pages sendco_pages" runs only those; BENCH_PAGES_ARGS goes to benchmarks.pages.
read -r -a benches <<<"${BENCH:-pages import_pupils import_classes import_attendance impact_pdf evidence_pack reminder_sweep daily_sweep sendco_pages}"
for bench in "${benches[@]}"; do
  echo ""
  echo "== benchmarks.$bench =="
  # shellcheck disable=SC2086
  "${PY[@]}" python -m "benchmarks.$bench" $([ "$bench" = pages ] && echo "${BENCH_PAGES_ARGS:-}")
done
