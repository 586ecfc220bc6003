"""The pages `make bench` drives, as the person who uses each (benchmarks/pages.py), and the
query-budget tests count (tests/test_query_budgets.py): one list for both.

Import after Django is set up. ``build_pages`` picks each page's objects in a school (a caseload
pupil of an LSA, the intervention with most sessions, a pupil with a 200-entry chronology, which
it tops up with synthetic concerns when the school has fewer).
"""

from __future__ import annotations

import datetime as dt
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from benchmarks.queries import QueryCounter
from interventions.delivery.models import Intervention, Session
from interventions.ehcp.models import EHCP
from pupils.models import KeyAdult, Pupil
from safeguarding.models import Addendum, Category, ConcernPupil, Involvement, Status
from safeguarding.services import (
    PupilLink,
    action_add,
    action_update_add,
    addendum_add,
    concern_submit,
    decision_record,
)
from staff.models import Membership, Role, School, User

CHRONOLOGY_ENTRIES = 200
# Placeholders in a Page's form body, each made a new key per request (benchmarks.pages' wrk
# script does the same in Lua).
UUID_MARKS = ("__UUID1__", "__UUID2__")


@dataclass
class Page:
    name: str
    persona: str  # "lsa", "sendco" or "dsl": whose session asks for it
    url: str
    most_used: bool = False
    post: dict[str, str | list[str]] | None = None  # a form body; __UUID1/2__ made per request
    expect: int = 200
    reference: bool = False  # the bare page: shown for comparison, held to no target
    results: dict[str, object] = field(default_factory=dict)

    def fresh_post(self) -> dict[str, str | list[str]]:
        """The form body as one new submission: each __UUID1/2__ a new key (as wrk's script
        makes them per request)."""
        assert self.post is not None
        return {k: str(uuid.uuid4()) if v in UUID_MARKS else v for k, v in self.post.items()}


def largest_school() -> School:
    return School.objects.annotate(n=Count("pupils")).order_by("-n", "pk")[0]


def counted_school() -> School:
    """The school whose pages' queries are counted at 1 and at 12 schools: the demo's first,
    which both databases hold, so the two counts differ only by the size of the trust."""
    return School.objects.order_by("pk")[0]


def _member(school: School, role: str) -> User:
    membership = (
        Membership.objects.active().with_role(role).filter(school=school).order_by("pk").first()
    )
    assert membership is not None, f"no {role} at {school}"
    return membership.user


def _chronology_pupil(school: School, dsl: User, entries: int) -> Pupil:
    """The pupil with most concerns, topped up to ``entries`` (the benchmark's database is a
    throw-away one; the tests' is rolled back)."""
    top = (
        ConcernPupil.objects.filter(concern__school=school)
        .values("pupil")
        .annotate(n=Count("pk"))
        .order_by("-n", "pupil")
        .first()
    )
    pupil = Pupil.objects.get(pk=top["pupil"]) if top else Pupil.objects.filter(school=school)[0]
    category = Category.objects.filter(active=True).order_by("position", "pk")[0]
    have = ConcernPupil.objects.filter(pupil=pupil).count()
    for number in range(have, entries):
        concern_submit(
            school=school,
            reporter=dsl,
            idempotency_key=uuid.uuid5(uuid.NAMESPACE_URL, f"bench-{pupil.pk}-{number}"),
            links=[
                PupilLink(pupil=pupil, involvement=Involvement.CONCERN_FOR, categories=[category])
            ],
            occurred_at=timezone.now() - dt.timedelta(days=number % 300, hours=number % 7),
            location="Classroom",
            what_happened=f"Benchmark entry {number + 1}: a synthetic note for timing only.",
        )
    _casework_today(pupil, dsl, category)
    return pupil


def _casework_today(pupil: Pupil, dsl: User, category: Category) -> None:
    """A concern raised an hour ago with a case note, a decision and an action with an update.

    The chronology asks for notes, decisions and action updates only when some are among the
    entries it shows, so without these its query count would follow the demo's dates (a demo
    decision drops out of the newest as the days pass): with them, the page always shows every
    kind the bench has, and its count is the same whatever the day. Made once per pupil."""
    concern = concern_submit(
        school=pupil.school,
        reporter=dsl,
        idempotency_key=uuid.uuid5(uuid.NAMESPACE_URL, f"bench-{pupil.pk}-today"),
        links=[PupilLink(pupil=pupil, involvement=Involvement.CONCERN_FOR, categories=[category])],
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        location="Classroom",
        what_happened="Benchmark entry for today: a synthetic note for timing only.",
    )
    if concern.decisions.exists():
        return
    note = "Synthetic case note for timing only."
    addendum_add(concern=concern, by=dsl, text=note, kind=Addendum.Kind.CASE_NOTE)
    decision_record(
        concern=concern,
        by=dsl,
        status=Status.MONITORING,
        rationale="Synthetic decision for timing only.",
    )
    action = action_add(
        concern=concern,
        by=dsl,
        description="Synthetic action for timing only.",
        owner=dsl,
        due_on=timezone.localdate(),
    )
    action_update_add(action=action, by=dsl, outcome="Synthetic update.", completed=False)


