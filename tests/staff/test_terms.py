"""School terms: the school's own half terms where recorded, typical dates where not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError

from staff import terms
from staff.models import SchoolTerm

pytestmark = pytest.mark.django_db


def test_typical_dates_until_the_school_records_its_own(world) -> None:
    halves = terms.half_terms(world.school.pk, 2026)
    assert [h.code for h in halves] == [
        "AUTUMN_1",
        "AUTUMN_2",
        "SPRING_1",
        "SPRING_2",
        "SUMMER_1",
        "SUMMER_2",
    ]
    assert halves[0].start == dt.date(2026, 9, 1) and halves[2].start == dt.date(2027, 1, 4)
    assert not any(h.recorded for h in halves)
    assert halves[0].name == "Autumn 1 2026/27"


def test_recorded_half_term_replaces_the_typical_one(world) -> None:
    SchoolTerm.objects.create(
        school=world.school,
        academic_year=2026,
        half="AUTUMN_1",
        starts_on=dt.date(2026, 9, 3),
        ends_on=dt.date(2026, 10, 16),
    )
    first = terms.half_terms(world.school.pk, 2026)[0]
    assert (first.start, first.end, first.recorded) == (
        dt.date(2026, 9, 3),
        dt.date(2026, 10, 16),
        True,
    )
    # Another school keeps the typical dates.
    assert not terms.half_terms(world.other_school.pk, 2026)[0].recorded


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 11, 22), "AUTUMN_2"),
        (dt.date(2026, 10, 28), "AUTUMN_2"),  # October half-term holiday: the next one
        (dt.date(2026, 12, 28), "SPRING_1"),  # Christmas holiday, across the calendar year
        (dt.date(2027, 8, 10), "AUTUMN_1"),  # summer holiday: next academic year's first
        (dt.date(2027, 7, 21), "SUMMER_2"),
    ],
)
def test_current_half_term(world, day: dt.date, expected: str) -> None:
    assert terms.current_half_term(world.school.pk, day).code == expected


def test_terms_and_keys(world) -> None:
    autumn, spring, _summer = terms.terms(world.school.pk, 2026)
    assert (autumn.start, autumn.end) == (dt.date(2026, 9, 1), dt.date(2026, 12, 18))
    assert (spring.key, spring.name) == ("2026-SPRING", "Spring 2026/27")
    assert terms.current_term(world.school.pk, dt.date(2027, 3, 30)).code == "SUMMER"
    assert terms.term_from_key(world.school.pk, "2026-SPRING") == spring
    for bad in ("", "2026", "2026-WINTER", "x-AUTUMN", "1066-AUTUMN"):
        assert terms.term_from_key(world.school.pk, bad) is None
    recent = terms.recent_terms(world.school.pk, dt.date(2026, 11, 22), count=4)
    assert [t.key for t in recent] == [
        "2026-AUTUMN",
        "2025-SUMMER",
        "2025-SPRING",
        "2025-AUTUMN",
    ]


def test_a_half_term_cannot_end_before_it_starts_or_repeat(world) -> None:
    SchoolTerm.objects.create(
        school=world.school,
        academic_year=2026,
        half="SPRING_1",
        starts_on=dt.date(2027, 1, 5),
        ends_on=dt.date(2027, 2, 12),
    )
    with pytest.raises(IntegrityError):
        SchoolTerm.objects.create(
            school=world.school,
            academic_year=2026,
            half="SPRING_1",
            starts_on=dt.date(2027, 1, 6),
            ends_on=dt.date(2027, 2, 12),
        )


def _recent_terms_year_by_year(school_id: int, day: dt.date, count: int) -> list[terms.Term]:
    """recent_terms as the rule reads: the current term's year, then each year before."""
    year = terms.current_term(school_id, day).academic_year
    found: list[terms.Term] = []
    while len(found) < count:
        found.extend(t for t in reversed(terms.terms(school_id, year)) if t.start <= day)
        year -= 1
    return found[:count]


def test_recent_terms_in_one_query_match_the_year_by_year_rule(
    world, django_assert_num_queries
) -> None:
    # Recorded dates in some years (a late summer end, an early autumn start), typical in others.
    SchoolTerm.objects.create(
        school=world.school,
        academic_year=2025,
        half="SUMMER_2",
        starts_on=dt.date(2026, 6, 8),
        ends_on=dt.date(2026, 7, 24),
    )
    SchoolTerm.objects.create(
        school=world.school,
        academic_year=2026,
        half="AUTUMN_1",
        starts_on=dt.date(2026, 8, 31),
        ends_on=dt.date(2026, 10, 23),
    )
    day = dt.date(2026, 7, 1)
    while day < dt.date(2027, 9, 15):
        for count in (1, 4, 6, 10):
            expected = _recent_terms_year_by_year(world.school.pk, day, count)
            assert terms.recent_terms(world.school.pk, day, count) == expected, (day, count)
        day += dt.timedelta(days=9)
    with django_assert_num_queries(1):
        terms.recent_terms(world.school.pk, dt.date(2026, 11, 22), 6)


def test_half_terms_from_a_day_are_this_one_and_those_after_in_one_query(
    world, django_assert_num_queries
) -> None:
    school = world.school
    for day in (dt.date(2026, 7, 20), dt.date(2026, 12, 5), dt.date(2027, 2, 16)):
        with django_assert_num_queries(1):
            ahead = terms.half_terms_from(school.pk, day, 3)
        # The first is current_half_term's answer; each starts after the one before ends.
        assert ahead[0] == terms.current_half_term(school.pk, day)
        assert ahead[0].end < ahead[1].start and ahead[1].end < ahead[2].start
    # From the summer half term, the next two are the new year's first two.
    summer = terms.half_terms_from(school.pk, dt.date(2026, 7, 1), 3)
    after = [(h.academic_year, h.code) for h in summer][1:]
    assert after == [(2026, "AUTUMN_1"), (2026, "AUTUMN_2")]


def test_half_terms_from_gives_up_to_six(world) -> None:
    # The last half term of a year and the next year's five more: two years' dates hold them.
    ahead = terms.half_terms_from(world.school.pk, dt.date(2027, 7, 1), 6)
    assert len(ahead) == 6 and ahead[0].academic_year == 2026 and ahead[-1].academic_year == 2027
    with pytest.raises(ValueError):
        terms.half_terms_from(world.school.pk, dt.date(2027, 7, 1), 7)
