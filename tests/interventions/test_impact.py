"""The impact report: its arithmetic on a hand-built group, rebuilds, pages and who sees them."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from interventions.models import ImpactReport, Intervention, Session, SessionAttendance
from interventions.outcomes import impact, reports
from interventions.outcomes import services as outcome_services
from interventions.tasks import impact_report_build_task, impact_reports_build_pending_task
from staff.models import AuditEvent, Role
from tests.conftest import World
from tests.factories import PupilFactory, member
from tests.interventions.factories import (
    START,
    EnrolmentFactory,
    InterventionFactory,
    MeasureRecordFactory,
    ProgrammeFactory,
    cancel,
    deliver,
    goals,
)

pytestmark = pytest.mark.django_db

P, L, A, R, W = "PRESENT", "LATE", "ABSENT", "REFUSED", "WITHDRAWN"
LONG_COMMENT = "Worked well on decoding. " * 20  # 500 characters: trimmed to 300


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


@pytest.fixture
def group(world: World) -> Any:
    """Three pupils, seven sessions (one cancelled), worked through by hand below.

    £18 an hour, a lead and one assistant, £45.50 of books. Cleo joins on day 7 and leaves on
    day 21; an attendance mark after she left must not count.
    """
    programme = ProgrammeFactory(
        school=world.school,
        cost_per_staff_hour=Decimal("18.00"),
        measures=["GBO", "NUMERIC"],
        numeric_measure_label="Reading age (months)",
    )
    intervention = InterventionFactory(
        school=world.school,
        programme=programme,
        name="Year 8 reading (Mon/Wed)",
        lead=world.users["lsa_caseload"],
        assistants=[member(world.school, Role.LSA, full_name="Sam Assistant")],
        planned_sessions=10,
        fixed_costs=Decimal("45.50"),
    )
    ada = PupilFactory(school=world.school, legal_forename="Ada", legal_surname="Ashby")
    ben = PupilFactory(school=world.school, legal_forename="Ben", legal_surname="Brook")
    cleo = PupilFactory(school=world.school, legal_forename="Cleo", legal_surname="Cole")
    e_ada = EnrolmentFactory(intervention=intervention, pupil=ada, joined_on=day(0))
    e_ben = EnrolmentFactory(intervention=intervention, pupil=ben, joined_on=day(0))
    e_cleo = EnrolmentFactory(
        intervention=intervention, pupil=cleo, joined_on=day(7), left_on=day(21)
    )
    deliver(intervention, day(0), minutes=30, attendance={ada: P, ben: L})
    deliver(intervention, day(2), minutes=40, attendance={ada: P, ben: A})
    deliver(
        intervention,
        day(7),
        minutes=45,
        attendance={ada: L, ben: P, cleo: P},
        evaluation="Earlier comment",
    )
    cancel(intervention, day(9), reason=Session.CancelReason.PUPIL_ABSENT)
    deliver(intervention, day(14), minutes=30, attendance={ada: R, ben: P, cleo: P})
    deliver(intervention, day(21), minutes=35, attendance={ada: P, ben: W, cleo: P})
    deliver(
        intervention,
        day(23),
        minutes=30,
        attendance={ada: P, ben: P, cleo: P},
        evaluation=LONG_COMMENT,
    )
    goals(e_ada, "Sounds out new words", "Reads aloud to the group")
    goals(e_ben, "Uses a reading ruler")
    MeasureRecordFactory(enrolment=e_ada, gbo_1=2, gbo_2=5)
    MeasureRecordFactory(enrolment=e_ada, point="EXIT", taken_on=day(30), gbo_1=5, gbo_2=6)
    MeasureRecordFactory(enrolment=e_ben, gbo_1=4)
    MeasureRecordFactory(enrolment=e_ben, point="EXIT", taken_on=day(30), gbo_1=6)
    for enrolment, baseline, exit_ in ((e_ada, 84, 90), (e_ben, 100, 99), (e_cleo, 70, None)):
        MeasureRecordFactory(enrolment=enrolment, kind="NUMERIC", value=baseline)
        if exit_ is not None:
            MeasureRecordFactory(
                enrolment=enrolment, kind="NUMERIC", point="EXIT", taken_on=day(30), value=exit_
            )
    return intervention


def test_dosage_cost_and_attendance_match_the_hand_worked_figures(group) -> None:
    f = impact.impact_figures(group)
    # Delivered: days 0, 2, 7, 14, 21, 23 = 6 of 10 planned; minutes 30+40+45+30+35+30 = 210.
    assert f["dosage"] == {
        "planned": 10,
        "delivered": 6,
        "delivered_pct": 60.0,
        "cancelled": 1,
        "cancelled_by_reason": {"Pupil(s) absent": 1},
        "minutes": 210,
        "mean_minutes": 35.0,
        "first_date": day(0).isoformat(),
        "last_date": day(23).isoformat(),
    }
    # 210 / 60 = 3.5 hours x £18 x 2 staff = £126.00; + £45.50 = £171.50; / 3 pupils = £57.17.
    assert f["cost"] == {
        "per_staff_hour": "18.00",
        "staff_per_session": 2,
        "staff_hours": 7.0,
        "staff_cost": "126.00",
        "fixed_costs": "45.50",
        "total": "171.50",
        "pupils": 3,
        "per_pupil": "57.17",
    }
    rows = {r["name"]: r for r in f["pupils"]}
    # Ada: all 6 delivered; present or late at 5 (refused on day 14).
    assert (rows["Ada Ashby"]["attended"], rows["Ada Ashby"]["possible"]) == (5, 6)
    assert rows["Ada Ashby"]["attendance_pct"] == 83.3
    # Ben: late, absent, present, present, withdrawn, present = 4 of 6.
    assert (rows["Ben Brook"]["attended"], rows["Ben Brook"]["possible"]) == (4, 6)
    # Cleo: enrolled days 7-21, so days 7, 14, 21 (day 9 was cancelled; day 23 after she left).
    assert (rows["Cleo Cole"]["attended"], rows["Cleo Cole"]["possible"]) == (3, 3)
    assert f["attendance"]["attended"] == 12
    assert f["attendance"]["possible"] == 15
    assert f["attendance"]["pct"] == 80.0


def test_measure_change_per_pupil_and_for_the_group(group) -> None:
    f = impact.impact_figures(group)
    rows = {r["name"]: r for r in f["pupils"]}
    ada_goals = rows["Ada Ashby"]["measures"]["gbo"]["goals"]
    assert [(g["baseline"], g["exit"], g["change"], g["reliable"]) for g in ada_goals] == [
        (2, 5, 3, "improved"),
        (5, 6, 1, ""),
    ]
    assert ada_goals[0]["text"] == "Sounds out new words"
    # Goals rated at both points: 2->5, 5->6, 4->6; 1 of 3 improved by 3 or more.
    assert f["group"]["gbo"] == {
        "threshold": 3,
        "goals_paired": 3,
        "mean_baseline": 3.67,
        "mean_exit": 5.67,
        "mean_change": 2.0,
        "goals_reliably_improved": 1,
        "goals_reliably_improved_pct": 33.3,
        "goals_reliably_deteriorated": 0,
        "pupils_paired": 2,
        "pupils_reliably_improved": 1,
        "pupils_reliably_improved_pct": 50.0,
    }
    # Reading age: 84->90 (+6), 100->99 (-1); Cleo has no exit.
    assert f["group"]["numeric"] == {
        "label": "Reading age (months)",
        "pupils_paired": 2,
        "mean_baseline": 92.0,
        "mean_exit": 94.5,
        "mean_change": 2.5,
        "pupils_improved": 1,
    }
    assert rows["Cleo Cole"]["measures"]["numeric"]["change"] is None


def test_staff_comments_come_latest_first_and_trimmed(group) -> None:
    comments = impact.impact_figures(group)["comments"]
    assert [c["date"] for c in comments] == [day(23).isoformat(), day(7).isoformat()]
    assert len(comments[0]["text"]) == 300
    assert comments[0]["text"].endswith("…")
    assert comments[1]["text"] == "Earlier comment"


def test_figures_are_json_safe_and_hash_stably(group) -> None:
    import json

    figures = impact.impact_figures(group)
    assert json.loads(json.dumps(figures)) == figures
    assert impact.figures_hash(figures) == impact.figures_hash(impact.impact_figures(group))


def test_an_empty_intervention_has_figures_without_dividing_by_zero(world) -> None:
    intervention = InterventionFactory(school=world.school)
    f = impact.impact_figures(intervention)
    assert f["dosage"]["delivered"] == 0
    assert f["cost"]["per_pupil"] is None
    assert f["attendance"]["pct"] is None
    assert f["group"] == {}


# --- Building and rebuilding ----------------------------------------------------------------


def _pdf_text(report: ImpactReport) -> str:
    with report.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_build_stores_figures_and_a_pdf_with_them(group) -> None:
    report = reports.impact_report_build(intervention_id=group.pk)
    assert report.figures["cost"]["total"] == "171.50"
    assert report.built_at is not None
    text = _pdf_text(report)
    for expected in ("Impact report", "£171.50", "£57.17", "6 / 10", "12 of 15", "Ada Ashby"):
        assert expected in text, expected


def test_rebuild_with_unchanged_figures_does_not_rewrite_the_pdf(group) -> None:
    first = reports.impact_report_build(intervention_id=group.pk)
    path = Path(first.pdf.path)
    written = path.stat().st_mtime_ns
    with mock.patch.object(reports, "render_impact_pdf", wraps=reports.render_impact_pdf) as render:
        second = reports.impact_report_build(intervention_id=group.pk)
        assert render.call_count == 0
        assert second.pdf.name == first.pdf.name
        assert path.stat().st_mtime_ns == written
        assert second.built_at >= first.built_at
        # A new session changes the figures: now the PDF is rebuilt.
        deliver(group, day(28), minutes=30)
        third = reports.impact_report_build(intervention_id=group.pk)
        assert render.call_count == 1
    assert third.figures_hash != first.figures_hash
    assert "7 / 10" in _pdf_text(third)


def test_build_rewrites_a_pdf_missing_from_storage(group) -> None:
    first = reports.impact_report_build(intervention_id=group.pk)
    Path(first.pdf.path).unlink()
    second = reports.impact_report_build(intervention_id=group.pk)
    assert second.pdf.storage.exists(second.pdf.name)


def test_build_task_is_a_thin_wrapper_and_tolerates_a_deleted_intervention(group) -> None:
    assert impact_report_build_task(group.pk) == ImpactReport.objects.get().figures_hash
    assert impact_report_build_task(987654) == ""


def test_request_enqueues_after_commit(group, django_capture_on_commit_callbacks) -> None:
    with (
        mock.patch.object(impact_report_build_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = outcome_services.request_impact_report(group)
        delay.assert_not_called()
    delay.assert_called_once_with(group.pk)
    assert report.requested_at is not None


def test_sweep_finds_completed_unbuilt_and_newly_requested_reports(
    group, world, django_capture_on_commit_callbacks
) -> None:
    running = InterventionFactory(school=world.school)
    assert outcome_services.impact_reports_pending_ids() == []
    Intervention.objects.filter(pk=group.pk).update(status="COMPLETED")
    assert outcome_services.impact_reports_pending_ids() == [group.pk]
    reports.impact_report_build(intervention_id=group.pk)
    assert outcome_services.impact_reports_pending_ids() == []
    ImpactReport.objects.create(intervention=running, requested_at=timezone.now())
    assert outcome_services.impact_reports_pending_ids() == [running.pk]
    with (
        mock.patch.object(impact_report_build_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert impact_reports_build_pending_task() == 1
    delay.assert_called_once_with(running.pk)


# --- Pages ----------------------------------------------------------------------------------


def test_impact_page_shows_figures_and_a_build_button(group, world) -> None:
    response = world.client("lsa_caseload").get(reverse("interventions:impact", args=[group.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    for expected in ("£171.50", "£57.17", "6 / 10", "12 of 15", "Build now", "<svg"):
        assert expected in page, expected
    assert "Download PDF" not in page
    assert "style=" not in page  # the CSP forbids style attributes


def test_build_now_posts_then_redirects_and_the_pdf_downloads(
    group, world, django_capture_on_commit_callbacks
) -> None:
    client = world.client("sendco")
    url = reverse("interventions:impact_build", args=[group.pk])
    with (
        mock.patch.object(impact_report_build_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("interventions:impact", args=[group.pk])
    delay.assert_called_once_with(group.pk)
    assert AuditEvent.objects.filter(action="interventions.impact_report.requested").exists()

    reports.impact_report_build(intervention_id=group.pk)
    page = client.get(reverse("interventions:impact", args=[group.pk])).content.decode()
    assert "Download PDF" in page and "up to date" in page
    download = client.get(reverse("interventions:impact_pdf", args=[group.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="interventions.impact_report.downloaded").count() == 1


def test_pdf_before_it_is_built_sends_people_back_to_build_it(group, world) -> None:
    response = world.client("sendco").get(reverse("interventions:impact_pdf", args=[group.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("interventions:impact", args=[group.pk])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("lsa_caseload", 302),
        ("sendco", 302),
        ("teacher", 404),  # teaches none of the group's pupils: outside their scope
        ("dsl", 403),
        ("lsa_no_caseload", 404),
        ("hr_admin", 403),
        ("other_school", 404),
    ],
)
def test_who_may_ask_for_a_build(group, world, persona, status) -> None:
    with mock.patch.object(impact_report_build_task, "delay"):
        response = world.client(persona).post(
            reverse("interventions:impact_build", args=[group.pk])
        )
    assert response.status_code == status


def test_an_assistant_sees_impact_but_a_behaviour_lead_who_does_not_deliver_does_not(
    group, world
) -> None:
    assistant = group.assistants.get()
    client = world.client("anonymous")
    client.force_login(assistant)
    assert client.get(reverse("interventions:impact", args=[group.pk])).status_code == 200
    behaviour = member(world.school, Role.BEHAVIOUR_SUPPORT)
    client.force_login(behaviour)
    # Visible to them (they see the school's pupils), but impact holds staff comments.
    assert client.get(reverse("interventions:impact", args=[group.pk])).status_code == 403


def _sessions(intervention: Intervention, pupils: list[Any], first: int, count: int) -> None:
    made = Session.objects.bulk_create(
        Session(
            intervention=intervention,
            date=START + dt.timedelta(days=i),
            status="DELIVERED",
            minutes=30,
            evaluation=f"Session {i} went well.",
            logged_by=intervention.lead,
        )
        for i in range(first, first + count)
    )
    SessionAttendance.objects.bulk_create(
        SessionAttendance(session=s, pupil=p, attendance="PRESENT", engagement=4)
        for s in made
        for p in pupils
    )


def test_impact_page_queries_do_not_grow_with_sessions(
    world, django_assert_max_num_queries
) -> None:
    intervention = InterventionFactory(school=world.school, lead=world.users["lsa_caseload"])
    pupils = [PupilFactory(school=world.school) for _ in range(4)]
    for pupil in pupils:
        enrolment = EnrolmentFactory(intervention=intervention, pupil=pupil)
        goals(enrolment, "Goal one", "Goal two")
        MeasureRecordFactory(enrolment=enrolment, gbo_1=3, gbo_2=4)
    client = world.client("lsa_caseload")
    url = reverse("interventions:impact", args=[intervention.pk])
    client.get(url)  # the first request also writes the session
    counts = []
    for first, count in ((0, 3), (3, 297)):  # 3 sessions, then 300
        _sessions(intervention, pupils, first, count)
        with (
            django_assert_max_num_queries(20),
            CaptureQueriesContext(connection) as queries,
        ):
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert "300 / 12" in response.content.decode()
    assert counts[0] == counts[1], counts


# --- The pupil page's measures --------------------------------------------------------------


def _pupil_measures(world: World, persona: str, pupil: Any) -> str:
    request = RequestFactory().get("/")
    request.user = world.users[persona] if persona != "anonymous" else None
    user = request.user
    user.current_school_id = world.school.pk if persona != "other_school" else world.other_school.pk
    template = Template('{% include "interventions/outcomes/pupil_measures.html" %}')
    return template.render(Context({"pupil": pupil, "request": request}))


def test_pupil_page_shows_trends_to_those_who_deliver_or_run_interventions(group, world) -> None:
    enrolment = group.enrolments.first()
    for persona in ("lsa_caseload", "sendco"):
        html = _pupil_measures(world, persona, enrolment.pupil)
        assert "Outcome measures" in html, persona
        assert "Reading age (months): 84 → 90 (+6)" in html
        assert "Goal 1: Sounds out new words" in html
        assert "2 → 5 (+3)</span>" in html
    for persona in ("teacher", "dsl", "hr_admin", "lsa_no_caseload", "elsa", "other_school"):
        assert "Outcome measures" not in _pupil_measures(world, persona, enrolment.pupil), persona
