"""Demo figures for the whole-school provision map: the school's rates and notional SEN budget,
teaching assistants' hours in classes and with pupils, EHCP 1:1 hours in lessons, resources and
external services bought, and the local authority's top-up for each EHCP pupil.

Believable sizes: a secondary of about a thousand pupils spends tens of thousands of pounds a
term on SEN provision, most of it support staff time; a primary spends less. Last term and this
term are filled, dated from today. Suppliers are named by kind, not by company.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from interventions.ehcp import services as ehcp_services
from interventions.ehcp.models import EHCP
from interventions.evidence import services
from interventions.evidence.models import ProvisionSettings
from pupils.models import Pupil
from staff import terms
from staff.demo import People, SchoolSpec
from staff.models import School

SUBJECTS = ["English", "maths", "science", "humanities", "art"]
RESOURCES = [
    ("Decodable reading books for the reading booster", "Educational supplier", 180, 420),
    ("Sensory circuit equipment", "Educational supplier", 240, 650),
    ("Coloured overlays and reading rulers", "Educational supplier", 40, 120),
    ("Standardised assessment licences (a year)", "Assessment publisher", 300, 900),
    ("Social stories and visual timetables printing", "", 60, 150),
]
SERVICES = [
    (
        "Educational psychologist: assessment and consultation",
        "Local authority educational psychology service",
    ),
    ("Speech and language therapy: block of sessions", "Independent speech and language therapist"),
    ("School counsellor: termly sessions", "School counselling service"),
    ("Occupational therapy assessment", "Independent occupational therapist"),
]


def _day_in(rng: random.Random, term: terms.Term, upto: dt.date) -> dt.date:
    last = min(term.end, upto)
    return term.start + dt.timedelta(rng.randint(0, max(0, (last - term.start).days)))


def seed_school(*, school: School, spec: SchoolSpec, people: People, rng: random.Random) -> None:
    """Give the school its rates and budget and two terms of costs beyond sessions (once)."""
    if ProvisionSettings.objects.filter(school=school).exists():
        return
    sendco = people.by_key["sendco"]
    secondary = spec.phase.lower().startswith("secondary")
    today = timezone.localdate()
    services.provision_settings_save(
        school=school,
        by=sendco,
        ledger_threshold=85,
        on_cost_percent=Decimal("28.00"),
        support_hourly_rate=Decimal("15.20") if secondary else Decimal("14.10"),
        # A notional SEN budget of about £400 a pupil, with more for a large secondary.
        notional_sen_budget=Decimal(round(spec.pupils * (420 if secondary else 380), -3)),
    )
    this_term = terms.current_term(school.pk, today)
    earlier = [t for t in terms.recent_terms(school.pk, today, 2) if t.key != this_term.key]
    year_start = (earlier[0] if earlier else this_term).start

    # Teaching assistants in classes: a secondary's year groups 7-11, a primary's classes.
    years = list(range(7, 12)) if secondary else list(range(0, 7))
    assistants = people.lsas or [sendco]
    count = 9 if secondary else 5
    for n in range(count):
        year = years[n % len(years)]
        label = (
            f"{year}{'RBGYP'[n % 5]} {SUBJECTS[n % len(SUBJECTS)]}"
            if secondary
            else ("Reception" if year == 0 else f"Year {year}") + f" class {'AB'[n % 2]}"
        )
        services.provision_entry_add(
            entry="support",
            school=school,
            by=sendco,
            staff=assistants[n % len(assistants)],
            class_name=label,
            nc_year=year,
            pupil=None,
            hours_per_week=Decimal(rng.choice([8, 10, 12.5, 15])),
            hourly_rate=None,
            start_date=year_start,
            end_date=None,
        )

    # EHCP pupils: 1:1 hours in lessons (a section F line no intervention delivers), the
    # local authority's termly top-up, and now and then a named TA's hours with them.
    ehcps = list(EHCP.objects.live().filter(school=school).select_related("pupil").order_by("pk"))
    for n, ehcp in enumerate(ehcps):
        hours = Decimal(rng.choice([5, 8, 10, 12.5, 15]))
        ehcp_services.ehcp_provision_add(
            ehcp=ehcp,
            by=sendco,
            description=f"{hours:g} hours a week of 1:1 support in lessons from a teaching "
            "assistant, to keep attention on the task and check understanding",
            hours_per_week=hours,
        )
        for term in [*earlier, this_term]:
            services.provision_entry_add(
                entry="topup",
                school=school,
                by=sendco,
                pupil=ehcp.pupil,
                amount=Decimal(rng.choice([1850, 2400, 3100, 3650, 4200])),
                received_on=min(term.start + dt.timedelta(days=18), today),
                reference=f"LA remittance {term.key}-{ehcp.pupil_id:04d}",
            )
        if n % 3 == 0:
            services.provision_entry_add(
                entry="support",
                school=school,
                by=sendco,
                staff=assistants[(n + 1) % len(assistants)],
                class_name="",
                nc_year=ehcp.pupil.nc_year,
                pupil=ehcp.pupil,
                hours_per_week=Decimal(rng.choice([2, 3, 4])),
                hourly_rate=Decimal("16.40"),
                start_date=year_start,
                end_date=None,
            )

    # Resources and external services, some for one pupil, each term.
    on_register = list(
        Pupil.objects.filter(
            school=school, leaving_date__isnull=True, sen_statuses__end_date__isnull=True
        )
        .exclude(sen_statuses__provision="N")
        .order_by("pk")[:40]
    )
    scale = 2 if secondary else 1
    for term in [*earlier, this_term]:
        for text, supplier, low, high in RESOURCES:
            services.provision_entry_add(
                entry="cost",
                school=school,
                by=sendco,
                kind="RESOURCE",
                description=text,
                supplier=supplier,
                cost=Decimal(rng.randint(low, high) * scale),
                incurred_on=_day_in(rng, term, today),
                pupil=None,
                area="",
            )
        for k in range(3 * scale):
            text, supplier = SERVICES[k % len(SERVICES)]
            services.provision_entry_add(
                entry="cost",
                school=school,
                by=sendco,
                kind="SERVICE",
                description=text,
                supplier=supplier,
                cost=Decimal(rng.choice([450, 550, 620, 780, 1200])),
                incurred_on=_day_in(rng, term, today),
                pupil=on_register[(k * 7) % len(on_register)] if on_register else None,
                area="",
            )
