# SEND Hub. `make run` starts the demo; `make test` runs the whole suite. See README.md.
SHELL := /bin/bash
UV = $(shell scripts/ensure-uv.sh)
PY = $(UV) run --frozen
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench install worker beat lint format migrations-check check-deploy demo backup restore drill

install:
	@$(UV) sync --frozen --quiet

# The zero-install demo: SQLite under var/, Celery in-process, e-mail to the console.
# Two-factor sign-in is relaxed for the demo only (every page says so); set
# SEND_HUB_MFA_REQUIRED=true to try it.
# seed_demo makes today's reminders on every start; Celery beat then runs the production
# schedule (CELERY_BEAT_SCHEDULE: the reminder sweep at 06:30, the digest at 07:15...) beside
# the web server. With no broker the demo's tasks run eagerly, so beat runs each job in its own
# process as it falls due and no worker is needed (with REDIS_URL set, run `make worker` too).
# Ctrl+C, or runserver ending, stops both.
run migrations-check: export DJANGO_DEBUG = true
run: install
	@mkdir -p var
	@$(PY) python manage.py migrate --no-input -v0
	@$(PY) python manage.py createcachetable
	@SEND_HUB_MFA_REQUIRED=$${SEND_HUB_MFA_REQUIRED:-false} $(PY) python manage.py seed_demo
	@echo ""
	@echo "SEND Hub is starting at http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@export SEND_HUB_MFA_REQUIRED=$${SEND_HUB_MFA_REQUIRED:-false}; \
	$(PY) celery --quiet -A send_hub beat --loglevel=warning --schedule var/celerybeat-schedule & \
	beat=$$!; \
	trap 'kill $$beat 2>/dev/null; wait $$beat 2>/dev/null' EXIT; \
	trap 'exit 0' INT; trap 'exit 143' TERM; \
	$(PY) python manage.py runserver $(HOST):$(PORT)

test: install
	@scripts/with-services.sh $(PY) pytest $(PYTEST_ARGS)

# Every benchmark under benchmarks/ on a throw-away PostgreSQL seeded with the 12-school trust:
# first the pages through gunicorn and wrk against the floor page (benchmarks/pages.py), then the
# rest. BENCH="pages" runs only the named ones; BENCH_PAGES_ARGS="--seconds 20" goes to the pages.
bench: install
	@scripts/with-services.sh scripts/bench.sh $(PY)

# Backups (README, "Backups"): an encrypted, dated archive of the database and the uploaded files.
backup:
	@scripts/backup.sh

# Into a new, empty database and media folder: make restore FILE=var/backups/send-hub-....tar.gpg
restore:
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=<backup .tar.gpg>" >&2; exit 2; }
	@scripts/restore.sh "$(FILE)"

# The restore drill on a throw-away PostgreSQL: seed the demo, back up, restore into a new
# database, compare every table and file (scripts/restore_drill.py).
drill: install
	@scripts/with-services.sh $(PY) python -m scripts.restore_drill --seed

worker: install
	@$(PY) celery -A send_hub worker --loglevel=info

beat: install
	@$(PY) celery -A send_hub beat --loglevel=info --schedule var/celerybeat-schedule

# Style, then the import contracts and types ([tool.importlinter] and [tool.mypy] in pyproject.toml).
lint: install
	@$(PY) ruff check .
	@$(PY) ruff format --check .
	@$(PY) lint-imports --no-logo --cache-dir var/import_linter_cache
	@$(PY) mypy

format: install
	@$(PY) ruff format .
	@$(PY) ruff check --fix .

migrations-check: install
	@$(PY) python manage.py makemigrations --check --dry-run
