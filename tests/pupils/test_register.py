"""The SEN register page: census counts, filters, search without names in URLs, CSV, budget."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse

from pupils.models import KeyAdult
from staff.models import AuditEvent, Role, School
from tests.factories import PupilFactory, SchoolFactory, assign, left_on, member, on_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def register_world(world):
    school = world.school
    k_semh = PupilFactory(school=school, legal_forename="Sami", legal_surname="Semhson", nc_year=7)
    on_register(k_semh, "K", "SEMH")
    e_asd = PupilFactory(
        school=school,
        legal_forename="Ashley",
        legal_surname="Autton",
        nc_year=9,
        pupil_premium=True,
    )
    on_register(e_asd, "E", "ASD", "SLCN")
    PupilFactory(school=school, legal_forename="Nora", legal_surname="Nosen", nc_year=7)
    left = PupilFactory(school=school, legal_forename="Lee", legal_surname="Leaver")
    on_register(left, "K", "MLD")
    left_on(left, dt.date(2025, 7, 20))
    assign(e_asd, world.users["lsa_caseload"], KeyAdult.Kind.ONE_TO_ONE)
    return world


def _names(response) -> list[str]:
    return [row["name"] for row in response.context["rows"]]


def test_counts_follow_the_census_definitions(register_world) -> None:
    response = register_world.client("sendco").get(reverse("pupils:register"))
    counts = response.context["counts"]
    # world.pupil (K, SLCN) + Sami (K) ; Ashley (E) ; Nora and the other school's pupil: N/none
    assert (counts.k, counts.e, counts.n) == (2, 1, 1)
    by_need = {row["code"]: (row["k"], row["e"]) for row in counts.by_need}
    assert by_need == {"SLCN": (1, 0), "SEMH": (1, 0), "ASD": (0, 1)}


def test_default_view_is_pupils_on_the_register_and_leavers_are_kept_out(register_world) -> None:
    names = _names(register_world.client("sendco").get(reverse("pupils:register")))
    assert "Sami Semhson" in names and "Ashley Autton" in names
    assert "Nora Nosen" not in names and "Lee Leaver" not in names


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"need": "SEMH"}, ["Sami Semhson"]),
        ({"area": "SEMH"}, ["Sami Semhson"]),  # by primary need only
        ({"status": "E"}, ["Ashley Autton"]),
        ({"status": "N"}, ["Nora Nosen"]),
        ({"year": "7", "status": "ALL"}, ["Nora Nosen", "Sami Semhson"]),
        ({"pupil_premium": "yes"}, ["Ashley Autton"]),
    ],
)
def test_filters(register_world, params, expected) -> None:
    names = _names(register_world.client("sendco").get(reverse("pupils:register"), params))
    assert sorted(names) == sorted(expected)


def test_key_adult_filter(register_world) -> None:
    lsa = register_world.users["lsa_caseload"]
    names = _names(
        register_world.client("sendco").get(reverse("pupils:register"), {"key_adult": lsa.pk})
    )
    assert sorted(names) == sorted(["Ashley Autton", register_world.pupil.display_name])


def test_odd_filter_values_do_not_break_the_page(register_world) -> None:
    response = register_world.client("sendco").get(
        reverse("pupils:register"), {"year": "banana", "need": "<x>", "page": "999"}
    )
    assert response.status_code == 200


def test_search_never_puts_the_name_in_the_url(register_world) -> None:
    client = register_world.client("sendco")
    response = client.post(reverse("pupils:register"), {"q": "semhson"})
    assert response.status_code == 302
    assert "semhson" not in response["Location"].lower()
    page = client.get(response["Location"])
    assert _names(page) == ["Sami Semhson"]
    # A token from someone else's session finds nothing of theirs.
    other = register_world.client("sendco")
    assert _names(other.get(response["Location"])) != ["Sami Semhson"] or False


def test_search_by_upn(register_world) -> None:
    client = register_world.client("sendco")
    location = client.post(reverse("pupils:register"), {"q": register_world.pupil.upn})["Location"]
    assert _names(client.get(location)) == [register_world.pupil.display_name]


def test_htmx_filter_returns_only_the_results(register_world) -> None:
    response = register_world.client("sendco").get(
        reverse("pupils:register"), {"need": "SEMH"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "Sami Semhson" in body and "<html" not in body


def test_csv_export_is_filtered_and_audited(register_world) -> None:
    response = register_world.client("sendco").get(
        reverse("pupils:register_export"), {"status": "E"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "UPN"
    assert [r[1] for r in rows[1:]] == ["Autton"]
    assert rows[1][6:10] == ["E", "2025-01-06", "ASD", "SLCN"]
    event = AuditEvent.objects.get(action="pupils.register.exported")
    assert event.data["rows"] == 1


@pytest.mark.parametrize("n", [10, 500])
def test_register_query_count_does_not_grow(world, django_assert_max_num_queries, n) -> None:
    pupils = PupilFactory.create_batch(n, school=world.school)
    for p in pupils:
        on_register(p, "K", "SLCN", "MLD")
        assign(p, world.users["lsa_caseload"])
    client = world.client("sendco")
    # The first look after a change stamps the school afresh, works out the school's figures
    # and the list, and keeps them (pupils.services.register_figures, send_hub.lib.kept); every
    # look after it reads them back in one query each.
    with django_assert_max_num_queries(31):
        response = client.get(reverse("pupils:register"), {"sort": "need"})
    assert response.status_code == 200
    with django_assert_max_num_queries(10):
        response = client.get(reverse("pupils:register"), {"sort": "need"})
    assert response.status_code == 200


def test_area_filter_uses_the_primary_need_area(register_world) -> None:
    # ASD and SLCN are both communication and interaction.
    names = _names(register_world.client("sendco").get(reverse("pupils:register"), {"area": "CI"}))
    assert sorted(names) == sorted(["Ashley Autton", register_world.pupil.display_name])


# --- Year-group filters list the school's own years (issue #14, defect 7c) -------------------


def _year_options(response) -> list[str]:
    return [
        label for value, label in response.context["form"].fields["year"].choices if value != ""
    ]


def test_the_year_filter_lists_only_the_years_of_the_schools_pupils(register_world) -> None:
    response = register_world.client("sendco").get(reverse("pupils:register"))
    # Years 7, 8 and 9 on roll; the leaver's year does not count, and no R-6 or 10-13.
    assert _year_options(response) == ["Year 7", "Year 8", "Year 9"]
    assert "Reception" not in response.content.decode()


def test_a_primary_without_pupils_lists_reception_to_year_6() -> None:
    primary = SchoolFactory(phase=School.Phase.PRIMARY)
    client = Client()
    client.force_login(member(primary, Role.SENDCO))
    response = client.get(reverse("pupils:register"))
    expected = ["Reception", *[f"Year {n}" for n in range(1, 7)]]
    assert _year_options(response) == expected


def test_a_year_no_longer_taught_is_refused_and_the_other_filters_still_apply(
    register_world,
) -> None:
    response = register_world.client("sendco").get(
        reverse("pupils:register"), {"year": "12", "status": "ALL", "pupil_premium": "yes"}
    )
    assert response.status_code == 200
    assert "No pupil on roll here is in that year group now" in response.content.decode()
    assert [row["name"] for row in response.context["rows"]] == ["Ashley Autton"]


@pytest.mark.parametrize("value", [None, "", "K", ["K"], "<x>"])
def test_the_quick_select_writes_what_djangos_select_template_writes(value) -> None:
    from django import forms

    from send_hub.lib.widgets import QuickSelect

    choices = [("", "Any"), ("K", "SEN support (K)"), ("E", "EHC <plan> & more")]
    grouped = [*choices, ("Group & co", [("A", "a"), ("B", "b")])]
    for options in (choices, grouped):
        attrs = {"id": "id_f", "class": "form-select", "aria-invalid": "true", "required": True}
        assert QuickSelect(choices=options).render("f", value, attrs) == forms.Select(
            choices=options
        ).render("f", value, attrs)


def test_pages_past_the_first_count_the_whole_list(register_world) -> None:
    client = register_world.client("sendco")
    first = client.get(reverse("pupils:register"), {"status": "ALL"})
    count = first.context["page"].paginator.count
    again = client.get(reverse("pupils:register"), {"status": "ALL", "page": "2"})
    assert again.context["page"].paginator.count == count
    assert again.context["page"].number == (2 if count > 50 else 1)
