"""Importing pupils from a MIS CSV export or a CTF: a dry run, then all or nothing."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from pupils.demo import make_upn
from pupils.forms.imports import ImportUploadForm
from pupils.importers import (
    ImportRefused,
    batch_apply,
    batch_create,
    ctf,
    mis_csv,
    parse_batch,
    plan_import,
)
from pupils.importers.apply import CONFIRM, ERROR
from pupils.importers.values import parse_nc_year
from pupils.models import ImportBatch, ImportMapping, Pupil, SENStatus
from staff.models import AuditEvent
from tests.conftest import PERSONAS, World
from tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
SIMS = mis_csv.DEFAULT_COLUMNS["SIMS"]
SIMS_HEADER = (
    '"UPN","Legal Surname","Legal Forename","Preferred Forename","DOB","Gender","Year","Reg",'
    '"SEN Status","Primary Need","Secondary Need","SEN Start Date"'
)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def upn(serial: int) -> str:
    return make_upn("850", "2001", 19, serial)


def sims_csv(*rows: str) -> bytes:
    return ("\r\n".join([SIMS_HEADER, *rows]) + "\r\n").encode()


def ctf_file(*pupils: str) -> bytes:
    body = "".join(pupils)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!-- SYNTHETIC -->\n<CTfile><Header>'
        "<SourceSchool><LEA>850</LEA><Estab>2001</Estab><URN>999001</URN>"
        "<SchoolName>Synthetic School</SchoolName></SourceSchool></Header>"
        f"<CTFpupilData>{body}</CTFpupilData></CTfile>"
    ).encode()


def ctf_pupil(upn_: str, sen: str = "", surname: str = "Fakename", extra: str = "") -> str:
    return (
        f"<Pupil><UPN>{upn_}</UPN><Surname>{surname}</Surname><Forename>Ada</Forename>"
        f"<DOB>2013-05-04</DOB><Sex>F</Sex><BasicDetails><NCyearActual>7</NCyearActual>"
        f"</BasicDetails>{extra}{f'<SENhistory>{sen}</SENhistory>' if sen else ''}</Pupil>"
    )


def sen(start: str, provision: str) -> str:
    return f"<SEN><StartDate>{start}</StartDate><SENprovision>{provision}</SENprovision></SEN>"


def needs(*codes: str) -> str:
    items = "".join(
        f"<SENneed><SENtypeRank>{rank}</SENtypeRank><SENtype>{code}</SENtype></SENneed>"
        for rank, code in enumerate(codes, start=1)
    )
    return f"<SENneeds>{items}</SENneeds>"


def upload(
    world: World, content: bytes, kind: str = "CTF", columns: dict[str, str] | None = None
) -> ImportBatch:
    return batch_create(
        school=world.school,
        kind=kind,
        original_name="synthetic",
        content=content,
        by=world.users["sendco"],
        columns=columns if kind == "CSV" else None,
    )


def apply(world: World, content: bytes, kind: str = "CTF", **kwargs: Any) -> dict[str, int]:
    columns = kwargs.pop("columns", SIMS)
    batch = upload(world, content, kind, columns)
    return batch_apply(batch=batch, by=world.users["sendco"], **kwargs)


def history(pupil: Pupil) -> list[tuple[str, dt.date, dt.date | None, list[str]]]:
    return [
        (s.provision, s.start_date, s.end_date, [n.need for n in s.needs.all()])
        for s in pupil.sen_statuses.order_by("start_date").prefetch_related("needs")
    ]


# --- Parsing ---------------------------------------------------------------------------------


def test_ctf_fixture_gives_pupils_history_and_maps_legacy_codes() -> None:
    parsed = ctf.parse(fixture("ctf_joiners_SYNTHETIC.xml"))
    assert parsed.file_errors == []
    assert "Synthetic Primary School" in parsed.info["source_school"]
    ada, ben, cleo = parsed.rows
    assert (ada.upn, ada.fields["nc_year"], ada.fields["sex"]) == ("A850200119001", 6, "F")
    assert [(p.provision, p.needs) for p in ada.sen] == [("K", []), ("E", ["ASD", "SLCN"])]
    # older layout: Gender, NCyearActual directly under Pupil; legacy A and BESD
    assert (ben.fields["sex"], ben.fields["nc_year"], ben.fields["preferred_forename"]) == (
        "M",
        6,
        "Ben",
    )
    assert [(p.provision, p.needs) for p in ben.sen] == [("K", ["SEMH"])]
    assert any("BESD" in n for n in ben.notes) and any("Legacy provision A" in n for n in ben.notes)
    assert cleo.sen is None and not cleo.errors


@pytest.mark.parametrize(
    ("name", "source", "encoding", "forename"),
    [
        ("sims_SYNTHETIC_windows1252.csv", "SIMS", "Windows-1252", "Zoë"),
        ("arbor_SYNTHETIC_utf8_bom.csv", "ARBOR", "UTF-8", "Élodie"),
        ("bromcom_SYNTHETIC.csv", "BROMCOM", "UTF-8", "Ola"),
    ],
)
def test_csv_fixtures_parse_in_their_encoding(
    name: str, source: str, encoding: str, forename: str
) -> None:
    parsed = mis_csv.parse(fixture(name), mis_csv.DEFAULT_COLUMNS[source])
    assert parsed.file_errors == []
    assert parsed.info["encoding"] == encoding
    assert all(not row.errors for row in parsed.rows)
    assert parsed.rows[0].fields["legal_forename"] == forename
    assert parsed.rows[0].upn.startswith(("G", "Z", "N"))


def test_csv_reads_school_ways_of_writing_years_sexes_and_codes() -> None:
    parsed = mis_csv.parse(
        fixture("arbor_SYNTHETIC_utf8_bom.csv"), mis_csv.DEFAULT_COLUMNS["ARBOR"]
    )
    reception, nursery, year7 = parsed.rows
    assert (reception.fields["nc_year"], nursery.fields["nc_year"], year7.fields["nc_year"]) == (
        0,
        -1,
        7,
    )
    assert reception.sen[0].needs == ["SLCN"]  # from the label "Speech, language and ..."
    sims = mis_csv.parse(fixture("sims_SYNTHETIC_windows1252.csv"), SIMS)
    assert [r.fields["sex"] for r in sims.rows] == ["F", "M", "F"]
    assert sims.rows[0].fields["date_of_birth"] == dt.date(2013, 5, 4)
    assert [r.sen[0].provision for r in sims.rows] == ["K", "E", "N"]


@pytest.mark.parametrize(
    ("text", "year"),
    [("Year 7", 7), ("7", 7), ("Y11", 11), ("R", 0), ("Reception", 0), ("N1", -2), ("N2", -1)],
)
def test_nc_year_forms(text: str, year: int) -> None:
    assert parse_nc_year(text) == year


# --- Applying --------------------------------------------------------------------------------


def test_ctf_import_creates_pupils_with_their_sen_history(world: World) -> None:
    counts = apply(world, fixture("ctf_joiners_SYNTHETIC.xml"))
    assert (counts["created"], counts["updated"], counts["errors"]) == (3, 0, 0)
    ada = Pupil.objects.get(school=world.school, upn="A850200119001")
    assert history(ada) == [
        ("K", dt.date(2019, 9, 2), dt.date(2022, 1, 9), []),
        ("E", dt.date(2022, 1, 10), None, ["ASD", "SLCN"]),
    ]
    ben = Pupil.objects.get(school=world.school, upn="P850200119002")
    assert history(ben) == [("K", dt.date(2013, 9, 3), None, ["SEMH"])]
    cleo = Pupil.objects.get(school=world.school, upn="D850200119003")
    assert history(cleo) == []
    event = AuditEvent.objects.get(action="pupils.import.applied")
    assert event.data["created"] == 3
    assert "Fakename" not in str(event.data) and "A850200119001" not in str(event.data)


def test_csv_import_creates_then_updates_without_duplicating(world: World) -> None:
    content = fixture("sims_SYNTHETIC_windows1252.csv")
    first = apply(world, content, kind="CSV")
    assert first["created"] == 3
    again = apply(world, content, kind="CSV")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    changed = content.replace(b"Fakename", b"Fakenamer").replace(b"Year 7", b"Year 8")
    third = apply(world, changed, kind="CSV")
    assert (third["created"], third["updated"]) == (0, 2)
    assert Pupil.objects.filter(school=world.school, upn="G850200119005").count() == 1
    zoe = Pupil.objects.get(school=world.school, upn="G850200119005")
    assert (zoe.legal_surname, zoe.nc_year) == ("Fakenamer", 8)
    assert Pupil.objects.filter(school=world.school).count() == 1 + 3  # world.pupil + file


def test_the_same_upn_in_another_school_is_a_different_pupil(world: World) -> None:
    other = PupilFactory(school=world.other_school, upn="A850200119001")
    apply(world, fixture("ctf_joiners_SYNTHETIC.xml"))
    surname = other.legal_surname
    other.refresh_from_db()
    assert other.legal_surname == surname
    assert Pupil.objects.filter(upn="A850200119001").count() == 2


def test_newer_file_status_is_recorded_and_missing_history_added(world: World) -> None:
    pupil = world.pupil  # K (SLCN, SEMH) open since 6 January 2025
    content = ctf_file(
        ctf_pupil(
            pupil.upn,
            sen=sen("2020-09-01", "K") + sen("2025-06-02", "E") + needs("ASD"),
            surname=pupil.legal_surname,
        )
    )
    counts = apply(world, content)
    assert counts["updated"] == 1
    assert history(pupil) == [
        ("K", dt.date(2020, 9, 1), dt.date(2025, 1, 5), []),
        ("K", dt.date(2025, 1, 6), dt.date(2025, 6, 1), ["SLCN", "SEMH"]),
        ("E", dt.date(2025, 6, 2), None, ["ASD"]),
    ]


def test_older_file_leaves_our_newer_status_alone(world: World) -> None:
    pupil = world.pupil
    content = ctf_file(
        ctf_pupil(pupil.upn, sen=sen("2023-09-04", "E") + needs("ASD"), surname=pupil.legal_surname)
    )
    parsed = ctf.parse(content)
    plan = plan_import(school=world.school, parsed=parsed)
    assert "SEN left alone: our record is newer." in plan.rows[0].notes
    apply(world, content)
    assert history(pupil) == [
        ("E", dt.date(2023, 9, 4), dt.date(2025, 1, 5), ["ASD"]),
        ("K", dt.date(2025, 1, 6), None, ["SLCN", "SEMH"]),
    ]


def test_reimporting_history_we_already_hold_changes_nothing(world: World) -> None:
    apply(world, fixture("ctf_joiners_SYNTHETIC.xml"))
    before = SENStatus.objects.count()
    counts = apply(world, fixture("ctf_joiners_SYNTHETIC.xml"))
    assert (counts["created"], counts["updated"], counts["unchanged"]) == (0, 0, 3)
    assert SENStatus.objects.count() == before


def test_legacy_statement_needs_a_person_to_confirm(world: World) -> None:
    content = fixture("ctf_statement_SYNTHETIC.xml")
    plan = plan_import(school=world.school, parsed=ctf.parse(content))
    assert plan.rows[0].action == CONFIRM and not plan.ok
    batch = upload(world, content)
    with pytest.raises(ImportRefused, match="legacy statements"):
        batch_apply(batch=batch, by=world.users["sendco"])
    assert not Pupil.objects.filter(upn="T850200119004").exists()
    batch_apply(batch=batch, by=world.users["sendco"], confirm_statements=True)
    dev = Pupil.objects.get(upn="T850200119004")
    assert history(dev) == [("E", dt.date(2013, 10, 1), None, ["HI"])]


def test_applying_a_batch_twice_is_refused(world: World) -> None:
    batch = upload(world, fixture("ctf_joiners_SYNTHETIC.xml"))
    batch_apply(batch=batch, by=world.users["sendco"])
    with pytest.raises(ImportRefused, match="already imported"):
        batch_apply(batch=batch, by=world.users["sendco"])
    assert Pupil.objects.filter(upn="A850200119001").count() == 1
    assert AuditEvent.objects.filter(action="pupils.import.applied").count() == 1


CTF_CASES = [
    (b"<CTfile><CTFpupilData><Pupil>", "not well-formed XML"),
    (fixture("ctf_entities_SYNTHETIC.xml"), "DOCTYPE or ENTITY"),
    ("<CTfile/>".encode("utf-16"), "not UTF-8"),
    (b"<Other/>", "not a Common Transfer File"),
    (ctf_file(), "no pupils"),
    (b"", "empty"),
    (ctf_file(ctf_pupil("A850200119000")), "not a valid UPN"),
    (ctf_file(ctf_pupil(upn(1), sen=sen("2024-09-02", "Q"))), "not a SEN provision code"),
    (ctf_file(ctf_pupil(upn(1), sen=sen("2024-09-02", "K") + needs("ZZZ"))), "Unknown type"),
    (ctf_file(ctf_pupil(upn(1), sen=sen("2024-09-02", "E"))), "need a primary type of need"),
    (ctf_file(ctf_pupil(upn(1), sen=sen("2024-09-02", "E") + needs("NSA"))), "NSA"),
    (ctf_file(ctf_pupil(upn(1)), ctf_pupil(upn(1))), "appears more than once"),
]


@pytest.mark.parametrize(("content", "message"), CTF_CASES)
def test_malformed_ctf_changes_nothing_and_says_why(
    world: World, content: bytes, message: str
) -> None:
    pupils, statuses = Pupil.objects.count(), SENStatus.objects.count()
    batch = upload(world, content)
    plan = plan_import(school=world.school, parsed=parse_batch(batch))
    shown = plan.file_errors + [e for r in plan.rows for e in r.errors]
    assert any(message in e for e in shown), shown
    with pytest.raises(ImportRefused):
        batch_apply(batch=batch, by=world.users["sendco"])
    assert (Pupil.objects.count(), SENStatus.objects.count()) == (pupils, statuses)
    assert ImportBatch.objects.get(pk=batch.pk).applied_at is None


def test_ctf_errors_name_the_pupil_position(world: World) -> None:
    content = ctf_file(ctf_pupil(upn(1)), ctf_pupil("A850200119000"))
    plan = plan_import(school=world.school, parsed=ctf.parse(content))
    bad = [r for r in plan.rows if r.action == ERROR]
    assert [(r.row.where, r.row.upn) for r in bad] == [("Pupil 2", "A850200119000")]


def test_csv_errors_come_with_line_numbers_and_change_nothing(world: World) -> None:
    pupils = Pupil.objects.count()
    plan = plan_import(
        school=world.school, parsed=mis_csv.parse(fixture("sims_errors_SYNTHETIC.csv"), SIMS)
    )
    errors = {r.row.where: " ".join(r.errors) for r in plan.rows if r.action == ERROR}
    assert "not a valid UPN" in errors["Line 2"]
    assert "Unknown type of need: XYZ" in errors["Line 3"]
    assert "primary type of need" in errors["Line 4"]
    assert "NSA" in errors["Line 5"]
    assert "appears more than once (first at line 3)" in errors["Line 6"]
    assert "not a date" in errors["Line 7"]
    with pytest.raises(ImportRefused, match="6 row"):
        apply(world, fixture("sims_errors_SYNTHETIC.csv"), kind="CSV")
    assert Pupil.objects.count() == pupils


GOOD_ROW = f'"{upn(1)}","Fakename","Ada","","04/05/2013","F","7","7A","K","SLCN","",""'
CSV_CASES = [
    (b"", SIMS, "empty"),
    (SIMS_HEADER.encode() + b"\r\n", SIMS, "no pupils"),
    (b'"UPN","Surname"\r\n"x","y"\r\n', SIMS, "no column 'Legal Surname'"),
    (sims_csv(GOOD_ROW).replace(b"Fakename", b"Fake\x81name"), SIMS, "neither UTF-8"),
    (sims_csv(GOOD_ROW).decode().encode("utf-16"), SIMS, "UTF-16"),
    (b"PK\x03\x04rest-of-a-zip", SIMS, "Excel workbook"),
    (sims_csv(GOOD_ROW.replace('"K","SLCN"', '"K",""')), SIMS, "primary type of need"),
    (sims_csv(GOOD_ROW.replace('"7","7A"', '"Year 15","7A"')), SIMS, "not an NC year"),
    (sims_csv(GOOD_ROW.replace('"F"', '"U"')), SIMS, "not a recorded sex"),
    (sims_csv(GOOD_ROW), {**SIMS, "legal_surname": ""}, "Choose the column for"),
]


@pytest.mark.parametrize(("content", "columns", "message"), CSV_CASES)
def test_malformed_csv_changes_nothing_and_says_why(
    world: World, content: bytes, columns: dict[str, str], message: str
) -> None:
    pupils = Pupil.objects.count()
    batch = upload(world, content, kind="CSV", columns=columns)
    plan = plan_import(school=world.school, parsed=parse_batch(batch))
    shown = plan.file_errors + [f"{r.row.where}: {e}" for r in plan.rows for e in r.errors]
    assert any(message in e for e in shown), shown
    with pytest.raises(ImportRefused):
        batch_apply(batch=batch, by=world.users["sendco"])
    assert Pupil.objects.count() == pupils


def test_csv_accepts_utf8_with_and_without_bom_and_windows_1252(world: World) -> None:
    row = GOOD_ROW.replace("Ada", "Zoë")
    for content in (
        sims_csv(row),
        b"\xef\xbb\xbf" + sims_csv(row),
        ("\r\n".join([SIMS_HEADER, row]) + "\r\n").encode("cp1252"),
    ):
        parsed = mis_csv.parse(content, SIMS)
        assert parsed.file_errors == [] and parsed.rows[0].fields["legal_forename"] == "Zoë"


def test_a_file_over_10_mb_is_refused(world: World) -> None:
    big = b"x" * (10 * 1024 * 1024 + 1)
    with pytest.raises(ImportRefused, match="limit is 10 MB"):
        upload(world, big)
    form = ImportUploadForm(
        {"kind": "CTF"}, {"file": SimpleUploadedFile("big.xml", big, "text/xml")}
    )
    assert not form.is_valid() and "limit is 10 MB" in str(form.errors["file"])
    assert not ImportBatch.objects.exists()


def test_csv_status_change_without_a_start_date_opens_from_today(world: World) -> None:
    pupil = world.pupil
    row = (
        f'"{pupil.upn}","{pupil.legal_surname}","{pupil.legal_forename}","",'
        f'"{pupil.date_of_birth:%d/%m/%Y}","F","8","","E","ASD","",""'
    )
    apply(world, sims_csv(row), kind="CSV")
    current = pupil.sen_statuses.get(end_date__isnull=True)
    assert current.provision == "E" and current.start_date == timezone.localdate()
    assert pupil.sen_statuses.count() == 2


def test_dry_run_and_apply_query_counts_do_not_grow_with_rows(
    world: World, django_assert_max_num_queries: Any
) -> None:
    rows = [
        f'"{make_upn("850", "2001", 20, i)}","Fake{i}","Ada","","04/05/2013","F","7","7A",'
        f'"K","SLCN","","01/09/2024"'
        for i in range(1, 201)
    ]
    batch = upload(world, sims_csv(*rows), kind="CSV", columns=SIMS)
    with django_assert_max_num_queries(5):
        plan_import(school=world.school, parsed=parse_batch(batch))
    with django_assert_max_num_queries(25):
        batch_apply(batch=batch, by=world.users["sendco"])
    assert Pupil.objects.filter(school=world.school).count() == 201


# --- Management commands ---------------------------------------------------------------------


def test_import_ctf_command_dry_runs_then_applies(world: World, tmp_path: Path) -> None:
    path = tmp_path / "joiners.xml"
    path.write_bytes(fixture("ctf_joiners_SYNTHETIC.xml"))
    out = io.StringIO()
    call_command("import_ctf", str(path), school=world.school.urn, stdout=out)
    assert "3 new" in out.getvalue() and "Nothing was changed" in out.getvalue()
    assert not Pupil.objects.filter(upn="A850200119001").exists()
    call_command("import_ctf", str(path), "--apply", school=world.school.urn, stdout=io.StringIO())
    assert Pupil.objects.filter(upn="A850200119001").exists()


def test_import_ctf_command_exits_non_zero_on_statements(world: World, tmp_path: Path) -> None:
    path = tmp_path / "s.xml"
    path.write_bytes(fixture("ctf_statement_SYNTHETIC.xml"))
    with pytest.raises(CommandError, match="legacy statements"):
        call_command(
            "import_ctf", str(path), "--apply", school=world.school.urn, stdout=io.StringIO()
        )
    call_command(
        "import_ctf",
        str(path),
        "--apply",
        "--confirm-statements",
        school=world.school.urn,
        stdout=io.StringIO(),
    )
    assert Pupil.objects.filter(upn="T850200119004").exists()


def test_import_mis_csv_command_reports_line_errors(world: World, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(fixture("sims_errors_SYNTHETIC.csv"))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_mis_csv",
            str(path),
            "--apply",
            school=world.school.urn,
            source="SIMS",
            stdout=out,
        )
    assert "Line 3 (UPN P850200119002): SEN K: Unknown type of need: XYZ." in out.getvalue()
    assert Pupil.objects.filter(school=world.school).count() == 1


def test_import_mis_csv_command_uses_a_saved_mapping(world: World, tmp_path: Path) -> None:
    ImportMapping.objects.create(
        school=world.school,
        name="Our Arbor",
        source="ARBOR",
        columns=mis_csv.DEFAULT_COLUMNS["ARBOR"],
    )
    path = tmp_path / "arbor.csv"
    path.write_bytes(fixture("arbor_SYNTHETIC_utf8_bom.csv"))
    call_command(
        "import_mis_csv",
        str(path),
        "--apply",
        school=world.school.urn,
        mapping="Our Arbor",
        stdout=io.StringIO(),
    )
    assert Pupil.objects.filter(school=world.school).count() == 4
    with pytest.raises(CommandError, match="no saved mapping"):
        call_command(
            "import_mis_csv",
            str(path),
            school=world.school.urn,
            mapping="Nope",
            stdout=io.StringIO(),
        )


# --- The pages -------------------------------------------------------------------------------


def test_sendco_uploads_previews_and_applies(world: World) -> None:
    client = world.client("sendco")
    assert client.get(reverse("pupils:import_start")).status_code == 200
    response = client.post(
        reverse("pupils:import_start"),
        {
            "kind": "CSV",
            "file": SimpleUploadedFile("sims.csv", fixture("sims_SYNTHETIC_windows1252.csv")),
            "source": "SIMS",
            "save_as": "Our SIMS",
            **{f"col_{k}": v for k, v in SIMS.items()},
        },
    )
    batch = ImportBatch.objects.get(school=world.school)
    assert response.status_code == 302
    assert response["Location"] == reverse("pupils:import_preview", args=[batch.pk])
    assert (
        ImportMapping.objects.get(school=world.school, name="Our SIMS").columns["sex"] == "Gender"
    )
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert "Seán" in preview.content.decode() and "New pupil" in preview.content.decode()
    assert not Pupil.objects.filter(upn="G850200119005").exists()
    applied = client.post(reverse("pupils:import_apply", args=[batch.pk]), follow=True)
    assert "Imported: 3 new" in applied.content.decode()
    assert Pupil.objects.filter(school=world.school, upn="G850200119005").exists()
    again = client.post(reverse("pupils:import_apply", args=[batch.pk]), follow=True)
    assert "already imported" in again.content.decode()


def test_saved_mapping_fills_in_the_columns(world: World) -> None:
    mapping = ImportMapping.objects.create(
        school=world.school,
        name="Custom",
        source="OTHER",
        columns={**SIMS, "legal_surname": "Family name"},
    )
    response = world.client("sendco").get(
        reverse("pupils:import_start"), {"start_from": f"saved:{mapping.pk}"}
    )
    assert 'value="Family name"' in response.content.decode()


def test_preview_shows_errors_and_offers_statement_confirmation(world: World) -> None:
    client = world.client("sendco")
    batch = upload(world, fixture("ctf_statement_SYNTHETIC.xml"))
    page = client.get(reverse("pupils:import_preview", args=[batch.pk])).content.decode()
    assert "Treat legacy statements (S) as EHC plans" in page and "Needs confirmation" in page
    refused = client.post(reverse("pupils:import_apply", args=[batch.pk]), follow=True)
    assert "Nothing was imported" in refused.content.decode()
    client.post(reverse("pupils:import_apply", args=[batch.pk]), {"confirm_statements": "on"})
    assert Pupil.objects.filter(upn="T850200119004").exists()


def test_preview_of_a_broken_file_is_a_page_not_a_500(world: World) -> None:
    batch = upload(world, b"<CTfile><oops>")
    response = world.client("sendco").get(reverse("pupils:import_preview", args=[batch.pk]))
    assert response.status_code == 200 and "not well-formed XML" in response.content.decode()


def test_teacher_cannot_open_the_import_page(world: World) -> None:
    assert world.client("teacher").get(reverse("pupils:import_start")).status_code == 403


def test_another_schools_batch_is_not_found(world: World) -> None:
    batch = upload(world, fixture("ctf_joiners_SYNTHETIC.xml"))
    client = world.client("other_school")
    assert client.get(reverse("pupils:import_preview", args=[batch.pk])).status_code == 404
    assert client.post(reverse("pupils:import_apply", args=[batch.pk])).status_code == 404
    assert not Pupil.objects.filter(upn="A850200119001").exists()


def test_apply_is_post_only(world: World) -> None:
    batch = upload(world, fixture("ctf_joiners_SYNTHETIC.xml"))
    response = world.client("sendco").get(reverse("pupils:import_apply", args=[batch.pk]))
    assert response.status_code == 405


EXPECTED = {
    # url name: (default for staff of the school, exceptions)
    "pupils:import_start": ("403", {"sendco": "200", "other_school": "200"}),
    "pupils:import_preview": ("403", {"sendco": "200", "other_school": "404"}),
    "pupils:import_apply": ("403", {"sendco": "405", "other_school": "405"}),  # GET
    "pupils:ctf_export": ("403", {"sendco": "200", "other_school": "404"}),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name", sorted(EXPECTED))
def test_who_may_open_the_import_pages(world: World, url_name: str, persona: str) -> None:
    batch = ImportBatch.objects.create(
        school=world.school, kind="CTF", original_name="x.xml", content=b"<CTfile/>"
    )
    Pupil.objects.filter(pk=world.pupil.pk).update(leaving_date=dt.date(2025, 7, 18))
    args = [world.pupil.pk] if url_name == "pupils:ctf_export" else []
    if url_name in ("pupils:import_preview", "pupils:import_apply"):
        args = [batch.pk]
    response = world.client(persona).get(reverse(url_name, args=args))
    default, exceptions = EXPECTED[url_name]
    if persona == "anonymous":
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    else:
        assert str(response.status_code) == exceptions.get(persona, default)


def _declaring(encoding: str) -> bytes:
    return ctf_file(ctf_pupil(upn(1))).replace(
        b'encoding="UTF-8"', f'encoding="{encoding}"'.encode()
    )


@pytest.mark.parametrize("encoding", ["UTF-7", "utf-32", "EBCDIC-CP-US", "x-made-up"])
def test_a_ctf_in_an_unreadable_encoding_is_refused_with_a_message(
    world: World, encoding: str
) -> None:
    client = world.client("sendco")
    response = client.post(
        reverse("pupils:import_start"),
        {"kind": "CTF", "file": SimpleUploadedFile("joiners.xml", _declaring(encoding))},
    )
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    page = preview.content.decode()
    assert f"written in the {encoding} encoding" in page and "as UTF-8" in page
    batch = ImportBatch.objects.get(school=world.school)
    with pytest.raises(ImportRefused):
        batch_apply(batch=batch, by=world.users["sendco"])
    assert not Pupil.objects.filter(upn=upn(1)).exists()


def test_a_ctf_in_windows_1252_is_still_read() -> None:
    content = _declaring("windows-1252").replace(b"Fakename", "Se\xe1n".encode("cp1252"))
    parsed = ctf.parse(content)
    assert parsed.file_errors == []
    assert parsed.rows[0].fields["legal_surname"] == "Seán"
