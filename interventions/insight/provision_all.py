"""The provision map that counts all provision in a term, not only logged sessions.

The rules, stated on the page too:

- *Intervention sessions*: the provision map's cost of logged sessions (interventions.insight
  .costs: minutes x the programme's cost per staff hour x staff in the room, and fixed costs
  in the term the intervention started). Each pupil carries their share of the sessions they
  attended; fixed costs and sessions nobody attended are the school's, not one pupil's.
- *In-class support*: hours a week x the school weeks it overlapped the term x the member of
  staff's hourly rate (the school's support staff rate unless one is given) plus on-costs.
- *EHCP 1:1 support*: a live EHCP's section F lines with hours a week and no intervention
  linked (what is linked is counted through its sessions), costed like in-class support.
- *Resources and external services*: their cost on the date they were bought or paid.
- *School weeks*: the days inside the school's half terms / 7 (as a pupil's year of provision).
- *Top-up funding*: what the local authority paid in the term, per pupil. What the school's
  own budget met is the spend less top-up, set against the notional SEN budget's share for the
  term (the year's budget x the term's school days / the year's).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from interventions.delivery.models import Intervention, SessionAttendance
from interventions.ehcp.models import EHCPProvision
from interventions.evidence.models import (
    InClassSupport,
    ProvisionCost,
    ProvisionSettings,
    TopUpFunding,
)
from interventions.insight.costs import SHARE, with_cost_share, with_delivery
from interventions.insight.provision import YEAR_LABELS, pounds, ran_between
from interventions.insight.school_time import school_days
from pupils.models import NeedType, Pupil
from staff import terms

ZERO = Decimal(0)
NEED_LABELS = dict(NeedType.choices)

# What each cost is, in the page's order.
KINDS = [
    ("sessions", "Intervention sessions"),
    ("in_class", "In-class support"),
    ("one_to_one", "EHCP 1:1 support"),
    ("resources", "Resources"),
    ("services", "External services"),
]
NOT_ONE_PUPIL = "Not one pupil's"  # class support, school-wide costs, unshared session costs


def settings_for(school_id: int) -> ProvisionSettings:
    """Return the school's provision settings, or the defaults when it has saved none."""
    found = ProvisionSettings.objects.filter(school_id=school_id).first()
    return found or ProvisionSettings(school_id=school_id)


def weeks_within(ranges: list[tuple[dt.date, dt.date]], start: dt.date, end: dt.date) -> Decimal:
    """Return the school weeks of ``ranges`` that fall between ``start`` and ``end``."""
    clipped = [(max(lo, start), min(hi, end)) for lo, hi in ranges]
    return Decimal(school_days([(lo, hi) for lo, hi in clipped if lo <= hi])) / 7


@dataclass
class PupilCost:
    pupil: Pupil
    costs: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    top_up: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return pounds(sum(self.costs.values(), ZERO))

    @property
    def year(self) -> str:
        return YEAR_LABELS.get(self.pupil.nc_year, "No NC year")

    @property
    def need(self) -> str:
        code = getattr(self.pupil, "primary_need", None)
        return NEED_LABELS.get(code or "", "No need recorded")

    def cost(self, kind: str) -> Decimal:
        return pounds(self.costs.get(kind, ZERO))


@dataclass
class AllProvision:
    term: terms.Term
    settings: ProvisionSettings
    loaded_rate: Decimal
    weeks: Decimal
    kinds: list[tuple[str, str, Decimal]]
    pupils: list[PupilCost]
    by_year: list[tuple[str, Decimal]]
    by_need: list[tuple[str, Decimal]]
    class_support: list[tuple[InClassSupport, Decimal, Decimal]]  # row, weeks, cost
    one_to_one: list[tuple[EHCPProvision, Decimal, Decimal]]
    costs: list[ProvisionCost]
    unshared: Decimal  # session costs no pupil carries
    school_wide: Decimal  # resources and services for no one pupil
    totals: dict[str, Decimal] = field(default_factory=dict)


