"""Access rows for the measures and impact pages (these URLs answer 404 until they are built)."""

from tests.access import NOT_FOUND, Row

ROWS: dict[str, Row] = {
    "interventions:measures": Row(
        args=lambda w: [1, 1], default=NOT_FOUND, expect={"anonymous": NOT_FOUND}
    ),
    "interventions:impact": Row(
        args=lambda w: [1], default=NOT_FOUND, expect={"anonymous": NOT_FOUND}
    ),
    "interventions:impact_pdf": Row(
        args=lambda w: [1], default=NOT_FOUND, expect={"anonymous": NOT_FOUND}
    ),
    "interventions:impact_build": Row(
        args=lambda w: [1], default=NOT_FOUND, expect={"anonymous": NOT_FOUND}
    ),
}
