"""Archived leavers: once the leaving date has passed, a pupil's records are read-only, out of
every list and count, and seen only by the roles that keep a duty (the SENDCo, the DSL team,
the head, the DPO). The rule is pupils.models.archived_q; the guard is records.archive."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from django.urls import reverse

from interventions.attendance.early_warning import early_warning_sweep_school
from interventions.attendance.importer import import_apply, import_create, plan_marks
from interventions.attendance.models import AttendanceMark, EarlyWarning
from interventions.delivery import services as delivery
from interventions.models import (
    CheckInPupil,
    Notification,
    Placement,
    PlanKind,
    PlanTarget,
    Removal,
    Room,
    Session,
    SessionAttendance,
    SupportPlan,
)
from interventions.plans import services as plan_services
from interventions.reminders.services import reminders_due, reminders_sweep_school
from pupils.importers import apply as mis_apply
from pupils.importers import mis_csv
from pupils.models import ArchivedRecordError, KeyAdult, Pupil, SENStatus
from records.archive import guarded_routes, unguarded
from records.registry import pupil_links
from safeguarding import services as sg
from safeguarding.models import Concern, ConcernPupil, Transfer, TransferStep
from staff.models import Role
from tests.conftest import PERSONAS, World
from tests.factories import PupilFactory, left_on, member, on_register
from tests.interventions.factories import EnrolmentFactory, InterventionFactory
from tests.safeguarding.helpers import concern_post, make_concern

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 2)  # a Monday in the autumn term
LEFT = dt.date(2026, 7, 17)  # the Friday the summer term ended
MESSAGE = "left on 17 Jul 2026; their records are archived and read-only."


@pytest.fixture(autouse=True)
def _frozen() -> object:
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def archived(world: World) -> Pupil:
    """The world's pupil (SEN support, an LSA's key adult link, a teacher's class, a concern and
    a support plan, all made while they attended) after they left in July."""
    make_concern(world)
    sendco = world.users["sendco"]
    plan_services.plan_start(
        pupil=world.pupil,
        kind=PlanKind.objects.get_or_create(code="IEP", defaults={"name": "IEP"})[0],
        owner=sendco,
        by=sendco,
        next_review_on=TODAY + dt.timedelta(days=5),
    )
    return left_on(world.pupil, LEFT)


# --- The rule ------------------------------------------------------------------------------------


def test_a_pupil_is_archived_only_once_their_leaving_date_has_passed(world: World) -> None:
    school = world.school
    yesterday = PupilFactory(school=school, leaving_date=TODAY - dt.timedelta(days=1))
    today = PupilFactory(school=school, leaving_date=TODAY)
    tomorrow = PupilFactory(school=school, leaving_date=TODAY + dt.timedelta(days=1))
    staying = PupilFactory(school=school)
    assert [p.is_archived for p in (yesterday, today, tomorrow, staying)] == [
        True,
        False,
        False,
        False,
    ]
    here = Pupil.objects.filter(school=school)
    assert set(here.archived()) == {yesterday}
    assert set(here.not_archived()) == {today, tomorrow, staying, world.pupil}


def test_every_model_linking_to_a_pupil_is_guarded_or_kept_open_on_purpose() -> None:
    open_on_purpose = {
        "records.LegalHold",
        "records.DisposalItem",
        "records.SubjectAccessRequest",
        "safeguarding.Transfer",
        "safeguarding.FileAccess",
        "safeguarding.Alert",
    }
    guarded = {m._meta.label for m in guarded_routes()}
    linked = {link.label for link in pupil_links()}
    assert linked - guarded == open_on_purpose
    # Rows one step away from a pupil are guarded too: a plan's targets, a status's needs.
    assert {"interventions.PlanTarget", "pupils.SENNeed"} <= guarded


# --- Who sees an archived pupil ------------------------------------------------------------------

PROFILE = {
    "anonymous": 302,
    "sendco": 200,
    "dsl": 200,
    "head": 200,
    # No pupil access at all (HR keeps staff records): refused before any lookup, as always.
    "hr_admin": 403,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_roles_with_a_records_duty_open_an_archived_pupil(
    world: World, archived: Pupil, persona: str
) -> None:
    """The LSA with an open key-adult link, the teacher with a class link, behaviour support
    and everyone else get 404, as for a pupil they never knew."""
    response = world.client(persona).get(reverse("pupils:detail", args=[archived.pk]))
    assert response.status_code == PROFILE.get(persona, 404)


def test_the_dpo_sees_archived_leavers_and_no_current_pupil(world: World, archived: Pupil) -> None:
    dpo = member(world.school, Role.DPO)
    current = PupilFactory(school=world.school)
    world.users["dpo"] = dpo
    assert list(Pupil.objects.visible_to(_as(dpo, world))) == [archived]
    client = world.client("dpo")
    assert client.get(reverse("pupils:detail", args=[archived.pk])).status_code == 200
    assert client.get(reverse("pupils:detail", args=[current.pk])).status_code == 404


def _as(user: object, world: World) -> object:
    user.current_school_id = world.school.pk  # type: ignore[attr-defined]
    return user


def test_the_sendco_sees_the_banner_and_no_way_to_change_anything(
    world: World, archived: Pupil
) -> None:
    client = world.client("sendco")
    # Every section of the profile: the overview and the support, attendance and records tabs.
    sections = [
        client.get(reverse(f"pupils:{name}", args=[archived.pk])).content.decode()
        for name in ("detail", "support", "attendance", "records")
    ]
    for body in sections:
        assert "Archived: left on 17 Jul 2026. Read-only." in body
        assert "Correct the leaving date" in body
        for button in (
            "Change SEN status",
            "Raise a concern",
            "Add a key adult",
            "Add a contact",
            "Add an arrangement",
            "Start a plan",
        ):
            assert button not in body
        assert "Edit record" not in body
    body = sections[0]
    assert "Write</a>" not in body and "Update</a>" not in body  # the passport
    assert (
        "Archived"
        not in world.client("sendco")
        .get(reverse("pupils:detail", args=[PupilFactory(school=world.school).pk]))
        .content.decode()
    )


def test_a_dsl_sees_the_banner_and_the_safeguarding_file(world: World, archived: Pupil) -> None:
    body = world.client("dsl").get(reverse("pupils:detail", args=[archived.pk])).content.decode()
    assert "Read-only." in body and "Safeguarding file (DSL team)" in body
    assert "Correct the leaving date" not in body  # the SENDCo keeps the pupil's record


def test_an_archived_pupil_drops_out_of_lists_and_counts(world: World, archived: Pupil) -> None:
    current = PupilFactory(school=world.school)
    on_register(current, "E", "ASD")
    register = world.client("sendco").get(reverse("pupils:register"))
    assert [row["pk"] for row in register.context["rows"]] == [current.pk]
    today = world.client("sendco").get(reverse("core:today"))
    assert today.context["register"] == {"k": 0, "e": 1, "on_roll": 1}
    # The LSA's caseload on Today and the teacher's view: gone.
    lsa_today = world.client("lsa_caseload").get(reverse("core:today"))
    assert list(lsa_today.context["caseload"]) == []
    assert archived.pk not in Pupil.objects.visible_to(
        _as(world.users["teacher"], world)
    ).values_list("pk", flat=True)
    # The teacher who reported a concern about the child no longer lists it; the DSL does.
    teacher = _as(world.users["teacher"], world)
    assert not Concern.objects.visible_to(teacher).exists()
    assert Concern.objects.visible_to(_as(world.users["dsl"], world)).count() == 1


# --- Read-only -----------------------------------------------------------------------------------


def _edit_data(pupil: Pupil, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "upn": pupil.upn,
        "legal_forename": pupil.legal_forename,
        "legal_surname": pupil.legal_surname,
        "date_of_birth": pupil.date_of_birth.isoformat(),
        "sex": pupil.sex,
        "nc_year": pupil.nc_year,
        "admission_date": pupil.admission_date.isoformat() if pupil.admission_date else "",
        "leaving_date": pupil.leaving_date.isoformat() if pupil.leaving_date else "",
        "updated_at_seen": pupil.updated_at.isoformat(),
    }
    data.update(changes)
    return data


# An edit POST: the SENDCo is refused by the archive (403 with the reason); the others as for any
# pupil: without the capability 403, outside the school 404, signed out to sign-in.
EDIT_POST = {"anonymous": 302, "other_school": 404}


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_edit_post_is_refused_for_every_persona_and_writes_nothing(
    world: World, archived: Pupil, persona: str
) -> None:
    archived.refresh_from_db()
    response = world.client(persona).post(
        reverse("pupils:edit", args=[archived.pk]), _edit_data(archived, registration_group="9Z")
    )
    assert response.status_code == EDIT_POST.get(persona, 403)
    if persona == "sendco":
        assert MESSAGE in response.content.decode()
    assert Pupil.objects.get(pk=archived.pk).registration_group == ""


def test_an_edit_of_an_archived_pupil_is_refused_with_the_reason(
    world: World, archived: Pupil
) -> None:
    archived.refresh_from_db()
    url = reverse("pupils:edit", args=[archived.pk])
    client = world.client("sendco")
    assert "Only a change to the leaving date is saved" in client.get(url).content.decode()
    response = client.post(url, _edit_data(archived, registration_group="9Z"))
    assert response.status_code == 403
    assert f"{archived.display_name} {MESSAGE}" in response.content.decode()
    archived.refresh_from_db()
    assert archived.registration_group == ""
    # An htmx request gets the reason as a fragment in place of what it was to update.
    fragment = client.post(url, _edit_data(archived, nc_year=9), headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "Not saved." in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    assert Pupil.objects.get(pk=archived.pk).nc_year == 8


def test_clearing_the_leaving_date_brings_the_pupil_back(world: World, archived: Pupil) -> None:
    archived.refresh_from_db()
    response = world.client("sendco").post(
        reverse("pupils:edit", args=[archived.pk]),
        _edit_data(archived, leaving_date="", registration_group="9Z"),
    )
    assert response.status_code == 302
    back = Pupil.objects.get(pk=archived.pk)
    assert (back.leaving_date, back.registration_group, back.is_archived) == (None, "9Z", False)
    lsa = world.client("lsa_caseload")
    assert lsa.get(reverse("pupils:detail", args=[archived.pk])).status_code == 200


def test_a_date_keyed_wrongly_can_be_corrected_and_the_pupil_stays_archived(
    world: World, archived: Pupil
) -> None:
    archived.refresh_from_db()
    response = world.client("sendco").post(
        reverse("pupils:edit", args=[archived.pk]), _edit_data(archived, leaving_date="2026-07-22")
    )
    assert response.status_code == 302
    assert Pupil.objects.get(pk=archived.pk).leaving_date == dt.date(2026, 7, 22)


def test_a_sen_status_change_is_refused_and_nothing_is_written(
    world: World, archived: Pupil
) -> None:
    before = SENStatus.objects.filter(pupil=archived).count()
    response = world.client("sendco").post(
        reverse("pupils:sen_status", args=[archived.pk]),
        {
            "provision": "E",
            "start_date": "2026-10-01",
            "primary_need": "ASD",
            "parents_informed_on": "2026-10-01",
        },
    )
    assert response.status_code == 403 and MESSAGE in response.content.decode()
    assert SENStatus.objects.filter(pupil=archived).count() == before
    assert SENStatus.objects.get(pupil=archived, end_date__isnull=True).provision == "K"


def test_a_concern_about_an_archived_pupil_is_refused(world: World, archived: Pupil) -> None:
    with pytest.raises(ArchivedRecordError, match=MESSAGE):
        make_concern(world, reporter=world.users["dsl"])
    assert Concern.objects.count() == 1 and ConcernPupil.objects.count() == 1
    # Through the page, the child is not offered at all.
    response = world.client("teacher").post(reverse("safeguarding:raise"), concern_post(archived))
    assert response.status_code in (200, 404)
    assert Concern.objects.count() == 1


def test_a_plan_edit_is_refused_with_the_reason(world: World, archived: Pupil) -> None:
    plan = SupportPlan.objects.get(pupil=archived)
    response = world.client("sendco").post(
        reverse("interventions:plan_target_add", args=[plan.pk]),
        {"form_key": str(uuid.uuid4()), "wording": "Counts to 20", "area": "CL"},
    )
    assert response.status_code == 403 and MESSAGE in response.content.decode()
    assert not PlanTarget.objects.filter(plan=plan).exists()


def test_a_session_log_naming_an_archived_pupil_is_refused(world: World) -> None:
    intervention = InterventionFactory(school=world.school, start_date=dt.date(2026, 6, 1))
    stays = EnrolmentFactory(intervention=intervention).pupil
    EnrolmentFactory(intervention=intervention, pupil=world.pupil)
    left_on(world.pupil, LEFT)
    rows = [
        {"pupil_id": p.pk, "attendance": "PRESENT", "engagement": 3} for p in (stays, world.pupil)
    ]
    with pytest.raises(ArchivedRecordError, match=MESSAGE):
        delivery.session_log(
            intervention=intervention,
            client_key=uuid.uuid4(),
            date=TODAY,
            slot=None,
            status=Session.Status.DELIVERED,
            minutes=30,
            attendance=rows,
            by=intervention.lead,
        )
    assert not Session.objects.exists() and not SessionAttendance.objects.exists()
    # The log's page lists only the pupils still attending, so the group's log goes ahead.
    client = Client()
    client.force_login(intervention.lead)
    page = client.get(reverse("interventions:log", args=[intervention.pk]))
    assert [r["pupil"].pk for r in page.context["rows"]] == [stays.pk]


def test_deleting_an_archived_pupils_record_is_refused_except_by_approved_disposal(
    world: World, archived: Pupil
) -> None:
    status = SENStatus.objects.get(pupil=archived)
    with pytest.raises(PermissionDenied), transaction.atomic():
        status.delete()
    bare = left_on(PupilFactory(school=world.school), LEFT)
    with pytest.raises(PermissionDenied), transaction.atomic():
        Pupil.objects.get(pk=bare.pk).delete()
    with unguarded():
        status.delete()
    assert not SENStatus.objects.filter(pupil=archived).exists()


# --- The paths a duty needs ----------------------------------------------------------------------


def test_the_dsl_starts_and_completes_a_transfer_of_the_file(world: World, archived: Pupil) -> None:
    dsl = world.users["dsl"]
    transfer = sg.transfer_start(
        pupil=archived, by=dsl, destination_school="Riverside Academy", destination_contact="DSL"
    )
    sg.transfer_export(transfer=transfer, by=dsl)
    sg.transfer_step_add(
        transfer=transfer,
        by=dsl,
        kind=TransferStep.Kind.SENT,
        on=TODAY,
        method=TransferStep.Method.SECURE_EMAIL,
        person="Riverside's DSL",
    )
    sg.transfer_step_add(
        transfer=transfer, by=dsl, kind=TransferStep.Kind.RECEIVED, on=TODAY, person="Their DSL"
    )
    assert Transfer.objects.not_received().count() == 0


def test_the_reminder_sweep_makes_no_work_about_an_archived_pupil(
    world: World, archived: Pupil
) -> None:
    due = reminders_due(school=world.school, today=TODAY)
    assert not [d for d in due if d.kind.startswith("plan_review")]


# --- Imports -------------------------------------------------------------------------------------


def test_an_attendance_import_skips_and_names_an_archived_pupils_row(
    world: World, archived: Pupil
) -> None:
    current = PupilFactory(school=world.school)
    content = (
        f"UPN,Date,Session,Mark\n{archived.upn},17/07/2026,AM,/\n{current.upn},17/07/2026,AM,/\n"
    ).encode()
    plan = plan_marks(school=world.school, content=content)
    assert plan.ok and plan.counts["created"] == 1 and plan.counts["archived"] == 1
    assert [r.note for r in plan.archived_rows] == [
        f"The pupil with UPN {archived.upn} left on 17 Jul 2026; their records are archived and "
        "read-only, so this row is skipped."
    ]
    batch = import_create(
        school=world.school, original_name="marks.csv", content=content, by=world.users["sendco"]
    )
    page = world.client("sendco").get(
        reverse("interventions:attendance_import_preview", args=[batch.pk])
    )
    assert "1</strong> skipped (pupils who have left: archived)" in page.content.decode()
    import_apply(batch=batch, by=world.users["sendco"])
    assert list(AttendanceMark.objects.values_list("pupil_id", flat=True)) == [current.pk]


def test_a_mis_import_row_for_an_archived_pupil_changes_nothing_and_says_why(
    world: World, archived: Pupil
) -> None:
    header = (
        '"UPN","Legal Surname","Legal Forename","Preferred Forename","DOB","Gender","Year","Reg",'
        '"SEN Status","Primary Need","Secondary Need","SEN Start Date"'
    )
    row = (
        f'"{archived.upn}","{archived.legal_surname}","{archived.legal_forename}","",'
        '"04/05/2013","F","9","9Z","","","",""'
    )
    content = f"{header}\r\n{row}\r\n".encode()
    parsed = mis_csv.parse(content, mis_csv.DEFAULT_COLUMNS["SIMS"])
    plan = mis_apply.plan_import(school=world.school, parsed=parsed)
    (only,) = plan.rows
    assert only.action == mis_apply.UNCHANGED and not only.errors
    assert (
        f"{archived.display_name} left on 17 Jul 2026; their records are archived and "
        "read-only, so this row changes nothing." in only.notes
    )


# --- Lists reached without Pupil.objects.visible_to ----------------------------------------------


def test_room_placements_removals_and_the_check_in_list_leave_out_an_archived_pupil(
    world: World,
) -> None:
    room = Room.objects.create(school=world.school, name="Connect A", capacity=4)
    room.staff.add(world.users["lsa_caseload"])
    placement = Placement.objects.create(
        school=world.school,
        room=room,
        pupil=world.pupil,
        referral_reason="Synthetic reason",
        start_date=dt.date(2026, 6, 1),
        created_by=world.users["sendco"],
    )
    Removal.objects.create(
        school=world.school,
        pupil=world.pupil,
        kind="REMOVAL",
        started_at=dt.datetime(2026, 6, 2, 9, tzinfo=dt.UTC),
        ended_at=dt.datetime(2026, 6, 2, 10, tzinfo=dt.UTC),
        reason="Synthetic reason",
        recorded_by=world.users["behaviour_support"],
    )
    CheckInPupil.objects.create(
        school=world.school,
        pupil=world.pupil,
        key_adult=world.users["lsa_caseload"],
        added_by=world.users["sendco"],
        added_on=dt.date(2026, 6, 1),
    )
    left_on(world.pupil, LEFT)
    lsa, support = (_as(world.users[k], world) for k in ("lsa_caseload", "behaviour_support"))
    head = _as(world.users["head"], world)
    assert not Placement.objects.visible_to(lsa).exists()
    assert list(Placement.objects.visible_to(head)) == [placement]
    assert not Removal.objects.visible_to(support).exists()
    assert Removal.objects.visible_to(head).count() == 1
    assert not CheckInPupil.objects.visible_to(lsa).exists()


def test_an_intervention_lists_an_archived_pupil_as_former_and_unnamed_to_its_staff(
    world: World,
) -> None:
    intervention = InterventionFactory(school=world.school, start_date=dt.date(2026, 6, 1))
    stays = EnrolmentFactory(intervention=intervention).pupil
    EnrolmentFactory(intervention=intervention, pupil=world.pupil)
    left_on(world.pupil, LEFT)
    client = Client()
    client.force_login(intervention.lead)
    page = client.get(reverse("interventions:detail", args=[intervention.pk]))
    assert [e.pupil for e in page.context["current"]] == [stays]
    body = page.content.decode()
    assert "A pupil who has left the school, left 17 Jul 2026" in body
    assert world.pupil.display_name not in body
    sendco = world.client("sendco").get(reverse("interventions:detail", args=[intervention.pk]))
    assert f"{world.pupil.display_name}, left 17 Jul 2026" in sendco.content.decode()


def test_a_queryset_delete_asks_once_not_once_per_row(
    world: World, django_assert_max_num_queries
) -> None:
    lsa = world.users["lsa_no_caseload"]
    pupils = [PupilFactory(school=world.school) for _ in range(30)]
    for pupil in pupils:
        KeyAdult.objects.create(pupil=pupil, staff=lsa, kind="MENTOR", start_date=LEFT)
    # Six for the delete and the guard; the rest replace the school's register stamp, once
    # (pupils.services.register_figures).
    with django_assert_max_num_queries(12):
        KeyAdult.objects.filter(staff=lsa, pupil__in=pupils[:20]).delete()
    left_on(pupils[25], LEFT)
    with pytest.raises(ArchivedRecordError), transaction.atomic():
        KeyAdult.objects.filter(staff=lsa).delete()
    assert KeyAdult.objects.filter(staff=lsa).count() == 10


def test_the_daily_sweeps_run_and_make_nothing_about_an_archived_pupil(
    world: World, archived: Pupil
) -> None:
    plan = SupportPlan.objects.get(pupil=archived)
    reminders_sweep_school(school_id=world.school.pk, today=TODAY)
    early_warning_sweep_school(school_id=world.school.pk)
    urls = set(Notification.objects.values_list("url", flat=True))
    assert reverse("interventions:plan", args=[plan.pk]) not in urls
    assert reverse("pupils:detail", args=[archived.pk]) not in urls
    assert not EarlyWarning.objects.filter(pupil=archived).exists()
    # The same plan, for a pupil still attending, is reminded: the sweep did run.
    left_on(archived, None)  # type: ignore[arg-type]
    reminders_sweep_school(school_id=world.school.pk, today=TODAY)
    assert Notification.objects.filter(url=reverse("interventions:plan", args=[plan.pk])).exists()
