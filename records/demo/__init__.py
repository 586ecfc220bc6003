"""Records management in the demo: a DPO, former pupils whose records have passed their rules
(a disposal list waiting for approval, one pupil under a legal hold) and an open subject access
request with its bundle. Invented data only.

seed_demo calls ``seed_school`` once per school; the request is made in the first two schools
only (the bundle is a few PDFs), the disposal list in Hillcrest only.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from pupils.demo import make_upn
from pupils.models import Contact, Pupil, SENNeed, SENStatus
from pupils.services.register_figures import register_changed
from records import retention, sar
from records.models import DisposalBatch, SubjectAccessRequest
from staff.demo import People, SchoolSpec
from staff.models import Membership, MembershipRole, Role, School

FIRST_SCHOOLS = {"brookfield", "hillcrest"}
# Coded names, as the tests' factories use: nobody's real name.
FORMER = [("Ketaban", "Lorimon"), ("Pelobin", "Sarafon"), ("Tovimar", "Quenlock")]


def seed_school(*, school: School, spec: SchoolSpec, people: People, rng: random.Random) -> None:
    """Make the assistant head the school's DPO; in the first two schools record a subject
    access request, and in the secondary list former pupils' records for disposal (once)."""
    dpo = people.by_key.get("assistanthead")
    if dpo is not None:
        membership = Membership.objects.get(user=dpo, school=school)
        MembershipRole.objects.get_or_create(membership=membership, role=Role.DPO)
    if spec.slug not in FIRST_SCHOOLS:
        return
    today = timezone.localdate()
    head = people.by_key["head"]
    on_roll = Pupil.objects.on_roll().filter(school=school).order_by("pk").first()
    if on_roll is not None and not SubjectAccessRequest.objects.filter(school=school).exists():
        sar.sar_create(
            school=school,
            by=dpo or head,
            pupil=on_roll,
            requester_name="Parent (demo)",
            requester=SubjectAccessRequest.Requester.PARENT,
            received_on=today - dt.timedelta(days=24),
        )
    # Former pupils in the secondary school only: the primary's roll stays the national
    # average the demo's tests count.
    if spec.slug != "hillcrest" or DisposalBatch.objects.filter(school=school).exists():
        return
    former = []
    for i, (forename, surname) in enumerate(FORMER):
        born = today.replace(year=today.year - 33 - i, day=min(today.day, 28))
        pupil = Pupil.objects.create(
            school=school,
            upn=make_upn(spec.la_code, spec.estab, 90 + i, 990 + i),
            legal_forename=forename,
            legal_surname=surname,
            date_of_birth=born,
            sex=rng.choice("MF"),
            admission_date=born.replace(year=born.year + 11),
        )
        left = born.replace(year=born.year + 16)
        status = SENStatus.objects.create(
            pupil=pupil,
            provision="K",
            start_date=born.replace(year=born.year + 12),
            end_date=left,
        )
        SENNeed.objects.create(status=status, rank=1, need="SPLD")
        Contact.objects.create(pupil=pupil, name="Parent Demo", relationship="Parent")
        # The record was made while they attended; leaving archives it (records.archive).
        Pupil.objects.filter(pk=pupil.pk).update(leaving_date=left)
        register_changed([school.pk])  # update() sends no signals
        pupil.leaving_date = pupil._stored_leaving_date = left
        former.append(pupil)
    retention.legal_hold_place(pupil=former[-1], by=head, reason="Demo: a claim is pending")
    retention.disposal_list(school=school, on=today)
