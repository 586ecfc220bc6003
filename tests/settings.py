"""The test run's settings: the project's own, with DJANGO_DEBUG turned on explicitly.

DJANGO_DEBUG defaults to off so that a school's server never starts in debug mode by omission.
The tests want what it relaxes at import time (no HTTPS redirect or secure-only cookies over the
test client's plain HTTP, static files without a collectstatic manifest, a per-machine key), as
the demo does. Django still runs each test with settings.DEBUG False, so error pages are the
production ones. Tests that check production behaviour start manage.py with their own environment.
"""

import os

os.environ["DJANGO_DEBUG"] = "true"

from send_hub.settings import *  # noqa: F403

# A streaming replica (scripts/with-services.sh starts one) is kept out of the test databases:
# the test runner would try to create a test database on it, which a standby refuses. The routing
# tests (tests/test_db_router.py) connect to it themselves, to the test database the primary
# streams to it.
TEST_REPLICA = DATABASES.pop("replica", None)  # noqa: F405
