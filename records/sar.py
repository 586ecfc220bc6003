"""Subject access requests: record one, build its bundle, remind the DPO of the due date.

The bundle gathers every row of every model that links to the person (records.registry: found by
introspection, so a new model is never missed) plus the hinted parent records that belong with
them (a concern's account on the file of each child it is about). It is a zip of PDFs, one per
app, with the uploaded files themselves and a manifest of model labels and row ids. Third
parties' names (other pupils, other pupils' parents and carers; every pupil and contact in a
member of staff's bundle) are replaced by "[redacted]" for the DPO to review before release.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Model
from django.template.loader import render_to_string
from django.utils import timezone

from interventions.reminders.models import Notification
from pupils.models import Contact, Pupil
from records.models import SubjectAccessRequest, one_month_after
from records.registry import Rows, hint_for, pupil_links, user_links
from send_hub.lib.tasks import enqueue_on_commit
from staff.audit import log_action
from staff.models import Membership, Role, School, User

logger = logging.getLogger(__name__)

REDACTED = "[redacted]"
REMIND_DAYS = 7


@dataclass
class Section:
    """One model's rows in a bundle."""

    label: str
    title: str
    records: list[list[tuple[str, str]]] = field(default_factory=list)
    pks: list[object] = field(default_factory=list)


@dataclass
class Bundle:
    subject_ref: str
    sections: dict[str, list[Section]]  # by app label
    files: list[tuple[str, str]]  # (stored name, name in the zip)

    @property
    def manifest(self) -> dict[str, Any]:
        return {
            "subject": self.subject_ref,
            "models": {
                s.label: [str(pk) for pk in s.pks] for ss in self.sections.values() for s in ss
            },
            "files": [inside for _, inside in self.files],
        }


# --- Gathering ------------------------------------------------------------------------------


def rows_about_pupil(pupil: Pupil) -> Rows:
    """Return every row linking to ``pupil``, with the parents that belong with them."""
    rows: Rows = {Pupil: {pupil.pk}}
    for link in pupil_links():
        pks = set(
            link.model._base_manager.filter(link.pupil_q(pupil.pk)).values_list("pk", flat=True)
        )
        if pks:
            rows[link.model] = pks
    return _add_parents(rows)


def rows_about_user(user: User) -> Rows:
    """Return every row linking to ``user`` (as subject, author or recipient), and their own."""
    rows: Rows = {type(user): {user.pk}}
    for link in user_links():
        pks = set(
            link.model._base_manager.filter(link.user_q(user.pk)).values_list("pk", flat=True)
        )
        if pks:
            rows[link.model] = pks
    return rows


def _add_parents(rows: Rows) -> Rows:
    """Add hinted parents, whether or not other children share them (a bundle shows them)."""
    for model, pks in list(rows.items()):
        for name in hint_for(model).parents:
            fk = model._meta.get_field(name)
            assert isinstance(fk, models.ForeignKey)
            parent = fk.related_model
            assert isinstance(parent, type)
            ids = set(model._base_manager.filter(pk__in=pks).values_list(fk.attname, flat=True))
            rows.setdefault(parent, set()).update(i for i in ids if i is not None)
    return rows


# --- Redaction ------------------------------------------------------------------------------


def third_party_names(school_id: int, *, pupil: Pupil | None) -> re.Pattern[str] | None:
    """Return a pattern matching the names of third parties for a bundle in ``school_id``:
    every other pupil and their parents or carers (every pupil and contact when no pupil)."""
    others = Pupil.objects.filter(school_id=school_id)
    contacts = Contact.objects.filter(pupil__school_id=school_id)
    if pupil is not None:
        others = others.exclude(pk=pupil.pk)
        contacts = contacts.exclude(pupil=pupil)
    keep: set[str] = set()
    if pupil is not None:
        keep = {
            w.lower()
            for w in (
                pupil.legal_forename,
                pupil.legal_surname,
                pupil.preferred_forename,
                pupil.preferred_surname,
            )
            if w
        }
        keep |= {
            w.lower() for n in pupil.contacts.values_list("name", flat=True) for w in n.split()
        }
    words: set[str] = set()
    for names in others.values_list(
        "legal_forename", "legal_surname", "preferred_forename", "preferred_surname"
    ):
        words.update(w for n in names for w in n.split())
    for name in contacts.values_list("name", flat=True):
        words.update(name.split())
    words = {w for w in words if len(w) > 1 and w.lower() not in keep}
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


