"""The row model every importer fills, the dry run that plans changes, and the all-or-nothing apply.

Parsers (``ctf.py``, ``mis_csv.py``) turn a file into ``PupilRow`` objects with per-row errors,
reading values with ``values.py``.
``plan_import`` compares them with the school's pupils (one query for all of them) and says what
would be created, updated or left alone; ``write_plan`` writes a clean plan with bulk queries.
``pupils.importers.batch_apply`` wraps both in one transaction: all of a file, or nothing.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils import timezone

from pupils.models import (
    NC_YEAR_CHOICES,
    Provision,
    Pupil,
    SENNeed,
    SENStatus,
)
from pupils.services import sen_status_record, validate_needs
from pupils.services.register_figures import register_changed
from send_hub.lib.dates import nice_date
from staff.models import School, User

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def upload_size_check(upload: Any, *, too_big_hint: str) -> Any:
    """Return an uploaded import file, or refuse an empty one or one over the limit."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"The file is {upload.size / 1024 / 1024:.1f} MB: the limit is 10 MB. {too_big_hint}"
        )
    if upload.size == 0:
        raise ValidationError("The file is empty.")
    return upload


# Existing pupils are fetched by UPN in chunks this big: one query for any real school's file,
# while staying far below SQLite's limit on query parameters.
UPN_CHUNK = 5000


CREATE, UPDATE, UNCHANGED, ERROR, CONFIRM = "create", "update", "unchanged", "error", "confirm"


CONFIRM_LABEL = "Treat legacy statements (S) as EHC plans"


FIELD_LABELS = {
    "legal_surname": "Legal surname",
    "legal_forename": "Legal forename",
    "preferred_surname": "Preferred surname",
    "preferred_forename": "Preferred forename",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "nc_year": "NC year",
    "registration_group": "Registration group",
    "ethnicity": "Ethnicity",
}


class ImportRefused(Exception):
    """A file or batch that cannot be imported, with a message a person can act on."""


@dataclass
class SENPeriod:
    """One SEN provision period as a file states it (legacy codes already mapped)."""

    provision: str
    start_date: dt.date | None  # None: the file gives no date (some CSV exports)
    needs: list[str] = field(default_factory=list)
    legacy_statement: bool = False  # the file said S; becomes E only once a person confirms
    strict: bool = True  # False: an earlier CTF period whose needs the file does not give


@dataclass
class PupilRow:
    """One pupil as a file states it. ``fields`` holds only what the file says."""

    where: str  # "Line 5" or "Pupil 3": how a person finds the row in their file
    upn: str
    fields: dict[str, Any] = field(default_factory=dict)
    sen: list[SENPeriod] | None = None  # None: the file says nothing about SEN
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        forename = self.fields.get("preferred_forename") or self.fields.get("legal_forename", "")
        surname = self.fields.get("preferred_surname") or self.fields.get("legal_surname", "")
        return f"{forename} {surname}".strip()


