"""The demo staff's training and checks, the ELSA's supervision and some CPD.

Training records go through staff.services.training_record_save, as HR's page adds them (the
expiry worked out from the type, each one audited). Supervision and CPD have no service (the
admin writes them), so they are written directly.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from staff import services
from staff.demo.trust import People, SchoolSpec
from staff.models import (
    CPDEntry,
    Membership,
    Role,
    School,
    SupervisionSession,
    TrainingRecord,
    User,
)
from staff.training import default_training_types, term_before, term_containing


def ensure_training(school: School, spec: SchoolSpec, people: People) -> None:
    """Give everyone believable training dates: most current, a few running out or expired."""
    rng = random.Random(f"staff-{spec.urn}")
    today = timezone.localdate()
    types = default_training_types()
    staff = list(
        Membership.objects.active()
        .filter(school=school)
        .select_related("user")
        .prefetch_related("roles")
    )

    def add(user: User, code: str, days_ago: int, provider: str = "") -> None:
        # The service works out the expiry from the training type, as for a record HR adds.
        record = TrainingRecord(
            user=user,
            training_type=types[code],
            completed_on=today - timedelta(days=days_ago),
            provider=provider,
        )
        services.training_record_save(record=record, by=None)

    for m in staff:
        roles = m.role_codes
        add(m.user, "dbs-enhanced", rng.randint(60, 1800))
        add(m.user, "safeguarding-1", rng.randint(30, 1150), "Local safeguarding partnership")
        add(m.user, "prevent", rng.randint(30, 760), "Home Office e-learning")
        if roles & {Role.DSL, Role.HEAD}:
            add(m.user, "dsl", rng.choice([200, 690, 715]), "Local safeguarding partnership")
            add(m.user, "safeguarding-2", rng.randint(100, 900))
        if roles & {Role.LSA, Role.INCLUSION_LEADER, Role.BEHAVIOUR_SUPPORT} and rng.random() < 0.5:
            add(m.user, "first-aid", rng.randint(100, 1200), "St John Ambulance")
        if roles & {Role.INCLUSION_LEADER, Role.BEHAVIOUR_SUPPORT}:
            add(m.user, "positive-handling", rng.randint(250, 380), "Accredited trainer")
    lsa = people.by_key.get("lsa")
    if lsa is not None:
        add(lsa, "makaton", 400, "Makaton Charity tutor")
    elsa = people.by_key.get("elsa")
    if elsa is not None:
        add(elsa, "elsa", 700, "Educational psychology service")
    if elsa is not None:
        _supervision(school, spec, elsa, today)
        CPDEntry.objects.bulk_create(
            [
                CPDEntry(
                    user=elsa,
                    date=today - timedelta(days=40),
                    title="Supporting bereaved children",
                    provider="Local bereavement charity",
                    hours=Decimal("3"),
                ),
                CPDEntry(
                    user=elsa,
                    date=today - timedelta(days=150),
                    title="Anxiety in the classroom",
                    provider="Educational psychology service",
                    hours=Decimal("2.5"),
                ),
            ]
        )
    if lsa is not None:
        CPDEntry.objects.create(
            user=lsa,
            date=today - timedelta(days=20),
            title="Precision teaching refresher",
            provider="SENDCo (in house)",
            hours=Decimal("1.5"),
        )


def _supervision(school: School, spec: SchoolSpec, elsa: User, today: date) -> None:
    """Supervision for the ELSA: the primary's ELSA missed one last term, so it shows lapsing."""
    this_term = term_containing(today)
    last_term = term_before(this_term)
    last_count = 1 if spec.phase == "PRIMARY" else 2
    days = (last_term.end - last_term.start).days
    dates = [
        last_term.start + timedelta(days=days * (n + 1) // (last_count + 1))
        for n in range(last_count)
    ]
    if (today - this_term.start).days > 20:
        dates.append(this_term.start + timedelta(days=14))
    SupervisionSession.objects.bulk_create(
        [
            SupervisionSession(
                user=elsa,
                school=school,
                date=d,
                supervisor="Dr Helen Okoro",
                duration_minutes=90,
                cases_discussed=2 + n % 3,
            )
            for n, d in enumerate(dates)
        ]
    )
