"""Removals (minutes out of class) and behaviour events, by hand and imported from a CSV."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from interventions.behaviour import services as behaviour
from interventions.behaviour.importer import (
    COLUMNS,
    DEFAULT_COLUMNS,
    ImportRefused,
    import_apply,
    import_create,
    plan_events,
)
from interventions.models import BehaviourEvent, Removal
from pupils.importers.mis_csv import DEFAULT_COLUMNS as MIS_COLUMNS
from pupils.importers.mis_csv import mapping_save
from pupils.models import ImportMapping
from tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


def _at(hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2025, 11, 3, hour, minute))


def _removal(world, kind: str, start: dt.datetime, end=None, days=None) -> Removal:
    return behaviour.removal_record(
        pupil=world.pupil,
        by=world.users["sendco"],
        kind=kind,
        started_at=start,
        ended_at=end,
        suspension_days=days,
        reason="Fake reason",
    )


def test_minutes_out_of_class_add_up_per_pupil(world, settings) -> None:
    settings.SEND_HUB_SCHOOL_DAY_MINUTES = 390
    _removal(world, "REMOVAL", _at(9), _at(9, 50))  # 50
    _removal(world, "ISOLATION", _at(10), _at(15, 15))  # 315
    _removal(world, "SUSPENSION", _at(9), days=Decimal("1.5"))  # 1.5 x 390 = 585
    _removal(world, "EXCLUSION_ROOM", _at(11))  # not ended yet: 0
    rows = Removal.objects.filter(pupil=world.pupil).with_minutes()
    assert sorted(r.minutes for r in rows) == [0, 50, 315, 585]
    assert sum(r.minutes_out for r in rows) == 950
    top = behaviour.top_pupils(
        Removal.objects.all(), start=dt.date(2025, 11, 1), end=dt.date(2025, 11, 30)
    )
    assert top[0]["total"] == 950 and top[0]["n"] == 4


def test_school_day_length_is_a_setting(world, settings) -> None:
    settings.SEND_HUB_SCHOOL_DAY_MINUTES = 300
    removal = _removal(world, "SUSPENSION", _at(9), days=Decimal("2"))
    assert removal.minutes_out == 600
    assert Removal.objects.with_minutes().get().minutes == 600


def test_suspension_needs_days(world) -> None:
    with pytest.raises(ValidationError, match="how many days"):
        _removal(world, "SUSPENSION", _at(9))


def test_pupil_weeks_count_each_week(world) -> None:
    _removal(world, "REMOVAL", _at(9), _at(10))
    behaviour.event_record(
        pupil=world.pupil,
        by=world.users["sendco"],
        kind="DETENTION",
        category="Late",
        points=-2,
        occurred_on=dt.date(2025, 11, 4),
    )
    weeks = behaviour.pupil_weeks(
        pupil=world.pupil, start=dt.date(2025, 10, 27), end=dt.date(2025, 11, 9)
    )
    assert [w.start for w in weeks] == [dt.date(2025, 10, 27), dt.date(2025, 11, 3)]
    assert (weeks[1].removals, weeks[1].minutes, weeks[1].detentions) == (1, 60, 1)
    assert weeks[0].removals == 0


def _csv(world, *lines: str) -> bytes:
    return ("UPN,Date,Type,Category,Points,Id\n" + "\n".join(lines) + "\n").encode()


def test_import_previews_then_applies_all_or_nothing_once(world) -> None:
    upn = world.pupil.upn
    content = _csv(
        world, f"{upn},03/11/2025,Reward,Kindness,2,A1", f"{upn},04/11/2025,Detention,Late,-1,A2"
    )
    batch = import_create(
        school=world.school, original_name="e.csv", content=content, by=world.users["sendco"]
    )
    assert batch.summary["dry_run"] == {"created": 2, "already_imported": 0, "errors": 0}
    assert not BehaviourEvent.objects.exists()
    assert import_apply(batch=batch, by=world.users["sendco"])["created"] == 2
    with pytest.raises(ImportRefused, match="already imported"):
        import_apply(batch=batch, by=world.users["sendco"])
    again = import_create(
        school=world.school, original_name="e.csv", content=content, by=world.users["sendco"]
    )
    assert again.summary["dry_run"]["already_imported"] == 2


def test_import_with_a_bad_row_imports_nothing_and_says_which_line(world) -> None:
    other = PupilFactory(school=world.other_school)
    content = _csv(
        world,
        f"{world.pupil.upn},03/11/2025,Reward,Kindness,2,B1",
        f"{other.upn},03/11/2025,Sanction,Rude,-1,B2",
        f"{world.pupil.upn},31/02/2025,Telling off,Rude,x,B3",
    )
    plan = plan_events(school=world.school, content=content)
    errors = {r.line: r.errors for r in plan.rows}
    assert errors[2] == [] and "No pupil in this school" in errors[3][0]
    assert len(errors[4]) == 3  # the date, the type and the points
    batch = import_create(
        school=world.school, original_name="e.csv", content=content, by=world.users["sendco"]
    )
    with pytest.raises(ImportRefused, match="Nothing was imported"):
        import_apply(batch=batch, by=world.users["sendco"])
    assert not BehaviourEvent.objects.exists()


# --- Other systems' columns, through a saved mapping ------------------------------------------

CLASS_CHARTS_HEADER = "Student Name,UPN,Date,Behaviour,Type,Points,Teacher,Lesson,Detail"


def _class_charts(world, *rows: str) -> bytes:
    return (CLASS_CHARTS_HEADER + "\n" + "\n".join(rows) + "\n").encode()


def _upload(client, content: bytes, name: str = "classcharts.csv", **fields):
    data = {"file": SimpleUploadedFile(name, content, content_type="text/csv"), **fields}
    return client.post(reverse("interventions:behaviour_import"), data)


def _columns(source: str) -> dict[str, str]:
    return {f"col_{k}": v for k, v in DEFAULT_COLUMNS[source].items()}


def test_a_class_charts_export_imports_through_its_mapping_after_a_dry_run(world) -> None:
    upn = world.pupil.upn
    content = _class_charts(
        world,
        f"Test Pupilname,{upn},03/11/2025 09:12,Helping others,Positive,1,Ms Testteacher,"
        "Maths 8X1,Helped a new pupil",
        f"Test Pupilname,{upn},04/11/2025,Disruption,Negative,-1,Mr Testteacher,English 8X1,",
    )
    client = world.client("sendco")
    page = client.get(reverse("interventions:behaviour_import"), {"start_from": "CLASSCHART"})
    assert 'value="Student Name"' in page.content.decode()
    response = _upload(
        client,
        content,
        source="CLASSCHART",
        save_as="Class Charts weekly",
        **_columns("CLASSCHART"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not BehaviourEvent.objects.exists()  # a dry run first
    preview = client.get(response["Location"]).content.decode()
    assert "2 new" in preview and "File: Test Pupilname" in preview
    client.post(response["Location"])
    events = {e.category: e for e in BehaviourEvent.objects.filter(pupil=world.pupil)}
    assert events["Helping others"].kind == "REWARD" and events["Helping others"].points == 1
    assert events["Disruption"].kind == "SANCTION" and events["Disruption"].points == -1
    assert events["Helping others"].occurred_on == dt.date(2025, 11, 3)
    assert events["Helping others"].note == (
        "Lesson: Maths 8X1. Staff: Ms Testteacher. Helped a new pupil"
    )
    mapping = ImportMapping.objects.get(school=world.school, name="Class Charts weekly")
    assert mapping.kind == ImportMapping.Kind.BEHAVIOUR
    assert mapping.columns["category"] == "Behaviour"


def test_a_saved_behaviour_mapping_is_offered_again_but_not_to_the_pupil_import(world) -> None:
    columns = {"upn": "Pupil UPN", "date": "When", "kind": "Polarity", "category": "Reason given"}
    mapping = mapping_save(
        school=world.school,
        name="Weekly",
        source=ImportMapping.Source.OTHER,
        columns=columns,
        by=world.users["sendco"],
        kind=ImportMapping.Kind.BEHAVIOUR,
        spec=COLUMNS,
    )
    client = world.client("sendco")
    page = client.get(
        reverse("interventions:behaviour_import"), {"start_from": f"saved:{mapping.pk}"}
    ).content.decode()
    assert 'value="Reason given"' in page and 'value="Weekly"' in page
    pupils_page = client.get(reverse("pupils:import_start")).content.decode()
    assert "Saved: Weekly" not in pupils_page

    content = b"Pupil UPN,When,Polarity,Reason given\n" + (
        f"{world.pupil.upn},2025-11-05,Reward,Homework\n".encode()
    )
    response = _upload(client, content, **{f"col_{k}": v for k, v in columns.items()})
    assert response.status_code == 302
    assert client.post(response["Location"]).status_code == 302
    assert BehaviourEvent.objects.get().category == "Homework"


def test_mapping_names_are_kept_apart_by_kind(world) -> None:
    sendco = world.users["sendco"]
    mapping_save(
        school=world.school,
        name="Weekly",
        source="SIMS",
        columns=MIS_COLUMNS["SIMS"],
        by=sendco,
    )
    mapping_save(
        school=world.school,
        name="Weekly",
        source="CLASSCHART",
        columns={"category": "Behaviour"},
        by=sendco,
        kind=ImportMapping.Kind.BEHAVIOUR,
        spec=COLUMNS,
    )
    kinds = ImportMapping.objects.filter(name="Weekly").values_list("kind", "source")
    assert sorted(kinds) == [("BEHAVIOUR", "CLASSCHART"), ("PUPILS", "SIMS")]


def test_a_mapped_column_the_file_lacks_names_the_files_columns(world) -> None:
    content = _class_charts(world, f"A Pupil,{world.pupil.upn},03/11/2025,Kind,Positive,1,,,")
    plan = plan_events(school=world.school, content=content, columns={"category": "Reason"})
    assert not plan.ok
    assert "no column 'Reason'" in plan.file_errors[0]
    assert '"Student Name"' in plan.file_errors[0]


def test_an_export_without_ids_imported_again_adds_nothing(world) -> None:
    upn = world.pupil.upn
    row = f"A Pupil,{upn},03/11/2025,Talking,Negative,-1,Ms Testteacher,Maths,"
    content = _class_charts(world, row, row)  # the same thing twice in one lesson: two events
    sendco = world.users["sendco"]
    batch = import_create(school=world.school, original_name="a.csv", content=content, by=sendco)
    assert batch.summary["dry_run"]["created"] == 2
    import_apply(batch=batch, by=sendco)
    overlapping = _class_charts(
        world, row, row, f"A Pupil,{upn},04/11/2025,Talking,Negative,-1,Ms Testteacher,Maths,"
    )
    again = import_create(
        school=world.school, original_name="b.csv", content=overlapping, by=sendco
    )
    assert again.summary["dry_run"] == {"created": 1, "already_imported": 2, "errors": 0}
    import_apply(batch=again, by=sendco)
    assert BehaviourEvent.objects.count() == 3
