"""Services queue tasks by name: the name must resolve in a web process too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A fresh interpreter set up as a web process is: Django loaded, the URLs imported, and no
# tasks module imported by anyone (only a Celery worker imports them when it starts).
WEB_PROCESS = """
import sys
import django
django.setup()
import send_hub.urls  # noqa: F401
from send_hub.lib.tasks import registered
names = [
    "safeguarding.tasks.alert_email_task",
    "staff.tasks.invitation_send_task",
    "interventions.tasks.impact_report_build_task",
]
assert not any(name.rsplit(".", 1)[0] in sys.modules for name in names)
print(" ".join(registered(name).name for name in names))
"""


def test_a_task_named_by_a_service_is_found_in_a_web_process() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    result = subprocess.run(
        [sys.executable, "-c", WEB_PROCESS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "safeguarding.tasks.alert_email_task",
        "staff.tasks.invitation_send_task",
        "interventions.tasks.impact_report_build_task",
    ]
