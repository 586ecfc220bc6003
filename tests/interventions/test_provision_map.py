"""The provision map and one pupil's provision: every figure against the hand-built school of
test_sendco_dashboard (see its docstring), worked out by hand below.

Spring term 2025/26 on typical dates: 4 Jan to 26 Mar 2026, half terms 4 Jan-12 Feb and
22 Feb-26 Mar (holiday 13-21 Feb).

    I1 Y7 reading booster (CL, £15/h, lead + 1 assistant, £40 fixed, from Mon 5 Jan)
       slots Mon and Thu. Planned: Mondays 5 Jan-9 Feb (6) + 23 Feb-23 Mar (5), Thursdays
       8 Jan-12 Feb (6) + 26 Feb-26 Mar (5) = 22. Delivered 5 Jan (30), 8 Jan (30), 23 Feb (40),
       2 Mar (30) = 4 sessions, 130 minutes; 12 Jan cancelled. Staff minutes 130 x 2 = 260.
       Cost 130 x 15 x 2 / 60 = £65 + £40 fixed = £105; pupils Ava, Ben: £52.50 each.
    I2 Social skills (SEMH, £20/h, from Tue 6 Jan) slot Tue. Planned 6 + 5 = 11. Delivered
       6 Jan and 10 Feb, 60 minutes each: 120 minutes, £40; pupils Cal, Dee: £20 each.
    I3 ELSA block (SEMH, £18/h, 3 Nov-20 Jan, £12 fixed counted in autumn) slot Wed. Planned
       7 and 14 Jan = 2. Delivered 7 and 14 Jan, 30 minutes each: £18; pupils in spring Ben
       and Hal (Fay left in December): £9 each.
    I6 Fine motor (SP, £12/h, 5 Jan-2 Feb) slot Fri. Planned 9, 16, 23, 30 Jan = 4.
       Delivered 9 Jan, 20 minutes: £4; pupil Dee.
    Left out: I4 (planned, not started), I7 (ended 15 Dec), I5 (another school).

Each session's cost split among the pupils who attended it:
    Ava  I1: 7.50 (5 Jan) + 15.00 (8 Jan) + 10.00 (23 Feb) + 15.00 (2 Mar) = 47.50
    Ben  I1: 7.50 + 10.00 = 17.50; I3: 4.50 (7 Jan, with Hal) + 9.00 (14 Jan, Hal refused)
    Cal  I2: 20.00 + 20.00 = 40.00
    Dee  I6: 4.00        Hal  I3: 4.50
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interventions.insight.costs import with_cost_share
from interventions.insight.provision import (
    map_interventions,
    provision_map,
    pupil_provision,
    school_time,
)
from interventions.models import Intervention, ScheduleSlot, SessionAttendance
from staff import terms
from staff.models import AuditEvent
from tests.interventions.test_sendco_dashboard import (
    NOON,
    TODAY,
    Clinic,
    _client,
    _enrol,
    _more_pupils,
    _slot,
    as_user,
    clinic,
)

pytestmark = pytest.mark.django_db

D = dt.date
P = Decimal


@pytest.fixture
def c() -> Clinic:
    return clinic()


def spring(c: Clinic) -> terms.Term:
    term = terms.term_from_key(c.school.pk, "2025-SPRING")
    assert term is not None and (term.start, term.end) == (D(2026, 1, 4), D(2026, 3, 26))
    return term


def _figures(i: Intervention) -> tuple[Any, ...]:
    return (
        i.pupil_count,
        i.delivered_sessions,
        i.planned_in_term,
        i.cancelled_sessions,
        i.staff_minutes,
        i.staff_cost.quantize(P("0.01")),
        i.fixed_cost.quantize(P("0.01")),
        i.total_cost.quantize(P("0.01")),
        i.cost_per_pupil.quantize(P("0.01")),
    )


def test_each_intervention_that_ran_in_the_term_with_its_figures(c: Clinic) -> None:
    rows = {i.name: _figures(i) for i in map_interventions(as_user(c.sendco, c.school), spring(c))}
    assert rows == {
        "Y7 reading booster": (2, 4, 22, 1, 260, P("65.00"), P("40.00"), P("105.00"), P("52.50")),
        "Social skills group": (2, 2, 11, 0, 120, P("40.00"), P("0.00"), P("40.00"), P("20.00")),
        "ELSA friendship block": (2, 2, 2, 0, 60, P("18.00"), P("0.00"), P("18.00"), P("9.00")),
        "Fine motor group": (1, 1, 4, 0, 20, P("4.00"), P("0.00"), P("4.00"), P("4.00")),
    }


def test_map_totals_count_a_pupil_once(c: Clinic) -> None:
    the_map = provision_map(as_user(c.sendco, c.school), spring(c))
    # Ben is in I1 and I3, Dee in I2 and I6: five pupils, not seven.
    assert the_map.totals == {
        "interventions": 4,
        "delivered": 9,
        "planned": 39,
        "cancelled": 1,
        "staff_minutes": 460,
        "cost": P("167.00"),
        "pupils": 5,
    }
    # Areas in the order of the Code of Practice, interventions by name within each.
    assert [r.intervention.name for r in the_map.rows] == [
        "Y7 reading booster",
        "ELSA friendship block",
        "Social skills group",
        "Fine motor group",
    ]
    booster = the_map.rows[0]
    assert booster.years == ["Year 7"]
    assert [p["name"] for p in booster.pupils] == ["Ava Testpupil", "Ben Testpupil"]


def test_grid_splits_each_sessions_cost_among_the_pupils_who_attended(c: Clinic) -> None:
    the_map = provision_map(as_user(c.sendco, c.school), spring(c))
    assert [code for code, _ in the_map.grid_areas] == ["CL", "SEMH", "SP"]
    assert [
        (row["year"], [(cell["pupils"], cell["cost"]) for cell in row["cells"]], row["cost"])
        for row in the_map.grid
    ] == [
        # Y7: Ava and Ben in reading (47.50 + 17.50); Ben in ELSA (4.50 + 9.00).
        ("Year 7", [(2, P("65.00")), (1, P("13.50")), (0, P("0.00"))], P("78.50")),
        ("Year 8", [(0, P("0.00")), (1, P("40.00")), (0, P("0.00"))], P("40.00")),
        # Y9: Dee (social skills, no session attended yet) and Hal (ELSA 4.50); Dee fine motor.
        ("Year 9", [(0, P("0.00")), (2, P("4.50")), (1, P("4.00"))], P("8.50")),
    ]


def test_pupil_shares_add_up_to_the_staff_cost_when_someone_attended(c: Clinic) -> None:
    shares = dict(
        with_cost_share(SessionAttendance.objects.filter(session__intervention=c.i["i1"]))
        .values("pupil__legal_forename")
        .annotate(total=Sum("cost_share"))
        .values_list("pupil__legal_forename", "total")
    )
    assert {k: v.quantize(P("0.01")) for k, v in shares.items()} == {
        "Ava": P("47.50"),
        "Ben": P("17.50"),
    }


def test_year_and_area_filters(c: Clinic) -> None:
    user, term = as_user(c.sendco, c.school), spring(c)
    year9 = provision_map(user, term, year=9)
    assert {r.intervention.name for r in year9.rows} == {
        "Social skills group",
        "ELSA friendship block",
        "Fine motor group",
    }
    assert [row["year"] for row in year9.grid] == ["Year 9"]
    # Rows and totals are whole interventions: Ben, Cal, Dee and Hal; the grid is Year 9's own.
    assert year9.totals["pupils"] == 4
    semh = provision_map(user, term, area="SEMH")
    assert {r.intervention.name for r in semh.rows} == {
        "Social skills group",
        "ELSA friendship block",
    }
    assert semh.totals["cost"] == P("58.00")


def test_autumn_term_counts_fixed_costs_where_the_intervention_started(c: Clinic) -> None:
    autumn = terms.term_from_key(c.school.pk, "2025-AUTUMN")
    rows = {i.name: i for i in map_interventions(as_user(c.sendco, c.school), autumn)}
    assert set(rows) == {"ELSA friendship block", "Autumn spelling"}
    elsa = rows["ELSA friendship block"]
    # One session on 5 Nov (30 minutes at £18/h = £9) + £12 of resources; Ben, Fay and Hal.
    assert (elsa.delivered_sessions, elsa.total_cost.quantize(P("0.01")), elsa.pupil_count) == (
        1,
        P("21.00"),
        3,
    )
    # Wednesdays from 3 Nov: 5 Nov to 17 Dec in autumn 2 (2 Nov-18 Dec) = 7 planned.
    assert elsa.planned_in_term == 7


def test_planned_sessions_skip_the_holiday_and_stop_at_completion(c: Clinic) -> None:
    # A Saturday slot from Sat 7 Feb, completed Sat 28 Feb: 7 Feb (spring 1), then the
    # half-term Saturdays 14 and 21 Feb are holiday, then 28 Feb (spring 2) = 2.
    ivn = c.i["i1"].__class__.objects.create(
        school=c.school, programme=c.i["i1"].programme, name="Weekend club", lead=c.lsa1,
        start_date=D(2026, 2, 7), planned_sessions=4, status="COMPLETED",
        completed_on=D(2026, 2, 28),
    )  # fmt: skip
    _slot(ivn, 5, 60)
    _enrol(ivn, c.p["eli"], D(2026, 2, 7), D(2026, 2, 28))
    rows = {i.name: i for i in map_interventions(as_user(c.sendco, c.school), spring(c))}
    assert rows["Weekend club"].planned_in_term == 2
    assert school_time(c.school.pk, D(2026, 2, 9), D(2026, 2, 25)) == [
        (D(2026, 2, 9), D(2026, 2, 12)),
        (D(2026, 2, 22), D(2026, 2, 25)),
    ]
    assert ScheduleSlot.objects.filter(intervention=ivn).count() == 1


# --- One pupil's year ------------------------------------------------------------------------


def test_a_pupils_provision_this_year_with_their_share_of_cost(c: Clinic) -> None:
    halves = terms.half_terms(c.school.pk, 2025)
    received = pupil_provision(c.p["ben"], halves[0].start, halves[-1].end, TODAY)
    rows = [
        (e.intervention.name, e.sessions_delivered, e.sessions_attended, e.minutes_attended, e.cost)
        for e in received.enrolments
    ]
    assert rows == [
        # 5 Nov (with Fay: £4.50), 7 Jan (with Hal: £4.50), 14 Jan (alone: £9).
        ("ELSA friendship block", 3, 3, 90, P("18.00")),
        # 5 Jan present (£7.50), 8 Jan absent, 23 Feb present (£10), 2 Mar absent.
        ("Y7 reading booster", 4, 2, 70, P("17.50")),
    ]
    assert received.totals == {
        "sessions_attended": 5,
        "minutes_attended": 160,
        "cost": P("35.50"),
        "hours_attended": P("2.7"),
    }
    assert received.placements == [] and received.section_f == []


def test_section_f_shows_hours_attended_against_the_plan(c: Clinic) -> None:
    halves = terms.half_terms(c.school.pk, 2025)
    received = pupil_provision(c.p["cal"], halves[0].start, halves[-1].end, TODAY)
    # School days so far: 1 Sep-23 Oct (53) + 2 Nov-18 Dec (47) + 4 Jan-12 Feb (40) +
    # 22 Feb-4 Mar (11) = 151 days = 21.6 weeks. Cal attended two 60-minute sessions of the
    # linked group: 2.0 hours, 0.1 a week, £40.
    assert received.school_weeks == P("21.6")
    (line,) = received.section_f
    assert (line.hours_per_week, line.hours_attended, line.attended_per_week, line.cost) == (
        P("1.00"),
        P("2.0"),
        P("0.1"),
        P("40.00"),
    )


def test_connect_placements_are_listed(c: Clinic) -> None:
    halves = terms.half_terms(c.school.pk, 2025)
    received = pupil_provision(c.p["ivy"], halves[0].start, halves[-1].end, TODAY)
    assert [p.room.name for p in received.placements] == ["Connect"]
    assert received.totals["cost"] == P("0.00")


# --- The pages -------------------------------------------------------------------------------


@time_machine.travel(NOON, tick=False)
def test_provision_page_defaults_to_this_term(c: Clinic) -> None:
    response = _client(c.sendco).get(reverse("interventions:sendco_provision"))
    assert response.status_code == 200
    assert response.context["term"].key == "2025-SPRING"
    page = response.content.decode()
    assert "Y7 reading booster" in page and "Autumn spelling" not in page
    assert "£167.00" in page
    assert "split equally among the pupils who attended it" in page


@time_machine.travel(NOON, tick=False)
def test_provision_page_takes_a_term_and_refuses_a_bad_filter_clearly(c: Clinic) -> None:
    client = _client(c.sendco)
    autumn = client.get(reverse("interventions:sendco_provision"), {"term": "2025-AUTUMN"})
    assert autumn.context["term"].key == "2025-AUTUMN"
    assert "Autumn spelling" in autumn.content.decode()
    bad = client.get(reverse("interventions:sendco_provision"), {"term": "1999-WINTER"})
    assert bad.status_code == 200
    assert bad.context["term"].key == "2025-SPRING"
    assert "Select a valid choice" in bad.content.decode()


@time_machine.travel(NOON, tick=False)
def test_csv_export_has_one_row_per_intervention_and_is_audited(c: Clinic) -> None:
    response = _client(c.sendco).get(
        reverse("interventions:sendco_provision_csv"), {"term": "2025-SPRING", "area": "SEMH"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="provision-map-2025-spring.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [
        (
            r["Intervention"],
            r["Year groups"],
            r["Pupils"],
            r["Sessions delivered"],
            r["Sessions planned"],
            r["Staff minutes"],
            r["Total cost (GBP)"],
            r["Cost per pupil (GBP)"],
            r["Pupil names"],
        )
        for r in rows
    ] == [
        (
            "ELSA friendship block",
            "Year 7; Year 9",
            "2",
            "2",
            "2",
            "60",
            "18.00",
            "9.00",
            "Ben Testpupil; Hal Testpupil",
        ),
        (
            "Social skills group",
            "Year 8; Year 9",
            "2",
            "2",
            "11",
            "120",
            "40.00",
            "20.00",
            "Cal Testpupil; Dee Testpupil",
        ),
    ]
    event = AuditEvent.objects.get(action="interventions.provision_map.exported")
    assert event.actor == c.sendco
    assert event.data == {
        "format": "csv",
        "term": "2025-SPRING",
        "rows": 2,
        "filters": {"area": "SEMH"},
    }


@time_machine.travel(NOON, tick=False)
def test_pdf_export_is_a_pdf_with_the_figures(c: Clinic, tmp_path: Any) -> None:
    response = _client(c.sendco).get(reverse("interventions:sendco_provision_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    path = tmp_path / "map.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Provision map: Spring 2025/26" in text
    assert "Y7 reading booster" in text and "£105.00" in text
    assert AuditEvent.objects.filter(
        action="interventions.provision_map.exported", data__format="pdf"
    ).exists()


@time_machine.travel(NOON, tick=False)
def test_pupil_provision_page(c: Clinic) -> None:
    client = _client(c.sendco)
    response = client.get(reverse("interventions:sendco_pupil_provision", args=[c.p["cal"].pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "A small social skills group" in page and "£40.00" in page
    # Another school's pupil is not found, and a teacher may not open the page.
    stranger = c.i["i5"].enrolments.get().pupil
    assert (
        client.get(reverse("interventions:sendco_pupil_provision", args=[stranger.pk])).status_code
        == 404
    )
    assert (
        _client(c.teacher)
        .get(reverse("interventions:sendco_pupil_provision", args=[c.p["cal"].pk]))
        .status_code
        == 403
    )
    previous = client.get(
        reverse("interventions:sendco_pupil_provision", args=[c.p["ben"].pk]), {"year": "2024"}
    )
    assert previous.context["year"] == 2024
    assert previous.context["received"].enrolments == []


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@time_machine.travel(NOON, tick=False)
def test_provision_pages_queries_do_not_grow_with_pupils(c: Clinic) -> None:
    client = _client(c.sendco)
    urls = [
        # Worked out, not kept (report_cache): the sums are what must not grow.
        reverse("interventions:sendco_provision") + "?refresh=1",
        reverse("interventions:sendco_provision_csv"),
        reverse("interventions:sendco_pupil_provision", args=[c.p["ben"].pk]),
    ]
    for url in urls:
        client.get(url)
    before = [_queries(client, url) for url in urls]
    _more_pupils(c, 12)
    assert [_queries(client, url) for url in urls] == before
    assert max(before) <= 32  # the map worked out afresh: every section of it, counted
