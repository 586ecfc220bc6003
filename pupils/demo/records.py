"""Demo pupils' records: one-page passports, family contacts, agencies and exam arrangements.

Agencies go through pupils.services.records.agency_add, as the SENDCo's page adds them. Passports and
contacts (one or two for every SEN pupil, some 830 rows for the two demo schools) are written in
bulk: through passport_save and contact_add, with a lock, a check and an audit row each, they
took the demo's start from about 13 to 15 seconds. Access arrangements are written directly
because access_arrangement_add approves on the day it is called, and the demo's were approved a
month ago. Invented words only.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone
from faker import Faker

from pupils.demo.register import on_sen_register
from pupils.models import AccessArrangement, Contact, Passport, Pupil
from pupils.services.records import agency_add
from pupils.services.register_figures import register_changed
from staff.demo import People, SchoolSpec
from staff.models import School, User

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
    """Return a first name that fits the contact's relationship to the pupil."""
    female = relationship in ("Mother", "Grandmother")
    return fake.first_name_female() if female else fake.first_name_male()


def seed_records(*, school: School, spec: SchoolSpec, people: People, rng: random.Random) -> None:
    """Give SEN pupils passports, contacts, agencies and (in Years 10-11) access arrangements."""
    if Passport.objects.filter(pupil__school=school).exists():
        return
    fake = Faker("en_GB")
    fake.seed_instance(rng.randint(0, 10**9))
    today = timezone.localdate()
    sendco = people.by_key["sendco"]
    sen = list(on_sen_register(school))
    passports, contacts, arrangements = [], [], []
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
            agency_add(
                pupil=pupil,
                agency=agency,
                contact_name=fake.name(),
                contact_details="Via the local authority's SEND team",
                start_date=today - timedelta(days=rng.randint(30, 600)),
                by=sendco,
            )
        if pupil.nc_year in (10, 11) and rng.random() < 0.5:
            arrangements.append(_arrangement(pupil, rng, today, sendco))
    Passport.objects.bulk_create(passports)
    register_changed([school.pk])  # bulk inserts send no signals
    Contact.objects.bulk_create(contacts)
    AccessArrangement.objects.bulk_create(arrangements)


def _arrangement(pupil: Pupil, rng: random.Random, today: date, sendco: User) -> AccessArrangement:
    """Return an unsaved exam access arrangement, mostly evidenced and approved."""
    kind = rng.choice(["EXTRA_TIME_25", "READER", "WORD_PROCESSOR", "REST_BREAKS", "SEPARATE_ROOM"])
    evidenced = rng.random() < 0.8
    return AccessArrangement(
        pupil=pupil,
        kind=kind,
        normal_way_of_working="Used in class and in mock exams since Year 9." if evidenced else "",
        assessment_date=today - timedelta(days=rng.randint(60, 400)) if evidenced else None,
        assessor="Specialist assessor (Form 8)" if evidenced else "",
        valid_from=date(today.year - 1, 9, 1),
        valid_to=date(today.year + 1, 8, 31),
        approved_by=sendco if evidenced else None,
        approved_on=today - timedelta(days=30) if evidenced else None,
    )
