"""The census pre-flight: each census rule finds the pupil to fix, and the SEN figures add up."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from interventions.models import EHCP
from pupils.models import Document, NeedType, Pupil, SENNeed, SENStatus
from pupils.services.census import census_figures, census_problems
from staff.models import AuditEvent
from tests.factories import PupilFactory, on_register

pytestmark = pytest.mark.django_db


def _pupil(world, surname: str, provision: str, *needs: str, year: int = 8) -> Pupil:
    pupil = PupilFactory(school=world.school, legal_surname=surname, nc_year=year)
    if needs:
        on_register(pupil, provision, *needs)
    elif provision:  # on the register with no need recorded
        SENStatus.objects.create(pupil=pupil, provision=provision, start_date=dt.date(2025, 1, 6))
    return pupil


def _ehcp(world, pupil: Pupil, **fields) -> EHCP:
    return EHCP.objects.create(
        school=world.school,
        pupil=pupil,
        coordinator=world.users["sendco"],
        local_authority="Testshire",
        issued_on=dt.date(2025, 1, 10),
        next_review_due=dt.date(2026, 1, 10),
        **fields,
    )


@pytest.fixture
def register(world):
    """One pupil breaking each rule, and pupils who keep them all."""
    before = list(Pupil.objects.filter(school=world.school).values_list("pk", flat=True))
    fine_k = _pupil(world, "Fine-k", "K", "SLCN", "SEMH")
    fine_e = _pupil(world, "Fine-e", "E", "ASD")
    _ehcp(world, fine_e)
    uploaded = _pupil(world, "Uploaded", "E", "SEMH", year=10)
    Document.objects.create(
        pupil=uploaded,
        kind=Document.Kind.EHCP,
        title="EHC plan",
        file="documents/x.pdf",
        size=1,
        uploaded_by=world.users["sendco"],
    )
    _pupil(world, "No-need", "K")  # SEN support with no primary need
    _pupil(world, "Nsa-e", "E", "NSA")  # NSA with an EHC plan (and no plan on file)
    second = _pupil(world, "Nsa-second", "K", "MLD", "NSA")
    no_plan = _pupil(world, "No-plan", "E", "PD")
    k_with_plan = _pupil(world, "K-with-plan", "K", "SLCN")
    _ehcp(world, k_with_plan)
    ceased = _pupil(world, "Ceased", "N")
    _ehcp(world, ceased, ceased_on=dt.date(2025, 7, 20))  # a ceased plan is no problem
    only_second = _pupil(world, "Only-second", "K", "SPLD")
    SENNeed.objects.filter(status__pupil=only_second).update(rank=2)
    n_with_needs = _pupil(world, "N-with-needs", "N")
    status = SENStatus.objects.get(pupil=n_with_needs)
    status.needs.create(rank=1, need=NeedType.SEMH)
    stale = _pupil(world, "Stale-code", "K", "MLD")
    SENNeed.objects.filter(status__pupil=stale).update(need="BESD")
    legacy = _pupil(world, "Legacy-a", "K", "MLD")
    SENStatus.objects.filter(pupil=legacy).update(provision="A")
    left = _pupil(world, "Left", "K")  # left the school: not in the census
    left.leaving_date = dt.date(2025, 12, 19)
    left.save()
    return {
        "mine": Pupil.objects.filter(school=world.school).exclude(pk__in=before),
        "fine": [fine_k, fine_e, uploaded, ceased],
        "second": second,
        "no_plan": no_plan,
    }


def test_each_rule_names_the_pupils_who_break_it(world, register) -> None:
    problems = census_problems(register["mine"])
    found = sorted((Pupil.objects.get(pk=p.pupil_id).legal_surname, p.rule) for p in problems)
    assert found == [
        ("K-with-plan", "plan_on_file"),
        ("Legacy-a", "codes"),
        ("N-with-needs", "ranks"),
        ("No-need", "primary_need"),
        ("No-plan", "plan_on_file"),
        ("Nsa-e", "nsa"),
        ("Nsa-e", "plan_on_file"),
        ("Nsa-second", "nsa"),
        ("Only-second", "primary_need"),
        ("Only-second", "ranks"),
        ("Stale-code", "codes"),
    ]
    by_pupil = {p.pupil_id: p.message for p in problems}
    assert by_pupil[register["no_plan"].pk] == (
        "Recorded E with no EHC plan on file: record the EHCP, or upload the plan."
    )
    assert by_pupil[register["second"].pk] == (
        "NSA is recorded as the secondary need: it can only be primary."
    )


def test_the_figures_count_pupils_on_roll_as_the_census_does(world, register) -> None:
    figures = census_figures(register["mine"])
    # On roll: 13 (Left has left). K: Fine-k, No-need, Nsa-second,
    # K-with-plan, Only-second, Stale-code = 6 (Legacy-a's "A" is neither K nor E); E: Fine-e,
    # Uploaded, Nsa-e, No-plan = 4.
    assert (figures.k, figures.e) == (6, 4)
    assert figures.total == 13
    assert figures.n == 2  # Ceased, N-with-needs; Legacy-a's "A" counts as none of N, K, E
    need = {row["code"]: (row["k"], row["e"]) for row in figures.by_need}
    assert need["SLCN"] == (2, 0) and need["ASD"] == (0, 1) and need[None] == (2, 0)
    assert need["BESD"] == (1, 0)  # an old code is still counted, so the figures add up
    assert sum(row["total"] for row in figures.by_need) == figures.k + figures.e
    assert {row["year"]: (row["k"], row["e"]) for row in figures.by_year}[10] == (0, 1)


def test_the_page_links_each_problem_to_the_pupil_and_the_csv_is_audited(world, register) -> None:
    client = world.client("sendco")
    page = client.get(reverse("pupils:census")).content.decode()
    problems = census_problems(Pupil.objects.filter(school=world.school))
    pupils = len({p.pupil_id for p in problems})
    assert len(problems) >= 11 and f"{len(problems)} problems to fix, for {pupils} pupils." in page
    no_plan = register["no_plan"]
    assert reverse("pupils:sen_status", args=[no_plan.pk]) in page
    assert reverse("pupils:detail", args=[no_plan.pk]) in page
    response = client.get(reverse("pupils:census_export"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Table", "Code", "Description", "SEN support (K)", "EHC plan (E)", "Total"]
    school = census_figures(Pupil.objects.filter(school=world.school))
    k, e = str(school.k), str(school.e)
    assert ["SEN provision", "K/E", "On the SEN register", k, e, str(school.k + school.e)] in rows
    assert ["Primary need", "BESD", "Not a current census code", "1", "0", "1"] in rows
    assert "Fine-k" not in response.content.decode()  # figures only, no names
    assert AuditEvent.objects.filter(action="pupils.census.exported").count() == 1


def test_the_page_keeps_its_query_budget(world, register, django_assert_max_num_queries) -> None:
    for n in range(20):
        _pupil(world, f"More-{n}", "K", "MLD")
    client = world.client("sendco")
    with django_assert_max_num_queries(15):
        assert client.get(reverse("pupils:census")).status_code == 200
