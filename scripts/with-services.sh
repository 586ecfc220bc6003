#!/usr/bin/env bash
# Run a command with a real PostgreSQL and Redis. Uses DATABASE_URL / REDIS_URL when given;
# otherwise starts throw-away instances on free loopback ports and removes them afterwards.
# The throw-away PostgreSQL has production's two roles: DATABASE_URL connects as the app's
# (sendhub_app), DATABASE_MIGRATE_URL as the tables' owner, which runs migrations:
#     DATABASE_URL=$DATABASE_MIGRATE_URL python manage.py migrate
# Beside the throw-away PostgreSQL it starts a streaming read replica (DATABASE_REPLICA_URL, the
# app's role on the standby), so the replica-routing tests always run (tests/test_db_router.py).
# Installs missing system packages with apt-get when run as root, or says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
pg_bindir=""
if [ -z "${DATABASE_URL:-}" ]; then
  if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_bindir=$(pg_config --bindir)
  else
    pg_bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  fi
  [ -n "$pg_bindir" ] && [ -x "$pg_bindir/initdb" ] || need+=(postgresql)
fi
[ -n "${REDIS_URL:-}" ] || command -v redis-server >/dev/null || need+=(redis-server)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v pdftotext >/dev/null || need+=(poppler-utils)
# WeasyPrint (PDF reports) draws text with Pango.
ldconfig -p 2>/dev/null | grep -q libpangoft2 || need+=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing ${need[*]} with apt-get ..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    pg_bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  else
    echo "Missing system packages. Install them, then run again:" >&2
    echo "    sudo apt-get install ${need[*]}" >&2
    exit 1
  fi
fi

tmp=$(mktemp -d /tmp/send-hub-test.XXXXXX)
chmod 755 "$tmp"
pg_started=""; replica_started=""; redis_pid=""
cleanup() {
  if [ -n "$replica_started" ]; then as_pg "$pg_bindir/pg_ctl" -D "$tmp/replica" -m immediate stop >/dev/null 2>&1 || true; fi
  if [ -n "$pg_started" ]; then as_pg "$pg_bindir/pg_ctl" -D "$tmp/pg" -m immediate stop >/dev/null 2>&1 || true; fi
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
as_pg() {
  # PostgreSQL refuses to run as root: use the postgres system user when we are root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ -z "${DATABASE_URL:-}" ]; then
  [ "$(id -u)" = 0 ] && chown postgres "$tmp"
  port=$(free_port)
  as_pg "$pg_bindir/initdb" -D "$tmp/pg" -U sendhub -A trust -E UTF8 --no-locale >/dev/null
  as_pg "$pg_bindir/pg_ctl" -D "$tmp/pg" -l "$tmp/pg.log" -w -o \
    "-p $port -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" start >/dev/null
  pg_started=1
  # The roles production has (docker/postgres/10-app-role.sh): sendhub owns the tables and runs
  # migrations, sendhub_app is the app's. Set up in template1, so that the test database pytest
  # creates (as the owner: tests/conftest.py) inherits the default privileges too.
  PGHOST=127.0.0.1 PGPORT="$port" PATH="$pg_bindir:$PATH" POSTGRES_USER=sendhub \
    POSTGRES_DB=template1 POSTGRES_APP_PASSWORD=unused-the-test-server-trusts-local-users \
    sh docker/postgres/10-app-role.sh
  "$pg_bindir/createdb" -h 127.0.0.1 -p "$port" -U sendhub sendhub
  export DATABASE_URL="postgres://sendhub_app@127.0.0.1:$port/sendhub"
  export DATABASE_MIGRATE_URL="postgres://sendhub@127.0.0.1:$port/sendhub"
  echo "PostgreSQL $("$pg_bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (throw-away)"
  # A streaming replica of it (hot standby): a base backup that follows the primary's WAL.
  replica_port=$(free_port)
  as_pg "$pg_bindir/pg_basebackup" -h 127.0.0.1 -p "$port" -U sendhub -D "$tmp/replica" -R -X stream -c fast
  as_pg "$pg_bindir/pg_ctl" -D "$tmp/replica" -l "$tmp/replica.log" -w -o \
    "-p $replica_port -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off -c hot_standby=on -c max_connections=100" start >/dev/null
  replica_started=1
  export DATABASE_REPLICA_URL="postgres://sendhub_app@127.0.0.1:$replica_port/sendhub"
  echo "PostgreSQL streaming replica on 127.0.0.1:$replica_port (throw-away)"
fi
if [ -z "${REDIS_URL:-}" ]; then
  rport=$(free_port)
  redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp" --daemonize no >"$tmp/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 50); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $rport), 0.2)" 2>/dev/null && break
    sleep 0.1
  done
  export REDIS_URL="redis://127.0.0.1:$rport/0"
  echo "Redis on 127.0.0.1:$rport (throw-away)"
fi
"$@"
