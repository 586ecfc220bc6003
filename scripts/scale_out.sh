#!/usr/bin/env bash
# Beyond one machine, rehearsed on one: a PostgreSQL primary with a streaming read replica, Redis,
# two gunicorn nodes behind nginx, two Celery workers and one beat, all throw-away under /tmp.
# It seeds the demo trust, sends wrk's load through nginx, stops one web node part-way through
# (SIGKILL, as a lost machine), and reports the requests that failed. Then it removes everything.
#
#     scripts/scale_out.sh                  # 2 demo schools, 30 s of load, node 2 lost at 10 s
#     SCHOOLS=12 SECONDS_OF_LOAD=60 scripts/scale_out.sh
#
# Ports: nginx on ${NGINX_PORT:-8119}, the nodes on ${NODE1_PORT:-8117} and ${NODE2_PORT:-8118};
# PostgreSQL and Redis on free loopback ports. Installs missing system packages (postgresql,
# redis-server, nginx-light, wrk) with apt-get when run as root, or says what to install.
# README "Running a trust or a local authority" describes the same layout on real machines.
set -euo pipefail
cd "$(dirname "$0")/.."
UV=$(scripts/ensure-uv.sh)
PY=("$UV" run --frozen)
"${PY[@]}" true  # the virtualenv is in place; the servers below run from it directly, so that
VENV=.venv/bin   # each process id is the server's own (node 2 is stopped by its id)
SCHOOLS=${SCHOOLS:-2}
LOAD=${SECONDS_OF_LOAD:-30}
NGINX_PORT=${NGINX_PORT:-8119}
NODE1_PORT=${NODE1_PORT:-8117}
NODE2_PORT=${NODE2_PORT:-8118}

need=()
pg_bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$pg_bindir" ] && [ -x "$pg_bindir/initdb" ] || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v wrk >/dev/null || need+=(wrk)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing ${need[*]} with apt-get ..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    pg_bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  else
    echo "Missing system packages. Install them, then run again:" >&2
    echo "    sudo apt-get install ${need[*]}" >&2
    exit 1
  fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

for port in "$NGINX_PORT" "$NODE1_PORT" "$NODE2_PORT"; do
  if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.5)" 2>/dev/null; then
    echo "Port $port is in use: set NGINX_PORT, NODE1_PORT or NODE2_PORT to free ones." >&2
    exit 1
  fi
done

tmp=$(mktemp -d /tmp/send-hub-scale.XXXXXX)
chmod 755 "$tmp"
pids=()
pg_dirs=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true
  for dir in "${pg_dirs[@]}"; do as_pg "$pg_bindir/pg_ctl" -D "$dir" -m immediate stop >/dev/null 2>&1 || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
wait_http() {
  for _ in $(seq 300); do
    python3 -c "import urllib.request; urllib.request.urlopen('$1', timeout=1)" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "$1 did not answer" >&2
  return 1
}

echo "== PostgreSQL primary and streaming replica, Redis =="
[ "$(id -u)" = 0 ] && chown postgres "$tmp"
pg_port=$(free_port)
as_pg "$pg_bindir/initdb" -D "$tmp/primary" -U sendhub -A trust -E UTF8 --no-locale >/dev/null
as_pg "$pg_bindir/pg_ctl" -D "$tmp/primary" -l "$tmp/primary.log" -w -o \
  "-p $pg_port -k $tmp -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
pg_dirs+=("$tmp/primary")
PGHOST=127.0.0.1 PGPORT="$pg_port" PATH="$pg_bindir:$PATH" POSTGRES_USER=sendhub \
  POSTGRES_DB=template1 POSTGRES_APP_PASSWORD=unused-the-rehearsal-trusts-local-users \
  sh docker/postgres/10-app-role.sh
"$pg_bindir/createdb" -h 127.0.0.1 -p "$pg_port" -U sendhub sendhub
replica_port=$(free_port)
as_pg "$pg_bindir/pg_basebackup" -h 127.0.0.1 -p "$pg_port" -U sendhub -D "$tmp/replica" -R -X stream -c fast
as_pg "$pg_bindir/pg_ctl" -D "$tmp/replica" -l "$tmp/replica.log" -w -o \
  "-p $replica_port -k $tmp -c listen_addresses=127.0.0.1 -c hot_standby=on -c max_connections=200" start >/dev/null
pg_dirs+=("$tmp/replica")
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp" >"$tmp/redis.log" 2>&1 &
pids+=($!)
echo "primary :$pg_port, replica :$replica_port (streaming), Redis :$redis_port"

export DJANGO_DEBUG=false SEND_HUB_MFA_REQUIRED=false SEND_HUB_SSL_REDIRECT=false
export SEND_HUB_BEHIND_PROXY=true SEND_HUB_CLIENT_IP_HEADER=X-Real-IP DJANGO_SETTINGS_MODULE=send_hub.settings
DJANGO_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(60))')
export DJANGO_SECRET_KEY
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL="postgres://sendhub_app@127.0.0.1:$pg_port/sendhub"
export DATABASE_REPLICA_URL="postgres://sendhub_app@127.0.0.1:$replica_port/sendhub"
export REDIS_URL="redis://127.0.0.1:$redis_port/0"
owner="postgres://sendhub@127.0.0.1:$pg_port/sendhub"

echo "== Migrating and seeding $SCHOOLS demo schools =="
DATABASE_URL=$owner "${PY[@]}" python manage.py migrate --no-input -v0
DATABASE_URL=$owner "${PY[@]}" python manage.py createcachetable
DATABASE_URL=$owner "${PY[@]}" python manage.py seed_demo --schools "$SCHOOLS" --quiet-logins
"${PY[@]}" python manage.py collectstatic --no-input -v0

