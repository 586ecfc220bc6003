"""Safeguarding tests: the seeded categories must exist even after a transactional test's flush."""

from __future__ import annotations

import pytest

from safeguarding.categories import ensure_default_categories
from safeguarding.models import Category


@pytest.fixture(autouse=True)
def _categories(request: pytest.FixtureRequest) -> None:
    # A browser test flushes every table, the migration's categories included.
    if request.node.get_closest_marker("django_db") or "db" in request.fixturenames:
        ensure_default_categories(Category)
