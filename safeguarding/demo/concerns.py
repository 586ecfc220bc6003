"""Demo safeguarding records: concerns at every stage over the past year, in invented words.

Rows are written directly (not through the services) so that they can carry past dates and send
no e-mails: concern_submit, decision_record, action_add and the rest stamp the present moment,
refuse past deadlines and alert the DSL team by e-mail. Nothing is updated afterwards, since
PostgreSQL refuses updates to these tables. Concerns are recorded in school hours on school days,
so the DSL's newest ones wait for triage from the last school day whenever the demo is built.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from pupils.models import NeedType, Provision, Pupil, SENNeed, SENStatus
from pupils.services.register_figures import register_changed
from safeguarding.categories import ensure_default_categories
from safeguarding.demo.scenarios import FILLER_CATEGORIES, FILLER_WHAT, SCENARIOS, Scenario
from safeguarding.models import (
    Action,
    ActionUpdate,
    Addendum,
    Alert,
    Category,
    Concern,
    ConcernPupil,
    ConcernPupilCategory,
    Decision,
    FileAccess,
    Involvement,
    PupilFlag,
    Referral,
    ReferralUpdate,
    Status,
    Transfer,
    TransferStep,
)
from safeguarding.models.transfers import TRANSFER_SCHOOL_DAYS
from safeguarding.schooldays import add_school_days
from staff.demo import People, SchoolSpec
from staff.models import Membership, School, User

BRUISE = [{"side": "back", "x": 27.0, "y": 26.5, "note": "Round purple mark, 2 cm"}]


def _in_school_hours(now: dt.datetime, days_ago: float, rng: random.Random) -> dt.datetime:
    """Return a time in school hours ``days_ago`` days before ``now``, on a school day, before
    ``now`` (at a weekend or early in the morning: the last school day's afternoon)."""
    local = timezone.localtime(now)
    day = (local - dt.timedelta(days=days_ago)).date()
    while True:
        if day.weekday() < 5:
            at = dt.datetime.combine(day, dt.time(rng.randint(9, 14), rng.choice([5, 20, 35, 50])))
            at = timezone.make_aware(at)
            if at < now - dt.timedelta(minutes=30):
                return at
        day -= dt.timedelta(days=1)


def seed_school(*, school: School, spec: SchoolSpec, people: People, rng: random.Random) -> None:
    """Create the school's demo concerns once (nothing if it has any already)."""
    if Concern.objects.filter(school=school).exists():
        return
    ensure_default_categories(Category)
    pupils = list(Pupil.objects.on_roll().filter(school=school).order_by("pk"))
    if len(pupils) < 40:  # too small a school for the demo story
        return
    rng.shuffle(pupils)
    story = _Story(
        school=school,
        rng=rng,
        dsl=people.by_key["dsl"],
        head=people.by_key["head"],
        reporters=[people.by_key[k] for k in ("teacher", "lsa", "elsa", "sendco")]
        + list(people.teachers[:4]),
        categories={c.code: c for c in Category.objects.all()},
        titles=dict(Membership.objects.filter(school=school).values_list("user_id", "job_title")),
    )
    made: list[tuple[Concern, Pupil]] = []
    for n, scenario in enumerate(SCENARIOS):
        pupil = pupils[n]
        child_on_child = scenario.stage == "in_progress" and "child-on-child" in scenario.categories
        row = story.tell(scenario, pupil, n=n, witness=pupils[n + 30] if child_on_child else None)
        made.append((row, pupil))
    # More closed concerns across the year, so the reports have something to count.
    extra = 8 if spec.phase == "PRIMARY" else 20
    for i in range(extra):
        story.filler(pupils[len(SCENARIOS) + i])
    # A leaver whose file is on its way, and one whose file has not started moving.
    story.leavers(moving=made[-1][1], waiting=made[-2][1])


@dataclass
class _Story:
    """One school's safeguarding year, written as the DSL team would have recorded it."""

    school: School
    rng: random.Random
    dsl: User
    head: User
    reporters: list[User]
    categories: dict[str, Category]
    titles: dict[int, str]
    now: dt.datetime = field(default_factory=timezone.now)

    def concern(
        self,
        pupil: Pupil,
        *,
        days_ago: float,
        cats: list[str],
        urgent: bool,
        backdate: int,
        where: str,
        what: str,
        words: str,
        did: str,
        told: str,
        reporter: User,
        body_map: list[dict[str, Any]] | None = None,
        witness: Pupil | None = None,
    ) -> Concern:
        """Record a concern about ``pupil`` in school hours, seen by the DSL 40 minutes later."""
        recorded = _in_school_hours(self.now, days_ago, self.rng)
        occurred = recorded - dt.timedelta(days=backdate, minutes=self.rng.randint(15, 150))
        row = Concern.objects.create(
            school=self.school,
            idempotency_key=uuid.uuid4(),
            reporter=reporter,
            reporter_job_title=self.titles.get(reporter.pk) or reporter.job_title,
            occurred_at=occurred,
            location=where,
            what_happened=what,
            childs_words=words,
            action_taken=did,
            who_told=told,
            body_map=body_map or [],
            urgent=urgent,
            recorded_at=recorded,
        )
        link = ConcernPupil.objects.create(
            concern=row, pupil=pupil, involvement=Involvement.CONCERN_FOR
        )
        ConcernPupilCategory.objects.bulk_create(
            ConcernPupilCategory(link=link, category=self.categories[c]) for c in cats
        )
        if witness is not None:
            ConcernPupil.objects.create(concern=row, pupil=witness, involvement=Involvement.WITNESS)
        FileAccess.objects.create(
            school=self.school,
            pupil=pupil,
            user=self.dsl,
            kind=FileAccess.Kind.CONCERN_VIEWED,
            concern=row,
            at=recorded + dt.timedelta(minutes=40),
        )
        return row

    def decide(
        self, row: Concern, status: str, risk: str, why: str, *, after: float, **extra: Any
    ) -> Decision:
        """Record the DSL's decision on ``row``, ``after`` hours after it was recorded."""
        return Decision.objects.create(
            concern=row,
            status=status,
            risk=risk,
            rationale=why,
            decided_by=self.dsl,
            decided_at=row.recorded_at + dt.timedelta(hours=after),
            **extra,
        )

    def tell(self, scenario: Scenario, pupil: Pupil, *, n: int, witness: Pupil | None) -> Concern:
        """Record ``scenario``'s concern and everything done about it up to its stage."""
        row = self.concern(
            pupil,
            days_ago=scenario.days_ago,
            cats=scenario.categories,
            urgent=scenario.urgent,
            backdate=scenario.backdated_days,
            where=scenario.where,
            what=scenario.what,
            words=scenario.words,
            did=scenario.did,
            told=scenario.told,
            reporter=self.reporters[n % len(self.reporters)],
            body_map=BRUISE if scenario.stage == "new" and scenario.urgent else None,
            witness=witness,
        )
        if scenario.stage == "new":
            self.alerted(row)
        elif scenario.stage == "in_progress":
            self.in_progress(row)
        elif scenario.stage == "referred":
            self.referred(row, pupil, scenario.categories)
        elif scenario.stage == "monitoring":
            self.monitoring(row)
        elif scenario.stage == "closed":
            self.closed(row)
        return row

    def alerted(self, row: Concern) -> None:
        """Alert the DSL and the head to a new concern (its e-mail counts as sent)."""
        for person in {self.dsl, self.head}:
            Alert.objects.create(
                school=self.school,
                recipient=person,
                kind=Alert.Kind.NEW_CONCERN,
                urgent=row.urgent,
                concern=row,
                key=f"new:concern:{row.pk}",
                created_at=row.recorded_at,
                emailed_at=row.recorded_at,
            )

    def in_progress(self, row: Concern) -> None:
        """Triage ``row``, set two actions (one now overdue) and add a case note."""
        dsl = self.dsl
        self.decide(
            row,
            Status.IN_PROGRESS,
            "MEDIUM",
            "Needs a closer look: speak to the family and check attendance and lunches.",
            after=3,
        )
        action = Action.objects.create(
            concern=row,
            description="Phone home and offer a meeting with the family.",
            owner=dsl,
            due_on=(row.recorded_at + dt.timedelta(days=3)).date(),
            created_by=dsl,
            created_at=row.recorded_at + dt.timedelta(hours=3, minutes=5),
        )
        ActionUpdate.objects.create(
            action=action,
            outcome="Left a message; will try again tomorrow.",
            completed=False,
            by=dsl,
            at=row.recorded_at + dt.timedelta(days=1),
        )
        Action.objects.create(
            concern=row,
            description="Class teacher to note anything new each day this week.",
            owner=self.reporters[0],
            due_on=(self.now - dt.timedelta(days=2)).date(),
            created_by=dsl,
            created_at=row.recorded_at + dt.timedelta(hours=3, minutes=10),
        )
        Addendum.objects.create(
            concern=row,
            kind=Addendum.Kind.CASE_NOTE,
            text="Spoke to the pupil with their form tutor present; they would like a trusted adult to check in each morning.",
            author=dsl,
            author_job_title=self.titles.get(dsl.pk, ""),
            written_at=row.recorded_at + dt.timedelta(days=1, hours=2),
        )

    def referred(self, row: Concern, pupil: Pupil, cats: list[str]) -> None:
        """Refer ``row`` to children's social care or early help, and flag the pupil's file."""
        dsl = self.dsl
        self.decide(
            row,
            Status.REFERRED,
            "HIGH",
            "Threshold met for a referral; the family agreed to early support.",
            after=1,
        )
        agency = "SOCIAL_CARE" if "domestic-abuse" in cats else "EARLY_HELP"
        referral = Referral.objects.create(
            concern=row,
            pupil=pupil,
            agency=agency,
            referred_on=(row.recorded_at + dt.timedelta(hours=2)).date(),
            reference=f"{'CSC' if agency == 'SOCIAL_CARE' else 'EH'}-{self.rng.randint(10000, 99999)}",
            rationale="Repeated concerns and the family asked for help.",
            by=dsl,
            recorded_at=row.recorded_at + dt.timedelta(hours=2),
        )
        ReferralUpdate.objects.create(
            referral=referral,
            outcome="Accepted for assessment; a worker will contact school.",
            outcome_on=(row.recorded_at + dt.timedelta(days=6)).date(),
            by=dsl,
            at=row.recorded_at + dt.timedelta(days=6),
        )
        PupilFlag.objects.create(
            pupil=pupil,
            on=True,
            reason="An assessment is open: agree contact with home with the DSL.",
            by=dsl,
            at=row.recorded_at + dt.timedelta(hours=3),
        )

    def monitoring(self, row: Concern) -> None:
        """Triage ``row``, then keep watching without a referral."""
        self.decide(
            row,
            Status.IN_PROGRESS,
            "LOW",
            "One comment overheard; check whether this is a pattern.",
            after=4,
        )
        self.decide(
            row,
            Status.MONITORING,
            "LOW",
            "No further concerns after two weeks. Keep watching; no referral needed at this stage.",
            after=24 * 14,
            not_referred=True,
        )

    def closed(self, row: Concern) -> None:
        """Correct the reporter's date, triage ``row`` and close it without a referral."""
        Addendum.objects.create(
            concern=row,
            kind=Addendum.Kind.CORRECTION,
            part=Addendum.Part.OCCURRED,
            text="The trip was on the Tuesday, not the Monday.",
            author=row.reporter,
            author_job_title=row.reporter_job_title,
            written_at=row.recorded_at + dt.timedelta(hours=5),
        )
        self.decide(
            row,
            Status.IN_PROGRESS,
            "MEDIUM",
            "Possible exploitation: talk to the pupil and the family.",
            after=2,
        )
        self.decide(
            row,
            Status.CLOSED,
            "LOW",
            "Family aware and supportive; the neighbour has moved away. Decided not to refer; the pupil knows who to talk to.",
            after=24 * 10,
            not_referred=True,
        )

    def filler(self, pupil: Pupil) -> None:
        """Record a small concern earlier in the year, closed the next day."""
        rng = self.rng
        row = self.concern(
            pupil,
            days_ago=rng.randint(20, 360),
            cats=[rng.choice(FILLER_CATEGORIES)],
            urgent=False,
            backdate=0,
            where=rng.choice(["Classroom", "Playground", "Lunch hall", "Corridor"]),
            what=rng.choice(FILLER_WHAT),
            words="",
            did="Listened and wrote it down.",
            told="The DSL.",
            reporter=rng.choice(self.reporters),
        )
        self.decide(
            row,
            Status.CLOSED,
            "LOW",
            "Spoke to the pupil and family; no further action needed.",
            after=20,
            not_referred=True,
        )

    def leavers(self, *, moving: Pupil, waiting: Pupil) -> None:
        """Make two pupils leave 12 days ago: one's file exported and sent, one's not started."""
        dsl = self.dsl
        left = timezone.localdate() - dt.timedelta(days=12)
        # The child whose file moves also had SEN support while here: once they have left, their
        # records are archived (read-only), and the SENDCo (the SEN record) and the DSL team
        # (this file) still see them; nobody else does (records.archive).
        if not SENStatus.objects.filter(pupil=moving).exists():
            status = SENStatus.objects.create(
                pupil=moving,
                provision=Provision.SEN_SUPPORT,
                start_date=left - dt.timedelta(days=420),
                parents_informed_on=left - dt.timedelta(days=418),
            )
            SENNeed.objects.create(status=status, rank=1, need=NeedType.SLCN)
        Pupil.objects.filter(pk__in=[moving.pk, waiting.pk]).update(leaving_date=left)
        register_changed([self.school.pk])  # update() sends no signals
        transfer = Transfer.objects.create(
            school=self.school,
            pupil=moving,
            leaving_date=left,
            destination_school="Westbrook Academy",
            destination_contact="Ms R. Okafor, DSL, 01632 960123",
            deadline=add_school_days(left, TRANSFER_SCHOOL_DAYS, school_id=self.school.pk),
            started_by=dsl,
            started_at=self.now - dt.timedelta(days=11),
        )
        TransferStep.objects.create(
            transfer=transfer,
            kind=TransferStep.Kind.EXPORTED,
            on=left + dt.timedelta(days=2),
            by=dsl,
            at=self.now - dt.timedelta(days=10),
        )
        TransferStep.objects.create(
            transfer=transfer,
            kind=TransferStep.Kind.SENT,
            method=TransferStep.Method.SECURE_EMAIL,
            person="Ms R. Okafor, DSL",
            on=left + dt.timedelta(days=2),
            by=dsl,
            at=self.now - dt.timedelta(days=10),
        )