@dataclass
class ParseResult:
    rows: list[PupilRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    info: dict[str, str] = field(default_factory=dict)


@dataclass
class NewPeriod:
    provision: str
    start_date: dt.date
    end_date: dt.date | None
    needs: list[str]


@dataclass
class RowPlan:
    row: PupilRow
    action: str
    pupil: Pupil | None = None
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    updates: dict[str, Any] = field(default_factory=dict)
    add_periods: list[NewPeriod] = field(default_factory=list)
    record: NewPeriod | None = None  # opened with sen_status_record, closing our open status

    @property
    def target(self) -> Pupil:
        """Return the pupil this row writes to: found when planned, or created before writing."""
        if self.pupil is None:
            raise ValueError(f"{self.row.where} has no pupil yet: create it first.")
        return self.pupil


@dataclass
class ImportPlan:
    rows: list[RowPlan]
    file_errors: list[str]
    info: dict[str, str]

    @property
    def counts(self) -> dict[str, int]:
        counts = {CREATE: 0, UPDATE: 0, UNCHANGED: 0, ERROR: 0, CONFIRM: 0}
        for row in self.rows:
            counts[row.action] += 1
        return {
            "created": counts[CREATE],
            "updated": counts[UPDATE],
            "unchanged": counts[UNCHANGED],
            "errors": counts[ERROR] + len(self.file_errors),
            "needs_confirmation": counts[CONFIRM],
        }

    @property
    def ok(self) -> bool:
        return (
            bool(self.rows)
            and not self.file_errors
            and not any(r.action in (ERROR, CONFIRM) for r in self.rows)
        )

    def refusal(self) -> str:
        """Say why nothing can be applied."""
        counts = self.counts
        if self.file_errors:
            return "The file cannot be imported: " + " ".join(self.file_errors)
        if not self.rows:
            return "The file has no pupils in it."
        parts = []
        if counts["errors"]:
            parts.append(f"{counts['errors']} row(s) have errors: correct the file and upload it")
        if counts["needs_confirmation"]:
            parts.append(
                f"{counts['needs_confirmation']} row(s) have legacy statements (S): tick "
                f'"{CONFIRM_LABEL}" to import them'
            )
        return "Nothing was imported. " + "; ".join(parts) + "."


def mark_duplicate_upns(rows: Iterable[PupilRow]) -> None:
    """Report every repeat of a UPN within one file (a pupil must appear once)."""
    first: dict[str, str] = {}
    for row in rows:
        if not row.upn:
            continue
        if row.upn in first:
            row.errors.append(f"UPN {row.upn} appears more than once (first at {first[row.upn]}).")
        else:
            first[row.upn] = row.where.lower()


def _fmt(value: Any, field_name: str) -> str:
    if value in (None, ""):
        return "(blank)"
    if isinstance(value, dt.date):
        return nice_date(value)
    if field_name == "nc_year":
        return dict(NC_YEAR_CHOICES).get(value, str(value))
    return str(value)


def _describe(provision: str, needs: list[str]) -> str:
    return f"{provision} ({', '.join(needs)})" if needs else provision


def _field_errors(exc: ValidationError) -> list[str]:
    return [
        f"{FIELD_LABELS.get(name, name.replace('_', ' ').capitalize())}: {message}"
        for name, messages in exc.message_dict.items()
        for message in messages
    ]


def _check_periods(row: PupilRow, confirm_statements: bool) -> tuple[list[str], bool]:
    """Validate the SEN periods of ``row``; return (errors, needs confirmation)."""
    errors: list[str] = []
    unconfirmed = False
    starts = [p.start_date for p in row.sen or [] if p.start_date]
    if len(starts) != len(set(starts)):
        errors.append("Two SEN periods start on the same day.")
    for period in row.sen or []:
        when = f" from {nice_date(period.start_date)}" if period.start_date else ""
        if period.legacy_statement and not confirm_statements:
            unconfirmed = True
        if period.strict or period.needs:
            try:
                validate_needs(period.provision, period.needs)
            except ValidationError as exc:
                errors.extend(f"SEN {period.provision}{when}: {m}" for m in exc.messages)
    return errors, unconfirmed


def _timeline(periods: list[SENPeriod], today: dt.date) -> list[NewPeriod]:
    """Order the file's periods and give each the end the next one implies."""
    dated = sorted(
        (NewPeriod(p.provision, p.start_date or today, None, list(p.needs)) for p in periods),
        key=lambda p: p.start_date,
    )
    for earlier, later in itertools.pairwise(dated):
        earlier.end_date = later.start_date - dt.timedelta(days=1)
    return dated


def _plan_sen(plan: RowPlan, periods: list[NewPeriod], ours: list[SENStatus]) -> None:
    """Merge the file's SEN history into ours without losing or rewriting any of ours."""
    ours = sorted(ours, key=lambda s: s.start_date)
    our_needs = {s.pk: [n.need for n in sorted(s.needs.all(), key=lambda n: n.rank)] for s in ours}
    open_ = next((s for s in ours if s.end_date is None), None)
    latest = periods[-1]

    def add_if_free(period: NewPeriod) -> None:
        same_day = next((s for s in ours if s.start_date == period.start_date), None)
        covering = same_day or next(
            (
                s
                for s in ours
                if s.start_date <= period.start_date
                and (s.end_date is None or period.start_date <= s.end_date)
            ),
            None,
        )
        if covering is not None:
            if (covering.provision, our_needs[covering.pk]) != (period.provision, period.needs):
                plan.notes.append(
                    f"Kept ours for {nice_date(period.start_date)}: the file's "
                    f"{_describe(period.provision, period.needs)} overlaps our record."
                )
            return
        later_starts = [s.start_date for s in ours if s.start_date > period.start_date]
        end = period.end_date
        if later_starts:
            clip = min(later_starts) - dt.timedelta(days=1)
            end = clip if end is None else min(end, clip)
        plan.add_periods.append(NewPeriod(period.provision, period.start_date, end, period.needs))
        ending = f" to {nice_date(end)}" if end else " (current)"
        plan.changes.append(
            f"SEN history: add {_describe(period.provision, period.needs)} from "
            f"{nice_date(period.start_date)}{ending}"
        )

    for period in periods[:-1]:
        add_if_free(period)

    if open_ is None:
        if not ours and not plan.add_periods and latest.provision == Provision.NONE:
            return  # no SEN now and none before: nothing worth recording
        add_if_free(latest)
        return
    same = (open_.provision, our_needs[open_.pk]) == (latest.provision, latest.needs)
    if latest.start_date > open_.start_date:
        if not same:
            plan.record = latest
            plan.changes.append(
                f"SEN: {_describe(open_.provision, our_needs[open_.pk])} → "
                f"{_describe(latest.provision, latest.needs)} from {nice_date(latest.start_date)}"
            )
    elif latest.start_date == open_.start_date:
        if not same:
            plan.notes.append(
                f"Kept ours: the file has {_describe(latest.provision, latest.needs)} from the "
                f"same day as ours ({_describe(open_.provision, our_needs[open_.pk])})."
            )
    else:
        add_if_free(latest)
        plan.notes.append("SEN left alone: our record is newer.")


def plan_import(
    *,
    school: School,
    parsed: ParseResult,
    confirm_statements: bool = False,
    today: dt.date | None = None,
    lock: bool = False,
) -> ImportPlan:
    """Compare a parsed file with the school's pupils and say what applying it would change."""
    today = today or timezone.localdate()
    upns = sorted({r.upn for r in parsed.rows if r.upn})
    existing: dict[str, Pupil] = {}
    statuses = SENStatus.objects.prefetch_related("needs")
    for i in range(0, len(upns), UPN_CHUNK):
        query = Pupil.objects.filter(school=school, upn__in=upns[i : i + UPN_CHUNK])
        if lock:
            query = query.select_for_update()
        query = query.prefetch_related(Prefetch("sen_statuses", queryset=statuses))
        existing.update((p.upn, p) for p in query)

    plans = []
    for row in parsed.rows:
        plan = RowPlan(row=row, action=UNCHANGED, notes=list(row.notes))
        plan.errors = list(row.errors)
        sen_errors, unconfirmed = _check_periods(row, confirm_statements)
        plan.errors += sen_errors
        plan.pupil = existing.get(row.upn)
        if not plan.errors:
            _plan_row(plan, school, row, today)
        if plan.errors:
            plan.action = ERROR
        elif unconfirmed:
            plan.action = CONFIRM
            plan.errors.append(f'Legacy statement (S): tick "{CONFIRM_LABEL}" to import it as E.')
        plans.append(plan)
    return ImportPlan(rows=plans, file_errors=list(parsed.file_errors), info=dict(parsed.info))


def _plan_row(plan: RowPlan, school: School, row: PupilRow, today: dt.date) -> None:
    periods = _timeline(row.sen or [], today)
    _plan_pupil(plan, school, row, periods)
    undated = any(p.start_date is None for p in row.sen or [])
    if undated and (plan.add_periods or plan.record):
        plan.notes.append("The file gives no SEN start date: today's date is used.")


def _plan_pupil(plan: RowPlan, school: School, row: PupilRow, periods: list[NewPeriod]) -> None:
    pupil = plan.pupil
    if pupil is None:
        missing = [
            FIELD_LABELS[f]
            for f in ("legal_surname", "legal_forename", "date_of_birth", "sex")
            if not row.fields.get(f)
        ]
        if missing:
            plan.errors.append(f"A new pupil needs: {', '.join(missing)}.")
            return
        candidate = Pupil(school=school, upn=row.upn, **row.fields)
        try:
            candidate.clean_fields(exclude=["school"])
        except ValidationError as exc:
            plan.errors += _field_errors(exc)
            return
        plan.action = CREATE
        plan.changes.append("New pupil")
        if periods and not (len(periods) == 1 and periods[0].provision == Provision.NONE):
            for period in periods:
                plan.add_periods.append(period)
                ending = f" to {nice_date(period.end_date)}" if period.end_date else " (current)"
                plan.changes.append(
                    f"SEN: {_describe(period.provision, period.needs)} from "
                    f"{nice_date(period.start_date)}{ending}"
                )
        return
    new_leaving = row.fields.get("leaving_date", pupil.leaving_date)
    if (
        pupil.is_archived
        and pupil.leaving_date
        and (new_leaving and new_leaving < timezone.localdate())
    ):
        # An archived leaver's records are read-only (records.archive); a file that clears or
        # moves their leaving date to today or later (re-admitted) goes ahead like any update.
        plan.notes.append(
            f"{pupil.display_name} left on {nice_date(pupil.leaving_date)}; their records are "
            "archived and read-only, so this row changes nothing."
        )
        plan.action = UNCHANGED
        return
    candidate = copy.copy(pupil)
    for name, value in row.fields.items():
        if getattr(pupil, name) != value:
            plan.updates[name] = value
            setattr(candidate, name, value)
            plan.changes.append(
                f"{FIELD_LABELS[name]}: {_fmt(getattr(pupil, name), name)} → {_fmt(value, name)}"
            )
    if plan.updates:
        try:
            candidate.clean_fields(exclude=["school"])
        except ValidationError as exc:
            plan.errors += _field_errors(exc)
            return
    if periods:
        _plan_sen(plan, periods, list(pupil.sen_statuses.all()))
    plan.action = UPDATE if plan.changes else UNCHANGED


def write_plan(plan: ImportPlan, school: School, by: User | None) -> dict[str, int]:
    """Write a clean plan: bulk inserts and updates, plus one service call per changed status."""
    now = timezone.now()
    creating = [r for r in plan.rows if r.action == CREATE]
    new_pupils = [Pupil(school=school, upn=r.row.upn, **r.row.fields) for r in creating]
    Pupil.objects.bulk_create(new_pupils)
    if any(p.pk is None for p in new_pupils):  # databases that cannot return ids from a bulk insert
        ids = dict(
            Pupil.objects.filter(school=school, upn__in=[p.upn for p in new_pupils]).values_list(
                "upn", "pk"
            )
        )
        for p in new_pupils:
            p.pk = ids[p.upn]
    for row_plan, pupil in zip(creating, new_pupils, strict=True):
        row_plan.pupil = pupil

    updating = [r for r in plan.rows if r.action == UPDATE and r.updates]
    changed_fields: set[str] = set()
    for row_plan in updating:
        for name, value in row_plan.updates.items():
            setattr(row_plan.target, name, value)
        row_plan.target.updated_at = now  # bulk_update does not touch auto_now fields
        changed_fields |= set(row_plan.updates)
    if updating:
        Pupil.objects.bulk_update(
            [r.target for r in updating], fields=[*sorted(changed_fields), "updated_at"]
        )

    statuses, needs_for = [], []
    for row_plan in plan.rows:
        for period in row_plan.add_periods:
            statuses.append(
                SENStatus(
                    pupil=row_plan.target,
                    provision=period.provision,
                    start_date=period.start_date,
                    end_date=period.end_date,
                    recorded_by=by,
                )
            )
            needs_for.append(period.needs)
    SENStatus.objects.bulk_create(statuses)
    SENNeed.objects.bulk_create(
        SENNeed(status=status, rank=rank, need=code)
        for status, needs in zip(statuses, needs_for, strict=True)
        for rank, code in enumerate(needs, start=1)
    )
    recorded = 0
    for row_plan in plan.rows:
        if row_plan.record is not None:
            sen_status_record(
                pupil=row_plan.target,
                provision=row_plan.record.provision,
                start_date=row_plan.record.start_date,
                needs=row_plan.record.needs,
                by=by,
            )
            recorded += 1
    register_changed([school.pk])  # the bulk writes above send no signals
    return {**plan.counts, "sen_periods_added": len(statuses), "sen_statuses_recorded": recorded}
