"""Every year-group filter offers the school's own years, not R-13 (issue #14, defect 7c)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pupils.forms import school_year_choices
from staff.models import School
from tests.factories import PupilFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def _labels(choices) -> list[str]:
    return [label for value, label in choices if value != ""]


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        (School.Phase.PRIMARY, ["Reception", *[f"Year {n}" for n in range(1, 7)]]),
        (School.Phase.SECONDARY, [f"Year {n}" for n in range(7, 14)]),
    ],
)
def test_a_school_without_pupils_offers_its_phases_years(phase, expected) -> None:
    assert _labels(school_year_choices(SchoolFactory(phase=phase))) == expected


def test_a_schools_pupils_decide_its_years_and_leavers_do_not_count() -> None:
    school = SchoolFactory(phase=School.Phase.PRIMARY)
    for year in (-1, 0, 3, 6):
        PupilFactory(school=school, nc_year=year)
    PupilFactory(school=school, nc_year=5, leaving_date="2025-07-20")
    PupilFactory(school=school, nc_year=None)
    PupilFactory(school=SchoolFactory(), nc_year=11)  # another school's pupil
    assert _labels(school_year_choices(school)) == ["N2", "Reception", "Year 3", "Year 6"]


def test_a_special_school_without_pupils_offers_every_year() -> None:
    choices = school_year_choices(SchoolFactory(phase=School.Phase.SPECIAL))
    assert _labels(choices)[0] == "N1" and _labels(choices)[-1] == "Year 14"


def test_the_access_register_and_provision_map_offer_the_schools_years(world) -> None:
    PupilFactory(school=world.school, nc_year=10)
    expected = ["Year 8", "Year 10"]  # the world pupil is in Year 8
    access = world.client("sendco").get(reverse("pupils:access_register"))
    assert _labels(access.context["form"].fields["year"].choices) == expected
    provision = world.client("sendco").get(reverse("interventions:sendco_provision"))
    assert _labels(provision.context["form"].fields["year"].choices) == expected
    stale = world.client("sendco").get(reverse("pupils:access_register"), {"year": "3"})
    assert stale.status_code == 200
    assert "No pupil on roll here is in that year group now" in stale.content.decode()