# --- Serialising ----------------------------------------------------------------------------


class Serialiser:
    """Turn rows into (label, value) pairs: every concrete field but secrets, names redacted."""

    def __init__(self, *, pupil: Pupil | None, user: User | None, names: re.Pattern[str] | None):
        self.pupil = pupil
        self.user = user
        self.names = names
        self.people: dict[object, str] = {}

    def person(self, pk: object) -> str:
        if self.user is not None and pk == self.user.pk:
            return "(the person this request is about)"
        if pk not in self.people:
            found = User.objects.filter(pk=str(pk)).values_list("full_name", flat=True).first()
            self.people[pk] = found or f"staff member {pk}"
        return self.people[pk]

    def value(self, f: models.Field[Any, Any], obj: Model) -> str:
        raw = f.value_from_object(obj)
        if raw is None or raw == "":
            return ""
        if f.is_relation:
            target = f.related_model
            if target is Pupil:
                if self.pupil is not None and raw == self.pupil.pk:
                    return "(the pupil this request is about)"
                return "another pupil"
            if isinstance(target, type) and issubclass(target, User):
                return self.person(raw)
            if isinstance(target, type):
                return f"{target._meta.verbose_name} {raw}"
        if f.choices:
            text = str(dict(f.flatchoices).get(raw, raw))
        elif isinstance(raw, (dt.datetime, dt.date)):
            text = raw.isoformat()
        elif isinstance(raw, (dict, list)):
            text = json.dumps(raw, default=str, ensure_ascii=False)
        else:
            text = str(raw)
        return self.redact(text)

    def redact(self, text: str) -> str:
        return self.names.sub(REDACTED, text) if self.names else text

    def record(self, obj: Model) -> list[tuple[str, str]]:
        exclude = set(hint_for(type(obj)).exclude)
        pairs = [("record id", str(obj.pk))]
        for f in obj._meta.concrete_fields:
            if f.primary_key or f.name in exclude or isinstance(f, models.BinaryField):
                continue
            if f.is_relation and f.related_model is Pupil and self.pupil is None:
                pairs.append((str(f.verbose_name), "a pupil"))
                continue
            pairs.append((str(f.verbose_name), self.value(f, obj)))
        return pairs


def build_bundle(*, school_id: int, pupil: Pupil | None = None, user: User | None = None) -> Bundle:
    """Gather and serialise everything held about ``pupil`` or ``user``."""
    if (pupil is None) == (user is None):
        raise ValueError("A bundle is about one pupil or one member of staff.")
    rows = rows_about_pupil(pupil) if pupil else rows_about_user(user)  # type: ignore[arg-type]
    serialiser = Serialiser(pupil=pupil, user=user, names=third_party_names(school_id, pupil=pupil))
    sections: dict[str, list[Section]] = defaultdict(list)
    files: list[tuple[str, str]] = []
    for model in sorted(rows, key=lambda m: m._meta.label):
        section = Section(model._meta.label, str(model._meta.verbose_name_plural).capitalize())
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        for obj in model._base_manager.filter(pk__in=rows[model]).order_by("pk"):
            section.records.append(serialiser.record(obj))
            section.pks.append(obj.pk)
            for f in file_fields:
                name = getattr(obj, f.attname)
                if name:
                    files.append((name, f"files/{model._meta.label}-{obj.pk}-{f.name}"))
        sections[model._meta.app_label].append(section)
    ref = f"pupil {pupil.pk}" if pupil else f"staff {user.pk}"  # type: ignore[union-attr]
    return Bundle(ref, dict(sections), files)


