"""Exporting a leaver's SEN history as a Common Transfer File, and reading it back."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from pupils.importers import batch_apply, batch_create
from pupils.models import Pupil, SENStatus
from pupils.services import sen_status_record
from staff.models import AuditEvent
from tests.conftest import World
from tests.factories import PupilFactory, left_on

pytestmark = pytest.mark.django_db


def history(pupil: Pupil) -> list[tuple[str, dt.date, dt.date | None, list[str]]]:
    return [
        (s.provision, s.start_date, s.end_date, [n.need for n in s.needs.all()])
        for s in pupil.sen_statuses.order_by("start_date").prefetch_related("needs")
    ]


def leaver(world: World) -> Pupil:
    pupil = PupilFactory(
        school=world.school,
        preferred_forename="Jo",
        nc_year=0,
    )
    by = world.users["sendco"]
    sen_status_record(
        pupil=pupil, provision="K", start_date=dt.date(2020, 9, 1), needs=["SPLD"], by=by
    )
    sen_status_record(
        pupil=pupil, provision="E", start_date=dt.date(2023, 1, 9), needs=["ASD", "SLCN"], by=by
    )
    return left_on(pupil, dt.date(2025, 7, 18))


def test_sendco_downloads_a_leavers_ctf(world: World) -> None:
    pupil = leaver(world)
    response = world.client("sendco").get(reverse("pupils:ctf_export", args=[pupil.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert "attachment" in response["Content-Disposition"]
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    assert root.findtext("Header/SourceSchool/URN") == world.school.urn
    el = root.find("CTFpupilData/Pupil")
    assert el.findtext("UPN") == pupil.upn
    assert el.findtext("BasicDetails/NCyearActual") == "R"
    assert [s.findtext("SENprovision") for s in el.findall("SENhistory/SEN")] == ["K", "E"]
    event = AuditEvent.objects.get(action="pupils.ctf.exported")
    assert event.object_id == str(pupil.pk) and event.data["periods"] == 2


def test_export_round_trips_the_history_into_another_school(world: World) -> None:
    pupil = leaver(world)
    xml = world.client("sendco").get(reverse("pupils:ctf_export", args=[pupil.pk])).content
    batch = batch_create(
        school=world.other_school,
        kind="CTF",
        original_name="from-brookfield.xml",
        content=xml,
        by=world.users["other_school"],
    )
    counts = batch_apply(batch=batch, by=world.users["other_school"])
    assert counts["created"] == 1
    copy = Pupil.objects.get(school=world.other_school, upn=pupil.upn)
    assert (
        history(copy)
        == history(pupil)
        == [
            ("K", dt.date(2020, 9, 1), dt.date(2023, 1, 8), ["SPLD"]),
            ("E", dt.date(2023, 1, 9), None, ["ASD", "SLCN"]),
        ]
    )
    fields = ("legal_surname", "legal_forename", "preferred_forename", "date_of_birth", "sex")
    assert [getattr(copy, f) for f in fields] == [getattr(pupil, f) for f in fields]
    assert copy.nc_year == 0


def test_a_closed_last_period_is_followed_by_no_sen(world: World) -> None:
    pupil = PupilFactory(school=world.school)
    SENStatus.objects.create(
        pupil=pupil, provision="K", start_date=dt.date(2022, 9, 5), end_date=dt.date(2024, 7, 19)
    ).needs.create(rank=1, need="MLD")
    left_on(pupil, dt.date(2025, 7, 18))
    xml = world.client("sendco").get(reverse("pupils:ctf_export", args=[pupil.pk])).content
    batch = batch_create(
        school=world.other_school, kind="CTF", original_name="x.xml", content=xml, by=None
    )
    batch_apply(batch=batch, by=None)
    copy = Pupil.objects.get(school=world.other_school, upn=pupil.upn)
    assert history(copy) == [
        ("K", dt.date(2022, 9, 5), dt.date(2024, 7, 19), ["MLD"]),
        ("N", dt.date(2024, 7, 20), None, []),
    ]


def test_a_pupil_without_a_leaving_date_gets_a_message_not_a_file(world: World) -> None:
    response = world.client("sendco").get(reverse("pupils:ctf_export", args=[world.pupil.pk]))
    assert response.status_code == 400
    assert "Record a leaving date first" in response.content.decode()
    assert not AuditEvent.objects.filter(action="pupils.ctf.exported").exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("teacher", 403), ("lsa_caseload", 403), ("dsl", 403), ("other_school", 404)],
)
def test_only_the_sendco_in_the_pupils_school_exports(
    world: World, persona: str, status: int
) -> None:
    pupil = leaver(world)
    response = world.client(persona).get(reverse("pupils:ctf_export", args=[pupil.pk]))
    assert response.status_code == status
