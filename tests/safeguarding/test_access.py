"""The safeguarding rows of the access matrix, run here until tests/test_access_matrix.py lists
"safeguarding" in APPS_WITH_ROWS (then the matrix runs them and this test steps aside)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import test_access_matrix as matrix
from tests.conftest import PERSONAS, World
from tests.safeguarding.access_rows import ROWS

pytestmark = pytest.mark.django_db

REGISTERED = "safeguarding" in matrix.APPS_WITH_ROWS


def test_every_safeguarding_url_has_a_row() -> None:
    names = {n for n in matrix._named_urls() if n.startswith("safeguarding:")}
    assert names == set(ROWS)


@pytest.mark.skipif(REGISTERED, reason="the access matrix runs these rows")
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name", sorted(ROWS))
def test_access(world: World, url_name: str, persona: str) -> None:
    row = ROWS[url_name]
    client = world.client(persona)
    response = client.get(reverse(url_name, args=row.args(world)))
    assert matrix._observed(response, client) == row.outcome(persona), (
        f"{persona} GET {url_name}: got {response.status_code} {response.get('Location', '')}"
    )
