"""Issue #13 defect 3: each linked child's file holds only what concerns that child.

A concern about one child (A) with another (B) as a witness: B's chronology, its PDF and B's
transfer file say that B was involved and how, when, and who raised it; never A's account, the
DSL's reasoning about A's family, or A's actions, unless the DSL marks them as about B.
"""

from __future__ import annotations

import io
import subprocess
import uuid
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from pupils.models import Pupil
from safeguarding import chronology, exports, services
from safeguarding.models import (
    AccountShare,
    Action,
    ActionChild,
    Addendum,
    AddendumChild,
    Decision,
    DecisionChild,
    Involvement,
    Status,
)
from safeguarding.services import PupilLink
from tests.factories import PupilFactory
from tests.safeguarding.helpers import REFUSED_EDIT, category, make_concern

pytestmark = pytest.mark.django_db

NARRATIVE = "Bruise on the cheek; said dad hit mum and then hit him. NARRATIVE-A1"
WORDS = "Dad gets angry when he drinks. WORDS-A1"
RATIONALE = "Domestic abuse at home; speak to mum away from dad. RATIONALE-A1"
ACTION = "Phone the social worker about the family home. ACTION-A1"
NOTE = "Mum says dad has left the home; police are involved. NOTE-A1"
A_SECRETS = [NARRATIVE, WORDS, RATIONALE, ACTION, NOTE, "Classroom 4"]


def _a_and_b(world: Any, involvement: str = Involvement.WITNESS) -> tuple[Any, Any, Any]:
    """Return (concern, A's link, B's link): A hurt at home, B a witness; DSL casework on A."""
    b = PupilFactory(school=world.school, legal_forename="Bea", legal_surname="Witnessby")
    concern = make_concern(
        world,
        categories=("physical-abuse", "domestic-abuse"),
        others=((b, involvement, ()),),
        text=NARRATIVE,
        childs_words=WORDS,
        body_map=[{"side": "front", "x": 50, "y": 10, "note": "BODYMAP-A1 bruise on cheek"}],
    )
    dsl = world.users["dsl"]
    services.decision_record(
        concern=concern, by=dsl, status=Status.IN_PROGRESS, risk="HIGH", rationale=RATIONALE
    )
    services.action_add(
        concern=concern, by=dsl, description=ACTION, owner=dsl, due_on=timezone.localdate()
    )
    services.addendum_add(concern=concern, by=dsl, text=NOTE, kind=Addendum.Kind.CASE_NOTE)
    a_link = concern.links.get(pupil=world.pupil)
    b_link = concern.links.get(pupil=b)
    return concern, a_link, b_link


