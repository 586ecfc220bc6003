"""The register's school-wide figures are kept between looks, and never outlive a change (#16).

Each test looks at the register as the SENDCo does, changes the register the way the app or an
import does, and looks again: the next look shows the change, whichever way it was made.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pupils import services
from pupils.models import KeyAdult, Pupil, SENStatus
from pupils.services.register_figures import register_changed, register_figures
from staff.models import Role
from tests.factories import PupilFactory, assign, left_on, member, on_register

pytestmark = pytest.mark.django_db

# The census's count of every pupil on roll (pupils.services.census.census_figures).
CENSUS_SQL = 'COUNT("pupils_pupil"."id") AS "pupils"'


def _look(world):
    """The SENDCo opens the register: its census counts, key adults, and the census queries."""
    with CaptureQueriesContext(connection) as queries:
        response = world.client("sendco").get(reverse("pupils:register"))
    assert response.status_code == 200
    counts = response.context["counts"]
    key_adults = dict(response.context["form"].fields["key_adult"].choices)
    counted = sum(CENSUS_SQL in q["sql"] for q in queries.captured_queries)
    return counts, key_adults, counted


def test_a_second_look_counts_nothing_again(world) -> None:
    first, _, counted = _look(world)
    assert counted == 1
    again, _, counted = _look(world)
    assert counted == 0
    assert (again.k, again.e, again.n, again.by_need) == (first.k, first.e, first.n, first.by_need)


def test_each_change_to_the_register_shows_at_the_next_look(world) -> None:
    sendco = world.users["sendco"]
    counts, key_adults, _ = _look(world)
    assert (counts.k, counts.e, counts.n) == (1, 0, 0)

    # A new pupil joins: counted as N.
    newcomer = PupilFactory(school=world.school, nc_year=10)
    counts, _, counted = _look(world)
    assert counted == 1 and (counts.k, counts.e, counts.n) == (1, 0, 1)
    assert 10 in counts.years_on_roll

    # The SENDCo records an EHCP (the status is saved, then its needs in bulk).
    services.sen_status_record(
        pupil=newcomer, provision="E", start_date=dt.date(2026, 9, 7), needs=["ASD"], by=sendco
    )
    counts, _, _ = _look(world)
    assert (counts.k, counts.e, counts.n) == (1, 1, 0)
    assert {row["code"]: row["e"] for row in counts.by_need}["ASD"] == 1

    # A new key adult appears in the filter; a new name shows at once.
    lsa = member(world.school, Role.LSA, full_name="Robin Newlink")
    services.key_adult_assign(
        pupil=newcomer,
        staff=lsa,
        kind=KeyAdult.Kind.KEY_WORKER,
        start_date=dt.date(2026, 9, 7),
        by=sendco,
    )
    _, key_adults, _ = _look(world)
    assert key_adults[lsa.pk] == "Robin Newlink"
    lsa.full_name = "Robin Renamed"
    lsa.save()
    _, key_adults, _ = _look(world)
    assert key_adults[lsa.pk] == "Robin Renamed"

    # Signing in changes nothing shown, and keeps the figures.
    lsa.last_login = dt.datetime(2026, 12, 1, 8, 30, tzinfo=dt.UTC)
    lsa.save(update_fields=["last_login"])
    _, _, counted = _look(world)
    assert counted == 0

    # The pupil leaves (written in bulk, as the importer and the archive write it).
    left_on(newcomer, dt.date(2026, 11, 30))
    counts, _, _ = _look(world)
    assert (counts.k, counts.e, counts.n) == (1, 0, 0)

    # A status deleted (as in the admin) is out of the count.
    SENStatus.objects.filter(pupil=world.pupil).delete()
    counts, _, _ = _look(world)
    assert (counts.k, counts.e, counts.n) == (0, 0, 1)


def test_a_bulk_write_retires_the_figures_when_it_says_so(world) -> None:
    _look(world)
    Pupil.objects.filter(pk=world.pupil.pk).update(nc_year=11)
    register_changed([world.school.pk])
    counts, _, counted = _look(world)
    assert counted == 1
    assert [row["year"] for row in counts.by_year] == [11]


def test_a_change_in_one_school_keeps_the_others_figures(world) -> None:
    _look(world)
    other = PupilFactory(school=world.other_school)
    on_register(other, "E", "ASD")
    _, _, counted = _look(world)
    assert counted == 0
    assign(world.pupil, world.users["elsa"])
    _, key_adults, counted = _look(world)
    assert counted == 1 and world.users["elsa"].pk in key_adults


def test_figures_worked_out_before_a_commit_are_not_kept_after_it(
    world, django_capture_on_commit_callbacks
) -> None:
    school_id = world.school.pk
    register_figures(school_id)  # someone looks first
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        Pupil.objects.filter(pk=world.pupil.pk).update(nc_year=9)
        register_changed([school_id])
        # Another reader working the figures out now would keep them under this stamp...
        assert [row["year"] for row in register_figures(school_id).census.by_year] == [9]
    assert len(callbacks) == 1
    # ...which the commit replaces: the next look works them out afresh.
    with CaptureQueriesContext(connection) as queries:
        register_figures(school_id)
    assert sum(CENSUS_SQL in q["sql"] for q in queries.captured_queries) == 1


def _rows(world, **filters):
    with CaptureQueriesContext(connection) as queries:
        response = world.client("sendco").get(reverse("pupils:register"), filters)
    listed = sum('"pupils_pupil"."upn"' in q["sql"] for q in queries.captured_queries)
    return response.context["rows"], response.context["page"], listed


def test_the_list_is_kept_per_filter_and_page_and_follows_each_change(world) -> None:
    for n in range(3):
        on_register(PupilFactory(school=world.school, legal_surname=f"Kept{n}", nc_year=4), "K")
    rows, page, listed = _rows(world, year="4")
    assert listed == 1 and page.paginator.count == 3
    rows, page, listed = _rows(world, year="4")
    assert listed == 0 and [row["name"].split()[-1] for row in rows] == ["Kept0", "Kept1", "Kept2"]
    # Another filter, another sort or another page is its own list.
    _, _, listed = _rows(world, year="4", sort="need")
    assert listed == 1

    # A change to a pupil, or to their key adults, shows at the next look.
    pupil = Pupil.objects.get(legal_surname="Kept1")
    pupil.preferred_surname = "Renamed"
    pupil.save()
    assign(pupil, world.users["elsa"])
    rows, _, listed = _rows(world, year="4")
    assert listed == 1
    row = next(row for row in rows if row["pk"] == pupil.pk)
    assert row["name"].endswith("Renamed") and row["key_adults"] == world.users["elsa"].full_name


def test_a_search_is_always_read_afresh(world) -> None:
    client = world.client("sendco")
    found = client.post(reverse("pupils:register"), {"q": world.pupil.legal_surname}, follow=True)
    assert [row["pk"] for row in found.context["rows"]] == [world.pupil.pk]
    with CaptureQueriesContext(connection) as queries:
        again = client.get(found.redirect_chain[-1][0])
    assert [row["pk"] for row in again.context["rows"]] == [world.pupil.pk]
    assert any('"pupils_pupil"."upn"' in q["sql"] for q in queries.captured_queries)


def test_todays_caseload_is_kept_and_shows_a_new_link_at_once(world) -> None:
    lsa = world.users["lsa_caseload"]
    client = world.client("lsa_caseload")
    first = client.get(reverse("core:today")).context["caseload"]
    assert [row["name"] for row in first] == [world.pupil.display_name]
    newcomer = PupilFactory(school=world.school, legal_surname="Aardvark", nc_year=7)
    on_register(newcomer, "E", "ASD")
    services.key_adult_assign(
        pupil=newcomer,
        staff=lsa,
        kind=KeyAdult.Kind.KEY_WORKER,
        start_date=dt.date(2026, 9, 7),
        by=world.users["sendco"],
    )
    caseload = client.get(reverse("core:today")).context["caseload"]
    assert caseload[0] == {
        "url": reverse("pupils:detail", args=[newcomer.pk]),
        "name": newcomer.display_name,
        "year": "Year 7",
        "provision": "EHC plan",
    }


def test_a_pupils_register_record_is_kept_and_shows_each_change_at_once(world) -> None:
    sendco, lsa = world.users["sendco"], world.users["lsa_caseload"]
    url = reverse("pupils:detail", args=[world.pupil.pk])
    client = world.client("lsa_caseload")
    first = client.get(url).context
    assert first["passport"] is None and first["current_status"].provision == "K"
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert not any('"pupils_senneed"' in q["sql"] for q in queries.captured_queries)

    services.passport_save(
        pupil=world.pupil, base_version=None, by=lsa, likes_and_admires="Drawing dragons"
    )
    services.sen_status_record(
        pupil=world.pupil, provision="E", start_date=dt.date(2026, 10, 5), needs=["ASD"], by=sendco
    )
    link = KeyAdult.objects.get(pupil=world.pupil, staff=lsa)
    services.key_adult_end(link=link, end_date=dt.date(2026, 11, 30), by=sendco)
    # The LSA has left the caseload: the SENDCo reads the page now.
    page = world.client("sendco").get(url).context
    assert page["passport"].likes_and_admires == "Drawing dragons"
    assert page["current_status"].provision == "E"
    assert [n.need for n in page["current_status"].needs.all()] == ["ASD"]
    assert page["current_key_adults"] == [] and page["past_key_adults"] == [link]


def test_a_page_asked_for_by_anything_but_its_number_is_read_afresh(world) -> None:
    for asked in ("last", "last"):
        rows, page, listed = _rows(world, page=asked)
        assert listed == 1 and page.number == 1
        assert [row["pk"] for row in rows] == [world.pupil.pk]
