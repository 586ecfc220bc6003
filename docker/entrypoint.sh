#!/bin/sh
# Container entry point: the first argument chooses the role.
#   web     apply migrations, create the cache table, then serve with gunicorn on :8000
#   worker  a Celery worker
#   beat    the Celery beat scheduler (schedule kept in /tmp, recreated on start)
#   other   run the given command as-is, e.g. `python manage.py createsuperuser`
set -eu

case "${1:-}" in
    web)
        python manage.py migrate --noinput
        python manage.py createcachetable
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
