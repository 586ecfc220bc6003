"""Every form in the app, sent back filled with what an attacker or a confused phone would send.

For each page of the access matrix that shows a POST form to someone allowed to open it, the
form is read with a real HTML parser and sent back four ways: every field hostile text (markup,
formula, SQL, right-to-left marks), every field far too long or out of range (dates that do not
exist, numbers past any limit, choices that are not offered), its hidden fields (version tokens,
ids) and choices mangled, and every text field holding a NUL byte. The app must answer each
without a server error, and an answer that saved nothing (the form shown again, a refusal) must
leave no row behind: nothing half-written. Set SEND_HUB_HOSTILE_REPORT to a file to get one
line per form for the figures.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.db import connection
from django.urls import Resolver404, resolve, reverse

from tests.conftest import World
from tests.test_access_matrix import MATRIX
from tests.test_form_dates import _opener

pytestmark = pytest.mark.django_db

# Tables that record that something was looked at or tried, not what a form saves.
NOT_SAVED_BY_FORMS = {
    "staff_auditevent",
    "staff_formsubmission",
    "safeguarding_fileaccess",
}
# Pages whose POST ends the person's session or starts over: nothing to probe.
SKIP = {"account_logout"}

HOSTILE_TEXT = '=HYPERLINK("http://x.example","y")<script>alert(1)</script>\' OR 1=1 --\u202e'
TOO_LONG = "x" * 20_000
BY_TYPE = {
    "hostile": {
        "date": "2026-02-30",
        "datetime-local": "2026-13-01T25:61",
        "number": "-1",
        "email": "<script>@x",
        "select": "' OR 1=1 --",
        "file": None,
    },
    "overflow": {
        "date": "99999-12-31",
        "datetime-local": "0000-00-00T00:00",
        "number": "99999999999999999999999",
        "email": TOO_LONG + "@school.example",
        "select": "999999999",
        "file": None,
    },
}


@dataclass
class Form:
    action: str
    fields: list[dict[str, str]] = field(default_factory=list)


class _Forms(HTMLParser):
    """Collect each POST form's target and fields (inputs, textareas, selects)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None

    def handle_starttag(self, tag: str, attrs_: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_}
        if tag == "form":
            post = attrs.get("method", "get").lower() == "post" or "hx-post" in attrs
            self._form = Form(attrs.get("hx-post") or attrs.get("action", "")) if post else None
            if self._form is not None:
                self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select"):
            kind = attrs.get("type", "text").lower() if tag == "input" else tag
            if attrs.get("name") and kind not in ("submit", "button", "reset", "image"):
                self._form.fields.append({"name": attrs["name"], "type": kind, **attrs})

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def _post_forms(html: str) -> list[Form]:
    parser = _Forms()
    parser.feed(html)
    parser.close()
    return parser.forms


def _payload(form: Form, how: str) -> dict[str, str]:
    """Return the form's fields filled the hostile way ``how`` names."""
    data: dict[str, str] = {}
    for f in form.fields:
        name, kind = f["name"], f["type"]
        if name in ("csrfmiddlewaretoken", "form_key"):
            continue
        if kind == "hidden":
            data[name] = "-1' OR 1=1 --" if how == "mangled" else f.get("value", "")
        elif kind in ("checkbox", "radio"):
            data.setdefault(name, f.get("value", "on") if how != "mangled" else "999999999")
        elif how == "mangled":
            data[name] = f.get("value", "")
        elif how == "nul":
            data[name] = "a\x00b" if kind not in ("select", "file") else f.get("value", "")
        elif kind in BY_TYPE[how]:
            value = BY_TYPE[how][kind]
            if value is not None:
                data[name] = value
        else:
            data[name] = HOSTILE_TEXT if how == "hostile" else TOO_LONG
    return data


def _row_counts() -> dict[str, int]:
    tables = dict.fromkeys(
        m._meta.db_table
        for label in ("staff", "pupils", "interventions", "safeguarding")
        for m in apps.get_app_config(label).get_models()
        if m._meta.db_table not in NOT_SAVED_BY_FORMS and not m._meta.proxy
    )
    with connection.cursor() as cursor:
        # Table names come from our own models, never from input.
        quoted = [connection.ops.quote_name(t) for t in tables]
        counts = ", ".join(f"(SELECT count(*) FROM {t})" for t in quoted)  # noqa: S608
        cursor.execute(f"SELECT {counts}")
        return dict(zip(tables, cursor.fetchone(), strict=True))


def _saved(response) -> bool:
    return response.status_code in (301, 302, 303) or response.has_header("HX-Redirect")


def _ours(url: str) -> bool:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return False
    return match.url_name not in SKIP and (match.namespace or "") != "admin"


PAGES = sorted(name for name in MATRIX if _opener(name) and name.split(":")[-1] not in SKIP)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("url_name", PAGES)
def test_hostile_posts_never_fail_or_half_write(world: World, url_name: str) -> None:
    row, persona = MATRIX[url_name], _opener(url_name)
    page_url = reverse(url_name, args=row.args(world))
    client = world.client(persona)
    page = client.get(page_url)
    if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
        return
    forms = [f for f in _post_forms(page.content.decode()) if _ours(urljoin(page_url, f.action))]
    problems, tried = [], 0
    for form in forms:
        target = urljoin(page_url, form.action or page_url)
        for how in ("hostile", "overflow", "mangled", "nul"):
            before = _row_counts()
            response = client.post(target, _payload(form, how), HTTP_REFERER=page_url)
            tried += 1
            if response.status_code >= 500:
                problems.append(f"{how} POST {target}: {response.status_code}")
            elif not _saved(response):
                after = _row_counts()
                changed = {t: after[t] - before[t] for t in after if after[t] != before[t]}
                if changed:
                    problems.append(f"{how} POST {target}: not saved, yet wrote {changed}")
    if report := os.environ.get("SEND_HUB_HOSTILE_REPORT"):
        with open(report, "a") as out:
            out.write(f"{url_name}\t{persona}\t{len(forms)}\t{tried}\t{len(problems)}\n")
    assert not problems, f"{persona} on {url_name}:\n" + "\n".join(problems)
