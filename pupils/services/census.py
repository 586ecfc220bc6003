"""The census pre-flight: the register checked against the school census's SEN rules before the
January census, and the school's census SEN figures.

The rules checked, each naming the pupil to fix:

- every pupil recorded K (SEN support) or E (EHC plan) has a primary need (rank 1);
- NSA (SEN support but no specialist assessment) goes only with K, and only as the primary need;
- a pupil recorded E has a plan on file (an EHCP recorded in SEN Hub, or the plan uploaded to
  their documents); a pupil with a live EHCP recorded is recorded E;
- ranks are unique and in order: a secondary need needs a primary need (the database already
  refuses two needs at one rank), and no pupil recorded N has needs open;
- codes are current: the provision is N, K or E (legacy A, P or S map on import) and each need
  is a code in the current census list.

The figures count every pupil on roll as the census does: N, K and E, and K and E by primary need
and by year group. Reads only; two queries for any number of pupils.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from pupils.models import Document, NeedType, Provision, PupilQuerySet, SENNeed

SEN = (Provision.SEN_SUPPORT, Provision.EHCP)


@dataclass(frozen=True)
class CensusProblem:
    """One register entry the census would reject or miscount, and what to do about it."""

    pupil_id: int
    name: str
    nc_year: int | None
    rule: str
    message: str


# The rules, in the order the page lists them (key: heading).
RULES: dict[str, str] = {
    "primary_need": "Primary need recorded for every K and E",
    "nsa": "NSA only with SEN support, as the primary need",
    "plan_on_file": "EHC plans recorded as E, with the plan on file",
    "ranks": "Needs ranked in order (primary before secondary)",
    "codes": "Codes current in the census",
}


def _checked(pupils: PupilQuerySet[Any]) -> Any:
    """The pupils on roll with their open provision, needs and what is on file."""
    open_needs = SENNeed.objects.filter(status__pupil=OuterRef("pk"), status__end_date__isnull=True)
    return (
        pupils.on_roll()
        .with_register_fields()
        .annotate(
            needs_open=Count(
                "sen_statuses__needs", filter=Q(sen_statuses__end_date__isnull=True), distinct=True
            ),
            nsa_secondary=Exists(open_needs.filter(rank=2, need=NeedType.NSA)),
            stale_need=Exists(open_needs.exclude(need__in=NeedType.values)),
            # A live EHCP (not ceased): the rule interventions.ehcp.models.live() names, reached
            # through the pupil, as the pupils app sits below interventions.
            live_ehcps=Count("ehcps", filter=Q(ehcps__ceased_on__isnull=True), distinct=True),
            plan_uploaded=Exists(
                Document.objects.filter(pupil=OuterRef("pk"), kind=Document.Kind.EHCP)
            ),
        )
        .order_by("legal_surname", "legal_forename", "pk")
    )


def _problems_of(p: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    provision, primary, secondary = p.provision, p.primary_need, p.secondary_need
    if provision not in Provision.values:
        found.append(
            (
                "codes",
                f"SEN provision '{provision}' is not a current census code: record N, K or E.",
            )
        )
    if p.stale_need:
        found.append(("codes", "A need code is not in the current census list: record it again."))
    if provision in SEN and not primary:
        found.append(
            ("primary_need", f"Recorded {provision} with no primary need: record the primary need.")
        )
    if primary == NeedType.NSA and provision != Provision.SEN_SUPPORT:
        found.append(("nsa", f"NSA is recorded with {provision}: NSA is valid only with K."))
    if p.nsa_secondary:
        found.append(("nsa", "NSA is recorded as the secondary need: it can only be primary."))
    if provision == Provision.EHCP and not p.live_ehcps and not p.plan_uploaded:
        found.append(
            (
                "plan_on_file",
                "Recorded E with no EHC plan on file: record the EHCP, or upload the plan.",
            )
        )
    if p.live_ehcps and provision != Provision.EHCP:
        found.append(("plan_on_file", f"Has a live EHCP but is recorded {provision}: record E."))
    if secondary and not primary:
        found.append(("ranks", "A secondary need with no primary need: rank the main need first."))
    if provision == Provision.NONE and p.needs_open:
        found.append(("ranks", "Recorded N with needs still open: record K, or end the needs."))
    return found


def census_problems(pupils: PupilQuerySet[Any]) -> list[CensusProblem]:
    """Return every problem the census rules find in these pupils' register entries."""
    return [
        CensusProblem(p.pk, p.display_name, p.nc_year, rule, message)
        for p in _checked(pupils)
        for rule, message in _problems_of(p)
    ]


@dataclass
class CensusFigures:
    """The school's census SEN figures: totals, by primary need and by year group."""

    total: int
    n: int
    k: int
    e: int
    by_need: list[dict[str, Any]]
    by_year: list[dict[str, Any]]
    years_on_roll: frozenset[int]  # every NC year a counted pupil is in, SEN or not


def census_figures(pupils: PupilQuerySet[Any], *, largest_first: bool = False) -> CensusFigures:
    """Count N, K and E over every pupil on roll, and K and E by primary need and year group.

    Needs come in the census's order, or with ``largest_first`` the most common first (the
    register's summary)."""
    # Counted in the database, one row per provision, need and year group (a few dozen rows
    # rather than one per pupil on roll).
    groups = (
        pupils.on_roll()
        .with_register_fields()
        .order_by()
        .values_list("provision", "primary_need", "nc_year")
        .annotate(pupils=Count("pk"))
    )
    provisions: Counter[str] = Counter()
    by_need: Counter[tuple[str | None, str]] = Counter()
    by_year: Counter[tuple[int | None, str]] = Counter()
    years_on_roll: set[int] = set()
    for provision, need, year, count in groups:
        provisions[provision] += count
        if year is not None:
            years_on_roll.add(year)
        if provision in SEN:
            by_need[(need, provision)] += count
            by_year[(year, provision)] += count
    labels: dict[str | None, str] = dict(NeedType.choices)
    # Codes no longer in the census list still count (the pre-flight names them to fix).
    old = sorted({code for code, _ in by_need if code is not None and code not in labels})
    needs: list[dict[str, Any]] = []
    for code in [*NeedType.values, *old, None]:
        k, e = by_need[(code, Provision.SEN_SUPPORT)], by_need[(code, Provision.EHCP)]
        if k or e:
            label = labels.get(code) or (
                "Not recorded" if code is None else "Not a current census code"
            )
            needs.append({"code": code, "label": label, "k": k, "e": e, "total": k + e})
    if largest_first:
        needs.sort(key=lambda row: -row["total"])
    years = sorted({year for year, _ in by_year}, key=lambda y: (y is None, y or 0))
    return CensusFigures(
        total=sum(provisions.values()),
        n=provisions[Provision.NONE],
        k=provisions[Provision.SEN_SUPPORT],
        e=provisions[Provision.EHCP],
        by_need=needs,
        by_year=[
            {
                "year": year,
                "k": by_year[(year, Provision.SEN_SUPPORT)],
                "e": by_year[(year, Provision.EHCP)],
            }
            for year in years
        ],
        years_on_roll=frozenset(years_on_roll),
    )
