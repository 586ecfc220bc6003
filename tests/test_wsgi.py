"""The WSGI worker tunes the garbage collector once the app is loaded (send_hub.wsgi)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_worker_freezes_the_loaded_app_and_collects_young_objects_less_often() -> None:
    # In a fresh interpreter: the test process's own collector is not the one under test.
    probe = (
        "import gc; default = gc.get_threshold(); import send_hub.wsgi as w; "
        "print(gc.get_freeze_count(), *gc.get_threshold(), *default, w.GC_YOUNGEST_THRESHOLD)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "send_hub.settings"}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    frozen, young, middle, old, _, default_middle, default_old, chosen = map(
        int, result.stdout.split()
    )
    assert frozen > 10_000  # Django and the app's modules, out of the collector's sight
    assert young == chosen == 10_000
    assert (middle, old) == (default_middle, default_old)
