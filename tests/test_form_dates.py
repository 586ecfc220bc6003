"""Every form in the app opens with date values a browser can show.

A browser reads ``<input type="date">`` only as ISO (2026-12-02) and ``datetime-local`` only
as 2026-12-02T14:05; anything else (en-GB's 02/12/2026) opens the field blank and blocks the
save. This walks every page of the access matrix as someone allowed to open it and reads each
input with a real HTML parser.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.access import OK
from tests.conftest import World
from tests.test_access_matrix import MATRIX

pytestmark = pytest.mark.django_db

# Who opens each page: the first persona in this order whose row answers 200. People in the
# first school come first, because the rows' arguments are records of the first school.
OPENERS = [
    "sendco",
    "dsl",
    "hr_admin",
    "lsa_caseload",
    "teacher",
    "elsa",
    "lsa_no_caseload",
    "other_school",
    "anonymous",
]
# A date in British text form inside an input means a DateField fell back to a text widget.
BRITISH_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4}")


def _opener(url_name: str) -> str | None:
    row = MATRIX[url_name]
    return next((p for p in OPENERS if row.outcome(p) == OK), None)


PAGES = sorted(name for name in MATRIX if _opener(name))


class _Inputs(HTMLParser):
    """Collect the attributes of every <input> and count the <form>s."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str]] = []
        self.forms = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "form":
            self.forms += 1
        elif tag == "input":
            self.inputs.append({k: v or "" for k, v in attrs})


def _inputs(html: str) -> _Inputs:
    parser = _Inputs()
    parser.feed(html)
    parser.close()
    return parser


def _bad_dates(inputs: list[dict[str, str]]) -> list[str]:
    """Return a line per input whose value a browser's date or date-time picker would reject."""
    bad = []
    for attrs in inputs:
        kind, value = attrs.get("type", "text").lower(), attrs.get("value", "")
        name = attrs.get("name", "?")
        if kind == "date" and value:
            try:
                dt.datetime.strptime(value, "%Y-%m-%d")
            except ValueError:
                bad.append(f"date {name}={value!r}")
        elif kind == "datetime-local" and value:
            try:
                dt.datetime.strptime(value, "%Y-%m-%dT%H:%M")
            except ValueError:
                bad.append(f"datetime-local {name}={value!r}")
        elif kind == "text" and BRITISH_DATE.match(value):
            bad.append(f"text {name}={value!r} (a date field without a date picker)")
    return bad


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _page(world: World, url_name: str, persona: str) -> _Inputs | None:
    row = MATRIX[url_name]
    response = world.client(persona).get(reverse(url_name, args=row.args(world)))
    assert response.status_code == 200, f"{persona} GET {url_name}: {response.status_code}"
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return None
    return _inputs(response.content.decode())


@pytest.mark.parametrize("url_name", PAGES)
def test_every_date_input_holds_an_iso_value(world: World, url_name: str) -> None:
    page = _page(world, url_name, _opener(url_name))
    if page is None or not page.forms:
        return
    bad = _bad_dates(page.inputs)
    assert not bad, f"{url_name}: browsers cannot show {bad}"


def test_the_checker_rejects_british_dates() -> None:
    page = _inputs(
        '<form><input type="date" name="a" value="02/12/2026">'
        '<input type="datetime-local" name="b" value="2026-12-02 14:05">'
        '<input type="date" name="c" value="2026-12-02"><input type="date" name="d">'
        '<input name="e" value="02/12/2026"></form>'
    )
    assert [line.split("=")[0] for line in _bad_dates(page.inputs)] == [
        "date a",
        "datetime-local b",
        "text e",
    ]


# The forms people fill with today's date open ready to save with it.
OPENS_WITH_TODAY = [
    ("interventions:detail", "joined_on"),
    ("pupils:sen_status", "start_date"),
    ("pupils:key_adult_add", "start_date"),
    ("interventions:connect_place", "start_date"),
]


@pytest.mark.parametrize(("url_name", "field"), OPENS_WITH_TODAY)
def test_form_opens_with_today(world: World, url_name: str, field: str) -> None:
    page = _page(world, url_name, "sendco")
    assert page is not None and page.forms
    dates = [a for a in page.inputs if a.get("name") == field and a.get("type") == "date"]
    assert dates, f"{url_name} has no date input named {field}"
    assert {a.get("value") for a in dates} == {timezone.localdate().isoformat()}
