from tests.access import Row

ROWS: dict[str, Row] = {}
