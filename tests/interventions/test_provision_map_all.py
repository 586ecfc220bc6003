"""The provision map that counts all provision, against a hand calculation.

The school is test_sendco_dashboard's clinic (its docstring and test_provision_map's give the
sessions: spring 2025/26 on typical dates, 4 Jan-12 Feb and 22 Feb-26 Mar). Added here:

Settings: on-costs 28%, support staff £14.50 an hour -> £14.50 x 1.28 = £18.56 an hour loaded;
notional SEN budget £30,000 for the year.

    Intervention sessions (test_provision_map): I1 £105 + I2 £40 + I3 £18 + I6 £4 = £167.00.
      Pupils' shares: Ava 47.50, Ben 31.00 (17.50 + 13.50), Cal 40.00, Dee 4.00, Hal 4.50
      = £127.00; I1's £40 fixed costs are no one pupil's.
    In-class support:
      class 7R maths (Year 7), 5 h a week, 5 Jan-1 Feb = 28 days = 4 weeks:
        5 x 4 x 18.56 = £371.20
      with Ava, 2 h a week at £16.00 (+28% = £20.48), 23 Feb-22 Mar = 4 weeks:
        2 x 4 x 20.48 = £163.84
      (a class's support that ended on 31 Dec counts nothing)
    EHCP 1:1: Jon's section F "1:1 support in lessons", 5 h a week, no intervention linked,
      the whole term = 40 + 33 = 73 days = 73/7 weeks: 5 x 73/7 x 18.56 = 6774.40/7 = £967.77
      (Cal's line is delivered by I2: counted in its sessions, not again)
    Resources: reading scheme books, £240.00 on 12 Jan, for no one pupil
      (and £99 of books on 28 Mar, after the term: not counted)
    External services: a speech and language assessment for Cal, £450.00 on 3 Feb
    Spent: 167.00 + 371.20 + 163.84 + 967.77 + 240.00 + 450.00 = £2,359.81
    Top-up received: Cal £300 (15 Jan) + Jon £500 (20 Jan) = £800 (and Jon £500 on 1 Apr:
      not this term); the school's own budget met 2,359.81 - 800 = £1,559.81
    Notional budget's share: the typical year has 53 + 47 + 40 + 33 + 40 + 51 = 264 days in
      half terms, spring 73: 30,000 x 73 / 264 = £8,295.45; left £8,295.45 - 1,559.81 = £6,735.64

Per pupil: Ava 47.50 + 163.84 = 211.34; Ben 31.00; Cal 40.00 + 450.00 = 490.00 (top-up 300);
  Dee 4.00; Hal 4.50; Jon 967.77 (top-up 500).
Per year: Y7 211.34 + 31.00 + 371.20 = 613.54; Y8 490.00; Y9 4.00 + 4.50 = 8.50; Y10 967.77;
  not one pupil's 40.00 + 240.00 = 280.00. Sum 2,359.81.
Per need (primary): ASD (Cal, Dee, Jon) 490.00 + 4.00 + 967.77 = 1,461.77; SEMH (Ben) 31.00;
  SLCN (Ava) 211.34; SpLD (Hal) 4.50; class support 371.20; not one pupil's 280.00.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from interventions.evidence.models import (
    InClassSupport,
    ProvisionCost,
    ProvisionSettings,
    TopUpFunding,
)
from interventions.insight.provision_all import all_provision
from interventions.models import EHCP, EHCPProvision
from staff import terms
from staff.models import AuditEvent
from tests.interventions.test_sendco_dashboard import NOON, Clinic, _client, clinic

pytestmark = pytest.mark.django_db

D = dt.date
P = Decimal


def add_everything(c: Clinic) -> None:
    ProvisionSettings.objects.create(
        school=c.school,
        on_cost_percent=P("28"),
        support_hourly_rate=P("14.50"),
        notional_sen_budget=P("30000"),
    )
    ta = c.lsa1
    InClassSupport.objects.create(
        school=c.school, staff=ta, class_name="7R maths", nc_year=7, hours_per_week=5,
        start_date=D(2026, 1, 5), end_date=D(2026, 2, 1), created_by=c.sendco,
    )  # fmt: skip
    InClassSupport.objects.create(
        school=c.school, staff=ta, pupil=c.p["ava"], hours_per_week=2, hourly_rate=P("16.00"),
        start_date=D(2026, 2, 23), end_date=D(2026, 3, 22), created_by=c.sendco,
    )  # fmt: skip
    InClassSupport.objects.create(
        school=c.school, staff=ta, class_name="8G science", nc_year=8, hours_per_week=3,
        start_date=D(2025, 9, 1), end_date=D(2025, 12, 31), created_by=c.sendco,
    )  # fmt: skip
    jon = EHCP.objects.get(pupil=c.p["jon"])
    EHCPProvision.objects.create(
        ehcp=jon, description="1:1 support in lessons", hours_per_week=P("5.00")
    )
    for kind, text, cost, day, pupil in (
        ("RESOURCE", "Reading scheme books", "240.00", D(2026, 1, 12), None),
        ("RESOURCE", "More books", "99.00", D(2026, 3, 28), None),
        ("SERVICE", "Speech and language assessment", "450.00", D(2026, 2, 3), c.p["cal"]),
    ):
        ProvisionCost.objects.create(
            school=c.school, kind=kind, description=text, cost=P(cost), incurred_on=day,
            pupil=pupil, created_by=c.sendco,
        )  # fmt: skip
    for pupil, amount, day in (
        (c.p["cal"], "300", D(2026, 1, 15)),
        (c.p["jon"], "500", D(2026, 1, 20)),
        (c.p["jon"], "500", D(2026, 4, 1)),
    ):
        TopUpFunding.objects.create(
            school=c.school, pupil=pupil, amount=P(amount), received_on=day, created_by=c.sendco
        )


@pytest.fixture
def c() -> Clinic:
    built = clinic()
    add_everything(built)
    return built


def spring(c: Clinic) -> terms.Term:
    term = terms.term_from_key(c.school.pk, "2025-SPRING")
    assert term is not None
    return term


def test_totals_match_the_hand_calculation(c: Clinic) -> None:
    found = all_provision(c.school.pk, spring(c))
    assert found.loaded_rate == P("18.56")
    assert [(code, cost) for code, _, cost in found.kinds] == [
        ("sessions", P("167.00")),
        ("in_class", P("535.04")),  # 371.20 + 163.84
        ("one_to_one", P("967.77")),
        ("resources", P("240.00")),
        ("services", P("450.00")),
    ]
    assert found.totals == {
        "spent": P("2359.81"),
        "top_up": P("800.00"),
        "own": P("1559.81"),
        "budget_year": P("30000.00"),
        "budget_term": P("8295.45"),
        "remaining": P("6735.64"),
        "over": 0,
    }
    assert found.unshared == P("40.00") and found.school_wide == P("240.00")


def test_per_pupil_year_and_need_match_the_hand_calculation(c: Clinic) -> None:
    found = all_provision(c.school.pk, spring(c))
    assert {r.pupil.legal_forename: (r.total, r.top_up) for r in found.pupils} == {
        "Ava": (P("211.34"), 0),
        "Ben": (P("31.00"), 0),
        "Cal": (P("490.00"), P("300")),
        "Dee": (P("4.00"), 0),
        "Hal": (P("4.50"), 0),
        "Jon": (P("967.77"), P("500")),
    }
    assert found.by_year == [
        ("Year 7", P("613.54")),
        ("Year 8", P("490.00")),
        ("Year 9", P("8.50")),
        ("Year 10", P("967.77")),
        ("Not one pupil's", P("280.00")),
    ]
    assert dict(found.by_need) == {
        "Autistic spectrum disorder": P("1461.77"),
        "Social, emotional and mental health": P("31.00"),
        "Speech, language and communication needs": P("211.34"),
        "Specific learning difficulty": P("4.50"),
        "In-class support for a class": P("371.20"),
        "Not one pupil's": P("280.00"),
    }
    assert sum(cost for _, cost in found.by_year) == found.totals["spent"]


def test_defaults_apply_until_the_school_saves_settings(c: Clinic) -> None:
    ProvisionSettings.objects.filter(school=c.school).delete()
    found = all_provision(c.school.pk, spring(c))
    assert found.loaded_rate == P("18.56")  # the defaults: £14.50 and 28%
    assert found.totals["budget_term"] == 0


@time_machine.travel(NOON, tick=False)
def test_page_csv_and_pdf_show_all_provision_and_exports_are_audited(c: Clinic) -> None:
    client = _client(c.sendco)
    query = "?term=2025-SPRING"
    page = client.get(reverse("interventions:sendco_provision") + query).content.decode()
    assert "All provision" in page and "2,359.81" in page and "8,295.45" in page
    assert "7R maths" in page and "1:1 support in lessons" in page
    response = client.get(reverse("interventions:sendco_provision_all_csv") + query)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Pupil", "Year group", "Primary need"]
    assert rows[[r[0] for r in rows].index("Testpupil, Jon")][:2] == ["Testpupil, Jon", "Year 10"]
    assert rows[-1][0] == "Total" and rows[-1][-3] == "2359.81"
    response = client.get(reverse("interventions:sendco_provision_all_pdf") + query)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    actions = list(
        AuditEvent.objects.filter(action="interventions.provision_map.exported").values_list(
            "data__format", flat=True
        )
    )
    assert sorted(actions) == ["all-csv", "all-pdf"]


@time_machine.travel(NOON, tick=False)
def test_provision_page_keeps_its_query_budget(
    c: Clinic, django_assert_max_num_queries: Any
) -> None:
    client = _client(c.sendco)
    url = reverse("interventions:sendco_provision") + "?term=2025-SPRING"
    client.get(url)
    with django_assert_max_num_queries(40):
        client.get(url)


@time_machine.travel(NOON, tick=False)
def test_the_sendco_enters_support_a_cost_and_top_up_with_todays_date(c: Clinic) -> None:
    client = _client(c.sendco)
    url = reverse("interventions:provision_costs")
    page = client.get(url).content.decode()
    assert 'value="2026-03-04"' in page  # each form opens with today's date
    response = client.post(
        url,
        {"form": "support", "staff": c.lsa2.pk, "class_name": "9X English", "nc_year": 9,
         "hours_per_week": "4", "start_date": "2026-03-02"},
    )  # fmt: skip
    assert response.status_code == 302
    response = client.post(
        url,
        {"form": "cost", "kind": "SERVICE", "description": "Educational psychologist visit",
         "cost": "520.00", "incurred_on": "2026-03-04", "pupil": c.p["dee"].pk},
    )  # fmt: skip
    assert response.status_code == 302
    response = client.post(
        url, {"form": "topup", "pupil": c.p["dee"].pk, "amount": "750", "received_on": "2026-03-04"}
    )
    assert response.status_code == 302
    response = client.post(
        url,
        {"form": "settings", "ledger_threshold": "90", "on_cost_percent": "30",
         "support_hourly_rate": "15.00", "notional_sen_budget": "42000"},
    )  # fmt: skip
    assert response.status_code == 302
    settings = ProvisionSettings.objects.get(school=c.school)
    assert (settings.ledger_threshold, settings.notional_sen_budget) == (90, P("42000"))
    assert InClassSupport.objects.filter(class_name="9X English", created_by=c.sendco).exists()
    assert TopUpFunding.objects.filter(pupil=c.p["dee"], amount=750).exists()
    assert AuditEvent.objects.filter(action="interventions.provision_topup.added").exists()
    page = client.get(url).content.decode()
    assert "9X English" in page and "Educational psychologist visit" in page


@time_machine.travel(NOON, tick=False)
def test_support_with_neither_class_nor_pupil_is_refused_clearly(c: Clinic) -> None:
    client = _client(c.sendco)
    response = client.post(
        reverse("interventions:provision_costs"),
        {"form": "support", "staff": c.lsa2.pk, "hours_per_week": "4", "start_date": "2026-03-02"},
    )
    assert response.status_code == 200
    assert "Name the class, or choose the pupil supported." in response.content.decode()
    assert not InClassSupport.objects.filter(start_date=D(2026, 3, 2)).exists()
