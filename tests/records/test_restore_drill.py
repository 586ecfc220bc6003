"""The restore drill, run against the test database: back up, restore into a new database and
folder, and every table, trigger, function, privilege and file matches."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import PupilFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="backups are of PostgreSQL"
)

ROOT = Path(__file__).resolve().parents[2]


def owner_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def drill(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SEND_HUB_BACKUP_PASSPHRASE="drill-test-passphrase")
    return subprocess.run(
        [sys.executable, "-m", "scripts.restore_drill", "--database-url", owner_url(), *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.django_db(transaction=True)
def test_the_restore_drill_passes_on_the_test_database(tmp_path: Path) -> None:
    PupilFactory.create_batch(3)  # committed: the drill reads the database from outside
    media = tmp_path / "media"
    (media / "pupils" / "1").mkdir(parents=True)
    (media / "pupils" / "1" / "report").write_bytes(b"%PDF-1.4 synthetic")
    done = drill(tmp_path, "--media", str(media))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "restore drill: PASS" in done.stdout
    assert "1 files" in done.stdout
    assert "pupils_pupil" not in done.stdout  # no difference listed


@pytest.mark.django_db
def test_a_restore_refuses_a_database_that_is_not_empty(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        SEND_HUB_BACKUP_PASSPHRASE="drill-test-passphrase",
        RESTORE_DATABASE_URL=owner_url(),
        RESTORE_MEDIA_ROOT=str(tmp_path / "media"),
    )
    archive = tmp_path / "x.tar.gpg"
    archive.write_bytes(b"not really")
    done = subprocess.run(
        ["scripts/restore.sh", str(archive)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 3
    assert "restore into a new, empty database" in done.stderr
