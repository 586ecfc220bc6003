"""Access-matrix rows for the interventions app (see tests/test_access_matrix.py)."""

from __future__ import annotations

from tests.access import Row
from tests.interventions.access_rows_impact import ROWS as IMPACT_ROWS

ROWS: dict[str, Row] = {
    **IMPACT_ROWS,
}
