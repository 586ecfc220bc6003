"""Demo pupils whose SEN register follows the national mix (DfE, January 2025). Invented names only."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from faker import Faker
from stdnum.gb import upn as upn_scheme

from pupils.models import KeyAdult, NeedType, Provision, Pupil, SENNeed, SENStatus

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
    return today.year if today.month >= 9 else today.year - 1


def birth_window(nc_year: int, year_start: int) -> tuple[date, date]:
    """Return the birth dates for ``nc_year`` in the academic year starting ``year_start``."""
    first = date(year_start - 5 - nc_year, 9, 1)
    return first, date(first.year + 1, 8, 31)


def make_upn(la_code: str, estab: str, allocated: int, serial: int) -> str:
    body = f"{la_code}{estab}{allocated % 100:02d}{serial:03d}"
    return upn_scheme.calc_check_digit(body) + body


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    codes, w = zip(*weights.items(), strict=True)
    return rng.choices(codes, weights=w)[0]


def seed_school(*, school: Any, spec: Any, people: Any, rng: random.Random) -> None:
    if not Pupil.objects.filter(school=school).exists():
        seed_register(school=school, spec=spec, people=people, rng=rng)
    seed_records(school=school, spec=spec, people=people, rng=rng)


def seed_register(*, school: Any, spec: Any, people: Any, rng: random.Random) -> None:
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

    # Caseloads: each LSA supports a handful of pupils on the register; the ELSA and the
    # Connect inclusion leader have pupils whose primary need is SEMH.
    since = year_start_date(year_start)
    links = []
    rng.shuffle(sen_pupils)
    per_lsa = 7
    for n, lsa in enumerate(people.lsas):
        for pupil, provision, _need in sen_pupils[n * per_lsa : (n + 1) * per_lsa]:
            one_to_one = provision == Provision.EHCP
            kind = KeyAdult.Kind.ONE_TO_ONE if one_to_one else KeyAdult.Kind.KEY_WORKER
            links.append(KeyAdult(pupil=pupil, staff=lsa, kind=kind, start_date=since))
    semh = [p for p, _prov, need in sen_pupils if need == NeedType.SEMH]
    for key, kind, chosen in (
        ("elsa", KeyAdult.Kind.ELSA, semh[:6]),
        ("inclusion", KeyAdult.Kind.KEY_WORKER, semh[6:12]),
    ):
        if key in people.by_key:
            links += [
                KeyAdult(pupil=p, staff=people.by_key[key], kind=kind, start_date=since)
                for p in chosen
            ]
    KeyAdult.objects.bulk_create(links)


def year_start_date(year_start: int) -> date:
    return date(year_start, 9, 3)


# Passport phrases, written for the demo (never copied from a real child's profile).
LIKES = [
    "Kind to younger pupils and always notices when someone is left out.",
    "A brilliant sense of humour and a great memory for facts about animals.",
    "Works hard in practical lessons and is proud of their drawings.",
    "Loyal friend; loves football and talks about it with real expertise.",
    "Creative storyteller with a big imagination.",
]
IMPORTANT = [
    "My dog, my nan, and knowing what is happening next in the day.",
    "Playing with my friends at break and having my own space when I need it.",
    "Being trusted with jobs, like handing out books.",
    "Minecraft, swimming on Saturdays and my little brother.",
]
SUPPORT = [
    "Give one instruction at a time and check I have understood by asking me to repeat it.",
    "Let me know about changes before they happen; a visual timetable on my desk helps.",
    "Seat me near the front, away from the door and the window.",
    "Give me extra thinking time before expecting an answer; don't put me on the spot.",
]
STRATEGIES = [
    "Chunk tasks into small steps with a tick list.\nUse a now/next card.\nPraise effort quietly rather than in front of the class.",
    "Pre-teach key vocabulary.\nProvide a word bank and sentence starters.\nAllow a movement break after 20 minutes.",
    "Offer a choice of two tasks.\nUse a timer so I can see how long is left.\nAgree a calm-down signal I can show you.",
    "Coloured overlay for reading.\nPrinted copies of slides.\nCheck in with me at the start of the lesson.",
]
TRIGGERS = [
    "Loud, crowded corridors and unexpected supply teachers upset me. A quiet walk and a drink of water help me calm down.",
    "Being told off in front of others. Going to my safe space with a fidget toy calms me.",
    "Not knowing how to start a task. A first step written down and a kind word help.",
]
COMMUNICATION = [
    "I might say I'm fine when I'm not. Watch for me going quiet or putting my head down.",
    "I use short sentences and sometimes need pictures to help explain.",
    "I talk a lot when I'm anxious; give me a calm, clear answer.",
]
RELATIONSHIPS = [
    ("Mother", True),
    ("Father", True),
    ("Grandmother", False),
    ("Stepfather", False),
    ("Foster carer", False),
]


def _first_name(fake: Faker, relationship: str) -> str:
    female = relationship in ("Mother", "Grandmother")
    return fake.first_name_female() if female else fake.first_name_male()


def seed_records(*, school: Any, spec: Any, people: Any, rng: random.Random) -> None:
    """Give SEN pupils passports, contacts, agencies and (in Years 10-11) access arrangements."""
    from pupils.models import AccessArrangement, AgencyInvolvement, Contact, Passport

    if Passport.objects.filter(pupil__school=school).exists():
        return
    fake = Faker("en_GB")
    fake.seed_instance(rng.randint(0, 10**9))
    today = timezone.localdate()
    sendco = people.by_key["sendco"]
    sen = list(
        Pupil.objects.filter(
            school=school,
            sen_statuses__end_date__isnull=True,
            sen_statuses__provision__in=["K", "E"],
        ).order_by("pk")
    )
    passports, contacts, agencies, arrangements = [], [], [], []
    for pupil in sen:
        versions = 2 if rng.random() < 0.3 else 1
        for v in range(1, versions + 1):
            reviewed = today - timedelta(days=rng.randint(10, 200)) if rng.random() < 0.8 else None
            passports.append(
                Passport(
                    pupil=pupil,
                    version=v,
                    created_by=sendco,
                    likes_and_admires=rng.choice(LIKES),
                    important_to_me=rng.choice(IMPORTANT),
                    how_to_support=rng.choice(SUPPORT),
                    strategies=rng.choice(STRATEGIES),
                    triggers_and_calming=rng.choice(TRIGGERS),
                    communication=rng.choice(COMMUNICATION),
                    reviewed_with_family_on=reviewed,
                )
            )
        surname = pupil.legal_surname
        for priority, (relationship, pr) in enumerate(rng.sample(RELATIONSHIPS[:3], 2), start=1):
            contacts.append(
                Contact(
                    pupil=pupil,
                    priority=priority,
                    relationship=relationship,
                    parental_responsibility=pr or relationship != "Grandmother",
                    name=f"{_first_name(fake, relationship)} {surname}",
                    phone=f"07700 900{rng.randint(0, 999):03d}",  # Ofcom's range reserved for drama
                    email=f"{surname.lower()}.family{rng.randint(1, 99)}@example.com",
                    preferred_contact=rng.choice(Contact.Preferred.values),
                )
            )
        if rng.random() < 0.35:
            agency = rng.choice(["EP", "SALT", "OT", "CAMHS", "EARLY_HELP", "SENSORY"])
            agencies.append(
                AgencyInvolvement(
                    pupil=pupil,
                    agency=agency,
                    contact_name=fake.name(),
                    contact_details="Via the local authority's SEND team",
                    start_date=today - timedelta(days=rng.randint(30, 600)),
                )
            )
        if pupil.nc_year in (10, 11) and rng.random() < 0.5:
            kind = rng.choice(
                ["EXTRA_TIME_25", "READER", "WORD_PROCESSOR", "REST_BREAKS", "SEPARATE_ROOM"]
            )
            evidenced = rng.random() < 0.8
            arrangements.append(
                AccessArrangement(
                    pupil=pupil,
                    kind=kind,
                    normal_way_of_working="Used in class and in mock exams since Year 9."
                    if evidenced
                    else "",
                    assessment_date=today - timedelta(days=rng.randint(60, 400))
                    if evidenced
                    else None,
                    assessor="Specialist assessor (Form 8)" if evidenced else "",
                    valid_from=date(today.year - 1, 9, 1),
                    valid_to=date(today.year + 1, 8, 31),
                    approved_by=sendco if evidenced else None,
                    approved_on=today - timedelta(days=30) if evidenced else None,
                )
            )
    Passport.objects.bulk_create(passports)
    Contact.objects.bulk_create(contacts)
    AgencyInvolvement.objects.bulk_create(agencies)
    AccessArrangement.objects.bulk_create(arrangements)
