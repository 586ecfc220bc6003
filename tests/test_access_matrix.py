"""Every named URL x every persona, with the answer each must get.

A URL in one of our namespaces without a row here fails ``test_every_url_has_a_row``: adding a
page means deciding, here, who may open it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pupils import records
from pupils.models import ImportBatch, Passport, Pupil
from staff.models import Invitation
from tests.conftest import PERSONAS, World

OK, LOGIN, FORBIDDEN, NOT_FOUND, REDIRECT, GONE = "200", "login", "403", "404", "302", "410"
NOT_ALLOWED = "405"  # a POST-only action opened with GET, by someone allowed to post it
OUR_NAMESPACES = {"core", "staff", "pupils", "interventions", "safeguarding"}


@dataclass
class Row:
    args: Callable[[World], list[Any]] = lambda w: []
    default: str = OK
    expect: dict[str, str] = field(default_factory=dict)

    def outcome(self, persona: str) -> str:
        if persona in self.expect:
            return self.expect[persona]
        return LOGIN if persona == "anonymous" else self.default


def _invitation_token(w: World) -> list[Any]:
    invitation = Invitation.objects.create(
        school=w.school,
        email="new.starter@school.example",
        full_name="New Starter",
        roles=["LSA"],
        invited_by=w.users["hr_admin"],
        expires_at=Invitation.default_expiry(),
    )
    return [invitation.make_token()]


def _pupil(w: World) -> list[Any]:
    return [w.pupil.pk]


def _with_passport(w: World) -> list[Any]:
    Passport.objects.create(pupil=w.pupil, version=1, strategies="Use a visual timetable")
    return [w.pupil.pk]


def _key_adult_link(w: World) -> list[Any]:
    return [w.pupil.pk, w.pupil.key_adults.get().pk]


def _document(w: World) -> list[Any]:
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n")
    doc = records.document_upload(
        pupil=w.pupil, upload=upload, title="Report", kind="OTHER", by=w.users["sendco"]
    )
    return [w.pupil.pk, doc.pk]


def _batch(w: World) -> list[Any]:
    batch = ImportBatch.objects.create(
        school=w.school, kind="CTF", original_name="x.xml", content=b"<CTfile/>"
    )
    return [batch.pk]


def _leaver(w: World) -> list[Any]:
    Pupil.objects.filter(pk=w.pupil.pk).update(leaving_date="2026-07-22")
    return [w.pupil.pk]


# Who may open what, inside the first school (other_school is a SENDCo, DSL and head elsewhere).
SENDCO_ONLY = {"sendco": OK, "other_school": OK}
SENDCO_EDITS_PUPIL = {"sendco": OK, "other_school": NOT_FOUND}
RECORD_ADD = {
    "lsa_caseload": FORBIDDEN,
    "lsa_no_caseload": NOT_FOUND,
    "elsa": NOT_FOUND,
    "sendco": OK,
    "other_school": NOT_FOUND,
}
SEES_PUPIL = {
    "lsa_no_caseload": NOT_FOUND,
    "elsa": NOT_FOUND,
    "hr_admin": FORBIDDEN,
    "other_school": NOT_FOUND,
}

MATRIX: dict[str, Row] = {
    "core:home": Row(default=REDIRECT, expect={"anonymous": REDIRECT}),
    "core:today": Row(),
    "core:healthz": Row(expect={"anonymous": OK}),
    "staff:choose_school": Row(),
    "staff:members": Row(
        default=FORBIDDEN, expect={"sendco": OK, "hr_admin": OK, "other_school": OK}
    ),
    "staff:invite": Row(default=FORBIDDEN, expect={"hr_admin": OK, "other_school": OK}),
    "staff:accept_invitation": Row(args=_invitation_token, expect={"anonymous": OK}),
    # The pupil is on lsa_caseload's caseload in the first school.
    "pupils:detail": Row(
        args=lambda w: [w.pupil.pk],
        expect={
            "lsa_no_caseload": NOT_FOUND,
            "elsa": NOT_FOUND,
            "hr_admin": FORBIDDEN,  # no pupil access at all, whatever the id
            "other_school": NOT_FOUND,
        },
    ),
    "pupils:register": Row(default=FORBIDDEN, expect=SENDCO_ONLY),
    "pupils:register_export": Row(default=FORBIDDEN, expect=SENDCO_ONLY),
    "pupils:add": Row(default=FORBIDDEN, expect=SENDCO_ONLY),
    "pupils:edit": Row(args=_pupil, default=FORBIDDEN, expect=SENDCO_EDITS_PUPIL),
    "pupils:sen_status": Row(args=_pupil, default=FORBIDDEN, expect=SENDCO_EDITS_PUPIL),
    "pupils:passport_edit": Row(
        args=_pupil,
        default=FORBIDDEN,
        expect={
            "lsa_caseload": OK,
            "lsa_no_caseload": NOT_FOUND,
            "elsa": NOT_FOUND,
            "sendco": OK,
            "other_school": NOT_FOUND,
        },
    ),
    "pupils:passport_print": Row(args=_with_passport, expect=SEES_PUPIL),
    "pupils:key_adult_add": Row(
        args=_pupil, default=FORBIDDEN, expect={"sendco": NOT_ALLOWED, "other_school": NOT_ALLOWED}
    ),
    "pupils:key_adult_end": Row(
        args=_key_adult_link,
        default=FORBIDDEN,
        expect={"sendco": NOT_ALLOWED, "other_school": NOT_ALLOWED},
    ),
    "pupils:access_add": Row(args=_pupil, default=FORBIDDEN, expect=RECORD_ADD),
    "pupils:contact_add": Row(args=_pupil, default=FORBIDDEN, expect=RECORD_ADD),
    "pupils:agency_add": Row(args=_pupil, default=FORBIDDEN, expect=RECORD_ADD),
    "pupils:document_upload": Row(args=_pupil, default=FORBIDDEN, expect=RECORD_ADD),
    "pupils:document_download": Row(
        args=_document, default=FORBIDDEN, expect={**RECORD_ADD, "dsl": OK}
    ),
    "pupils:access_register": Row(default=FORBIDDEN, expect=SENDCO_ONLY),
    "pupils:import_start": Row(default=FORBIDDEN, expect=SENDCO_ONLY),
    "pupils:import_preview": Row(args=_batch, default=FORBIDDEN, expect=SENDCO_EDITS_PUPIL),
    "pupils:import_apply": Row(
        args=_batch, default=FORBIDDEN, expect={"sendco": NOT_ALLOWED, "other_school": NOT_ALLOWED}
    ),
    "pupils:ctf_export": Row(args=_leaver, default=FORBIDDEN, expect=SENDCO_EDITS_PUPIL),
    "safeguarding:raise": Row(),
    # Not in our namespaces, but the admin's door matters: HR admins only, sign-in via allauth.
    "admin:index": Row(default=FORBIDDEN, expect={"hr_admin": OK}),
}


def _named_urls() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name and namespace in OUR_NAMESPACES:
                names.add(f"{namespace}:{p.name}")

    walk(get_resolver().url_patterns, None)
    return names


def test_every_url_has_a_row() -> None:
    missing = _named_urls() - set(MATRIX)
    assert not missing, f"Add access-matrix rows for: {sorted(missing)}"


def _observed(response: Any, client: Any) -> str:
    if response.status_code == 302 and response["Location"].startswith(reverse("admin:login")):
        # The admin sends everyone it refuses to its login page, which allauth guards: follow it.
        response = client.get(response["Location"])
    if response.status_code in (301, 302):
        location = response["Location"]
        return LOGIN if location.startswith(reverse("account_login")) else REDIRECT
    return str(response.status_code)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_access(world: World, url_name: str, persona: str) -> None:
    row = MATRIX[url_name]
    url = reverse(url_name, args=row.args(world))
    client = world.client(persona)
    response = client.get(url)
    assert _observed(response, client) == row.outcome(persona), (
        f"{persona} GET {url_name}: got {response.status_code} {response.get('Location', '')}"
    )
