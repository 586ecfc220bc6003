"""A pupil's evidence pack: the chain from need to outcome, dated and linked; the PDF after
signing in again, audited; a sample of packs in a zip."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import zipfile
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from interventions.evidence.pack import SECTIONS, evidence_pack
from interventions.models import (
    EHCP,
    AnnualReview,
    EHCPOutcome,
    MeasureRecord,
    PlanKind,
    PlanReview,
    PlanTarget,
    SupportPlan,
)
from interventions.models import AnnualReviewProgress as Progress
from staff.models import AuditEvent
from tests.factories import TEST_PASSWORD
from tests.interventions.factories import (
    EnrolmentFactory,
    InterventionFactory,
    MeasureRecordFactory,
    deliver,
)

pytestmark = pytest.mark.django_db

D = dt.date
NOON = dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.UTC)


def chain(world: Any) -> Any:
    """Give the world's pupil a record at each link of the chain."""
    pupil, sendco = world.pupil, world.users["sendco"]
    plan = SupportPlan.objects.create(
        school=world.school, pupil=pupil, owner=sendco, status="ACTIVE", cycle=2,
        kind=PlanKind.objects.get_or_create(code="IEP", defaults={"name": "IEP"})[0],
        needs_summary="Finds it hard to start writing without a model",
        pupil_voice="I like it when I can draw my plan first", pupil_voice_on=D(2025, 9, 20),
        parent_voice="Homework is a battle most nights", parent_voice_on=D(2025, 9, 22),
    )  # fmt: skip
    group = InterventionFactory(school=world.school, name="Writing frames group")
    EnrolmentFactory(intervention=group, pupil=pupil, joined_on=D(2025, 9, 8))
    target = PlanTarget.objects.create(
        plan=plan, cycle=1, wording="Writes three sentences from a frame", area="CL",
        due_on=D(2025, 12, 12), outcome="PARTLY", evidence="Two sentences unaided by December",
    )  # fmt: skip
    target.interventions.add(group)
    PlanReview.objects.create(
        plan=plan, cycle=1, held_on=D(2025, 12, 15), recorded_by=sendco,
        pupil_view="Writing is easier with the frame", parent_view="Less upset at home",
        decisions="Carry the writing target forward and add a spelling target",
    )  # fmt: skip
    deliver(group, D(2025, 10, 6), attendance={pupil: "PRESENT"})
    deliver(group, D(2025, 10, 13), attendance={pupil: "ABSENT"})
    enrolment = group.enrolments.get(pupil=pupil)
    MeasureRecordFactory(enrolment=enrolment, taken_on=D(2025, 9, 10), gbo_1=3, gbo_2=2)
    MeasureRecordFactory(
        enrolment=enrolment, kind=MeasureRecord.Kind.NUMERIC, point=MeasureRecord.Point.MID,
        taken_on=D(2025, 12, 10), value=96, gbo_1=None,
    )  # fmt: skip
    ehcp = EHCP.objects.create(
        school=world.school, pupil=pupil, coordinator=sendco, local_authority="Northshire",
        issued_on=D(2025, 1, 20), next_review_due=D(2026, 1, 20),
    )  # fmt: skip
    outcome = EHCPOutcome.objects.create(ehcp=ehcp, text="Takes part in a class discussion")
    review = AnnualReview.objects.create(
        ehcp=ehcp, meeting_on=D(2026, 1, 14), child_views="I say more in small groups",
        parent_views="We see more confidence", recommendation="AMEND",
        recommendation_reasons="Section F should add speech and language therapy",
    )  # fmt: skip
    Progress.objects.create(
        review=review, outcome=outcome, outcome_text=outcome.text, progress="SOME",
        commentary="Answers when asked directly",
    )  # fmt: skip
    return pupil


