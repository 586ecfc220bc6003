"""Outcome measures: SDQ scoring and bands, GBO reliable change, and refusing bad values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from interventions.models import Enrolment, ImpactReport, Intervention, MeasureRecord
from interventions.outcomes import measures
from interventions.outcomes.forms import SDQForm
from interventions.outcomes.measures import SDQScores, gbo_reliability, sdq_band
from staff.models import AuditEvent, Role
from tests.conftest import World
from tests.factories import member
from tests.interventions.factories import (
    START,
    EnrolmentFactory,
    InterventionFactory,
    MeasureRecordFactory,
    ProgrammeFactory,
    goals,
)

pytestmark = pytest.mark.django_db

Kind, Point = MeasureRecord.Kind, MeasureRecord.Point
EXIT_DAY = START + dt.timedelta(days=42)


# --- SDQ scoring (pure) ---------------------------------------------------------------------


def test_sdq_totals_add_the_four_difficulty_subscales_and_leave_prosocial_out() -> None:
    scores = SDQScores("TEACHER", emotional=3, conduct=2, hyperactivity=5, peer=1, prosocial=9)
    assert scores.total == 11
    assert scores.externalising == 7  # conduct + hyperactivity
    assert scores.internalising == 4  # emotional + peer
    assert scores.band == "CLOSE_TO_AVERAGE"
    assert SDQScores("TEACHER", 10, 10, 10, 10, 0).total == 40


# Each informant's version has its own boundaries: every total at which either one changes band.
@pytest.mark.parametrize(
    ("total", "teacher", "parent"),
    [
        (0, "CLOSE_TO_AVERAGE", "CLOSE_TO_AVERAGE"),
        (11, "CLOSE_TO_AVERAGE", "CLOSE_TO_AVERAGE"),
        (12, "SLIGHTLY_RAISED", "CLOSE_TO_AVERAGE"),
        (13, "SLIGHTLY_RAISED", "CLOSE_TO_AVERAGE"),
        (14, "SLIGHTLY_RAISED", "SLIGHTLY_RAISED"),
        (15, "SLIGHTLY_RAISED", "SLIGHTLY_RAISED"),
        (16, "HIGH", "SLIGHTLY_RAISED"),
        (17, "HIGH", "HIGH"),
        (18, "HIGH", "HIGH"),
        (19, "VERY_HIGH", "HIGH"),
        (20, "VERY_HIGH", "VERY_HIGH"),
        (40, "VERY_HIGH", "VERY_HIGH"),
    ],
)
def test_sdq_teacher_and_parent_bands_are_kept_separately(
    total: int, teacher: str, parent: str
) -> None:
    assert sdq_band(total, "TEACHER") == teacher
    assert sdq_band(total, "PARENT") == parent


def test_sdq_band_refuses_impossible_totals_and_leaves_self_report_unbanded() -> None:
    with pytest.raises(ValueError, match="0 to 40"):
        sdq_band(41, "TEACHER")
    assert sdq_band(25, "SELF") == ""


def test_sdq_form_asks_for_subscale_scores_only() -> None:
    form = SDQForm(enrolment=Enrolment(intervention=Intervention()), records={}, targets=[])
    assert set(form.fields) == {
        "point",
        "taken_on",
        "seen",
        "informant",
        "emotional",
        "conduct",
        "hyperactivity",
        "peer",
        "prosocial",
    }


# --- GBO reliable change --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [(3, "improved"), (2, ""), (0, ""), (-2, ""), (-3, "deteriorated"), (10, "improved")],
)
def test_gbo_change_of_three_is_reliable(change: int, expected: str) -> None:
    assert gbo_reliability(change) == expected


def test_gbo_threshold_is_a_setting(settings) -> None:
    settings.SEND_HUB_GBO_RELIABLE_CHANGE = 2
    assert gbo_reliability(2) == "improved"
    assert gbo_reliability(1) == ""


# --- Recording: the service -----------------------------------------------------------------


@pytest.fixture
def enrolment(world: World) -> Any:
    programme = ProgrammeFactory(
        school=world.school, measures=["GBO", "NUMERIC", "SDQ"], numeric_measure_label="Reading age"
    )
    intervention = InterventionFactory(
        school=world.school, programme=programme, lead=world.users["lsa_caseload"]
    )
    enrolment = EnrolmentFactory(intervention=intervention, pupil=world.pupil)
    goals(enrolment, "Asks for help when stuck", "Reads aloud in a small group")
    return enrolment


def _record(enrolment: Any, world: World, **kwargs: Any) -> MeasureRecord:
    kwargs.setdefault("kind", Kind.GBO)
    kwargs.setdefault("point", Point.BASELINE)
    kwargs.setdefault("taken_on", START)
    if kwargs["kind"] == Kind.GBO:
        kwargs.setdefault("goals", {1: 2, 2: 4})
    return measures.measure_record(enrolment=enrolment, by=world.users["lsa_caseload"], **kwargs)


def _sdq_exit(
    enrolment: Any, world: World, scores: dict[str, int], informant: str = "TEACHER"
) -> MeasureRecord:
    """Record an exit SDQ six weeks after the start."""
    return _record(
        enrolment,
        world,
        kind=Kind.SDQ,
        point=Point.EXIT,
        taken_on=EXIT_DAY,
        informant=informant,
        sdq=scores,
    )


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


def test_gbo_baseline_and_exit_show_change_and_reliable_change(enrolment, world) -> None:
    _record(enrolment, world, goals={1: 2, 2: 4})
    _record(enrolment, world, point=Point.EXIT, taken_on=EXIT_DAY, goals={1: 5, 2: 6})
    summary = measures.enrolment_measures(
        list(enrolment.measures.all()), list(enrolment.targets.all())
    )
    goal_1, goal_2 = summary["gbo"]["goals"]
    assert (goal_1["change"], goal_1["reliable"]) == (3, "improved")  # exactly the threshold
    assert (goal_2["change"], goal_2["reliable"]) == (2, "")
    assert summary["gbo"]["mean_change"] == 2.5
    assert AuditEvent.objects.filter(action="interventions.measure.recorded").count() == 2


def test_sdq_is_stored_as_subscales_and_summarised_as_totals(enrolment, world) -> None:
    sdq = {"emotional": 4, "conduct": 3, "hyperactivity": 6, "peer": 3, "prosocial": 5}
    _record(enrolment, world, kind=Kind.SDQ, informant="TEACHER", sdq=sdq)
    exit_scores = {"emotional": 2, "conduct": 2, "hyperactivity": 5, "peer": 2, "prosocial": 7}
    _sdq_exit(enrolment, world, exit_scores)
    summary = measures.enrolment_measures(list(enrolment.measures.all()), [])["sdq"]
    assert summary["baseline"]["total"] == 16
    assert summary["baseline"]["band"] == "HIGH"
    assert summary["exit"]["total"] == 11
    assert summary["exit"]["band"] == "CLOSE_TO_AVERAGE"
    assert (summary["change"], summary["band_move"]) == (-5, "lower")


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"goals": {1: 11}}, "gbo_1", "Rate goal 1 from 0 to 10"),
        ({"goals": {1: -1}}, "gbo_1", "Rate goal 1 from 0 to 10"),
        ({"goals": {3: 5}}, "gbo_3", "Goal 3 has not been set"),
        ({"goals": {1: None, 2: None}}, "__all__", "Rate at least one goal"),
        ({"taken_on": timezone.localdate() + dt.timedelta(days=1)}, "taken_on", "in the future"),
        (
            {"kind": Kind.NUMERIC, "value": Decimal("-3")},
            "value",
            "Enter reading age as a number from 0",
        ),
        ({"kind": Kind.NUMERIC, "value": None}, "value", "Enter reading age"),
        (
            {"kind": Kind.SDQ, "informant": "TEACHER", "sdq": {"emotional": 11}},
            "emotional",
            "runs from 0 to 10, not 11",
        ),
        (
            {"kind": Kind.SDQ, "informant": "TEACHER", "sdq": {"emotional": 1}},
            "conduct",
            "Enter the conduct problems score",
        ),
        ({"kind": Kind.SDQ, "informant": "", "sdq": {}}, "informant", "Choose who completed"),
    ],
)
def test_bad_values_are_refused_with_a_message(enrolment, world, kwargs, field, message) -> None:
    with pytest.raises(ValidationError) as exc:
        _record(enrolment, world, **kwargs)
    assert field in exc.value.message_dict
    assert message.lower() in " ".join(exc.value.message_dict[field]).lower()
    assert not MeasureRecord.objects.exists()


def test_exit_without_a_baseline_is_refused(enrolment, world) -> None:
    with pytest.raises(ValidationError) as exc:
        _record(enrolment, world, point=Point.EXIT, taken_on=EXIT_DAY)
    assert "Record" in _messages(exc) and "baseline first" in _messages(exc)


def test_exit_dated_before_the_baseline_is_refused(enrolment, world) -> None:
    _record(enrolment, world, taken_on=START)
    with pytest.raises(ValidationError) as exc:
        _record(enrolment, world, point=Point.EXIT, taken_on=START - dt.timedelta(days=1))
    assert "is before the baseline (8 Sep 2025)" in _messages(exc)
    # ...and a baseline moved after an existing exit is refused the same way.
    _record(enrolment, world, point=Point.EXIT, taken_on=EXIT_DAY)
    with pytest.raises(ValidationError) as exc:
        _record(enrolment, world, taken_on=EXIT_DAY + dt.timedelta(days=1))
    assert "is after the exit" in _messages(exc)


def test_exit_rating_for_a_goal_without_baseline_is_refused(enrolment, world) -> None:
    _record(enrolment, world, goals={1: 3})
    with pytest.raises(ValidationError) as exc:
        _record(enrolment, world, point=Point.EXIT, taken_on=EXIT_DAY, goals={1: 6, 2: 7})
    assert "Goal 2 has no baseline rating" in _messages(exc)


def test_sdq_exit_must_use_the_baseline_version(enrolment, world) -> None:
    scores = {"emotional": 1, "conduct": 1, "hyperactivity": 1, "peer": 1, "prosocial": 9}
    _record(enrolment, world, kind=Kind.SDQ, informant="TEACHER", sdq=scores)
    with pytest.raises(ValidationError) as exc:
        _sdq_exit(enrolment, world, scores, informant="PARENT")
    assert "completed by the teacher" in _messages(exc)


def test_measure_the_programme_does_not_use_is_refused(world) -> None:
    programme = ProgrammeFactory(school=world.school, measures=["GBO"])
    enrolment = EnrolmentFactory(
        intervention__programme=programme, intervention__school=world.school
    )
    with pytest.raises(ValidationError) as exc:
        measures.measure_record(
            enrolment=enrolment,
            kind=Kind.NUMERIC,
            point=Point.BASELINE,
            taken_on=START,
            value=Decimal(90),
            by=world.users["sendco"],
        )
    assert "does not use “Numeric scale”" in _messages(exc)


def test_a_correction_replaces_the_point_and_is_audited(enrolment, world) -> None:
    first = _record(enrolment, world, goals={1: 2})
    version = measures.measure_version(first)
    corrected = _record(enrolment, world, goals={1: 3}, seen_version=version)
    assert corrected.pk == first.pk
    assert corrected.gbo_1 == 3
    assert AuditEvent.objects.filter(action="interventions.measure.corrected").count() == 1


def test_a_second_editor_is_told_what_changed_instead_of_overwriting(enrolment, world) -> None:
    first = _record(enrolment, world, goals={1: 2})
    stale = measures.measure_version(first)
    _record(enrolment, world, goals={1: 4}, seen_version=stale)  # someone else corrects it
    with pytest.raises(ValidationError) as exc:
        _record(enrolment, world, goals={1: 7}, seen_version=stale)
    assert "since you opened this page (goal 1: 4" in _messages(exc)
    assert MeasureRecord.objects.get().gbo_1 == 4
    # A new record where the page saw none is a conflict too.
    with pytest.raises(ValidationError):
        _record(enrolment, world, point=Point.EXIT, taken_on=EXIT_DAY, seen_version="x")


def test_measures_recorded_after_completion_ask_for_a_fresh_report(enrolment, world) -> None:
    Intervention.objects.filter(pk=enrolment.intervention_id).update(status="COMPLETED")
    _record(enrolment, world)
    assert ImpactReport.objects.get(intervention=enrolment.intervention).requested_at is not None


# --- Recording: the page --------------------------------------------------------------------


def _url(enrolment: Any) -> str:
    return reverse("interventions:measures", args=[enrolment.intervention_id, enrolment.pk])


def _post(client: Any, enrolment: Any, kind: str, **fields: Any) -> Any:
    prefix = kind.lower()
    data = {"kind": kind, **{f"{prefix}-{k}": v for k, v in fields.items()}}
    return client.post(_url(enrolment), data)


def test_lead_records_a_baseline_on_the_page(enrolment, world) -> None:
    client = world.client("lsa_caseload")
    page = client.get(_url(enrolment))
    assert page.status_code == 200
    assert b"Asks for help when stuck" in page.content
    response = _post(
        client, enrolment, "GBO", point="BASELINE", taken_on="2025-09-08", gbo_1="2", gbo_2="5"
    )
    assert response.status_code == 302
    record = MeasureRecord.objects.get()
    assert (record.gbo_1, record.gbo_2, record.gbo_3) == (2, 5, None)


def test_page_shows_an_actionable_error_for_bad_values(enrolment, world) -> None:
    client = world.client("lsa_caseload")
    response = _post(client, enrolment, "GBO", point="BASELINE", taken_on="2025-09-08", gbo_1="12")
    assert response.status_code == 200
    assert "Goal 1: Asks for help when stuck: enter a whole number from 0 to 10." in (
        response.content.decode()
    )
    response = _post(client, enrolment, "GBO", point="EXIT", taken_on="2025-10-20", gbo_1="6")
    assert "baseline first" in response.content.decode()
    response = _post(
        client, enrolment, "GBO", point="BASELINE", taken_on="2025-09-08", gbo_1="2", gbo_3="4"
    )
    assert "Goal 3 has not been set" in response.content.decode()
    assert not MeasureRecord.objects.exists()


def test_page_refuses_a_measure_the_programme_does_not_use(world) -> None:
    programme = ProgrammeFactory(school=world.school, measures=["GBO"])
    enrolment = EnrolmentFactory(
        intervention__programme=programme,
        intervention__school=world.school,
        intervention__lead=world.users["lsa_caseload"],
    )
    client = world.client("lsa_caseload")
    response = _post(client, enrolment, "NUMERIC", point="BASELINE", taken_on="2025-09-08", value=9)
    assert response.status_code == 200
    assert "does not use that measure" in response.content.decode()


def test_page_records_an_sdq_and_shows_totals_and_band(enrolment, world) -> None:
    client = world.client("sendco")
    response = _post(
        client,
        enrolment,
        "SDQ",
        point="BASELINE",
        taken_on="2025-09-08",
        informant="TEACHER",
        emotional=4,
        conduct=3,
        hyperactivity=6,
        peer=3,
        prosocial=5,
    )
    assert response.status_code == 302
    page = client.get(_url(enrolment)).content.decode()
    assert "Total difficulties (0-40)" in page
    assert "16" in page and "High" in page


def test_an_assistant_may_record_but_a_teacher_and_other_lsa_may_not(enrolment, world) -> None:
    assistant = member(world.school, Role.ELSA)
    enrolment.intervention.assistants.add(assistant)
    client = world.client("anonymous")
    client.force_login(assistant)
    assert client.get(_url(enrolment)).status_code == 200
    assert world.client("teacher").get(_url(enrolment)).status_code == 403
    assert world.client("lsa_no_caseload").get(_url(enrolment)).status_code == 404
    assert world.client("dsl").get(_url(enrolment)).status_code == 403
    assert world.client("hr_admin").get(_url(enrolment)).status_code == 403
    assert world.client("other_school").get(_url(enrolment)).status_code == 404


def test_enrolment_of_another_intervention_is_not_found(enrolment, world) -> None:
    other = EnrolmentFactory(intervention__school=world.school)
    url = reverse("interventions:measures", args=[enrolment.intervention_id, other.pk])
    assert world.client("sendco").get(url).status_code == 404


def test_correct_link_opens_the_record_in_the_form(enrolment, world) -> None:
    MeasureRecordFactory(enrolment=enrolment, gbo_1=7)
    page = world.client("lsa_caseload").get(_url(enrolment) + "?kind=GBO&point=BASELINE")
    assert 'name="gbo-gbo_1" value="7"' in page.content.decode()
