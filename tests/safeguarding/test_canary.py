"""Text typed into a concern reaches the DSL team and nobody else: no page for anyone outside
the team, no e-mail, no log line."""

from __future__ import annotations

import json
import logging

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding import services
from safeguarding.models import Addendum, Alert, Concern, Status
from staff.models import Role
from tests import test_access_matrix
from tests.conftest import PERSONAS
from tests.factories import member
from tests.safeguarding.access_rows import ROWS
from tests.safeguarding.helpers import concern_post

pytestmark = pytest.mark.django_db

CANARY = "CANARY-q7ZK-must-not-leak"
OUTSIDE_THE_DSL_TEAM = [p for p in PERSONAS if p != "dsl"]


class _RollBack(Exception):
    """Undo one row's records."""


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_concern_text_never_reaches_anyone_outside_the_dsl_team(world, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    reporter = member(world.school, Role.LSA)  # not one of the personas below
    client = Client()
    client.force_login(reporter)
    marks = [{"side": "back", "x": 50, "y": 40, "note": f"{CANARY} mark"}]
    data = concern_post(
        world.pupil,
        location=f"{CANARY} place",
        what_happened=f"{CANARY} what happened",
        childs_words=f"{CANARY} words",
        action_taken=f"{CANARY} did",
        who_told=f"{CANARY} told",
        body_map=json.dumps(marks),
        body_map_note=f"{CANARY} note",
        urgent="on",
    )
    assert client.post(reverse("safeguarding:raise"), data).status_code == 302
    concern = Concern.objects.get()
    client.post(
        reverse("safeguarding:addendum_add", args=[concern.pk]),
        {"addendum-kind": "ADDITION", "addendum-part": "GENERAL", "addendum-text": CANARY},
    )
    dsl = world.users["dsl"]
    services.addendum_add(concern=concern, by=dsl, text=CANARY, kind=Addendum.Kind.CASE_NOTE)
    services.decision_record(concern=concern, by=dsl, status=Status.REFERRED, rationale=CANARY)
    # Set yesterday, due yesterday: overdue today (a deadline already past is refused).
    with time_machine.travel(timezone.now() - timezone.timedelta(days=1)):
        action = services.action_add(
            concern=concern,
            by=dsl,
            description=CANARY,
            # Its owner reads what to do (my_actions), so the owner is not one of the personas.
            owner=reporter,
            due_on=timezone.localdate(),
        )
    services.action_update_add(action=action, by=dsl, outcome=CANARY, completed=False)
    referral = services.referral_add(
        concern=concern,
        by=dsl,
        pupil=world.pupil,
        agency="OTHER",
        agency_other=CANARY,
        referred_on=timezone.localdate(),
        reference=CANARY,
        rationale=CANARY,
    )
    services.referral_update_add(
        referral=referral, by=dsl, outcome=CANARY, outcome_on=timezone.localdate()
    )
    services.flag_set(pupil=world.pupil, by=dsl, on=True, reason=CANARY)
    services.actions_overdue_remind()  # the reporter owns an overdue action: they get an alert
    for alert in Alert.objects.all():
        services.alert_email(alert_id=alert.pk)

    # The DSL team does see it (so the test would notice a leak).
    dsl_page = world.client("dsl").get(reverse("safeguarding:concern", args=[concern.pk]))
    assert CANARY in _body(dsl_page)

    rows = {**test_access_matrix.MATRIX, **ROWS}
    clients = {persona: world.client(persona) for persona in OUTSIDE_THE_DSL_TEAM}
    pages = 0
    for name, row in sorted(rows.items()):
        # Each row builds its own records in a savepoint that is rolled back afterwards, so
        # every row sees the canary's file and nothing left over from another row.
        try:
            with transaction.atomic():
                url = reverse(name, args=row.args(world))
                for persona, persona_client in clients.items():
                    response = persona_client.get(url)
                    assert CANARY not in _body(response), f"{persona} saw the concern at {name}"
                    pages += 1
                raise _RollBack
        except _RollBack:
            pass
        world.pupil.refresh_from_db()
        world.other_pupil.refresh_from_db()
    for persona_client in clients.values():
        for url in (
            reverse("safeguarding:concern", args=[concern.pk]),
            reverse("safeguarding:chronology", args=[world.pupil.pk]),
            reverse("safeguarding:access_log", args=[world.pupil.pk]),
            reverse("pupils:detail", args=[world.pupil.pk]),
            reverse("pupils:support", args=[world.pupil.pk]),
            reverse("pupils:attendance", args=[world.pupil.pk]),
            reverse("pupils:records", args=[world.pupil.pk]),
            reverse("core:today"),
            reverse("safeguarding:mine"),
        ):
            assert CANARY not in _body(persona_client.get(url))
        search = persona_client.post(
            reverse("safeguarding:pupil_search"), {"q": world.pupil.legal_surname}
        )
        assert CANARY not in _body(search)
    assert pages > 100

    assert mail.outbox, "the alerts were e-mailed"
    for message in mail.outbox:
        assert CANARY not in message.subject + message.body
    assert CANARY not in caplog.text