def all_provision(
    school_id: int, term: terms.Term, *, sessions_total: Decimal | None = None
) -> AllProvision:
    """Count every kind of provision of ``term`` in the school, with its cost per pupil, year
    group, need and kind, in a fixed number of queries whatever the number of pupils.

    ``sessions_total``: the sessions' cost when the caller has it already (the provision map's
    unfiltered total), which saves working it out again.
    """
    settings = settings_for(school_id)
    rate = settings.loaded_rate()
    # A term lies in one academic year: its half terms give the term's school time and the
    # year's, for the notional budget's share.
    halves = terms.half_terms(school_id, term.academic_year)
    ranges = [
        (max(h.start, term.start), min(h.end, term.end))
        for h in halves
        if h.start <= term.end and h.end >= term.start
    ]
    weeks = Decimal(school_days(ranges)) / 7
    year_days = school_days([(h.start, h.end) for h in halves])
    by_pupil: dict[int, PupilCost] = {}
    pupil_ids: set[int] = set()

    def pupil_cost(pk: int) -> PupilCost:
        pupil_ids.add(pk)
        return by_pupil.setdefault(pk, PupilCost(Pupil(pk=pk)))

    # Logged sessions: the interventions' cost, and each pupil's share of what they attended.
    if sessions_total is None:
        interventions = with_delivery(
            Intervention.objects.filter(school_id=school_id).filter(
                ran_between(term.start, term.end)
            ),
            term.start,
            term.end,
        ).aggregate(cost=Sum("total_cost"))
        sessions_total = Decimal(interventions["cost"] or 0)
    shares = (
        with_cost_share(
            SessionAttendance.objects.filter(
                session__intervention__school_id=school_id,
                session__date__gte=term.start,
                session__date__lte=term.end,
            )
        )
        .values("pupil_id")
        .annotate(cost=Sum("cost_share", output_field=SHARE))
        .order_by()
    )
    shared = ZERO
    for share in shares:
        pupil_cost(share["pupil_id"]).costs["sessions"] += share["cost"] or ZERO
        shared += share["cost"] or ZERO

    # In-class support overlapping the term.
    class_support: list[tuple[InClassSupport, Decimal, Decimal]] = []
    support = (
        InClassSupport.objects.filter(school_id=school_id, start_date__lte=term.end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=term.start))
        .select_related("staff", "pupil")
    )
    in_class_total = ZERO
    for entry in support:
        entry_weeks = weeks_within(ranges, entry.start_date, entry.end_date or term.end)
        cost = entry.hours_per_week * entry_weeks * settings.loaded_rate(entry.hourly_rate)
        in_class_total += cost
        if entry.pupil_id:
            pupil_cost(entry.pupil_id).costs["in_class"] += cost
        class_support.append((entry, entry_weeks.quantize(Decimal("0.1")), pounds(cost)))

    # EHCP 1:1 hours: section F lines with hours that no intervention delivers.
    one_to_one: list[tuple[EHCPProvision, Decimal, Decimal]] = []
    lines = (
        EHCPProvision.objects.filter(ehcp__school_id=school_id, hours_per_week__gt=0)
        .filter(ehcp__issued_on__lte=term.end)
        .filter(Q(ehcp__ceased_on__isnull=True) | Q(ehcp__ceased_on__gte=term.start))
        .annotate(linked=Count("interventions"))
        .filter(linked=0)
        .select_related("ehcp")
        .order_by("pk")
    )
    one_to_one_total = ZERO
    for line in lines:
        ehcp = line.ehcp
        line_weeks = weeks_within(ranges, ehcp.issued_on, ehcp.ceased_on or term.end)
        cost = Decimal(line.hours_per_week or 0) * line_weeks * rate
        one_to_one_total += cost
        pupil_cost(ehcp.pupil_id).costs["one_to_one"] += cost
        one_to_one.append((line, line_weeks.quantize(Decimal("0.1")), pounds(cost)))

    # Resources and external services bought in the term.
    costs = list(
        ProvisionCost.objects.filter(
            school_id=school_id, incurred_on__gte=term.start, incurred_on__lte=term.end
        ).select_related("pupil")
    )
    kind_totals = {"resources": ZERO, "services": ZERO}
    school_wide = ZERO
    for c in costs:
        kind = "resources" if c.kind == ProvisionCost.Kind.RESOURCE else "services"
        kind_totals[kind] += c.cost
        if c.pupil_id:
            pupil_cost(c.pupil_id).costs[kind] += c.cost
        else:
            school_wide += c.cost

    # Top-up funding received in the term.
    top_up_total = ZERO
    for pk, amount in (
        TopUpFunding.objects.filter(
            school_id=school_id, received_on__gte=term.start, received_on__lte=term.end
        )
        .values("pupil_id")
        .annotate(amount=Sum("amount"))
        .values_list("pupil_id", "amount")
        .order_by()
    ):
        pupil_cost(pk).top_up += amount
        top_up_total += amount

    pupils = (
        {p.pk: p for p in Pupil.objects.filter(pk__in=pupil_ids).with_register_fields()}
        if pupil_ids
        else {}
    )
    for pk, row in by_pupil.items():
        row.pupil = pupils[pk]
    rows = sorted(
        by_pupil.values(),
        key=lambda r: (r.pupil.legal_surname.lower(), r.pupil.legal_forename.lower(), r.pupil.pk),
    )

    unshared = sessions_total - shared
    class_only = sum((cost for e, _, cost in class_support if not e.pupil_id), ZERO)
    by_year: dict[str, Decimal] = defaultdict(lambda: ZERO)
    by_need: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        by_year[row.year] += row.total
        by_need[row.need] += row.total
    for entry, _, cost in class_support:
        if not entry.pupil_id:
            by_year[YEAR_LABELS.get(entry.nc_year, "No NC year")] += cost
    by_need["In-class support for a class"] += class_only
    by_year[NOT_ONE_PUPIL] += pounds(unshared + school_wide)
    by_need[NOT_ONE_PUPIL] += pounds(unshared + school_wide)

    kinds = [
        ("sessions", "Intervention sessions", pounds(sessions_total)),
        ("in_class", "In-class support", pounds(in_class_total)),
        ("one_to_one", "EHCP 1:1 support", pounds(one_to_one_total)),
        ("resources", "Resources", pounds(kind_totals["resources"])),
        ("services", "External services", pounds(kind_totals["services"])),
    ]
    spent = sum((cost for _, _, cost in kinds), ZERO)
    budget_year = settings.notional_sen_budget
    budget = pounds(budget_year * school_days(ranges) / year_days) if year_days else ZERO
    own = spent - pounds(top_up_total)
    totals = {
        "spent": spent,
        "top_up": pounds(top_up_total),
        "own": own,
        "budget_year": pounds(settings.notional_sen_budget),
        "budget_term": budget,
        "remaining": budget - own,
        "over": max(ZERO, own - budget),
    }

    def ordered(found: dict[str, Decimal]) -> list[tuple[str, Decimal]]:
        last = [NOT_ONE_PUPIL]
        named = sorted(k for k in found if k not in last)
        return [(k, pounds(found[k])) for k in [*named, *last] if found[k]]

    return AllProvision(
        term=term,
        settings=settings,
        loaded_rate=pounds(rate),
        weeks=weeks.quantize(Decimal("0.1")),
        kinds=kinds,
        pupils=rows,
        by_year=_years_first(ordered(by_year)),
        by_need=ordered(by_need),
        class_support=class_support,
        one_to_one=one_to_one,
        costs=costs,
        unshared=pounds(unshared),
        school_wide=pounds(school_wide),
        totals=totals,
    )


def _years_first(rows: list[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    """Put year groups in the school's order (Reception, Year 1...), the rest after."""
    order = {label: n for n, label in enumerate(YEAR_LABELS.values())}
    return sorted(rows, key=lambda r: (r[0] not in order, order.get(r[0], 0), r[0]))


__all__ = ["KINDS", "AllProvision", "PupilCost", "all_provision", "settings_for", "weeks_within"]