def build_pages(
    school: School, *, chronology_entries: int = CHRONOLOGY_ENTRIES
) -> tuple[list[Page], dict[str, User | None]]:
    """The pages in the issue's table, as the person who uses each, with their objects."""
    sendco, dsl = _member(school, Role.SENDCO), _member(school, Role.DSL)
    link = (
        KeyAdult.objects.filter(
            pupil__school=school,
            end_date__isnull=True,
            staff__in=Membership.objects.active()
            .with_role(Role.LSA)
            .filter(school=school)
            .values("user"),
        )
        .values("staff", "pupil")
        .order_by("staff", "pupil")
        .first()
    )
    assert link is not None, "no LSA with a caseload"
    lsa = User.objects.get(pk=link["staff"])
    caseload_pupil = link["pupil"]
    delivered = Intervention.objects.filter(school=school).annotate(n=Count("sessions"))
    intervention = delivered.order_by("-n", "pk").first()
    assert intervention is not None
    lsa_group = (
        delivered.filter(status=Intervention.Status.RUNNING, lead=lsa).order_by("-n", "pk").first()
        or delivered.filter(status=Intervention.Status.RUNNING, assistants=lsa)
        .order_by("-n", "pk")
        .first()
    )
    if lsa_group is None:  # give the LSA a running group to log, as the demo's LSAs have
        lsa_group = Intervention.objects.filter(
            school=school, status=Intervention.Status.RUNNING
        ).first()
        assert lsa_group is not None
        lsa_group.assistants.add(lsa)
    ehcp = EHCP.objects.filter(pupil__school=school).order_by("pk").first()
    assert ehcp is not None
    profiled = (
        Pupil.objects.filter(school=school, enrolments__isnull=False)
        .annotate(n=Count("enrolments"))
        .order_by("-n", "pk")
        .first()
    )
    assert profiled is not None
    chronology_pupil = _chronology_pupil(school, dsl, chronology_entries)
    concern_pupil = (
        Pupil.objects.on_roll().filter(school=school).exclude(pk=chronology_pupil.pk).first()
    )
    assert concern_pupil is not None
    today = timezone.localdate().isoformat()
    pages = [
        Page("floor (empty page, base.html)", "lsa", reverse("bench_floor")),
        Page("bare Django page (no template)", "anonymous", reverse("bench_bare"), reference=True),
        Page("LSA: Today", "lsa", reverse("core:today"), most_used=True),
        Page(
            "LSA: session log",
            "lsa",
            reverse("interventions:log", args=[lsa_group.pk]),
            most_used=True,
        ),
        Page(
            "LSA: a caseload pupil",
            "lsa",
            reverse("pupils:detail", args=[caseload_pupil]),
            most_used=True,
        ),
        Page("SENDCo: Today", "sendco", reverse("core:today")),
        Page("SENDCo: SEN register", "sendco", reverse("pupils:register"), most_used=True),
        Page(
            "SENDCo: register, filtered",
            "sendco",
            reverse("pupils:register") + "?area=SEMH&sort=year",
        ),
        Page("SENDCo: a pupil", "sendco", reverse("pupils:detail", args=[profiled.pk])),
        Page(
            "SENDCo: a pupil's support",
            "sendco",
            reverse("pupils:support", args=[profiled.pk]),
        ),
        Page(
            "SENDCo: an intervention",
            "sendco",
            reverse("interventions:detail", args=[intervention.pk]),
        ),
        Page("SENDCo: access arrangements", "sendco", reverse("pupils:access_register")),
        Page("SENDCo: dashboard", "sendco", reverse("interventions:sendco")),
        Page("SENDCo: provision map", "sendco", reverse("interventions:sendco_provision")),
        Page("SENDCo: what works", "sendco", reverse("interventions:what_works")),
        Page("SENDCo: EHCP", "sendco", reverse("interventions:ehcp", args=[ehcp.pk])),
        Page("SENDCo: calendar", "sendco", reverse("interventions:calendar")),
        Page("DSL: the queue", "dsl", reverse("safeguarding:queue"), most_used=True),
        Page(
            f"DSL: a {chronology_entries}-entry chronology",
            "dsl",
            reverse("safeguarding:chronology", args=[chronology_pupil.pk]),
        ),
        Page(
            "LSA: log a session (POST)",
            "lsa",
            reverse("interventions:log", args=[lsa_group.pk]),
            post={
                "client_key": "__UUID1__",
                "form_key": "__UUID2__",
                "date": today,
                "status": Session.Status.DELIVERED,
                "minutes": "30",
                "evaluation": "Benchmark session.",
            },
            expect=302,
        ),
        Page(
            "Teacher: raise a concern (POST)",
            "lsa",
            reverse("safeguarding:raise"),
            post={
                "idempotency_key": "__UUID1__",
                "form_key": "__UUID2__",
                "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "location": "Playground",
                "what_happened": "Benchmark concern: a synthetic note for timing only.",
                "body_map": "[]",
                "pupils": [str(concern_pupil.pk)],
                f"involvement_{concern_pupil.pk}": "CONCERN_FOR",
                f"categories_{concern_pupil.pk}": [
                    Category.objects.filter(active=True).order_by("position", "pk")[0].code
                ],
            },
            expect=302,
        ),
    ]
    return pages, {"lsa": lsa, "sendco": sendco, "dsl": dsl, "anonymous": None}


def signed_in(user: User | None) -> Client:
    """A client signed in as ``user`` past the two-factor step (None: nobody signed in)."""
    client = Client()
    if user is None:
        return client
    client.force_login(user)
    session = client.session
    session["send_hub_mfa_ok"] = True  # as after the authenticator step
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


def count_queries(pages: list[Page], clients: dict[str, Client]) -> dict[str, int]:
    """Queries per request for each GET page, in process (after one warm-up request)."""
    counts: dict[str, int] = {}
    for page in pages:
        if page.post is not None:
            continue
        client = clients[page.persona]
        first = client.get(page.url)
        assert first.status_code == 200, f"{page.name}: HTTP {first.status_code} at {page.url}"
        counter = QueryCounter()
        with ExitStack() as wrapped:
            # Every database: the reports read from the replica when one is configured.
            for each in connections.all():
                wrapped.enter_context(each.execute_wrapper(counter))
            client.get(page.url)
        counts[page.name] = counter.count
    return counts
