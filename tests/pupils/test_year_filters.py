"""Every year-group filter offers the school's own years, not R-13 (issue #14, defect 7c)."""

from __future__ import annotations

import pytest
from django.db.models import Model
from django.urls import reverse

from pupils.forms import school_year_choices
from pupils.models import AccessArrangement, Pupil
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


def test_year_and_arrangement_names_read_as_djangos_own_display_methods_would() -> None:
    """Pupil.get_nc_year_display and AccessArrangement.get_kind_display replace Django's
    generated methods (a dictionary lookup per row, not the choices flattened per call): the
    same words for every choice, the number for a year outside them, nothing when unrecorded."""

    def djangos(obj: Model, field: str) -> object:
        return obj._get_FIELD_display(obj._meta.get_field(field))

    for year in [None, -2, -1, 0, *range(1, 15), 15]:
        pupil = Pupil(nc_year=year)
        assert pupil.get_nc_year_display() == (
            None if year is None else str(djangos(pupil, "nc_year"))
        )
    assert Pupil(nc_year=4).get_nc_year_display() == "Year 4"
    for kind in [*AccessArrangement.Kind.values, "RETIRED_KIND"]:
        arrangement = AccessArrangement(kind=kind)
        assert arrangement.get_kind_display() == djangos(arrangement, "kind")
    assert AccessArrangement(kind="READER").get_kind_display() == "Reader"
