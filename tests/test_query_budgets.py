"""Every page `make bench` drives runs the same queries at 1 school as at 12, within a budget.

The pages and the people who use them come from benchmarks.page_table, the list the benchmark
itself uses, in the demo's first school: counted with only it seeded, then again in the same
school once eleven more schools of the same trust exist, each with its own staff, pupils on the
register, key adults, a running group with sessions and concerns (made with the factories: the
demo's own eleven take minutes to seed, and what is measured is whether this school's pages
notice the others at all).
A count that grows with the trust is a query per school or per row somewhere; a count above its
budget is a page that started asking more of the database. Budgets are today's counts: lower
one when a page gets cheaper.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks.page_table import build_pages, signed_in
from safeguarding.models import Category, Involvement
from safeguarding.services import PupilLink, concern_submit
from staff.models import Role, School, Trust
from tests.factories import PupilFactory, SchoolFactory, assign, member, on_register
from tests.interventions.factories import EnrolmentFactory, InterventionFactory, deliver

pytestmark = pytest.mark.django_db

# Queries per request in the demo's first school (its SENDCo, DSL and an LSA with a caseload), as
# the test counts them: inside the test's transaction, so each write's savepoint and its release
# count too (the bench, outside one, prints two to five fewer).
BUDGETS = {
    "floor (empty page, base.html)": 8,
    "bare Django page (no template)": 0,
    "LSA: Today": 13,
    "LSA: session log": 12,
    # A pupil's overview; its other sections have their own budgets in tests/pupils/test_profile.
    # One more when the pupil has goals in an intervention the LSA assists but does not lead.
    "LSA: a caseload pupil": 13,
    "SENDCo: Today": 15,
    # What is read from the register alone is kept until it changes (pupils.services.
    # register_figures): the census figures, the list, a pupil's register record, a caseload.
    # The warm-up request worked them out; test_register_figures and test_profile count that.
    "SENDCo: SEN register": 10,
    "SENDCo: register, filtered": 10,
    "SENDCo: a pupil": 12,
    # Its sections are kept until the pupil's support changes (interventions.pupil_support).
    "SENDCo: a pupil's support": 11,
    "SENDCo: an intervention": 17,
    "SENDCo: access arrangements": 10,
    # Reports kept a few minutes (report_cache) are counted as kept: the warm-up request worked
    # them out. Their worked-out counts have their own tests (test_sendco_dashboard,
    # test_provision_map, test_what_works), which ask with ?refresh=1 or an empty cache.
    "SENDCo: dashboard": 9,
    "SENDCo: provision map": 11,
    "SENDCo: what works": 13,
    "SENDCo: EHCP": 15,
    "SENDCo: calendar": 14,
    # Both kept until the school's safeguarding files change (safeguarding.services.kept): the
    # warm-up request worked them out; tests/safeguarding/test_queries counts that. The
    # chronology's look is still recorded (file access, its audit, alerts marked read).
    "DSL: the queue": 10,
    "DSL: a 20-entry chronology": 16,
    # The two forms the bench sends, each a new submission (fresh keys, as its wrk script makes).
    "LSA: log a session (POST)": 26,
    "Teacher: raise a concern (POST)": 30,
}


def _counts(school: School) -> dict[str, int]:
    pages, people = build_pages(school, chronology_entries=20)
    clients = {key: signed_in(user) for key, user in people.items()}
    counts = {}
    for page in pages:
        client = clients[page.persona]
        if page.post is not None:
            assert client.post(page.url, page.fresh_post()).status_code == page.expect, page.name
            with CaptureQueriesContext(connection) as queries:
                response = client.post(page.url, page.fresh_post())
            assert response.status_code == page.expect, page.name
            counts[page.name] = len(queries)
            continue
        assert client.get(page.url).status_code == 200, page.name  # warm: first-visit records
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.url)
        assert response.status_code == 200, page.name
        counts[page.name] = len(queries)
    return counts


def _another_school(trust: Trust) -> None:
    """A school of the trust with a little of everything the measured pages read."""
    school = SchoolFactory(trust=trust)
    lsa = member(school, Role.LSA)
    member(school, Role.SENDCO)
    member(school, Role.DSL)
    pupils = [PupilFactory(school=school) for _ in range(6)]
    for pupil in pupils[:4]:
        on_register(pupil)
        assign(pupil, lsa)
    group = InterventionFactory(school=school, lead=lsa)
    for pupil in pupils[:3]:
        EnrolmentFactory(intervention=group, pupil=pupil)
    for days in (1, 8, 15):
        deliver(
            group, timezone.localdate() - dt.timedelta(days=days), attendance={pupils[0]: "PRESENT"}
        )
    concern_submit(
        school=school,
        reporter=lsa,
        idempotency_key=uuid.uuid4(),
        links=[
            PupilLink(
                pupil=pupils[0],
                involvement=Involvement.CONCERN_FOR,
                categories=[Category.objects.order_by("pk")[0]],
            )
        ],
        occurred_at=timezone.now() - dt.timedelta(hours=2),
        location="Corridor",
        what_happened="A synthetic concern in another school.",
    )


def test_every_bench_page_runs_the_same_queries_at_1_and_12_schools(settings: Any) -> None:
    settings.ROOT_URLCONF = "send_hub.floor_urls"  # the floor page, as the benchmark routes it
    call_command("seed_demo", schools=1, quiet_logins=True)
    school = School.objects.get()
    at_1 = _counts(school)
    for _ in range(11):
        _another_school(school.trust)
    assert School.objects.filter(trust=school.trust).count() == 12
    at_12 = _counts(school)
    assert set(at_1) == set(BUDGETS), "a page was added or renamed: give it a budget"
    grew = {name: (at_1[name], at_12[name]) for name in at_1 if at_12[name] != at_1[name]}
    assert not grew, f"queries at 1 and at 12 schools differ: {grew}"
    over = {name: (n, BUDGETS[name]) for name, n in at_12.items() if n > BUDGETS[name]}
    assert not over, f"over budget (queries, budget): {over}"
