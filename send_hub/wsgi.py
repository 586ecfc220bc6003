"""WSGI entry point, served by gunicorn in production (see docker-compose.yml)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_hub.settings")

application = get_wsgi_application()

# The garbage collector, tuned for a web worker (issue #16, measured with benchmarks.pages).
# Everything loaded so far (Django, the app, its URL patterns and templates' code) lives as long
# as the worker, so it is moved out of the collector's sight; and the youngest generation is
# collected after 10,000 new objects rather than 700, since a page that builds a few hundred
# model instances would otherwise trigger several collections per request, each walking
# objects that will be freed anyway when the request ends. Pages spend 5 to 15 % less time,
# the heaviest most; a worker's memory stays well under its 250 MB budget.
GC_YOUNGEST_THRESHOLD = 10_000
gc.collect()
gc.freeze()
gc.set_threshold(GC_YOUNGEST_THRESHOLD, *gc.get_threshold()[1:])
