"""Demo pupils whose SEN register follows the national mix (DfE, January 2025). Invented names only.

Pupils and their SEN history are written in bulk, as the MIS import writes them
(pupils.importers.apply.write_plan): one row per pupil, past periods with their end dates. The
import itself cannot carry what the demo needs beside (admission dates, pupil premium, free
school meals, EAL, looked-after). Caseloads go through pupils.services.key_adult_assign, as the
SENDCo assigns them.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from faker import Faker
from stdnum.gb import upn as upn_scheme

from pupils.models import KeyAdult, NeedType, Provision, Pupil, SENNeed, SENStatus
from pupils.services import key_adult_assign
from pupils.services.register_figures import register_changed
from staff.demo import People, SchoolSpec
from staff.models import School

SEN_SUPPORT_SHARE = 0.142
EHCP_SHARE = 0.053
# Primary need shares (national); the remainder is spread over the smaller codes.
K_NEEDS = {
    "SLCN": 26,
    "SEMH": 22,
    "MLD": 16,
    "SPLD": 14,
    "ASD": 9,
    "NSA": 5,
    "OTH": 3,
    "PD": 2,
    "HI": 1,
    "VI": 1,
    "SLD": 0.5,
    "DS": 0.5,
}
E_NEEDS = {
    "ASD": 33,
    "SLCN": 20,
    "SEMH": 16,
    "MLD": 9,
    "SLD": 8,
    "PD": 4,
    "PMLD": 3,
    "HI": 2,
    "DS": 2,
    "OTH": 2,
    "VI": 1,
    "MSI": 0.5,
}
SECONDARY_NEED_SHARE = 0.3


def academic_year_start(today: date) -> int:
    """Return the calendar year in which ``today``'s academic year began."""
    return today.year if today.month >= 9 else today.year - 1


def birth_window(nc_year: int, year_start: int) -> tuple[date, date]:
    """Return the birth dates for ``nc_year`` in the academic year starting ``year_start``."""
    first = date(year_start - 5 - nc_year, 9, 1)
    return first, date(first.year + 1, 8, 31)


def make_upn(la_code: str, estab: str, allocated: int, serial: int) -> str:
    """Return a census-valid UPN for a made-up pupil (check letter, LA, establishment, serial)."""
    body = f"{la_code}{estab}{allocated % 100:02d}{serial:03d}"
    return upn_scheme.calc_check_digit(body) + body


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    """Draw one need code by its national share."""
    codes, w = zip(*weights.items(), strict=True)
    return rng.choices(codes, weights=w)[0]