def bundle_zip(bundle: Bundle, *, received_on: dt.date | None = None) -> bytes:
    """Write ``bundle`` as a zip: one PDF per app, the files, and a manifest of ids."""
    from weasyprint import HTML  # imported here: WeasyPrint is slow to import

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for app_label, sections in sorted(bundle.sections.items()):
            html = render_to_string(
                "records/bundle_pdf.html",
                {
                    "subject_ref": bundle.subject_ref,
                    "app_label": app_label,
                    "sections": sections,
                    "received_on": received_on,
                    "built_at": timezone.localtime(),
                },
            )
            pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
            archive.writestr(f"{app_label}.pdf", pdf)
        missing = []
        for stored, inside in bundle.files:
            try:
                with default_storage.open(stored, "rb") as handle:
                    archive.writestr(inside, handle.read())
            except FileNotFoundError:
                missing.append(inside)
        manifest = bundle.manifest | {"missing_files": missing}
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return out.getvalue()


# --- Services -------------------------------------------------------------------------------


@transaction.atomic
def sar_create(
    *,
    school: School,
    by: User,
    requester_name: str,
    requester: str,
    received_on: dt.date,
    pupil: Pupil | None = None,
    user: User | None = None,
) -> SubjectAccessRequest:
    """Record a subject access request, due one calendar month after it arrived, and queue
    its bundle."""
    if (pupil is None) == (user is None):
        raise ValidationError("Choose the pupil or the member of staff the request is about.")
    if pupil is not None and pupil.school_id != school.pk:
        raise ValidationError({"pupil": "Choose a pupil of this school."})
    if user is not None and not Membership.objects.filter(user=user, school=school).exists():
        raise ValidationError({"user": "Choose someone who works or worked at this school."})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "The date received cannot be in the future."})
    request = SubjectAccessRequest(
        school=school,
        pupil=pupil,
        user=user,
        requester_name=requester_name.strip(),
        requester=requester,
        received_on=received_on,
        due_on=one_month_after(received_on),
        recorded_by=by,
    )
    request.full_clean()
    request.save()
    log_action(request, "records.sar.recorded", actor=by, data={"subject": request.subject_ref})
    enqueue_on_commit("records.tasks.sar_bundle_build_task", request.pk)
    return request


def sar_bundle_build(*, request_id: int) -> SubjectAccessRequest:
    """Build (or rebuild) the request's bundle and store it for review."""
    request = SubjectAccessRequest.objects.select_related("pupil", "user").get(pk=request_id)
    if request.status == SubjectAccessRequest.Status.RELEASED:
        return request
    bundle = build_bundle(school_id=request.school_id, pupil=request.pupil, user=request.user)
    data = bundle_zip(bundle, received_on=request.received_on)
    old = request.bundle.name
    request.bundle.save("bundle.zip", ContentFile(data), save=False)
    request.bundle_built_at = timezone.now()
    request.status = SubjectAccessRequest.Status.READY
    request.save(update_fields=["bundle", "bundle_built_at", "status"])
    if old:
        default_storage.delete(old)
    logger.info("sar bundle built", extra={"object_id": request.pk})
    return request


@transaction.atomic
def sar_release(*, request: SubjectAccessRequest, by: User) -> SubjectAccessRequest:
    """Record that the reviewed bundle was sent to the requester today."""
    if request.status != SubjectAccessRequest.Status.READY:
        raise ValidationError("Build and review the bundle before releasing it.")
    request.status = SubjectAccessRequest.Status.RELEASED
    request.released_on = timezone.localdate()
    request.save(update_fields=["status", "released_on"])
    log_action(request, "records.sar.released", actor=by)
    return request


def sar_reminders_send(*, on: dt.date) -> int:
    """Put a reminder in the bell of each DPO and head for requests due within a week or
    overdue (one a day per request and person); return how many were made."""
    made = 0
    due = SubjectAccessRequest.objects.open().filter(due_on__lte=on + dt.timedelta(REMIND_DAYS))
    for request in due:
        people = User.objects.filter(
            memberships__school_id=request.school_id,
            memberships__active=True,
            memberships__roles__role__in=[Role.DPO, Role.HEAD],
        ).distinct()
        late = request.due_on < on
        text = (
            f"Subject access request {request.pk} is overdue (due {request.due_on:%d %b})."
            if late
            else f"Subject access request {request.pk} is due on {request.due_on:%d %b}."
        )
        for person in people:
            _, created = Notification.objects.get_or_create(
                school_id=request.school_id,
                recipient=person,
                kind="records.sar_due",
                due_on=on,
                url=f"/records/requests/{request.pk}/",
                defaults={"text": text},
            )
            made += created
    return made
