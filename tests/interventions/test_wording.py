"""Choice labels placed mid-sentence keep their abbreviations (issue #14, defect 7d)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from interventions.ehcp import services as ehcp_services
from interventions.models import EHCP, AnnualReviewStep
from send_hub.lib.text import mid_sentence

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Report sent to the LA", "report sent to the LA"),
        ("LA decision received", "LA decision received"),
        ("Meeting held", "meeting held"),
        ("A", "a"),
        ("", ""),
    ],
)
def test_mid_sentence_lowers_only_the_first_word_and_never_an_abbreviation(
    label: str, expected: str
) -> None:
    assert mid_sentence(label) == expected


def test_recording_the_report_step_says_the_la_in_capitals(world) -> None:
    ehcp = EHCP.objects.create(
        school=world.school,
        pupil=world.pupil,
        coordinator=world.users["sendco"],
        local_authority="Testshire",
        issued_on=dt.date(2025, 1, 10),
        next_review_due=dt.date(2026, 1, 10),
    )
    sendco = world.users["sendco"]
    with time_machine.travel(dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        review = ehcp_services.annual_review_schedule(
            ehcp=ehcp, meeting_on=dt.date(2026, 3, 2), by=sendco
        )
        ehcp_services.annual_review_step_add(
            review=review, step="MEETING", by=sendco, on=dt.date(2026, 3, 2)
        )
        client = world.client("sendco")
        response = client.post(
            reverse("interventions:ehcp_review_step", args=[review.pk]),
            {"step": "REPORT", "report-done_on": "2026-03-10"},
        )
    assert response.status_code == 302
    assert review.steps.filter(step=AnnualReviewStep.Step.REPORT).exists()
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert shown == ["Recorded: report sent to the LA."]