def seed_register(*, school: School, spec: SchoolSpec, people: People, rng: random.Random) -> None:
    """Create the school's pupils, SEN statuses with history, and caseloads."""
    fake = Faker("en_GB")
    fake.seed_instance(rng.randint(0, 10**9))
    today = timezone.localdate()
    year_start = academic_year_start(today)
    years = list(range(0, 7)) if spec.phase == "PRIMARY" else list(range(7, 12))
    forms = "AB" if spec.phase == "PRIMARY" else "ABCD"
    pupils = []
    serials: dict[int, int] = {}
    for i in range(spec.pupils):
        nc_year = years[i % len(years)]
        lo, hi = birth_window(nc_year, year_start)
        dob = lo + timedelta(days=rng.randint(0, (hi - lo).days))
        sex = rng.choice("MF")
        forename = fake.first_name_male() if sex == "M" else fake.first_name_female()
        entry_year = year_start - (nc_year if spec.phase == "PRIMARY" else nc_year - 7)
        serials[entry_year] = serials.get(entry_year, 0) + 1
        pp = rng.random() < 0.25
        pupils.append(
            Pupil(
                school=school,
                upn=make_upn(spec.la_code, spec.estab, entry_year, serials[entry_year]),
                mis_id=f"{spec.slug.upper()}-{10000 + i}",
                legal_forename=forename,
                legal_surname=fake.last_name(),
                preferred_forename=(
                    forename[:3] if rng.random() < 0.04 and len(forename) > 4 else ""
                ),
                date_of_birth=dob,
                sex=sex,
                nc_year=nc_year,
                registration_group=f"{nc_year or 'R'}{rng.choice(forms)}",
                admission_date=date(entry_year, 9, rng.randint(1, 8)),
                pupil_premium=pp,
                free_school_meals=pp and rng.random() < 0.9,
                eal=rng.random() < 0.2,
                looked_after=rng.random() < 0.006,
            )
        )
    Pupil.objects.bulk_create(pupils)
    pupils = list(Pupil.objects.filter(school=school).order_by("pk"))

    statuses, needs_for = [], []
    sen_pupils = []
    for pupil in pupils:
        roll = rng.random()
        if roll < EHCP_SHARE:
            provision, weights = Provision.EHCP, E_NEEDS
        elif roll < EHCP_SHARE + SEN_SUPPORT_SHARE:
            provision, weights = Provision.SEN_SUPPORT, K_NEEDS
        else:
            continue
        start = pupil.admission_date + timedelta(days=rng.randint(30, 900))
        start = min(start, today - timedelta(days=rng.randint(7, 60)))
        if provision == Provision.EHCP and rng.random() < 0.6:
            # Most EHC plans follow a period of SEN support: keep that history.
            earlier = start - timedelta(days=rng.randint(200, 700))
            statuses.append(
                SENStatus(
                    pupil=pupil,
                    provision=Provision.SEN_SUPPORT,
                    start_date=max(earlier, pupil.admission_date),
                    end_date=start - timedelta(days=1),
                    parents_informed_on=max(earlier, pupil.admission_date),
                )
            )
            needs_for.append([_pick(rng, K_NEEDS)])
        primary = _pick(rng, weights)
        codes = [primary]
        if primary != NeedType.NSA and rng.random() < SECONDARY_NEED_SHARE:
            second = _pick(rng, {k: v for k, v in weights.items() if k not in {primary, "NSA"}})
            codes.append(second)
        statuses.append(
            SENStatus(
                pupil=pupil,
                provision=provision,
                start_date=start,
                parents_informed_on=start + timedelta(days=rng.randint(0, 10)),
            )
        )
        needs_for.append(codes)
        sen_pupils.append((pupil, provision, primary))
    SENStatus.objects.bulk_create(statuses)
    SENNeed.objects.bulk_create(
        SENNeed(status=status, rank=rank, need=code)
        for status, codes in zip(statuses, needs_for, strict=True)
        for rank, code in enumerate(codes, start=1)
        if not (code == NeedType.NSA and status.provision != Provision.SEN_SUPPORT)
    )
    register_changed([school.pk])  # bulk inserts send no signals

    # Caseloads: each LSA supports a handful of pupils on the register; the ELSA and the
    # Connect inclusion leader have pupils whose primary need is SEMH.
    since = year_start_date(year_start)
    sendco = people.by_key["sendco"]
    rng.shuffle(sen_pupils)
    per_lsa = 7
    for n, lsa in enumerate(people.lsas):
        for pupil, provision, _need in sen_pupils[n * per_lsa : (n + 1) * per_lsa]:
            one_to_one = provision == Provision.EHCP
            kind = KeyAdult.Kind.ONE_TO_ONE if one_to_one else KeyAdult.Kind.KEY_WORKER
            key_adult_assign(pupil=pupil, staff=lsa, kind=kind, start_date=since, by=sendco)
    semh = [p for p, _prov, need in sen_pupils if need == NeedType.SEMH]
    for key, kind, chosen in (
        ("elsa", KeyAdult.Kind.ELSA, semh[:6]),
        ("inclusion", KeyAdult.Kind.KEY_WORKER, semh[6:12]),
    ):
        if key not in people.by_key:
            continue
        for pupil in chosen:
            key_adult_assign(
                pupil=pupil, staff=people.by_key[key], kind=kind, start_date=since, by=sendco
            )


def on_sen_register(school: School) -> QuerySet[Pupil]:
    """Return the school's pupils now on SEN support or with an EHCP, in the order made."""
    return Pupil.objects.filter(
        school=school,
        sen_statuses__end_date__isnull=True,
        sen_statuses__provision__in=[Provision.SEN_SUPPORT, Provision.EHCP],
    ).order_by("pk")


def year_start_date(year_start: int) -> date:
    """Return the first school day of the academic year starting ``year_start``."""
    return date(year_start, 9, 3)
