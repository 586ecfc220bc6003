#!/bin/sh
# Container entry point: the first argument chooses the role.
#   migrate apply migrations and create the cache table, then exit; run with DATABASE_URL
#           connecting as the owner of the tables (the `migrate` service in docker-compose.yml)
#   web     serve with gunicorn on :8000 (as the app's database role, which cannot migrate)
#   worker  a Celery worker
#   beat    the Celery beat scheduler (schedule kept in /tmp, recreated on start)
#   other   run the given command as-is, e.g. `python manage.py createsuperuser`
set -eu

case "${1:-}" in
    migrate)
        python manage.py migrate --noinput
        python manage.py createcachetable
        ;;
    web)
        exec gunicorn send_hub.wsgi:application \
            --bind 0.0.0.0:8000 \
            --workers "${GUNICORN_WORKERS:-3}" \
            --access-logfile -
        ;;
    worker)
        exec celery -A send_hub worker --loglevel=info
        ;;
    beat)
        exec celery -A send_hub beat --loglevel=info --schedule /tmp/celerybeat-schedule
        ;;
    *)
        exec "$@"
        ;;
esac
