"""A concern's current state is kept with each decision, and always names its latest (#16).

The queue, the Today panel and the termly figures read the state from ``LatestDecision``; these
tests hold it to the rule it replaces: the status and risk of the concern's latest decision by
when it was decided, NEW and no risk before any.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from safeguarding import services
from safeguarding.models import Concern, Decision, LatestDecision, Risk, Status
from tests.safeguarding.helpers import make_concern

pytestmark = pytest.mark.django_db


def _states(*concerns: Concern) -> list[tuple[str, str]]:
    by_pk = {c.pk: c for c in Concern.objects.with_state().filter(pk__in=[c.pk for c in concerns])}
    return [(by_pk[c.pk].current_status, by_pk[c.pk].current_risk) for c in concerns]


def _searched(*concerns: Concern) -> list[tuple[str, str]]:
    """The state as the decisions themselves say it: the latest, by when it was decided."""
    latest = Decision.objects.filter(concern=OuterRef("pk")).order_by("-decided_at", "-pk")
    found = Concern.objects.filter(pk__in=[c.pk for c in concerns]).annotate(
        s=Subquery(latest.values("status")[:1]), r=Subquery(latest.values("risk")[:1])
    )
    by_pk = {c.pk: (c.s or Status.NEW, c.r or "") for c in found}
    return [by_pk[c.pk] for c in concerns]


def test_each_decision_sets_the_state_and_untriaged_means_no_decision(world) -> None:
    dsl = world.users["dsl"]
    concern, other = make_concern(world), make_concern(world)
    assert _states(concern, other) == [(Status.NEW, ""), (Status.NEW, "")]
    assert set(Concern.objects.untriaged()) == {concern, other}

    first = services.decision_record(
        concern=concern, by=dsl, status=Status.IN_PROGRESS, risk=Risk.MEDIUM, rationale="r"
    )
    assert _states(concern, other) == [(Status.IN_PROGRESS, Risk.MEDIUM), (Status.NEW, "")]
    assert list(Concern.objects.untriaged()) == [other]

    services.decision_record(
        concern=concern, by=dsl, status=Status.CLOSED, rationale="done", seen_decision_id=first.pk
    )
    assert _states(concern) == [(Status.CLOSED, "")]
    assert _states(concern, other) == _searched(concern, other)
    assert LatestDecision.objects.get(concern=concern).decision == concern.decisions.last()


def test_a_back_dated_decision_does_not_replace_a_later_one(world) -> None:
    concern = make_concern(world)
    dsl = world.users["dsl"]
    now = timezone.now()
    Decision.objects.create(
        concern=concern, status=Status.MONITORING, rationale="later", decided_by=dsl, decided_at=now
    )
    Decision.objects.create(
        concern=concern,
        status=Status.REFERRED,
        rationale="recorded late",
        decided_by=dsl,
        decided_at=now - dt.timedelta(days=3),
    )
    assert _states(concern) == [(Status.MONITORING, "")] == _searched(concern)


def test_the_migration_fills_the_state_of_decisions_already_recorded(world) -> None:
    dsl = world.users["dsl"]
    decided, fresh = make_concern(world), make_concern(world)
    first = services.decision_record(concern=decided, by=dsl, status=Status.REFERRED, rationale="r")
    services.decision_record(
        concern=decided, by=dsl, status=Status.MONITORING, rationale="r", seen_decision_id=first.pk
    )
    LatestDecision.objects.all().delete()  # as before the migration
    migration = __import__("safeguarding.migrations.0007_latest_decision", fromlist=["fill"])
    migration.fill(apps, None)
    assert _states(decided, fresh) == [(Status.MONITORING, ""), (Status.NEW, "")]
    assert _states(decided, fresh) == _searched(decided, fresh)


def test_the_queue_lists_by_the_kept_state(world) -> None:
    dsl = world.users["dsl"]
    new, closed = make_concern(world), make_concern(world)
    services.decision_record(concern=closed, by=dsl, status=Status.CLOSED, rationale="r")
    client = world.client("dsl")
    open_list = client.get(reverse("safeguarding:queue"))
    assert [row["reference"] for row in open_list.context["rows"]] == [new.reference]
    assert open_list.context["untriaged"] == 1
    closed_list = client.get(reverse("safeguarding:queue"), {"show": "closed"})
    assert [row["reference"] for row in closed_list.context["rows"]] == [closed.reference]
    new_list = client.get(reverse("safeguarding:queue"), {"show": "new"})
    assert [row["reference"] for row in new_list.context["rows"]] == [new.reference]
