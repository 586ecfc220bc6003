"""School terms and half terms: a school's recorded dates, or a typical English year until it
records its own (local authorities set different dates, so the fallback is marked approximate).

Half terms are the SENDCo's planning unit (the review calendar); terms (two half terms each) are
the reporting unit (the provision map and the termly impact report).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from staff.models import SchoolTerm

# Typical dates (month, day) for each half term when a school has recorded none.
TYPICAL: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    SchoolTerm.Half.AUTUMN_1: ((9, 1), (10, 23)),
    SchoolTerm.Half.AUTUMN_2: ((11, 2), (12, 18)),
    SchoolTerm.Half.SPRING_1: ((1, 4), (2, 12)),
    SchoolTerm.Half.SPRING_2: ((2, 22), (3, 26)),
    SchoolTerm.Half.SUMMER_1: ((4, 12), (5, 21)),
    SchoolTerm.Half.SUMMER_2: ((6, 1), (7, 21)),
}
HALVES = list(SchoolTerm.Half)
TERM_NAMES = {"AUTUMN": "Autumn", "SPRING": "Spring", "SUMMER": "Summer"}


@dataclass(frozen=True)
class HalfTerm:
    code: str
    academic_year: int
    start: dt.date
    end: dt.date
    recorded: bool  # False: typical dates, not the school's own

    @property
    def name(self) -> str:
        return f"{SchoolTerm.Half(self.code).label} {_year_label(self.academic_year)}"

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


@dataclass(frozen=True)
class Term:
    code: str  # AUTUMN, SPRING or SUMMER
    academic_year: int
    start: dt.date
    end: dt.date
    recorded: bool

    @property
    def name(self) -> str:
        return f"{TERM_NAMES[self.code]} {_year_label(self.academic_year)}"

    @property
    def key(self) -> str:
        """A stable URL value, e.g. "2026-AUTUMN"."""
        return f"{self.academic_year}-{self.code}"


def _year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def academic_year_of(day: dt.date) -> int:
    """Return the year the academic year containing ``day`` starts in (August belongs to the
    year that is ending)."""
    return day.year if day.month >= 9 else day.year - 1


def _typical(code: str, year: int) -> HalfTerm:
    (m1, d1), (m2, d2) = TYPICAL[code]
    start_year = year if m1 >= 9 else year + 1
    end_year = year if m2 >= 9 else year + 1
    return HalfTerm(code, year, dt.date(start_year, m1, d1), dt.date(end_year, m2, d2), False)


def _half_terms_of_years(school_id: int, years: list[int]) -> dict[int, list[HalfTerm]]:
    """Return the school's six half terms of each academic year in ``years``, in one query."""
    recorded: dict[tuple[int, str], SchoolTerm] = {
        (t.academic_year, t.half): t
        for t in SchoolTerm.objects.filter(school_id=school_id, academic_year__in=years)
    }
    return {
        year: [_half(recorded.get((year, code)), code, year) for code in HALVES] for year in years
    }


def _half(row: SchoolTerm | None, code: str, year: int) -> HalfTerm:
    """A recorded half term, or the typical dates when the school has not recorded it."""
    return HalfTerm(code, year, row.starts_on, row.ends_on, True) if row else _typical(code, year)


def half_terms_for(school_ids: Iterable[int], year: int) -> dict[int, list[HalfTerm]]:
    """Return each school's six half terms of academic ``year`` in one query."""
    ids = list(school_ids)
    recorded: dict[tuple[int, str], SchoolTerm] = {
        (t.school_id, t.half): t
        for t in SchoolTerm.objects.filter(school_id__in=ids, academic_year=year)
    }
    return {
        school_id: [_half(recorded.get((school_id, code)), code, year) for code in HALVES]
        for school_id in ids
    }


def half_terms(school_id: int, year: int) -> list[HalfTerm]:
    """Return the school's six half terms of academic ``year``."""
    return half_terms_for([school_id], year)[school_id]


