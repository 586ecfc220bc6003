"""Building safeguarding records for tests, through the services (as the app does)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from safeguarding import services
from safeguarding.categories import ensure_default_categories
from safeguarding.models import Category, Concern, Involvement
from safeguarding.services import PupilLink


def category(code: str = "neglect") -> Category:
    # A transactional (browser) test's flush empties the seeded table: put the defaults back.
    ensure_default_categories(Category)
    return Category.objects.get(code=code)


def make_concern(
    world: Any,
    *,
    reporter: Any = None,
    pupil: Any = None,
    categories: tuple[str, ...] = ("neglect",),
    others: tuple[tuple[Any, str, tuple[str, ...]], ...] = (),
    text: str = "Came in without a coat again; said there was no food at home.",
    childs_words: str = "Mum said there's nothing till Friday.",
    urgent: bool = False,
    occurred_at: dt.datetime | None = None,
    body_map: list[dict[str, Any]] | None = None,
) -> Concern:
    """Submit a concern about ``pupil`` (default: the world's pupil) as ``reporter``."""
    pupil = pupil or world.pupil
    links = [
        PupilLink(
            pupil=pupil,
            involvement=Involvement.CONCERN_FOR,
            categories=[category(c) for c in categories],
        )
    ]
    for other, involvement, cats in others:
        links.append(
            PupilLink(pupil=other, involvement=involvement, categories=[category(c) for c in cats])
        )
    return services.concern_submit(
        school=pupil.school,
        reporter=reporter or world.users["teacher"],
        idempotency_key=uuid.uuid4(),
        links=links,
        occurred_at=occurred_at or timezone.now() - dt.timedelta(hours=1),
        location="Classroom 4",
        what_happened=text,
        childs_words=childs_words,
        action_taken="Listened and told the DSL.",
        who_told="The DSL, in person.",
        body_map=body_map or [],
        urgent=urgent,
    )


def concern_post(pupil: Any, **overrides: Any) -> dict[str, Any]:
    """Return the raise form's POST data for a concern about ``pupil``."""
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "location": "Playground",
        "what_happened": "Saw a bruise on the left forearm during PE.",
        "childs_words": "I fell off my bike.",
        "action_taken": "Asked an open question and wrote it down.",
        "who_told": "Nobody yet.",
        "body_map": "[]",
        "body_map_note": "",
        "pupils": [str(pupil.pk)],
        f"involvement_{pupil.pk}": Involvement.CONCERN_FOR,
        f"categories_{pupil.pk}": ["physical-abuse"],
    }
    data.update(overrides)
    return data


# What the database says to a change of an append-only record: as the app's role, the missing
# privilege refuses first; as the tables' owner, the trigger does.
REFUSED_EDIT = r"Cannot update or delete|permission denied"
