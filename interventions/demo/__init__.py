"""The demo's interventions: a year of groups and sessions, Connect, plans and EHCPs, reports.

Whatever day the demo is built, this term's blocks are running, recent ones wait for their exit
measures, and the README's LSA and ELSA each have a session timetabled today to log: the demo
treats the day it is built as a school day, even at a weekend or in a holiday. ``seed_today``
then does what the morning's sweep would have done, so the bell has today's reminders.
"""

from __future__ import annotations

import random

from django.utils import timezone

from interventions.delivery.models import Programme
from interventions.demo import attendance, connect, evidence, offsite, parttime, plans, teaching
from interventions.demo.delivery import seed_delivery
from interventions.demo.reports import request_last_terms_reports
from interventions.reminders import services as reminders
from staff.demo import People, SchoolSpec
from staff.models import School


def seed_school(*, school: School, spec: SchoolSpec, people: People, rng: random.Random) -> None:
    """Build the school's interventions once, then Connect, plans and last term's reports."""
    if not Programme.objects.filter(school=school).exists():
        seed_delivery(school=school, spec=spec, people=people, rng=rng)
    connect.seed_school(school=school, spec=spec, people=people, rng=rng)
    plans.seed_school(school=school, spec=spec, people=people, rng=rng)
    teaching.seed_school(school=school, spec=spec, people=people, rng=rng)
    evidence.seed_school(school=school, spec=spec, people=people, rng=rng)
    attendance.seed_school(school=school, spec=spec, people=people, rng=rng)
    parttime.seed_school(school=school, spec=spec, people=people, rng=rng)
    offsite.seed_school(school=school, spec=spec, people=people, rng=rng)
    request_last_terms_reports(school, people.by_key["sendco"])


def seed_today(*, schools: list[School]) -> None:
    """Make today's reminders, as the 06:30 sweep would have done before anyone signed in.

    Runs on every ``seed_demo`` (so on every ``make run``), built or not: the sweep sends each
    reminder once, so a second run the same day adds nothing.
    """
    today = timezone.localdate()
    for school in schools:
        reminders.reminders_sweep_school(school_id=school.pk, today=today)
    attendance.seed_today(schools=schools)