def _pdf_text(pdf: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return out.stdout.decode()


def _transfer_pdf_text(world: Any, pupil: Pupil) -> str:
    Pupil.objects.filter(pk=pupil.pk).update(leaving_date=timezone.localdate())
    pupil.refresh_from_db()
    transfer = services.transfer_start(
        pupil=pupil,
        by=world.users["dsl"],
        destination_school="Riverside Test Academy",
        destination_contact="Sam Receiver",
    )
    _, data = exports.cp_file_zip(transfer=transfer, by=world.users["dsl"])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return _pdf_text(archive.read("chronology.pdf"))


def test_a_witness_file_says_only_that_they_were_involved(world) -> None:
    concern, _, b_link = _a_and_b(world)
    b = b_link.pupil
    page = world.client("dsl").get(reverse("safeguarding:chronology", args=[b.pk]))
    html = page.content.decode()
    for secret in A_SECRETS:
        assert secret not in html
    assert "BODYMAP-A1" not in html
    assert world.pupil.display_name not in html  # the other child is not named either
    assert concern.reference in html
    assert "Saw or heard what happened" in html
    assert world.users["teacher"].full_name in html  # who raised it

    kinds = [e.kind for e in chronology.build(b).entries]
    assert kinds == ["concern"]


def test_the_witness_pdf_and_transfer_file_hold_none_of_the_other_childs_record(world) -> None:
    _, _, b_link = _a_and_b(world)
    b = b_link.pupil
    for text in (
        _pdf_text(exports.chronology_pdf(b, by=world.users["dsl"])),
        _transfer_pdf_text(world, b),
    ):
        flat = " ".join(text.split())
        for secret in A_SECRETS:
            assert " ".join(secret.split()) not in flat
        assert "BODYMAP-A1" not in flat
        assert "NARRATIVE-A1" not in flat and "RATIONALE-A1" not in flat
        assert "Saw or heard what happened" in flat


def test_the_subjects_file_holds_all_of_it(world) -> None:
    _, _, _ = _a_and_b(world)
    html = world.client("dsl").get(reverse("safeguarding:chronology", args=[world.pupil.pk]))
    page = html.content.decode()
    for secret in (NARRATIVE, RATIONALE, ACTION, NOTE):
        assert secret in page
    flat = " ".join(_pdf_text(exports.chronology_pdf(world.pupil, by=world.users["dsl"])).split())
    for marker in (
        "NARRATIVE-A1",
        "WORDS-A1",
        "RATIONALE-A1",
        "ACTION-A1",
        "NOTE-A1",
        "BODYMAP-A1",
    ):
        assert marker in flat


def test_casework_the_dsl_marks_as_about_the_witness_is_on_their_file(world) -> None:
    concern, a_link, b_link = _a_and_b(world)
    dsl = world.users["dsl"]
    services.decision_record(
        concern=concern,
        by=dsl,
        status=Status.MONITORING,
        rationale="Both children saw it: check in with each. BOTH-1",
        seen_decision_id=concern.decisions.get().pk,
        children=[a_link, b_link],
        not_referred_children=[b_link],
    )
    services.action_add(
        concern=concern,
        by=dsl,
        description="Key adult check-in for Bea. B-ONLY-1",
        owner=dsl,
        due_on=timezone.localdate(),
        children=[b_link],
    )
    b_entries = chronology.build(b_link.pupil).entries
    texts = [
        getattr(e.obj, "rationale", "") or getattr(e.obj, "description", "") for e in b_entries
    ]
    assert any("BOTH-1" in t for t in texts)
    assert any("B-ONLY-1" in t for t in texts)
    assert not any("RATIONALE-A1" in t or "ACTION-A1" in t for t in texts)
    decision_b = next(e.obj for e in b_entries if e.kind == "decision")
    assert decision_b.not_referred_here is True
    a_entries = chronology.build(world.pupil).entries
    decision_a = [e.obj for e in a_entries if e.kind == "decision"][-1]
    assert decision_a.not_referred_here is False  # recorded per child
    assert not any("B-ONLY-1" in getattr(e.obj, "description", "") for e in a_entries)


def test_the_dsl_can_put_the_full_account_on_a_linked_childs_file_and_take_it_off(world) -> None:
    concern, a_link, b_link = _a_and_b(world)
    dsl = world.client("dsl")
    url = reverse("safeguarding:account_share", args=[concern.pk, b_link.pk])
    response = dsl.post(url, {"on": "1", "reason": ""})
    assert response.status_code == 200 and AccountShare.objects.count() == 0
    response = dsl.post(url, {"on": "1", "reason": "Bea was hurt too, the DSL decided."})
    assert response.status_code == 302
    html = dsl.get(reverse("safeguarding:chronology", args=[b_link.pupil.pk])).content.decode()
    assert NARRATIVE in html
    assert RATIONALE not in html  # casework still goes by what it is marked as about
    assert dsl.post(url, {"on": "0", "reason": "Added in error."}).status_code == 302
    html = dsl.get(reverse("safeguarding:chronology", args=[b_link.pupil.pk])).content.decode()
    assert NARRATIVE not in html
    with pytest.raises(ValidationError):
        services.account_share_set(link=a_link, by=world.users["dsl"], on=True, reason="x")


def test_the_concern_page_asks_which_children_each_record_is_about(world) -> None:
    concern, a_link, b_link = _a_and_b(world)
    page = world.client("dsl").get(reverse("safeguarding:concern", args=[concern.pk]))
    form = page.context["decision_form"]
    assert form.fields["children"].initial == [a_link.pk]
    assert set(form.fields["children"].queryset) == {a_link, b_link}
    html = page.content.decode()
    assert "Put the full account on" in html
    assert f"On the file of: {world.pupil.display_name}" in html


def test_a_case_note_posted_about_the_witness_only_is_on_their_file_only(world) -> None:
    concern, _a_link, b_link = _a_and_b(world)
    response = world.client("dsl").post(
        reverse("safeguarding:addendum_add", args=[concern.pk]),
        {
            "addendum-kind": "CASE_NOTE",
            "addendum-part": "GENERAL",
            "addendum-text": "Bea upset at break. B-NOTE-1",
            "addendum-children": [b_link.pk],
        },
    )
    assert response.status_code == 302
    note = Addendum.objects.get(text__contains="B-NOTE-1")
    assert list(AddendumChild.objects.filter(addendum=note).values_list("link", flat=True)) == [
        b_link.pk
    ]
    assert any(e.obj == note for e in chronology.build(b_link.pupil).entries)
    assert not any(e.obj == note for e in chronology.build(world.pupil).entries)


def test_a_case_note_about_nobody_is_refused(world) -> None:
    concern, _, _ = _a_and_b(world)
    response = world.client("dsl").post(
        reverse("safeguarding:addendum_add", args=[concern.pk]),
        {"addendum-kind": "CASE_NOTE", "addendum-part": "GENERAL", "addendum-text": "x"},
    )
    assert response.status_code == 200
    assert "Tick at least one child this note is about." in response.content.decode()


def test_casework_recorded_before_children_were_is_about_the_subjects(world) -> None:
    concern, _, b_link = _a_and_b(world)
    dsl = world.users["dsl"]
    old = Decision.objects.create(
        concern=concern, status=Status.MONITORING, rationale="OLD-ROW-1", decided_by=dsl
    )
    on_a = [e.obj for e in chronology.build(world.pupil).entries]
    on_b = [e.obj for e in chronology.build(b_link.pupil).entries]
    assert old in on_a and old not in on_b


def test_children_from_another_concern_are_refused(world) -> None:
    _concern, a_link, _ = _a_and_b(world)
    other = make_concern(world)
    with pytest.raises(ValidationError):
        services.action_add(
            concern=other,
            by=world.users["dsl"],
            description="x",
            owner=world.users["dsl"],
            due_on=timezone.localdate(),
            children=[a_link],
        )
    assert not Action.objects.filter(concern=other).exists()


@pytest.mark.parametrize("involvement", [Involvement.SIBLING, Involvement.FAMILY])
def test_a_brother_sister_or_family_member_can_be_linked(world, involvement) -> None:
    relative = PupilFactory(school=world.school)
    concern = services.concern_submit(
        school=world.school,
        reporter=world.users["teacher"],
        idempotency_key=uuid.uuid4(),
        links=[
            PupilLink(world.pupil, Involvement.CONCERN_FOR, [category("neglect")]),
            PupilLink(relative, involvement),
        ],
        occurred_at=timezone.now(),
        location="Gate",
        what_happened="SIB-1 something at home",
    )
    link = concern.links.get(pupil=relative)
    assert link.involvement == involvement and not link.is_subject
    entry = chronology.build(relative).entries[0]
    assert entry.kind == "concern" and not entry.concern.this_link.shows_account


def test_the_new_rows_can_never_change(world) -> None:
    _concern, _, b_link = _a_and_b(world)
    services.account_share_set(link=b_link, by=world.users["dsl"], on=True, reason="Why")
    for model in (DecisionChild, ActionChild, AddendumChild, AccountShare):
        assert model.objects.exists()
        with pytest.raises(DatabaseError, match=REFUSED_EDIT), transaction.atomic():
            model.objects.all().delete()
        with pytest.raises(DatabaseError, match=REFUSED_EDIT), transaction.atomic():
            model.objects.update(link=b_link)
