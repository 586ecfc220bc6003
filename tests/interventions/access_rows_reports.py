"""Access-matrix rows for reports pages (merged in tests/interventions/access_rows.py)."""

from __future__ import annotations

from tests.access import Row

ROWS: dict[str, Row] = {}
