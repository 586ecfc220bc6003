"""The DSL's report and the governors' version (no names, small counts hidden)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding import services
from safeguarding.reports import Cell, suppress
from tests.factories import PupilFactory, on_register
from tests.safeguarding.helpers import make_concern

pytestmark = pytest.mark.django_db


def test_counts_under_five_are_hidden_and_a_lone_hidden_count_takes_a_neighbour() -> None:
    cells = suppress([Cell("a", 0), Cell("b", 3), Cell("c", 7), Cell("d", 12)])
    assert [c.shown for c in cells] == ["0", "fewer than 5", "fewer than 5", "12"]
    cells = suppress([Cell("a", 2), Cell("b", 4), Cell("c", 9)])
    assert [c.shown for c in cells] == ["fewer than 5", "fewer than 5", "9"]


@pytest.fixture
def reported(world):
    for _ in range(6):
        make_concern(world, categories=("neglect",))
    other = PupilFactory(school=world.school, legal_forename="Rarely", nc_year=10)
    on_register(other, "E", "ASD")
    concern = make_concern(world, pupil=other, categories=("fgm",))
    services.referral_add(
        concern=concern,
        by=world.users["dsl"],
        pupil=other,
        agency="POLICE",
        referred_on=timezone.localdate(),
        rationale="Mandatory report",
    )
    return other


def test_the_dsl_report_counts_by_category_year_and_sen_status(world, reported) -> None:
    response = world.client("dsl").get(reverse("safeguarding:report"))
    report = response.context["report"]
    assert report["total"].count == 7
    assert {c.label: c.count for c in report["by_category"]} == {
        "Neglect": 6,
        "Female genital mutilation (FGM)": 1,
    }
    assert {c.label: c.count for c in report["by_year"]} == {"Year 8": 6, "Year 10": 1}
    assert {c.label: c.count for c in report["by_sen"]} == {"SEN support (K)": 6, "EHC plan (E)": 1}
    assert reported.display_name in response.content.decode()  # the referral list names them


def test_the_governors_report_names_nobody_and_hides_small_counts(world, reported) -> None:
    response = world.client("dsl").get(reverse("safeguarding:report_governors"))
    content = response.content.decode()
    report = response.context["report"]
    assert reported.display_name not in content and world.pupil.display_name not in content
    fgm = next(c for c in report["by_category"] if c.label.startswith("Female"))
    assert fgm.shown == "fewer than 5"
    year10 = next(c for c in report["by_year"] if c.label == "Year 10")
    assert year10.suppressed
    assert "fewer than 5" in content


def test_a_bad_period_falls_back_to_the_last_twelve_months(world) -> None:
    response = world.client("dsl").get(
        reverse("safeguarding:report"), {"start": "2025-05-01", "end": "2025-01-01"}
    )
    assert response.status_code == 200
    assert "must come before" in response.content.decode()
