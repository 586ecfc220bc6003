"""Writes for a pupil's records: exam access arrangements, contacts, agencies and documents.

Every service locks the pupil's row first, so a double-clicked submit is handled one request at a
time and the second finds the first's record instead of adding a twin.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from pupils.models import AccessArrangement, AgencyInvolvement, Contact, Document, Pupil
from send_hub.lib.dates import nice_date
from send_hub.lib.uploads import original_name, sha256_of, upload_content_type
from staff.audit import log_action
from staff.models import User

# A second submit of the same file for the same pupil within this window is the same upload.
DUPLICATE_UPLOAD_WINDOW = dt.timedelta(minutes=1)


def _lock(pupil: Pupil) -> None:
    # Serialises writes for one pupil so the duplicate checks below cannot race.
    Pupil.objects.select_for_update().only("pk").get(pk=pupil.pk)


def _check_date_order(start: dt.date | None, end: dt.date | None, *, field: str, what: str) -> None:
    if start and end and end < start:
        raise ValidationError(
            {
                field: f"{what} ends on {nice_date(end)}, before it starts on {nice_date(start)}. "
                "Check the two dates."
            }
        )


@transaction.atomic
def access_arrangement_add(
    *,
    pupil: Pupil,
    kind: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    normal_way_of_working: str = "",
    assessment_date: dt.date | None = None,
    assessor: str = "",
    approve: bool = False,
    by: User,
) -> AccessArrangement:
    """Record an exam access arrangement, approved by ``by`` today when ``approve`` is set.

    The same kind from the same date for the same pupil is taken to be a repeated submit: the
    existing arrangement is returned and nothing new is written.
    """
    _check_date_order(valid_from, valid_to, field="valid_to", what="This arrangement")
    _lock(pupil)
    existing = AccessArrangement.objects.filter(
        pupil=pupil, kind=kind, valid_from=valid_from
    ).first()
    if existing is not None:
        return existing
    arrangement = AccessArrangement(
        pupil=pupil,
        kind=kind,
        valid_from=valid_from,
        valid_to=valid_to,
        normal_way_of_working=normal_way_of_working.strip(),
        assessment_date=assessment_date,
        assessor=assessor.strip(),
        approved_by=by if approve else None,
        approved_on=timezone.localdate() if approve else None,
    )
    arrangement.full_clean()
    arrangement.save()
    log_action(
        pupil,
        "pupils.access_arrangement.added",
        actor=by,
        data={"arrangement": arrangement.pk, "kind": kind, "approved": approve},
    )
    return arrangement


@transaction.atomic
def contact_add(
    *,
    pupil: Pupil,
    name: str,
    relationship: str,
    parental_responsibility: bool = False,
    phone: str = "",
    email: str = "",
    preferred_contact: str = "",
    priority: int = 1,
    notes: str = "",
    by: User,
) -> Contact:
    """Add a parent, carer or other contact; the same name and relationship again is a no-op."""
    name, relationship = name.strip(), relationship.strip()
    if preferred_contact in (Contact.Preferred.PHONE, Contact.Preferred.TEXT) and not phone:
        raise ValidationError({"phone": "Add a phone number, or choose another preferred way."})
    if preferred_contact == Contact.Preferred.EMAIL and not email:
        raise ValidationError({"email": "Add an e-mail address, or choose another preferred way."})
    _lock(pupil)
    existing = Contact.objects.filter(
        pupil=pupil, name__iexact=name, relationship__iexact=relationship
    ).first()
    if existing is not None:
        return existing
    contact = Contact(
        pupil=pupil,
        name=name,
        relationship=relationship,
        parental_responsibility=parental_responsibility,
        phone=phone.strip(),
        email=email.strip(),
        preferred_contact=preferred_contact,
        priority=priority,
        notes=notes.strip(),
    )
    contact.full_clean()
    contact.save()
    log_action(pupil, "pupils.contact.added", actor=by, data={"contact": contact.pk})
    return contact


@transaction.atomic
def agency_add(
    *,
    pupil: Pupil,
    agency: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    contact_name: str = "",
    contact_details: str = "",
    notes: str = "",
    by: User,
) -> AgencyInvolvement:
    """Record an external agency's involvement; the same agency from the same date is a no-op."""
    _check_date_order(start_date, end_date, field="end_date", what="This involvement")
    _lock(pupil)
    existing = AgencyInvolvement.objects.filter(
        pupil=pupil, agency=agency, start_date=start_date
    ).first()
    if existing is not None:
        return existing
    involvement = AgencyInvolvement(
        pupil=pupil,
        agency=agency,
        start_date=start_date,
        end_date=end_date,
        contact_name=contact_name.strip(),
        contact_details=contact_details.strip(),
        notes=notes.strip(),
    )
    involvement.full_clean()
    involvement.save()
    log_action(
        pupil,
        "pupils.agency.added",
        actor=by,
        data={"involvement": involvement.pk, "agency": agency},
    )
    return involvement


@transaction.atomic
def document_upload(
    *, pupil: Pupil, upload: UploadedFile, title: str, kind: str, by: User
) -> Document:
    """Store an uploaded report for ``pupil`` under MEDIA_ROOT, and audit it.

    The same file for the same pupil within a minute is a repeated submit: the first document is
    returned and the second copy is never written.
    """
    content_type = upload_content_type(upload)
    sha256 = sha256_of(upload)
    _lock(pupil)
    existing = Document.objects.filter(
        pupil=pupil, sha256=sha256, uploaded_at__gte=timezone.now() - DUPLICATE_UPLOAD_WINDOW
    ).first()
    if existing is not None:
        return existing
    document = Document(
        pupil=pupil,
        title=title.strip(),
        kind=kind,
        original_name=original_name(upload),
        content_type=content_type,
        size=upload.size or 0,
        sha256=sha256,
        uploaded_by=by,
    )
    # document_path() gives the stored file a random name; the original stays in the row.
    document.file.save(upload.name or "upload", upload, save=False)
    try:
        document.full_clean()
        document.save()
        log_action(
            document,
            "pupils.document.uploaded",
            actor=by,
            school=pupil.school_id,
            data={"pupil": pupil.pk, "kind": kind, "size": document.size, "sha256": sha256},
        )
    except BaseException:
        # The row will not exist, so neither should the file.
        document.file.delete(save=False)
        raise
    return document
