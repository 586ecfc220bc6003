"""Subject access requests: the bundle holds a record from every model that links to the person
(found by introspection, so a model added later is covered without a list), as a zip of PDFs
with third parties' names redacted; and every linked model has a retention kind and rule."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import models
from pypdf import PdfReader

from interventions.models import Notification
from pupils.models import Pupil
from records import registry, sar
from records.models import RetentionRule, SubjectAccessRequest, one_month_after
from staff.models import School, User

pytestmark = pytest.mark.django_db


def linked(target: type[models.Model]) -> dict[type[models.Model], list[str]]:
    """Every model with a FK, one-to-one or many-to-many field to ``target``: worked out here,
    separately from records.registry, so the two must agree."""
    found: dict[type[models.Model], list[str]] = {}
    for model in apps.get_models():
        names = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, (models.ForeignKey, models.OneToOneField, models.ManyToManyField))
            and f.related_model is target
        ]
        if names:
            found[model] = names
    return found


def held_about(target: type[models.Model], obj: models.Model) -> dict[str, set[str]]:
    """Every row of every linked model pointing at ``obj``, by model label."""
    rows: dict[str, set[str]] = {}
    for model, names in linked(target).items():
        q = models.Q()
        for name in names:
            q |= models.Q(**{name: obj.pk})
        pks = {str(pk) for pk in model._base_manager.filter(q).values_list("pk", flat=True)}
        if pks:
            rows[model._meta.label] = pks
    return rows


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_every_model_linking_to_a_pupil_or_a_user_is_covered() -> None:
    user_model = get_user_model()
    covered = {link.model for link in registry.links()}
    expected = set(linked(Pupil)) | set(linked(user_model))
    assert expected - covered == set(), "not covered by records.registry"
    assert len(expected) > 40
    kinds = set(RetentionRule.objects.filter(school=None).values_list("kind", flat=True))
    for model in expected:
        assert registry.kind_for(model) in kinds, model
    for label, hint in registry.HINTS.items():
        model = apps.get_model(label)
        for name in (*hint.exclude, *hint.parents, *filter(None, [hint.date_field])):
            model._meta.get_field(name)  # a hint naming a field that has gone fails here


@pytest.fixture
def demo_school() -> School:
    call_command("seed_demo", schools=1, quiet_logins=True)
    return School.objects.get()


def _open(data: bytes) -> tuple[zipfile.ZipFile, dict]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return archive, json.loads(archive.read("manifest.json"))


def test_demo_bundles_hold_a_record_from_every_model_linking_to_the_person(demo_school) -> None:
    """One demo load (it takes a while) for a pupil's bundle and a member of staff's."""
    _pupils_bundle(demo_school)
    _staff_bundle(demo_school)


def _pupils_bundle(demo_school: School) -> None:
    # The demo pupil with records in the most kinds of table.
    pupils = list(Pupil.objects.filter(school=demo_school))
    pupil = max(pupils, key=lambda p: len(held_about(Pupil, p)))
    expected = held_about(Pupil, pupil)
    assert len(expected) >= 8, sorted(expected)

    bundle = sar.build_bundle(school_id=demo_school.pk, pupil=pupil)
    archive, manifest = _open(sar.bundle_zip(bundle))
    for label, pks in expected.items():
        assert pks <= set(manifest["models"][label]), label
    assert manifest["models"]["pupils.Pupil"] == [str(pupil.pk)]
    assert manifest["subject"] == f"pupil {pupil.pk}"
    # One PDF per app; the pupil's own name is there, another pupil's is redacted.
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(archive.read("pupils.pdf"))).pages
    )
    assert pupil.legal_surname in text
    others = Pupil.objects.filter(school=demo_school).exclude(pk=pupil.pk)
    other_names = {p.legal_surname for p in others} - {pupil.legal_surname}
    assert not any(f" {name} " in text for name in other_names)
    assert pupil.legal_surname not in archive.read("manifest.json").decode()


def _staff_bundle(demo_school: School) -> None:
    user = User.objects.get(email="lsa@brookfield.example")
    expected = held_about(get_user_model(), user)
    assert len(expected) >= 5, sorted(expected)

    bundle = sar.build_bundle(school_id=demo_school.pk, user=user)
    archive, manifest = _open(sar.bundle_zip(bundle))
    for label, pks in expected.items():
        assert pks <= set(manifest["models"][label]), label
    # The password hash and authenticator secrets never leave.
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(archive.read("staff.pdf"))).pages
    )
    assert user.password not in text and "Password" not in text
    # Pupils named in what the person wrote are third parties here.
    assert not any(f" {p.legal_surname} " in text for p in Pupil.objects.filter(school=demo_school))


def test_a_request_is_due_one_calendar_month_later_and_builds_its_bundle(
    world, django_capture_on_commit_callbacks
) -> None:
    assert one_month_after(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
    assert one_month_after(dt.date(2026, 12, 15)) == dt.date(2027, 1, 15)
    with django_capture_on_commit_callbacks() as queued:  # the build is queued on commit
        request = sar.sar_create(
            school=world.school,
            by=world.users["head"],
            requester_name="A parent",
            requester=SubjectAccessRequest.Requester.PARENT,
            received_on=dt.date(2026, 1, 31),
            pupil=world.pupil,
        )
    assert request.due_on == dt.date(2026, 2, 28)
    assert len(queued) == 1
    sar.sar_bundle_build(request_id=request.pk)  # what the queued task does
    request.refresh_from_db()
    assert request.status == SubjectAccessRequest.Status.READY
    _, manifest = _open(request.bundle.read())
    assert str(world.pupil.pk) in manifest["models"]["pupils.Pupil"]

    made = sar.sar_reminders_send(on=dt.date(2026, 2, 25))
    assert made == 1  # the head (the world has no DPO)
    assert sar.sar_reminders_send(on=dt.date(2026, 2, 25)) == 0  # once a day
    note = Notification.objects.get(kind="records.sar_due")
    assert world.pupil.legal_surname not in note.text

    sar.sar_release(request=request, by=world.users["head"])
    assert sar.sar_reminders_send(on=dt.date(2026, 3, 2)) == 0


def test_a_request_about_nobody_or_another_school_is_refused(world) -> None:
    common = {
        "school": world.school,
        "by": world.users["head"],
        "requester_name": "A parent",
        "requester": "PARENT",
        "received_on": dt.date(2026, 1, 5),
    }
    with pytest.raises(ValidationError, match="Choose the pupil"):
        sar.sar_create(**common)
    with pytest.raises(ValidationError, match="pupil of this school"):
        sar.sar_create(**common, pupil=world.other_pupil)
    assert not SubjectAccessRequest.objects.exists()
