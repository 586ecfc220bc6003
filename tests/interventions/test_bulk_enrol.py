"""Adding several pupils to a group in one step: search, tick, one date, no duplicates."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from interventions.delivery import services
from interventions.models import Enrolment
from staff.models import AuditEvent
from tests.factories import PupilFactory
from tests.interventions.test_delivery import make_group

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _pupils(world, n, **kwargs):
    return [
        PupilFactory(school=world.school, legal_surname="Bulkenrol", **kwargs) for _ in range(n)
    ]


def test_add_many_enrols_each_pupil_once_and_audits_each(world) -> None:
    intervention, _slot, _members = make_group(world, pupils=1)
    pupils = _pupils(world, 3)
    result = services.enrolment_add_many(
        intervention=intervention, pupils=pupils, joined_on=TODAY, by=world.users["sendco"]
    )
    assert sorted(e.pupil_id for e in result.added) == sorted(p.pk for p in pupils)
    assert result.already == []
    assert intervention.enrolments.filter(left_on__isnull=True).count() == 4
    assert set(
        intervention.enrolments.filter(pupil__in=pupils).values_list("joined_on", flat=True)
    ) == {TODAY}
    assert AuditEvent.objects.filter(action="interventions.enrolment.created").count() == 3


def test_add_many_twice_adds_nobody_the_second_time(world) -> None:
    intervention, _slot, _members = make_group(world, pupils=1)
    pupils = _pupils(world, 3)
    sendco = world.users["sendco"]
    services.enrolment_add_many(
        intervention=intervention, pupils=pupils, joined_on=TODAY, by=sendco
    )
    again = services.enrolment_add_many(
        intervention=intervention, pupils=[*pupils, world.pupil], joined_on=TODAY, by=sendco
    )
    assert again.added == []
    assert {p.pk for p in again.already} == {p.pk for p in [*pupils, world.pupil]}
    assert Enrolment.objects.filter(intervention=intervention).count() == 4


def test_add_many_rejoins_a_pupil_who_left(world) -> None:
    intervention, _slot, _members = make_group(world, pupils=1)
    enrolment = intervention.enrolments.get(pupil=world.pupil)
    enrolment.left_on = TODAY
    enrolment.save()
    result = services.enrolment_add_many(
        intervention=intervention, pupils=[world.pupil], joined_on=TODAY, by=world.users["sendco"]
    )
    assert [e.pupil_id for e in result.added] == [world.pupil.pk]
    assert intervention.enrolments.filter(pupil=world.pupil).count() == 2


@pytest.mark.parametrize("status", ["COMPLETED", "STOPPED"])
def test_add_many_refuses_a_finished_group(world, status) -> None:
    intervention, _slot, _members = make_group(world, pupils=1)
    intervention.status, intervention.stopped_reason = status, "Ended by the test"
    intervention.save()
    with pytest.raises(ValidationError, match="has finished"):
        services.enrolment_add_many(
            intervention=intervention,
            pupils=_pupils(world, 1),
            joined_on=TODAY,
            by=world.users["sendco"],
        )


def test_add_many_refuses_a_pupil_of_another_school_and_adds_nobody(world) -> None:
    intervention, _slot, _members = make_group(world, pupils=1)
    with pytest.raises(ValidationError, match="not in this school"):
        services.enrolment_add_many(
            intervention=intervention,
            pupils=[*_pupils(world, 2), world.other_pupil],
            joined_on=TODAY,
            by=world.users["sendco"],
        )
    assert intervention.enrolments.count() == 1


# --- The page -------------------------------------------------------------------------------


def _search(client, intervention, **data):
    url = reverse("interventions:enrol_search", args=[intervention.pk])
    return client.post(url, data, HTTP_HX_REQUEST="true")


def _offered(response) -> list[int]:
    """The pupils the results fragment offers to tick, in order (ticked ones first)."""
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'name="pupils" value="(\d+)"', response.content.decode())]


def test_the_page_offers_search_and_an_iso_joining_date_of_today(world) -> None:
    intervention, _slot, _members = make_group(world, pupils=1)
    html = world.client("sendco").get(reverse("interventions:detail", args=[intervention.pk]))
    html = html.content.decode()
    assert 'id="enrol-q"' in html
    assert re.search(rf'name="joined_on"[^>]*value="{TODAY.isoformat()}"', html)
    assert "<select" not in html.split('id="enrol-form"')[1].split("</form>")[0]


def test_search_finds_by_name_upn_and_year_excluding_current_members(world) -> None:
    intervention, _slot, _members = make_group(world, pupils=1)
    year7 = _pupils(world, 2, nc_year=7)
    year9 = PupilFactory(school=world.school, legal_surname="Zedwardtest", nc_year=9)
    PupilFactory(school=world.school, legal_surname="Bulkenrol", leaving_date=TODAY)
    client = world.client("sendco")

    by_name = _offered(_search(client, intervention, q="bulkenrol"))
    assert set(by_name) == {p.pk for p in year7}  # the leaver is not offered
    assert _offered(_search(client, intervention, q=year9.upn)) == [year9.pk]
    assert _offered(_search(client, intervention, year="9")) == [year9.pk]
    assert _offered(_search(client, intervention, q="bulkenrol", year="9")) == []

    member = world.pupil
    assert member.pk not in _offered(_search(client, intervention, q=member.legal_surname))


def test_search_never_offers_another_schools_pupils(world) -> None:
    intervention, _slot, _members = make_group(world, pupils=1)
    other = world.other_pupil
    response = _search(world.client("sendco"), intervention, q=other.upn)
    assert _offered(response) == []
    assert "No pupil on roll matches" in response.content.decode()


def test_search_keeps_ticked_pupils_ticked_above_new_matches(world) -> None:
    intervention, _slot, _members = make_group(world, pupils=1)
    first = PupilFactory(school=world.school, legal_surname="Firsttick")
    PupilFactory(school=world.school, legal_surname="Secondmatch")
    response = _search(world.client("sendco"), intervention, q="secondmatch", pupils=[first.pk])
    assert _offered(response)[0] == first.pk
    body = response.content.decode()
    assert body.index("Firsttick") < body.index("Secondmatch")
    assert re.search(rf'value="{first.pk}" checked', body)


def test_a_short_query_shows_the_hint_not_no_match(world) -> None:
    intervention, _slot, _members = make_group(world, pupils=1)
    response = _search(world.client("sendco"), intervention, q="a")
    assert _offered(response) == []
    assert "No pupil" not in response.content.decode()
    assert "Search by name, UPN or year" in response.content.decode()


def test_posting_ticked_pupils_enrols_them_and_a_resend_reports_them(world) -> None:
    intervention, _slot, _members = make_group(world, pupils=1)
    pupils = _pupils(world, 3)
    client = world.client("sendco")
    url = reverse("interventions:enrol", args=[intervention.pk])
    data = {"pupils": [p.pk for p in pupils], "joined_on": TODAY.isoformat()}

    first = client.post(url, data, follow=True)
    text = first.content.decode()
    assert "3 pupils joined Year 8 reading" in text
    second = client.post(url, data, follow=True)
    assert "Already in Year 8 reading, so not added again" in second.content.decode()
    assert intervention.enrolments.filter(left_on__isnull=True).count() == 4


def test_posting_nothing_ticked_says_so(world) -> None:
    intervention, _slot, _members = make_group(world, pupils=1)
    url = reverse("interventions:enrol", args=[intervention.pk])
    response = world.client("sendco").post(url, {"joined_on": TODAY.isoformat()}, follow=True)
    assert "Tick at least one pupil to add." in response.content.decode()
    assert intervention.enrolments.count() == 1


def test_posting_another_schools_pupil_adds_nobody(world) -> None:
    intervention, _slot, _members = make_group(world, pupils=1)
    url = reverse("interventions:enrol", args=[intervention.pk])
    data = {
        "pupils": [_pupils(world, 1)[0].pk, world.other_pupil.pk],
        "joined_on": TODAY.isoformat(),
    }
    response = world.client("sendco").post(url, data, follow=True)
    assert "no longer on roll here" in response.content.decode()
    assert intervention.enrolments.count() == 1


def test_a_finished_group_offers_no_enrolment_form(world) -> None:
    intervention, _slot, _members = make_group(world, pupils=1, status="COMPLETED")
    response = world.client("sendco").get(reverse("interventions:detail", args=[intervention.pk]))
    assert 'id="enrol-form"' not in response.content.decode()


def test_the_search_cost_does_not_grow_with_matches(world, django_assert_max_num_queries) -> None:
    intervention, _slot, _members = make_group(world, pupils=1)
    _pupils(world, 25)
    client = world.client("sendco")
    with django_assert_max_num_queries(12):
        response = _search(client, intervention, q="bulkenrol")
    assert len(_offered(response)) == 25


def test_joining_date_in_the_past_is_kept(world) -> None:
    intervention, _slot, _members = make_group(world, pupils=1)
    pupil = _pupils(world, 1)[0]
    day = TODAY - dt.timedelta(days=3)
    world.client("sendco").post(
        reverse("interventions:enrol", args=[intervention.pk]),
        {"pupils": [pupil.pk], "joined_on": day.isoformat()},
    )
    assert intervention.enrolments.get(pupil=pupil).joined_on == day