def current_half_term(school_id: int, day: dt.date) -> HalfTerm:
    """Return the half term containing ``day``, or in a holiday the next one to start."""
    return half_terms_from(school_id, day, 1)[0]


def half_terms_from(school_id: int, day: dt.date, count: int) -> list[HalfTerm]:
    """Return ``count`` (at most 6) half terms in order from ``current_half_term(day)``: this
    half term and the ones after it, in one query of two academic years' dates."""
    if not 1 <= count <= len(HALVES):
        raise ValueError(f"count must be 1 to {len(HALVES)}")
    year = academic_year_of(day)
    both = _half_terms_of_years(school_id, [year, year + 1])
    ahead = both[year] + both[year + 1]
    for index, half in enumerate(ahead[: len(HALVES) + 1]):
        if day <= half.end:
            return ahead[index : index + count]
    raise AssertionError("unreachable: the next year's first half term is always later")


def terms(school_id: int, year: int) -> list[Term]:
    """Return the school's three terms of academic ``year`` (each two half terms)."""
    halves = half_terms(school_id, year)
    return [
        Term(
            code,
            year,
            halves[i * 2].start,
            halves[i * 2 + 1].end,
            halves[i * 2].recorded and halves[i * 2 + 1].recorded,
        )
        for i, code in enumerate(TERM_NAMES)
    ]


def current_term(school_id: int, day: dt.date) -> Term:
    """Return the term containing ``day``, or in a holiday the next one to start."""
    half = current_half_term(school_id, day)
    return next(t for t in terms(school_id, half.academic_year) if t.end >= half.end)


def term_from_key(school_id: int, key: str) -> Term | None:
    """Return the term a key like "2026-AUTUMN" names, or None if it is not one."""
    year_text, _, code = key.partition("-")
    if not year_text.isdigit() or code not in TERM_NAMES or not 2000 <= int(year_text) <= 2100:
        return None
    return next(t for t in terms(school_id, int(year_text)) if t.code == code)


def _years_of_halves(school_id: int, years: range) -> dict[int, list[HalfTerm]]:
    """Return the school's six half terms of each academic year in ``years``, in one query."""
    recorded: dict[tuple[int, str], SchoolTerm] = {
        (t.academic_year, t.half): t
        for t in SchoolTerm.objects.filter(
            school_id=school_id, academic_year__gte=years.start, academic_year__lt=years.stop
        )
    }
    return {
        year: [
            HalfTerm(code, year, row.starts_on, row.ends_on, True)
            if (row := recorded.get((year, code)))
            else _typical(code, year)
            for code in HALVES
        ]
        for year in years
    }


def _terms_of(halves: list[HalfTerm]) -> list[Term]:
    return [
        Term(
            code,
            halves[0].academic_year,
            halves[i * 2].start,
            halves[i * 2 + 1].end,
            halves[i * 2].recorded and halves[i * 2 + 1].recorded,
        )
        for i, code in enumerate(TERM_NAMES)
    ]


def recent_terms(school_id: int, day: dt.date, count: int = 6) -> list[Term]:
    """Return the term containing ``day`` and the ones before it, newest first (one query: the
    same answer as ``current_term`` and ``terms`` year by year)."""
    this_year = academic_year_of(day)
    # Three terms a year: the years the count can reach, and the next one (a day in the summer
    # holiday belongs to the next year's first term).
    years = range(this_year - count // 3 - 1, this_year + 2)
    halves = _years_of_halves(school_id, years)
    current = next(
        half for half in halves[this_year] + halves[this_year + 1][:1] if day <= half.end
    )
    year = current.academic_year
    found: list[Term] = []
    while len(found) < count:
        if year not in halves:
            halves |= _years_of_halves(school_id, range(year, year + 1))
        found.extend(t for t in reversed(_terms_of(halves[year])) if t.start <= day)
        year -= 1
    return found[:count]
