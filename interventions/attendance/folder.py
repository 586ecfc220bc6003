"""The nightly import from a folder, for schools whose MIS can drop a file each evening.

``SEND_HUB_ATTENDANCE_DROP_DIR`` holds one folder per school, named by its URN. Each CSV there
is read through the school's saved attendance mapping named "Nightly" (or the usual column
names if it has none), dry-run and, when every row is right, applied; then moved to ``done/``
or ``failed/`` beside it, so a file is never read twice. A failed file's problems are in its
batch, which the school opens from the import page like any other.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings

from interventions.attendance.importer import import_apply, import_create
from pupils.importers.apply import ImportRefused
from pupils.models import ImportMapping
from staff.models import School

log = logging.getLogger(__name__)
NIGHTLY_MAPPING = "Nightly"


def drop_dir() -> Path | None:
    """Return the drop folder, or None when the installation has none."""
    value = getattr(settings, "SEND_HUB_ATTENDANCE_DROP_DIR", "")
    return Path(value) if value else None


def folder_import_school(*, school: School, folder: Path) -> dict[str, int]:
    """Import every CSV waiting in ``folder`` for ``school``; return files applied and failed."""
    mapping = ImportMapping.objects.filter(
        school=school, kind=ImportMapping.Kind.ATTENDANCE, name=NIGHTLY_MAPPING
    ).first()
    columns = dict(mapping.columns) if mapping else {}
    done = {"applied": 0, "failed": 0}
    for path in sorted(folder.glob("*.csv")):
        try:
            batch = import_create(
                school=school,
                original_name=path.name,
                content=path.read_bytes(),
                by=None,
                columns=columns,
                source=mapping.source if mapping else ImportMapping.Source.OTHER,
            )
            import_apply(batch=batch, by=None)
        except ImportRefused:
            outcome = "failed"
        else:
            outcome = "applied"
        done[outcome] += 1
        target = folder / ("done" if outcome == "applied" else "failed")
        target.mkdir(exist_ok=True)
        path.rename(target / path.name)
        log.info("attendance drop %s: %s", path.name, outcome)
    return done


def folder_import_all() -> dict[str, int]:
    """Import what is waiting in every school's drop folder."""
    root = drop_dir()
    total = {"applied": 0, "failed": 0}
    if root is None or not root.is_dir():
        return total
    for school in School.objects.exclude(urn=""):
        folder = root / str(school.urn)
        if folder.is_dir():
            for key, n in folder_import_school(school=school, folder=folder).items():
                total[key] += n
    return total