def test_the_pack_follows_the_chain_each_line_dated_and_linked(world: Any) -> None:
    pupil = chain(world)
    pack = evidence_pack(pupil, D(2026, 3, 4))
    assert [s.title for s in pack.sections] == [title for _, title in SECTIONS]
    texts = {s.code: [e.text for e in s.entries] for s in pack.sections}
    need = next(s for s in pack.sections if s.code == "need")
    assert any(e.source == "SEN register" and "primary need" in e.text for e in need.entries)
    assert "Finds it hard to start writing without a model" in texts["need"]
    assert "Writes three sentences from a frame" in texts["targets"]
    assert "Takes part in a class discussion" in texts["targets"]
    assert any(t.startswith("Joined Writing frames group") and "1 session attended" in t
               for t in texts["provision"])  # fmt: skip
    assert "Partly achieved: Writes three sentences from a frame" in texts["outcomes"]
    assert "Some progress: Takes part in a class discussion" in texts["outcomes"]
    assert any("goals scored 3, 2 of 10" in t for t in texts["outcomes"])
    assert any(t.endswith("(mid-point): 96") for t in texts["outcomes"])
    assert {"I like it when I can draw my plan first", "I say more in small groups",
            "Less upset at home"} <= set(texts["voice"])  # fmt: skip
    assert "Carry the writing target forward and add a spelling target" in texts["next"]
    assert "The review recommended: amend" in texts["next"]
    for section in pack.sections:
        days = [e.on for e in section.entries]
        assert days == sorted(days) and all(isinstance(d, dt.date) for d in days)
        assert all(e.url.startswith("/") for e in section.entries)


@time_machine.travel(NOON, tick=False)
def test_pupil_page_links_the_pack_for_leaders_only(world: Any) -> None:
    chain(world)
    url = reverse("pupils:detail", args=[world.pupil.pk])
    pack_url = reverse("interventions:evidence_pack", args=[world.pupil.pk])
    assert pack_url in world.client("sendco").get(url).content.decode()
    assert pack_url not in world.client("lsa_caseload").get(url).content.decode()
    page = world.client("sendco").get(pack_url).content.decode()
    assert "Writes three sentences from a frame" in page and "15 Dec 2025" in page


@time_machine.travel(NOON, tick=False)
def test_the_pdf_asks_to_sign_in_again_then_holds_the_chain_and_is_audited(
    world: Any, tmp_path: Any
) -> None:
    chain(world)
    url = reverse("interventions:evidence_pack_pdf", args=[world.pupil.pk])
    client = world.client("sendco")
    first = client.get(url)
    assert first.status_code == 302
    assert first["Location"].startswith(reverse("account_reauthenticate"))
    assert not AuditEvent.objects.filter(action="interventions.evidence_pack.exported").exists()
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "pack.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for _, title in SECTIONS:
        assert title in text
    assert "Writes three sentences from a frame" in text and "We see more confidence" in text
    event = AuditEvent.objects.get(action="interventions.evidence_pack.exported")
    assert event.data == {"format": "pdf", "pupils": [world.pupil.pk]}


@time_machine.travel(NOON, tick=False)
def test_a_sample_downloads_one_pack_each_in_a_zip(world: Any) -> None:
    pupil = chain(world)
    client = world.client("sendco")
    page = client.get(reverse("interventions:evidence_sample")).content.decode()
    assert str(pupil) in page
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    response = client.get(reverse("interventions:evidence_sample"), {"pupil": [pupil.pk]})
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert names == [f"evidence-pack-{pupil.pk}.pdf"]
    event = AuditEvent.objects.get(action="interventions.evidence_pack.exported")
    assert event.data == {"format": "zip", "pupils": [pupil.pk]}


@time_machine.travel(NOON, tick=False)
def test_a_sample_of_no_one_or_of_another_schools_pupil_is_refused_clearly(world: Any) -> None:
    chain(world)
    client = world.client("sendco")
    url = reverse("interventions:evidence_sample")
    response = client.get(url, {"pupil": [world.other_pupil.pk]})
    assert response.status_code == 200
    assert "is not one of the available choices" in response.content.decode()
    assert not AuditEvent.objects.filter(action="interventions.evidence_pack.exported").exists()
