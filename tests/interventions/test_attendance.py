"""Attendance: the arithmetic, the import (dry run, bad rows, apply, re-import), the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from stdnum.gb import upn as upn_scheme

from interventions.attendance import figures
from interventions.attendance.folder import folder_import_all
from interventions.attendance.importer import (
    ImportRefused,
    import_apply,
    import_create,
    plan_marks,
)
from interventions.attendance.models import AttendanceCode, AttendanceImport, AttendanceMark
from pupils.models import ImportMapping, Pupil
from tests.factories import PupilFactory, on_register

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 11, 3)  # autumn term, second half


def make_upn(serial: int) -> str:
    body = f"8501234{24 + serial // 999:02d}{serial % 999 + 1:03d}"
    return upn_scheme.calc_check_digit(body) + body


def school_days(start: dt.date, weeks: int) -> list[dt.date]:
    return [start + dt.timedelta(days=7 * w + d) for w in range(weeks) for d in range(5)]


def mark(pupil: Pupil, day: dt.date, session: str, code: str) -> AttendanceMark:
    return AttendanceMark.objects.create(
        school=pupil.school, pupil=pupil, date=day, session=session, code_id=code
    )


def marks(pupil: Pupil, codes: list[str], start: dt.date = MONDAY) -> None:
    """Give ``pupil`` one mark per session, AM then PM, from ``start`` on school days."""
    days = school_days(start, 10)
    for i, code in enumerate(codes):
        mark(pupil, days[i // 2], "AM" if i % 2 == 0 else "PM", code)


# --- The arithmetic -------------------------------------------------------------------------


def test_codes_are_data_marked_verify() -> None:
    present = AttendanceCode.objects.get(code="/")
    assert present.category == AttendanceCode.Category.PRESENT
    assert str(present).endswith("(verify)")
    assert AttendanceCode.objects.get(code="V").category == AttendanceCode.Category.APPROVED
    assert AttendanceCode.objects.get(code="X").category == AttendanceCode.Category.NOT_REQUIRED
    assert AttendanceCode.objects.filter(verified=True).count() == 0


def test_percentage_counts_present_and_approved_activity_as_attended(world) -> None:
    # 20 sessions: 16 present ("/", "\\", L), 2 off-site educational visit (V), 1 ill, 1 N
    marks(world.pupil, ["/", "\\"] * 7 + ["L", "/", "V", "V", "I", "N"])
    r = figures.pupil_rate(pupil=world.pupil, start=MONDAY, end=MONDAY + dt.timedelta(days=30))
    assert (r.possible, r.attended) == (20, 18)
    assert r.percent == Decimal("90.0")
    assert r.absence == Decimal("10.0")


def test_codes_that_do_not_count_leave_possible_sessions(world) -> None:
    # 10 present, 2 absent, and 8 "not required to attend" (X, #, Y1, D, Z): not possible sessions
    marks(world.pupil, ["/"] * 10 + ["O", "G"] + ["X", "#", "Y1", "D", "Z", "X", "#", "Q"])
    r = figures.pupil_rate(pupil=world.pupil, start=MONDAY, end=MONDAY + dt.timedelta(days=30))
    assert (r.possible, r.attended) == (12, 10)
    assert r.percent == Decimal("83.3")


def test_persistent_absence_starts_at_ten_percent_missed() -> None:
    assert figures.Rate(100, 91).band == ""
    assert figures.Rate(100, 90).band == "persistent"  # missing 10%: persistently absent
    assert figures.Rate(100, 51).band == "persistent"
    assert figures.Rate(100, 50).band == "severe"  # missing half: severely absent
    assert figures.Rate(0, 0).percent is None and figures.Rate(0, 0).band == ""


def test_the_thresholds_are_settings(settings) -> None:
    settings.SEND_HUB_PERSISTENT_ABSENCE_PERCENT = 15
    assert figures.Rate(100, 88).band == ""
    assert figures.Rate(100, 85).band == "persistent"


def test_weeks_put_school_attendance_beside_removals(world) -> None:
    marks(world.pupil, ["/"] * 10 + ["O"] * 4 + ["/"] * 6)  # week 2: 6 of 10
    weeks = figures.weeks(pupil=world.pupil, start=MONDAY, end=MONDAY + dt.timedelta(days=11))
    assert [w.start for w in weeks] == [MONDAY, MONDAY + dt.timedelta(days=7)]
    assert [w.school.percent for w in weeks] == [Decimal("100.0"), Decimal("60.0")]
    assert [w.removals for w in weeks] == [0, 0]


def test_groups_break_down_by_sen_pupil_premium_sex_and_year_marking_small_ones(world) -> None:
    ehcp = PupilFactory(school=world.school, sex="M", nc_year=9, pupil_premium=True)
    on_register(ehcp, "E", "ASD")
    marks(world.pupil, ["/"] * 8 + ["O", "O"])  # K: 80%, persistent
    marks(ehcp, ["/"] * 10)  # E: 100%
    found = dict(
        figures.groups(
            school=world.school,
            start=MONDAY,
            end=MONDAY + dt.timedelta(days=30),
            include_lac=False,
        )
    )
    sen = {g.label: g for g in found["SEN"]}
    assert sen["All pupils"].pupils == 2 and sen["All pupils"].rate.percent == Decimal("90.0")
    assert sen["SEN support (K)"].rate.percent == Decimal("80.0")
    assert sen["SEN support (K)"].persistent == 1 and sen["EHC plan (E)"].persistent == 0
    assert all(g.small for g in found["SEN"])  # two pupils: too few to compare
    assert {g.label for g in found["Disadvantage"]} == {"Pupil premium", "Not pupil premium"}
    assert {g.label: g.pupils for g in found["Year"]} == {"Year 8": 1, "Year 9": 1}
    assert {g.label: g.pupils for g in found["Sex"]}["Male"] == 1


# --- The import -----------------------------------------------------------------------------


def csv_for(
    rows: list[tuple[str, dt.date, str, str]], header: str = "UPN,Date,Session,Mark"
) -> bytes:
    lines = [header] + [f"{u},{d:%d/%m/%Y},{s},{c}" for u, d, s, c in rows]
    return ("\n".join(lines) + "\n").encode()


def half_term_rows(upns: list[str], days: list[dt.date]) -> list[tuple[str, dt.date, str, str]]:
    """Mostly present; every 13th pupil ill on Mondays, every 17th away unexplained on Fridays."""
    rows = []
    for i, upn in enumerate(upns):
        for day in days:
            for session in ("AM", "PM"):
                code = "/" if session == "AM" else "\\"
                if i % 13 == 0 and day.weekday() == 0:
                    code = "I"
                if i % 17 == 0 and day.weekday() == 4:
                    code = "O"
                rows.append((upn, day, session, code))
    return rows


def test_a_half_term_for_1000_pupils_dry_runs_names_bad_rows_applies_and_reimports_a_week(
    world,
) -> None:
    upns = [make_upn(i) for i in range(1000)]
    Pupil.objects.bulk_create(
        [
            Pupil(
                school=world.school,
                upn=upn,
                legal_forename=f"Fake{i}",
                legal_surname="Pupil",
                date_of_birth=dt.date(2013, 5, 4),
                sex="F",
                nc_year=8,
            )
            for i, upn in enumerate(upns)
        ]
    )
    days = school_days(MONDAY, 6)
    rows = half_term_rows(upns, days)
    assert len(rows) == 60_000
    sendco = world.users["sendco"]

    # Bad rows: an unknown code, a UPN no pupil has, a date that is not one, a third session,
    # and a session given twice. Each is named by its line; nothing is written.
    bad = [
        *rows,
        (upns[0], days[0], "AM", "QQ"),
        (make_upn(5000), days[0], "AM", "/"),
        (upns[1], dt.date(2025, 11, 3), "EVENING", "/"),
    ]
    content = csv_for(bad).replace(b"03/11/2025,EVENING", b"31/11/2025,EVENING")
    batch = import_create(school=world.school, original_name="bad.csv", content=content, by=sendco)
    assert batch.summary["dry_run"]["errors"] == 3  # the QQ line also repeats upns[0]'s AM
    plan = plan_marks(school=world.school, content=content, columns=batch.summary["columns"])
    problems = {r.line: " ".join(r.errors) for r in plan.error_rows}
    assert "not an attendance code" in problems[60_002]
    assert "also on line 2" in problems[60_002]
    assert "No pupil in this school has the UPN" in problems[60_003]
    assert "is not a date" in problems[60_004] and "not a session" in problems[60_004]
    with pytest.raises(ImportRefused):
        import_apply(batch=batch, by=sendco)
    assert not AttendanceMark.objects.exists()

    # The clean half term: a dry run of 60,000 new marks, applied all at once.
    content = csv_for(rows)
    batch = import_create(school=world.school, original_name="ht2.csv", content=content, by=sendco)
    assert batch.summary["dry_run"] == {
        "created": 60_000,
        "changed": 0,
        "unchanged": 0,
        "removed": 0,
        "errors": 0,
    }
    assert not AttendanceMark.objects.exists()  # a dry run writes nothing
    counts = import_apply(batch=batch, by=sendco)
    assert counts["created"] == 60_000
    assert AttendanceMark.objects.filter(school=world.school).count() == 60_000
    with pytest.raises(ImportRefused, match="already imported"):
        import_apply(batch=batch, by=sendco)

    # The same week again: nothing changes.
    week = [r for r in rows if days[5] <= r[1] <= days[9]]
    again = import_create(
        school=world.school, original_name="week.csv", content=csv_for(week), by=sendco
    )
    assert again.summary["dry_run"]["unchanged"] == 10_000
    assert import_apply(batch=again, by=sendco) == {
        "created": 0,
        "changed": 0,
        "unchanged": 10_000,
        "removed": 0,
        "errors": 0,
    }
    assert AttendanceMark.objects.count() == 60_000

    # A corrected week replaces that week: one mark changed, one session dropped from the file.
    corrected = [(week[0][0], week[0][1], week[0][2], "M"), *week[1:-1]]
    fixed = import_create(
        school=world.school, original_name="fix.csv", content=csv_for(corrected), by=sendco
    )
    counts = import_apply(batch=fixed, by=sendco)
    assert (counts["changed"], counts["removed"], counts["created"]) == (1, 1, 0)
    assert AttendanceMark.objects.count() == 59_999
    first = AttendanceMark.objects.get(pupil__upn=week[0][0], date=week[0][1], session="AM")
    assert first.code_id == "M"


def test_columns_are_found_by_their_usual_names_and_a_mapping_is_saved(world) -> None:
    client = world.client("behaviour_support")
    content = csv_for(
        [(world.pupil.upn, MONDAY, "am", "/"), (world.pupil.upn, MONDAY, "pm", "L")],
        header="Pupil UPN,Session Date,AM/PM,Attendance Mark",
    )
    upload = SimpleUploadedFile("marks.csv", content, content_type="text/csv")
    response = client.post(
        reverse("interventions:attendance_import"),
        {
            "file": upload,
            "source": "BROMCOM",
            "col_upn": "Pupil UPN",
            "col_date": "",
            "col_session": "",
            "col_code": "",
            "save_as": "Bromcom weekly",
        },
    )
    batch = AttendanceImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "interventions:attendance_import_preview", args=[batch.pk]
    )
    mapping = ImportMapping.objects.get(kind=ImportMapping.Kind.ATTENDANCE)
    assert mapping.name == "Bromcom weekly" and mapping.columns["upn"] == "Pupil UPN"
    preview = client.get(response["Location"])
    assert b"2</strong> new" in preview.content
    applied = client.post(response["Location"])
    assert applied.status_code == 302
    assert sorted(AttendanceMark.objects.values_list("session", "code_id")) == [
        ("AM", "/"),
        ("PM", "L"),
    ]


def test_a_file_without_the_columns_names_what_it_has(world) -> None:
    content = b"Name,When\nA,1/1/2025\n"
    batch = import_create(school=world.school, original_name="x.csv", content=content, by=None)
    plan = plan_marks(school=world.school, content=content, columns=batch.summary["columns"])
    assert plan.file_errors and not plan.ok
    assert "UPN" in " ".join(plan.file_errors)


# --- Pages ----------------------------------------------------------------------------------


def test_the_pupil_page_shows_attendance_to_key_adults_not_teachers(world) -> None:
    today = timezone.localdate()
    mark(world.pupil, today, "AM", "/")
    mark(world.pupil, today, "PM", "O")
    url = reverse("pupils:attendance", args=[world.pupil.pk])
    page = world.client("lsa_caseload").get(url)
    assert b'id="attendance-h"' in page.content and b"50.0%" in page.content
    assert b"Severely absent" in page.content
    assert b'id="attendance-h"' not in world.client("teacher").get(url).content


def test_overview_lists_persistent_absence_in_few_queries(
    world, django_assert_max_num_queries
) -> None:
    today = timezone.localdate()
    for _ in range(5):
        p = PupilFactory(school=world.school)
        mark(p, today, "AM", "/")
        mark(p, today, "PM", "N")
    client = world.client("behaviour_support")
    with django_assert_max_num_queries(20):
        page = client.get(reverse("interventions:attendance"))
    assert page.status_code == 200
    assert b"Persistently absent this term (5)" in page.content


def test_the_nightly_folder_import_applies_good_files_and_sets_bad_ones_aside(
    world, settings, tmp_path
) -> None:
    world.school.urn = "990199"
    world.school.save(update_fields=["urn"])
    folder = tmp_path / "990199"
    folder.mkdir()
    (folder / "monday.csv").write_bytes(csv_for([(world.pupil.upn, MONDAY, "AM", "/")]))
    (folder / "broken.csv").write_bytes(csv_for([(world.pupil.upn, MONDAY, "AM", "??")]))
    settings.SEND_HUB_ATTENDANCE_DROP_DIR = str(tmp_path)
    assert folder_import_all() == {"applied": 1, "failed": 1}
    assert (folder / "done" / "monday.csv").exists() and (folder / "failed" / "broken.csv").exists()
    assert list(AttendanceMark.objects.values_list("code_id", flat=True)) == ["/"]
    assert AttendanceImport.objects.filter(applied_at__isnull=True).count() == 1  # kept to read
    assert folder_import_all() == {"applied": 0, "failed": 0}  # nothing is read twice
