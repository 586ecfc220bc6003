"""Moving a leaver's child protection file to their next school."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from pupils.models import Pupil
from safeguarding.exports import cp_file_zip
from safeguarding.models import (
    Alert,
    ConcernPupil,
    FileAccess,
    Transfer,
    TransferStep,
)
from safeguarding.models.transfers import TRANSFER_SCHOOL_DAYS
from safeguarding.schooldays import add_school_days
from safeguarding.services.alerts import alerts_create
from safeguarding.services.common import RuleError, people_with_role
from safeguarding.services.concerns import access_record
from send_hub.lib.db import lock_record
from staff.audit import log_action
from staff.models import Role, School, User


def transfer_deadline(*, school_id: int, leaving_date: dt.date) -> dt.date:
    """Return the day a leaver's file is due at the new school: five school days after leaving."""
    return add_school_days(leaving_date, TRANSFER_SCHOOL_DAYS, school_id=school_id)


@transaction.atomic
def transfer_start(
    *, pupil: Pupil, by: User, destination_school: str, destination_contact: str
) -> Transfer:
    """Start moving a leaver's child protection file, due five school days after they leave."""
    if pupil.leaving_date is None:
        raise RuleError("Record the pupil's leaving date first (the SENDCo or office can).")
    if Transfer.objects.filter(pupil=pupil, leaving_date=pupil.leaving_date).exists():
        raise RuleError("A transfer has already started for this pupil's leaving date.")
    transfer = Transfer(
        school_id=pupil.school_id,
        pupil=pupil,
        leaving_date=pupil.leaving_date,
        destination_school=destination_school.strip(),
        destination_contact=destination_contact.strip(),
        deadline=transfer_deadline(school_id=pupil.school_id, leaving_date=pupil.leaving_date),
        started_by=by,
    )
    transfer.full_clean()
    transfer.save()
    Alert.objects.filter(
        pupil=pupil, kind=Alert.Kind.TRANSFER_NOT_STARTED, read_at__isnull=True
    ).update(read_at=timezone.now())
    log_action(
        transfer,
        "safeguarding.transfer.started",
        actor=by,
        data={"pupil": pupil.pk, "deadline": transfer.deadline.isoformat()},
    )
    return transfer


@transaction.atomic
def transfer_step_add(
    *,
    transfer: Transfer,
    by: User,
    kind: str,
    on: dt.date,
    method: str = "",
    person: str = "",
    note: str = "",
) -> TransferStep:
    """Record that the file was sent (how, to whom) or that the new school confirmed receipt."""
    lock_record(transfer)
    kinds = set(transfer.steps.values_list("kind", flat=True))
    if TransferStep.Kind.RECEIVED in kinds:
        raise RuleError("Receipt is already confirmed: this transfer is complete.")
    if kind == TransferStep.Kind.RECEIVED and TransferStep.Kind.SENT not in kinds:
        raise RuleError("Record how the file was sent before confirming receipt.")
    if kind == TransferStep.Kind.SENT and TransferStep.Kind.EXPORTED not in kinds:
        raise RuleError("Download the file for transfer before recording how it was sent.")
    if on > timezone.localdate():
        raise ValidationError({"on": "The date cannot be in the future."})
    step = TransferStep(
        transfer=transfer,
        kind=kind,
        method=method,
        person=person.strip(),
        on=on,
        note=note.strip(),
        by=by,
    )
    step.full_clean()
    step.save()
    if kind == TransferStep.Kind.RECEIVED:
        Alert.objects.filter(transfer=transfer, read_at__isnull=True).update(read_at=timezone.now())
    log_action(
        step,
        f"safeguarding.transfer.{kind.lower()}",
        actor=by,
        school=transfer.school_id,
        data={"transfer": transfer.pk},
    )
    return step


@transaction.atomic
def transfer_export(
    *, transfer: Transfer, by: User, request: HttpRequest | None = None
) -> tuple[str, bytes]:
    """Build the child protection file (PDF and JSON manifest, zipped), recorded and audited."""
    name, content = cp_file_zip(transfer=transfer, by=by)
    TransferStep.objects.create(
        transfer=transfer, kind=TransferStep.Kind.EXPORTED, on=timezone.localdate(), by=by
    )
    access_record(
        user=by, kind=FileAccess.Kind.FILE_EXPORTED, pupils=[transfer.pupil], request=request
    )
    return name, content


def leavers_without_transfer(school: School | int | None = None) -> QuerySet[Pupil]:
    """Return pupils with a leaving date and a child protection file but no transfer started."""
    has_file = ConcernPupil.objects.filter(pupil=OuterRef("pk"))
    started = Transfer.objects.filter(pupil=OuterRef("pk"), leaving_date=OuterRef("leaving_date"))
    pupils = Pupil.objects.filter(leaving_date__isnull=False).filter(Exists(has_file))
    if school is not None:
        pupils = pupils.filter(school=school)
    return pupils.exclude(Exists(started)).order_by("leaving_date", "legal_surname")


@transaction.atomic
def transfers_remind(*, today: dt.date | None = None) -> int:
    """Alert the DSL team about leavers whose file has not moved, and overdue transfers."""
    today = today or timezone.localdate()
    made = 0
    for pupil in leavers_without_transfer().filter(leaving_date__lte=today):
        made += len(
            alerts_create(
                recipients=people_with_role(pupil.school_id, Role.DSL),
                school=pupil.school_id,
                kind=Alert.Kind.TRANSFER_NOT_STARTED,
                # The filter above leaves only leavers with a date (a date prints as ISO).
                key=f"transfer-start:pupil:{pupil.pk}:{pupil.leaving_date}",
                pupil=pupil,
            )
        )
    for transfer in Transfer.objects.overdue(on=today):
        made += len(
            alerts_create(
                recipients=people_with_role(transfer.school_id, Role.DSL),
                school=transfer.school_id,
                kind=Alert.Kind.TRANSFER_OVERDUE,
                key=f"overdue:transfer:{transfer.pk}",
                transfer=transfer,
            )
        )
    return made
