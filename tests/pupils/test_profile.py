"""The pupil profile by need to know, and the SENDCo's and key adults' edits on it."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pupils import services
from pupils.models import Contact, KeyAdult, Passport, Pupil, SENStatus
from tests.factories import PupilFactory, assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(world):
    Passport.objects.create(
        pupil=world.pupil,
        version=1,
        strategies="Use a visual timetable",
        likes_and_admires="Kind and funny",
    )
    Contact.objects.create(
        pupil=world.pupil, name="Jo Parentname", relationship="Mother", parental_responsibility=True
    )
    return world


def _sections(client, pupil) -> dict[str, str]:
    return {
        name: client.get(reverse(f"pupils:{name}", args=[pupil.pk])).content.decode()
        for name in ("detail", "support", "attendance", "records")
    }


def test_teacher_sees_passport_and_strategies_but_not_the_sen_record_or_contacts(profile) -> None:
    pages = _sections(profile.client("teacher"), profile.pupil)
    body = pages["detail"]
    assert "Use a visual timetable" in body and "Kind and funny" in body
    assert "Needs and SEN status" not in body
    assert not any("Jo Parentname" in page for page in pages.values())
    # The records section shows a teacher the exam access arrangements, and never the contacts.
    assert "Exam access arrangements" in pages["records"]
    assert "Parents and carers" not in pages["records"]


def test_lsa_with_the_pupil_on_caseload_sees_needs_and_contacts(profile) -> None:
    pages = _sections(profile.client("lsa_caseload"), profile.pupil)
    assert "Needs and SEN status" in pages["detail"] and "Jo Parentname" in pages["records"]
    assert "Change SEN status" not in pages["detail"]  # only the SENDCo edits the register


def test_the_profile_s_tabs_lead_to_each_section_with_the_one_shown_marked(profile) -> None:
    url = {
        name: reverse(f"pupils:{name}", args=[profile.pupil.pk])
        for name in ("detail", "support", "attendance", "records")
    }
    pages = _sections(profile.client("sendco"), profile.pupil)
    for name, page in pages.items():
        tabs = re.search(r'<ul class="nav nav-underline[^"]*">(.*?)</ul>', page, re.S)
        assert tabs is not None, name
        assert re.findall(r'href="([^"]+)"', tabs.group(1)) == list(url.values())
        current = re.findall(r'href="([^"]+)" aria-current="page"', tabs.group(1))
        assert current == [url[name]], name
    assert "Pupil passport" in pages["detail"] and "Pupil passport" not in pages["support"]
    assert "Support plans" in pages["support"] and "Support plans" not in pages["detail"]
    assert 'id="attendance-h"' in pages["attendance"]
    assert "Jo Parentname" in pages["records"] and "Jo Parentname" not in pages["detail"]


def test_a_section_with_nothing_for_the_viewer_s_role_has_no_tab_and_says_so(profile) -> None:
    teacher = profile.client("teacher")
    detail = teacher.get(reverse("pupils:detail", args=[profile.pupil.pk])).content.decode()
    attendance = reverse("pupils:attendance", args=[profile.pupil.pk])
    assert f'href="{attendance}"' not in detail  # a teacher does not see attendance here
    page = teacher.get(attendance).content.decode()
    assert "is shared with your role" in page and 'id="attendance-h"' not in page


def test_looked_after_is_shown_only_where_the_policy_allows(profile) -> None:
    Pupil.objects.filter(pk=profile.pupil.pk).update(looked_after=True)
    url = reverse("pupils:detail", args=[profile.pupil.pk])
    assert "Looked after" in profile.client("sendco").get(url).content.decode()
    assert "Looked after" not in profile.client("lsa_caseload").get(url).content.decode()


@pytest.mark.parametrize(
    # The overview reads the passport, targets, needs and key adults; support, the
    # interventions, plans and Connect; attendance, the term dates, the weeks' marks, an open
    # early warning and where the pupil is today (off site, today's mark); records, its lists.
    # Every section's header reads the register record (statuses, needs, key adults, passports
    # and the DSL's flag), kept until the register changes (pupils.services.register_figures);
    # the support sections are kept until the pupil's support changes (interventions.
    # pupil_support). The first look after a change stamps afresh, works them out and keeps
    # them (each stamp and copy a few queries of the database cache: ``first``); the budget is
    # for every look after.
    ("section", "budget", "first"),
    [("detail", 13, 16), ("support", 11, 39), ("attendance", 16, 16), ("records", 15, 16)],
)
def test_profile_query_count_is_fixed(
    profile, django_assert_max_num_queries, section, budget, first
) -> None:
    client = profile.client("sendco")
    url = reverse(f"pupils:{section}", args=[profile.pupil.pk])
    with django_assert_max_num_queries(budget + first):
        client.get(url)
    with django_assert_max_num_queries(budget):
        client.get(url)


# --- SEN status ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provision", "needs", "message"),
    [
        ("K", [], "primary type of need"),
        ("E", ["NSA"], "only valid with SEN support"),
        ("K", ["NSA", "SLCN"], "cannot be combined"),
        ("N", ["SLCN"], "no census type of need"),
        ("K", ["SLCN", "SLCN"], "must be different"),
        ("K", ["BESD"], "Unknown type of need"),
        ("X", [], "not a census provision"),
    ],
)
def test_census_rules_refuse_bad_needs(provision, needs, message) -> None:
    with pytest.raises(ValidationError, match=message):
        services.validate_needs(provision, needs)


def test_new_status_closes_the_old_one_and_keeps_history(world) -> None:
    new = services.sen_status_record(
        pupil=world.pupil,
        provision="E",
        start_date=dt.date(2026, 3, 2),
        needs=["ASD"],
        parents_informed_on=dt.date(2026, 3, 2),
        by=world.users["sendco"],
    )
    old = SENStatus.objects.get(pupil=world.pupil, provision="K")
    assert old.end_date == dt.date(2026, 3, 1)
    assert new.primary_need.need == "ASD"


def test_status_cannot_start_before_the_current_one(world) -> None:
    with pytest.raises(ValidationError, match="must start after"):
        services.sen_status_record(
            pupil=world.pupil, provision="E", start_date=dt.date(2024, 1, 1), needs=["ASD"], by=None
        )
    assert SENStatus.objects.filter(pupil=world.pupil).count() == 1


def test_status_form_asks_when_parents_were_informed(world) -> None:
    client = world.client("sendco")
    url = reverse("pupils:sen_status", args=[world.pupil.pk])
    response = client.post(
        url, {"provision": "E", "start_date": "2026-03-02", "primary_need": "ASD"}
    )
    assert response.status_code == 200
    assert "parents or carers were informed" in response.content.decode()
    response = client.post(
        url,
        {
            "provision": "E",
            "start_date": "2026-03-02",
            "primary_need": "ASD",
            "parents_informed_on": "2026-03-01",
        },
    )
    assert response.status_code == 302
    assert world.pupil.current_status.provision == "E"


def test_teacher_cannot_change_status(world) -> None:
    response = world.client("teacher").post(reverse("pupils:sen_status", args=[world.pupil.pk]), {})
    assert response.status_code == 403


# --- Passport -----------------------------------------------------------------------------


def test_passport_versions_are_kept(world) -> None:
    lsa = world.users["lsa_caseload"]
    client = world.client("lsa_caseload")
    url = reverse("pupils:passport_edit", args=[world.pupil.pk])
    client.post(url, {"strategies": "First version", "base_version": ""})
    client.post(url, {"strategies": "Second version", "base_version": "1"})
    versions = list(
        world.pupil.passports.order_by("version").values_list("version", "strategies", "created_by")
    )
    assert versions == [(1, "First version", lsa.pk), (2, "Second version", lsa.pk)]
    old = client.get(reverse("pupils:passport_print", args=[world.pupil.pk]), {"version": 1})
    assert "First version" in old.content.decode()


def _posted_as_shown(page: str) -> dict[str, str]:
    """Return what a browser posts for a form saved as it opened (a date it cannot read: blank)."""
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page):
        data[name] = value
    for name, value in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S
    ):
        data[name] = html.unescape(value.strip("\n"))
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", data.get("reviewed_with_family_on", "")):
        data["reviewed_with_family_on"] = ""
    data.pop("csrfmiddlewaretoken", None)
    return data


def test_a_new_passport_version_keeps_the_reviewed_with_family_date(world) -> None:
    client = world.client("lsa_caseload")
    url = reverse("pupils:passport_edit", args=[world.pupil.pk])
    reviewed = dt.date(2026, 3, 14)
    client.post(
        url, {"strategies": "First", "reviewed_with_family_on": reviewed, "base_version": ""}
    )
    data = _posted_as_shown(client.get(url).content.decode())
    assert data["reviewed_with_family_on"] == "2026-03-14"
    data["strategies"] = "Second, with the date left as it was"
    assert client.post(url, data).status_code == 302
    latest = world.pupil.passports.order_by("-version").first()
    assert (latest.version, latest.reviewed_with_family_on) == (2, reviewed)


def test_a_stale_passport_edit_is_refused_and_says_why(world) -> None:
    client = world.client("lsa_caseload")
    url = reverse("pupils:passport_edit", args=[world.pupil.pk])
    client.post(url, {"strategies": "Mine", "base_version": ""})
    response = world.client("sendco").post(
        url, {"strategies": "Theirs, from an old page", "base_version": ""}
    )
    assert response.status_code == 200
    assert "saved a newer version" in response.content.decode()
    assert world.pupil.passports.count() == 1


def test_print_of_a_missing_version_is_404(world) -> None:
    client = world.client("sendco")
    url = reverse("pupils:passport_print", args=[world.pupil.pk])
    assert client.get(url).status_code == 404
    assert client.get(url, {"version": "abc"}).status_code == 404


# --- Key adults and the caseload ----------------------------------------------------------


def test_assigning_and_ending_a_key_adult_changes_the_caseload(world) -> None:
    client = world.client("sendco")
    elsa = world.users["elsa"]
    detail = reverse("pupils:detail", args=[world.pupil.pk])
    assert world.client("elsa").get(detail).status_code == 404
    client.post(
        reverse("pupils:key_adult_add", args=[world.pupil.pk]),
        {"staff": elsa.pk, "kind": "ELSA", "start_date": "2026-01-05"},
    )
    client.post(
        reverse("pupils:key_adult_add", args=[world.pupil.pk]),
        {"staff": elsa.pk, "kind": "ELSA", "start_date": "2026-01-05"},
    )
    assert (
        KeyAdult.objects.filter(staff=elsa, end_date__isnull=True).count() == 1
    )  # double submit: one link
    assert world.client("elsa").get(detail).status_code == 200
    link = KeyAdult.objects.get(staff=elsa)
    client.post(reverse("pupils:key_adult_end", args=[world.pupil.pk, link.pk]))
    assert world.client("elsa").get(detail).status_code == 404


def test_the_key_adult_form_opens_with_today_and_says_what_is_missing(world) -> None:
    client = world.client("sendco")
    url = reverse("pupils:key_adult_add", args=[world.pupil.pk])
    page = client.get(url).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in page
    assert world.users["elsa"].full_name in page  # the school's staff to choose from
    assert world.users["other_school"].full_name not in page
    response = client.post(url, {"kind": "ELSA", "start_date": "2026-01-05"})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert not KeyAdult.objects.filter(pupil=world.pupil, kind="ELSA").exists()
    response = client.post(
        url, {"staff": world.users["elsa"].pk, "kind": "ELSA", "start_date": "2026-01-05"}
    )
    assert response.url == reverse("pupils:detail", args=[world.pupil.pk]) + "#adults"
    overview = client.get(response.url).content.decode()
    assert world.users["elsa"].full_name in overview and "is now a key adult" in overview


def test_key_adult_must_work_in_the_school(world) -> None:
    stranger = world.users["other_school"]
    with pytest.raises(ValidationError, match="does not work at"):
        services.key_adult_assign(
            pupil=world.pupil,
            staff=stranger,
            kind="MENTOR",
            start_date=dt.date(2026, 1, 5),
            by=world.users["sendco"],
        )


def test_ending_a_link_of_another_pupil_is_404(world) -> None:
    other = PupilFactory(school=world.school)
    link = assign(other, world.users["lsa_no_caseload"])
    response = world.client("sendco").post(
        reverse("pupils:key_adult_end", args=[world.pupil.pk, link.pk])
    )
    assert response.status_code == 404


# --- The record ---------------------------------------------------------------------------


def _record(**overrides):
    data = {
        "upn": "B801200005001",
        "legal_forename": "Riley",
        "legal_surname": "Newpupil",
        "date_of_birth": "2014-02-03",
        "sex": "F",
        "nc_year": "7",
    }
    return {**data, **overrides}


def test_sendco_adds_a_pupil_with_a_valid_upn(world) -> None:
    response = world.client("sendco").post(reverse("pupils:add"), _record())
    assert response.status_code == 302
    assert Pupil.objects.filter(school=world.school, upn="B801200005001").exists()


def test_bad_or_duplicate_upn_gets_a_clear_message(world) -> None:
    client = world.client("sendco")
    body = client.post(reverse("pupils:add"), _record(upn="Q207000016049")).content.decode()
    assert "not a valid UPN" in body
    body = client.post(reverse("pupils:add"), _record(upn=world.pupil.upn)).content.decode()
    assert "already has this UPN" in body


def test_concurrent_edit_is_refused(world) -> None:
    client = world.client("sendco")
    url = reverse("pupils:edit", args=[world.pupil.pk])
    seen = world.pupil.updated_at
    Pupil.objects.filter(pk=world.pupil.pk).update(registration_group="9Z")  # someone else
    Pupil.objects.filter(pk=world.pupil.pk).update(updated_at=seen + dt.timedelta(seconds=5))
    p = world.pupil
    data = _record(
        upn=p.upn,
        legal_forename=p.legal_forename,
        legal_surname=p.legal_surname,
        updated_at_seen=seen.isoformat(),
    )
    body = client.post(url, data).content.decode()
    assert "Someone else changed this record" in body
