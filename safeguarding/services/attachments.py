"""Files on concerns: adding one (the reporter's scanned note, the DSL's letters and minutes),
whose safeguarding file each one is on, and recording every download before it is sent."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from pupils.models import Pupil
from safeguarding.models import (
    AccountShare,
    Addendum,
    Alert,
    Attachment,
    Concern,
    ConcernPupil,
    FileAccess,
)
from safeguarding.services.alerts import alerts_create
from safeguarding.services.common import RuleError, job_title, people_with_role
from send_hub.lib.uploads import original_name, sha256_of, upload_content_type
from staff.audit import log_action
from staff.models import Role, User
from staff.permissions import can

# The same file sent twice by the same person within this window is one upload (a double tap).
DUPLICATE_UPLOAD_WINDOW = dt.timedelta(minutes=1)


@transaction.atomic
def attachment_add(
    *,
    concern: Concern,
    by: User,
    upload: UploadedFile,
    kind: str,
    description: str = "",
    addendum: Addendum | None = None,
) -> Attachment:
    """Store a file on a concern, or on something written on it, under a random name; audit it,
    and alert the DSL team when the person who raised the concern added it.

    The reporter and the DSL team may add files; a file goes on the concern itself or on an
    addition, correction or case note its uploader wrote.
    """
    triage = can(by, "safeguarding.triage", concern)
    if not triage and concern.reporter_id != by.pk:
        raise RuleError("Only the person who raised this concern and the DSL team can add files.")
    if addendum is not None and (addendum.concern_id != concern.pk or addendum.author_id != by.pk):
        raise ValidationError({"addendum": "Choose something you wrote on this concern."})
    if kind not in Attachment.Kind.values:
        raise ValidationError({"kind": "Say what the file is."})
    content_type = upload_content_type(upload)
    sha256 = sha256_of(upload)
    # One upload at a time for these children, so a double tap cannot store the file twice. The
    # concern's row is append-only (the app's role may not lock it FOR UPDATE); pupils may be.
    pupil_ids = list(concern.links.order_by("pupil_id").values_list("pupil_id", flat=True))
    list(Pupil.objects.select_for_update().filter(pk__in=pupil_ids).order_by("pk").values("pk"))
    existing = Attachment.objects.filter(
        concern=concern,
        addendum=addendum,
        uploaded_by=by,
        sha256=sha256,
        uploaded_at__gte=timezone.now() - DUPLICATE_UPLOAD_WINDOW,
    ).first()
    if existing is not None:
        return existing
    attachment = Attachment(
        concern=concern,
        addendum=addendum,
        kind=kind,
        description=description.strip(),
        original_name=original_name(upload),
        content_type=content_type,
        size=upload.size or 0,
        sha256=sha256,
        uploaded_by=by,
        uploaded_by_job_title=job_title(by, concern.school_id),
    )
    # attachment_path() gives the stored file a random name; the original stays in the row.
    attachment.file.save(upload.name or "upload", upload, save=False)
    try:
        attachment.full_clean()
        attachment.save()
        if not triage:
            alerts_create(
                recipients=people_with_role(concern.school_id, Role.DSL).exclude(pk=by.pk),
                school=concern.school_id,
                kind=Alert.Kind.ADDED,
                key=f"added:attachment:{attachment.pk}",
                urgent=concern.urgent,
                concern=concern,
            )
        log_action(
            attachment,
            "safeguarding.attachment.added",
            actor=by,
            school=concern.school_id,
            data={
                "concern": concern.pk,
                "addendum": addendum.pk if addendum else None,
                "kind": kind,
                "size": attachment.size,
                "sha256": sha256,
            },
        )
    except BaseException:
        # The row will not exist, so neither should the file.
        attachment.file.delete(save=False)
        raise
    return attachment


def attachment_children(attachment: Attachment) -> list[ConcernPupil]:
    """Return the linked children whose safeguarding file holds ``attachment`` (the rule is
    Attachment.objects.on_files, as the chronology applies it)."""
    concern = attachment.concern
    shared: dict[int, bool] = {}
    for share in AccountShare.objects.filter(link__concern=concern).order_by("at", "pk"):
        shared[share.link_id] = share.on  # in order, so the latest wins
    children = []
    for link in concern.links.select_related("pupil").order_by("pk"):
        full = link.is_subject or shared.get(link.pk, False)
        on_file = Attachment.objects.filter(pk=attachment.pk).on_files(
            link_ids=[link.pk],
            subject_of=[concern.pk] if link.is_subject else [],
            full=[concern.pk] if full else [],
        )
        if on_file.exists():
            children.append(link)
    return children


@transaction.atomic
def attachment_download_record(
    *, user: User, attachment: Attachment, request: HttpRequest | None = None
) -> None:
    """Record a download on the file of every child the attachment is on, before a byte is
    sent: if this fails, the file is not sent."""
    concern = attachment.concern
    pupils = [link.pupil for link in attachment_children(attachment)]
    FileAccess.objects.bulk_create(
        FileAccess(
            school_id=concern.school_id,
            pupil=pupil,
            user=user,
            kind=FileAccess.Kind.FILE_DOWNLOADED,
            concern=concern,
        )
        for pupil in pupils
    )
    log_action(
        attachment,
        "safeguarding.attachment.downloaded",
        actor=user,
        school=concern.school_id,
        data={"concern": concern.pk, "pupils": [p.pk for p in pupils]},
        request=request,
    )