echo "== Two web nodes, two Celery workers, one beat, nginx in front =="
for port in "$NODE1_PORT" "$NODE2_PORT"; do
  "$VENV/gunicorn" send_hub.wsgi:application --bind "127.0.0.1:$port" --workers 2 \
    --timeout 60 --graceful-timeout 5 >"$tmp/node-$port.log" 2>&1 &
  pids+=($!)
done
node1_pid=${pids[-2]}
node2_pid=${pids[-1]}
for n in 1 2; do
  "$VENV/celery" -A send_hub worker -n "worker$n@%h" --concurrency 1 --loglevel=warning \
    >"$tmp/worker$n.log" 2>&1 &
  pids+=($!)
done
"$VENV/celery" -A send_hub beat --loglevel=warning --schedule "$tmp/celerybeat-schedule" \
  >"$tmp/beat.log" 2>&1 &
pids+=($!)
cat >"$tmp/nginx.conf" <<EOF
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
$([ "$(id -u)" = 0 ] && echo "user root;")
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx-body;
  proxy_temp_path $tmp/nginx-proxy;
  fastcgi_temp_path $tmp/nginx-fastcgi;
  uwsgi_temp_path $tmp/nginx-uwsgi;
  scgi_temp_path $tmp/nginx-scgi;
  upstream send_hub {
    server 127.0.0.1:$NODE1_PORT max_fails=1 fail_timeout=10s;
    server 127.0.0.1:$NODE2_PORT max_fails=1 fail_timeout=10s;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://send_hub;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Real-IP \$remote_addr;
      proxy_set_header X-Forwarded-Proto https;
      # A node that is gone: try the other one (only for requests that are safe to repeat;
      # a POST carries its one-time form key, so a resend would be saved once anyway).
      proxy_next_upstream error timeout http_502 http_503;
      proxy_connect_timeout 2s;
    }
  }
}
EOF
"$NGINX" -c "$tmp/nginx.conf" -p "$tmp" -e "$tmp/nginx-error.log"
base="http://127.0.0.1:$NGINX_PORT"
wait_http "http://127.0.0.1:$NODE1_PORT/healthz"
wait_http "http://127.0.0.1:$NODE2_PORT/healthz"
wait_http "$base/healthz"
kill -0 "$node1_pid" && kill -0 "$node2_pid" || { echo "A web node did not start: see $tmp/node-*.log" >&2; exit 1; }

# A signed-in LSA of the first school, for Today (a session made in the database, as sign-in does).
cookie=$("${PY[@]}" python - <<'EOF'
import django
django.setup()
from django.conf import settings
from django.test import Client
from staff.models import Membership, Role
membership = Membership.objects.active().with_role(Role.LSA).order_by("school", "pk").first()
client = Client()
client.force_login(membership.user)
session = client.session
session["send_hub_mfa_ok"] = True
session.save()
print(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
EOF
)
workers_up=$("${PY[@]}" celery -A send_hub inspect ping --timeout 5 2>/dev/null | grep -c pong || true)
echo "nginx :$NGINX_PORT -> nodes :$NODE1_PORT and :$NODE2_PORT; Celery workers answering: $workers_up"

echo "== $LOAD s of load through nginx (LSA's Today); node 2 stopped after $((LOAD / 3)) s =="
cat >"$tmp/report.lua" <<'EOF'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local seen = {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses")) do seen[code] = (seen[code] or 0) + n end
  end
  for code, n in pairs(seen) do io.write(string.format("STATUS %d %d\n", code, n)) end
  local e = summary.errors
  io.write(string.format("RESULT %d %.1f %d %d %d %d %d %d %.1f\n", summary.requests,
    summary.duration / 1e6, e.connect, e.read, e.write, e.status, e.timeout,
    e.connect + e.read + e.write + e.status + e.timeout, latency:percentile(95) / 1000))
end
EOF
wrk -t 2 -c 8 -d "${LOAD}s" --timeout 10s -s "$tmp/report.lua" -H "Cookie: $cookie" \
  -H "X-Forwarded-Proto: https" "$base/today/" >"$tmp/wrk.out" 2>&1 &
wrk_pid=$!
sleep $((LOAD / 3))
# The node and its workers go at once, as when a machine is lost.
pkill -KILL -P "$node2_pid" 2>/dev/null || true
kill -KILL "$node2_pid" 2>/dev/null || true
echo "node 2 (:$NODE2_PORT) stopped at $((LOAD / 3)) s"
wait "$wrk_pid"
read -r _ total secs connect read write status timeout failed p95 < <(grep '^RESULT' "$tmp/wrk.out")
echo ""
echo "requests through nginx: $total in $secs s ($(python3 -c "print(f'{$total / $secs:.1f}')") req/s), p95 ${p95} ms"
echo "answers by HTTP status: $(grep '^STATUS' "$tmp/wrk.out" | awk '{printf "%s x %s  ", $2, $3}')"
echo "failed requests with one node stopped: $failed (connect $connect, read $read, write $write, HTTP status $status, timeout $timeout)"
node1_ok=$(python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$NODE1_PORT/healthz', timeout=5).status)")
echo "node 1 healthz after the loss: $node1_ok; replica in recovery: $(psql "postgres://sendhub@127.0.0.1:$replica_port/sendhub" -Atc 'SELECT pg_is_in_recovery()')"
