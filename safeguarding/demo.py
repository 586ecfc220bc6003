"""Demo safeguarding records: concerns at every stage over the past year, in invented words.

Rows are written directly (not through the services) so that they can carry past dates and send
no e-mails; nothing is updated afterwards, since PostgreSQL refuses updates to these tables.
Concerns are recorded in school hours on school days, so the DSL's newest ones wait for triage
from the last school day whenever the demo is built.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pupils.models import Pupil
from safeguarding.categories import ensure_default_categories
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
from safeguarding.services import actions_overdue_remind, transfers_remind
from staff.models import Membership, User

# (stage, days ago, categories, urgent, days back-dated, where, what happened, words, did, told)
SCENARIOS = [
    (
        "new",
        0,
        ["physical-abuse"],
        True,
        0,
        "PE changing room",
        "While changing for PE I noticed a round purple mark on the back of the upper arm, about the size of a coin. It was not there last week.",
        "It's nothing, I just banged it on the door.",
        "Did not ask any more questions. Made sure the pupil joined the lesson as normal.",
        "Came straight to the DSL office; nobody else.",
    ),
    (
        "new",
        1,
        ["mental-health", "self-harm"],
        False,
        0,
        "Corridor outside the library",
        "Found the pupil sitting alone and tearful at break. Said they had not slept and felt everyone would be better off without them.",
        "I just don't want to be here any more.",
        "Stayed with the pupil until the bell and walked them to the pastoral office.",
        "Pastoral lead, who is keeping the pupil with her this afternoon.",
    ),
    (
        "in_progress",
        9,
        ["neglect"],
        False,
        0,
        "Classroom, morning registration",
        "Arrived in the same uniform for the fourth day running; shirt stained and shoes split. Ate two breakfasts at breakfast club and asked to take fruit home.",
        "There's no food till Mum gets paid.",
        "Gave breakfast and spare uniform from the school store.",
        "Class teacher and the DSL.",
    ),
    (
        "in_progress",
        23,
        ["online-safety", "child-on-child"],
        False,
        0,
        "Form room",
        "Two pupils showed me messages in a group chat calling this pupil names and sharing an edited photo of them.",
        "Everyone's seen it. I don't want to come in tomorrow.",
        "Did not look at the photo on the phone. Wrote down what the pupils said and kept them apart at lunch.",
        "Head of year by phone.",
    ),
    (
        "referred",
        48,
        ["domestic-abuse"],
        True,
        0,
        "Office, after school",
        "The pupil asked to wait at school until late. Said there was shouting at home last night and the police came.",
        "Dad threw the plates. I hid in my room with my sister.",
        "Sat with the pupil, offered a drink, and did not promise to keep a secret.",
        "DSL, who was still on site.",
    ),
    (
        "referred",
        75,
        ["attendance"],
        False,
        0,
        "Attendance office",
        "Attendance has fallen to 71% this term, with several Mondays missed. Calls home have gone unanswered for two weeks.",
        "",
        "Tried the second contact number and left a message.",
        "Attendance officer.",
    ),
    (
        "monitoring",
        120,
        ["emotional-abuse"],
        False,
        0,
        "Playground",
        "Heard an adult at the gate tell the pupil loudly that they were useless and would be left at home next time.",
        "She always says that when she's tired.",
        "Checked on the pupil in class afterwards; they seemed quiet but settled.",
        "The DSL.",
    ),
    (
        "closed",
        190,
        ["other"],
        False,
        21,
        "School trip coach",
        "Recording this late: on the trip three weeks ago the pupil said a neighbour had offered them money to carry a parcel. I had forgotten until the pupil mentioned it again.",
        "He said it was just a favour and I'd get twenty quid.",
        "Told the pupil I would have to pass this on and why.",
        "Trip leader at the time; the DSL today.",
    ),
    (
        "closed",
        300,
        ["mental-health"],
        False,
        0,
        "Music room",
        "The pupil was very anxious before the concert, shaking and unable to speak for several minutes.",
        "I feel sick when everyone looks at me.",
        "Took the pupil somewhere quiet to breathe and let them watch from the side.",
        "Music teacher and the SENDCo.",
    ),
]

FILLER_WHAT = [
    "Pupil seemed withdrawn all day and would not say why.",
    "Pupil mentioned being left alone overnight at the weekend.",
    "Noticed a scratch on the pupil's hand; they said it was the cat.",
    "Pupil said an older student had been asking for their phone number.",
    "Pupil arrived hungry and without a coat in cold weather.",
    "Pupil wrote something worrying in a story about home.",
]
FILLER_CATEGORIES = [
    "neglect",
    "mental-health",
    "online-safety",
    "child-on-child",
    "emotional-abuse",
    "attendance",
    "physical-abuse",
]


def seed_today(*, schools: list[Any]) -> None:
    """Alert the DSL team to overdue actions and unmoved files, as the 07:00 job would have.

    Their e-mails count as sent with the alerts, like the builder's own: the demo's terminal
    shows e-mails from what people do, not a morning's worth at every start.
    """
    started = timezone.now()
    with transaction.atomic():
        actions_overdue_remind()
        transfers_remind()
        Alert.objects.filter(emailed_at__isnull=True, created_at__gte=started).update(
            emailed_at=F("created_at")
        )


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


def seed_school(*, school: Any, spec: Any, people: Any, rng: random.Random) -> None:
    """Create the school's demo concerns once (nothing if it has any already)."""
    if Concern.objects.filter(school=school).exists():
        return
    ensure_default_categories(Category)
    categories = {c.code: c for c in Category.objects.all()}
    pupils = list(Pupil.objects.on_roll().filter(school=school).order_by("pk"))
    if len(pupils) < 40:  # too small a school for the demo story
        return
    rng.shuffle(pupils)
    dsl, head = people.by_key["dsl"], people.by_key["head"]
    reporters = [people.by_key[k] for k in ("teacher", "lsa", "elsa", "sendco")] + list(
        people.teachers[:4]
    )
    titles = dict(Membership.objects.filter(school=school).values_list("user_id", "job_title"))
    now = timezone.now()
    made: list[tuple[Concern, Pupil, str]] = []

    def concern(
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
        recorded = _in_school_hours(now, days_ago, rng)
        occurred = recorded - dt.timedelta(days=backdate, minutes=rng.randint(15, 150))
        row = Concern.objects.create(
            school=school,
            idempotency_key=uuid.uuid4(),
            reporter=reporter,
            reporter_job_title=titles.get(reporter.pk) or reporter.job_title,
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
            ConcernPupilCategory(link=link, category=categories[c]) for c in cats
        )
        if witness is not None:
            ConcernPupil.objects.create(concern=row, pupil=witness, involvement=Involvement.WITNESS)
        FileAccess.objects.create(
            school=school,
            pupil=pupil,
            user=dsl,
            kind=FileAccess.Kind.CONCERN_VIEWED,
            concern=row,
            at=recorded + dt.timedelta(minutes=40),
        )
        return row

    def decide(row: Concern, status: str, risk: str, why: str, *, after: float, **extra: Any):
        return Decision.objects.create(
            concern=row,
            status=status,
            risk=risk,
            rationale=why,
            decided_by=dsl,
            decided_at=row.recorded_at + dt.timedelta(hours=after),
            **extra,
        )

    for n, (stage, days, cats, urgent, backdate, where, what, words, did, told) in enumerate(
        SCENARIOS
    ):
        pupil = pupils[n]
        marks = None
        if stage == "new" and urgent:
            marks = [{"side": "back", "x": 27.0, "y": 26.5, "note": "Round purple mark, 2 cm"}]
        row = concern(
            pupil,
            days_ago=days,
            cats=cats,
            urgent=urgent,
            backdate=backdate,
            where=where,
            what=what,
            words=words,
            did=did,
            told=told,
            reporter=reporters[n % len(reporters)],
            body_map=marks,
            witness=pupils[n + 30] if stage == "in_progress" and "child-on-child" in cats else None,
        )
        made.append((row, pupil, stage))
        if stage == "new":
            for person in {dsl, head}:
                Alert.objects.create(
                    school=school,
                    recipient=person,
                    kind=Alert.Kind.NEW_CONCERN,
                    urgent=urgent,
                    concern=row,
                    key=f"new:concern:{row.pk}",
                    created_at=row.recorded_at,
                    emailed_at=row.recorded_at,
                )
            continue
        if stage == "in_progress":
            decide(
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
                owner=reporters[0],
                due_on=(now - dt.timedelta(days=2)).date(),
                created_by=dsl,
                created_at=row.recorded_at + dt.timedelta(hours=3, minutes=10),
            )
            Addendum.objects.create(
                concern=row,
                kind=Addendum.Kind.CASE_NOTE,
                text="Spoke to the pupil with their form tutor present; they would like a trusted adult to check in each morning.",
                author=dsl,
                author_job_title=titles.get(dsl.pk, ""),
                written_at=row.recorded_at + dt.timedelta(days=1, hours=2),
            )
        elif stage == "referred":
            decide(
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
                reference=f"{'CSC' if agency == 'SOCIAL_CARE' else 'EH'}-{rng.randint(10000, 99999)}",
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
        elif stage == "monitoring":
            decide(
                row,
                Status.IN_PROGRESS,
                "LOW",
                "One comment overheard; check whether this is a pattern.",
                after=4,
            )
            decide(
                row,
                Status.MONITORING,
                "LOW",
                "No further concerns after two weeks. Keep watching; no referral needed at this stage.",
                after=24 * 14,
                not_referred=True,
            )
        elif stage == "closed":
            Addendum.objects.create(
                concern=row,
                kind=Addendum.Kind.CORRECTION,
                part=Addendum.Part.OCCURRED,
                text="The trip was on the Tuesday, not the Monday.",
                author=row.reporter,
                author_job_title=row.reporter_job_title,
                written_at=row.recorded_at + dt.timedelta(hours=5),
            )
            decide(
                row,
                Status.IN_PROGRESS,
                "MEDIUM",
                "Possible exploitation: talk to the pupil and the family.",
                after=2,
            )
            decide(
                row,
                Status.CLOSED,
                "LOW",
                "Family aware and supportive; the neighbour has moved away. Decided not to refer; the pupil knows who to talk to.",
                after=24 * 10,
                not_referred=True,
            )

    # More closed concerns across the year, so the reports have something to count.
    extra = 8 if spec.phase == "PRIMARY" else 20
    for i in range(extra):
        pupil = pupils[len(SCENARIOS) + i]
        row = concern(
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
            reporter=rng.choice(reporters),
        )
        decide(
            row,
            Status.CLOSED,
            "LOW",
            "Spoke to the pupil and family; no further action needed.",
            after=20,
            not_referred=True,
        )

    # A leaver whose file is on its way, and one whose file has not started moving.
    leaver = made[-1][1]
    left = timezone.localdate() - dt.timedelta(days=12)
    Pupil.objects.filter(pk__in=[leaver.pk, made[-2][1].pk]).update(leaving_date=left)
    transfer = Transfer.objects.create(
        school=school,
        pupil=leaver,
        leaving_date=left,
        destination_school="Westbrook Academy",
        destination_contact="Ms R. Okafor, DSL, 01632 960123",
        deadline=add_school_days(left, TRANSFER_SCHOOL_DAYS, school_id=school.pk),
        started_by=dsl,
        started_at=now - dt.timedelta(days=11),
    )
    TransferStep.objects.create(
        transfer=transfer,
        kind=TransferStep.Kind.EXPORTED,
        on=left + dt.timedelta(days=2),
        by=dsl,
        at=now - dt.timedelta(days=10),
    )
    TransferStep.objects.create(
        transfer=transfer,
        kind=TransferStep.Kind.SENT,
        method=TransferStep.Method.SECURE_EMAIL,
        person="Ms R. Okafor, DSL",
        on=left + dt.timedelta(days=2),
        by=dsl,
        at=now - dt.timedelta(days=10),
    )
