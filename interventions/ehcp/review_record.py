"""What an annual review's record holds, and the evidence the meeting weighs for each outcome.

One reading serves the review page, the PDF and the DOCX, so the three say the same thing. The
report's numbered sections are named once here (``SECTIONS``) and both exports follow them.

Evidence for a section E outcome, over the review period (the last review's meeting, or the
plan's issue, up to this meeting): the delivered sessions of the section F lines serving it,
the outcome measures taken in those lines' interventions, and the support plan targets in the
same area of need scored at plan reviews held in the period. Plan records are reached through
the pupil (``support_plans``): the EHCP package does not import the plans package.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from interventions.ehcp.models import (
    AnnualReview,
    AnnualReviewAmendment,
    AnnualReviewInvitee,
    AnnualReviewProgress,
    AnnualReviewProvisionCheck,
    EHCPOutcome,
    EHCPProvision,
)
from interventions.ehcp.report import (
    outcomes_with_provision,
    provision_with_delivery,
    review_report_context,
)
from interventions.outcomes.models import MeasureRecord
from pupils.models import Pupil
from send_hub.lib.dates import nice_date
from staff.models import User

# The report's numbered sections, in order: the PDF, the DOCX and the page use these words.
SECTIONS: dict[str, str] = {
    "details": "Child or young person and plan details",
    "meeting": "Review meeting and statutory steps",
    "invitees": "People invited, attendance and advice received",
    "child": "The views of the child or young person",
    "parents": "The views of the parents or carers",
    "progress": "Progress towards the outcomes in section E",
    "provision": "Provision in section F: was it delivered as specified?",
    "adulthood": "Preparing for adulthood",
    "amendments": "Recommended amendments to the plan",
    "recommendation": "Recommendation to the local authority",
}


# Preparing for adulthood: the four headings the Code of Practice names, with the field each fills.
ADULTHOOD: dict[str, str] = {
    "pfa_employment": "Higher education and/or employment",
    "pfa_independent_living": "Independent living",
    "pfa_community": "Friends, relationships and community",
    "pfa_health": "Good health",
}


def numbered_sections() -> dict[str, str]:
    """Return each section's heading with its number: "1. Child or young person ..."."""
    return {key: f"{n}. {title}" for n, (key, title) in enumerate(SECTIONS.items(), start=1)}


@dataclass
class TargetEvidence:
    """A support plan target scored at a plan review in the period."""

    wording: str
    outcome: str
    held_on: dt.date
    plan: str


@dataclass
class OutcomeRow:
    """One section E outcome at the review: the evidence and the meeting's judgement."""

    text: str
    area: str
    outcome: EHCPOutcome | None
    lines: list[EHCPProvision] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    targets: list[TargetEvidence] = field(default_factory=list)
    judged: AnnualReviewProgress | None = None

    @property
    def sessions(self) -> int:
        return sum(line.delivery.sessions for line in self.lines)


@dataclass
class ProvisionRow:
    """One section F line at the review: stated hours, delivery measured, the judgement."""

    text: str
    line: EHCPProvision | None
    checked: AnnualReviewProvisionCheck | None = None


def review_period(review: AnnualReview) -> tuple[dt.date, dt.date]:
    """Return the days the review looks back over: from the previous review's meeting (or the
    plan's issue) to this meeting, or to today before it."""
    until = min(timezone.localdate(), review.meeting_on)
    previous = (
        AnnualReview.objects.filter(ehcp_id=review.ehcp_id, meeting_on__lt=review.meeting_on)
        .order_by("-meeting_on")
        .values_list("meeting_on", flat=True)
        .first()
    )
    since = max(previous or review.ehcp.issued_on, review.ehcp.issued_on)
    return min(since, until), until


def measure_summary(m: MeasureRecord) -> str:
    """Return one measurement in words: point, date, scores and the intervention."""
    if m.kind == MeasureRecord.Kind.GBO:
        goals = [str(v) for v in (m.gbo_1, m.gbo_2, m.gbo_3) if v is not None]
        scores = "goal ratings " + ", ".join(goals) + " (out of 10)"
    elif m.kind == MeasureRecord.Kind.SDQ:
        scores = (
            f"emotional {m.sdq_emotional}, conduct {m.sdq_conduct}, hyperactivity "
            f"{m.sdq_hyperactivity}, peer {m.sdq_peer}, prosocial {m.sdq_prosocial}"
        )
        if m.sdq_informant:
            scores += f" ({m.get_sdq_informant_display().lower()} form)"
    else:
        value = "" if m.value is None else f"{m.value.normalize():f}"
        scores = f"score {value}"
    point = m.get_point_display()
    return (
        f"{m.get_kind_display()} {point.lower()}, {nice_date(m.taken_on)}: {scores}; "
        f"{m.enrolment.intervention.name}"
    )


def _measures_by_intervention(
    pupil_id: int, intervention_ids: set[int], since: dt.date, until: dt.date
) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    if not intervention_ids:
        return found
    measures = (
        MeasureRecord.objects.filter(
            enrolment__pupil_id=pupil_id,
            enrolment__intervention_id__in=intervention_ids,
            taken_on__range=(since, until),
        )
        .select_related("enrolment__intervention")
        .order_by("taken_on", "pk")
    )
    for m in measures:
        found.setdefault(m.enrolment.intervention_id, []).append(measure_summary(m))
    return found


def _scored_targets(pupil: Pupil, since: dt.date, until: dt.date) -> list[dict[str, Any]]:
    """Return the pupil's plan targets scored at a plan review held in the period (one query)."""
    plan_model: Any = pupil.support_plans.model
    target_model: Any = plan_model._meta.get_field("targets").related_model
    review_model: Any = plan_model._meta.get_field("reviews").related_model
    labels = dict(target_model._meta.get_field("outcome").flatchoices)
    held = review_model.objects.filter(plan=OuterRef("plan"), cycle=OuterRef("cycle"))
    rows = (
        target_model.objects.filter(plan__pupil=pupil, outcome__gt="")
        .annotate(held_on=Subquery(held.values("held_on")[:1]))
        .filter(held_on__range=(since, until))
        .values("held_on", "wording", "area", "outcome", plan_name=F("plan__kind__name"))
        .order_by("held_on", "pk")
    )
    return [{**row, "outcome": labels.get(row["outcome"], row["outcome"])} for row in rows]


def outcome_rows(
    review: AnnualReview, lines: list[EHCPProvision], since: dt.date, until: dt.date
) -> list[OutcomeRow]:
    """Return every section E outcome with its evidence and the meeting's judgement, then any
    judgement of an outcome removed from the plan since (kept in its own words)."""
    ehcp = review.ehcp
    outcomes, _ = outcomes_with_provision(ehcp, lines)
    judged = {p.outcome_id: p for p in review.progress.all()}
    ids = {i.pk for line in lines for i in line.interventions.all()}
    measures = _measures_by_intervention(ehcp.pupil_id, ids, since, until)
    targets = _scored_targets(ehcp.pupil, since, until)
    rows = []
    for outcome in outcomes:
        served = {i.pk for line in outcome.lines for i in line.interventions.all()}
        rows.append(
            OutcomeRow(
                text=outcome.text,
                area=outcome.get_area_display() if outcome.area else "",
                outcome=outcome,
                lines=outcome.lines,
                measures=[s for pk in sorted(served) for s in measures.get(pk, [])],
                targets=[
                    TargetEvidence(
                        wording=t["wording"],
                        outcome=t["outcome"],
                        held_on=t["held_on"],
                        plan=t["plan_name"],
                    )
                    for t in targets
                    if outcome.area and t["area"] == outcome.area
                ],
                judged=judged.get(outcome.pk),
            )
        )
    rows += [
        OutcomeRow(text=p.outcome_text, area="", outcome=None, judged=p)
        for p in judged.values()
        if p.outcome_id is None
    ]
    return rows


def provision_rows(review: AnnualReview, lines: list[EHCPProvision]) -> list[ProvisionRow]:
    """Return every section F line with its delivery and the meeting's judgement, then any
    judgement of a line removed from the plan since."""
    checked = {c.provision_id: c for c in review.checks.all()}
    rows = [
        ProvisionRow(text=line.description, line=line, checked=checked.get(line.pk))
        for line in lines
    ]
    rows += [
        ProvisionRow(text=c.provision_text, line=None, checked=c)
        for c in checked.values()
        if c.provision_id is None
    ]
    return rows


def amendments_by_section(
    review: AnnualReview,
) -> list[tuple[str, str, list[AnnualReviewAmendment]]]:
    """Return (code, label, amendments) for each section of the plan, in the order B, E, F,
    other; a section with no amendment is listed empty, so the report says so."""
    by_section: dict[str, list[AnnualReviewAmendment]] = {}
    for a in review.amendments.all():
        by_section.setdefault(a.section, []).append(a)
    return [
        (code, label, by_section.get(code, []))
        for code, label in AnnualReviewAmendment.Section.choices
    ]


def review_record(review: AnnualReview) -> dict[str, Any]:
    """Return the review's record and evidence for the page and both exports."""
    since, until = review_period(review)
    lines = list(provision_with_delivery(review.ehcp, as_of=until))
    invitees: list[AnnualReviewInvitee] = list(review.invitees.all())
    amendments = amendments_by_section(review)
    return {
        "sections": numbered_sections(),
        "period_from": since,
        "period_to": until,
        "invitees": invitees,
        "outcome_rows": outcome_rows(review, lines, since, until),
        "provision_rows": provision_rows(review, lines),
        "amendments": amendments,
        "amendment_count": sum(len(found) for _, _, found in amendments),
    }


def _person(user: User) -> str:
    return user.full_name or user.email


def plan_facts(context: dict[str, Any]) -> list[tuple[str, str]]:
    """Return section 1 of the report as (label, value) rows."""
    pupil, ehcp, review = context["pupil"], context["ehcp"], context["review"]
    name = f"{pupil.legal_forename} {pupil.legal_surname}"
    if pupil.preferred_forename:
        name += f" (known as {pupil.display_name})"
    transfer = "None planned"
    if ehcp.phase_transfer:
        transfer = f"{context['transfer_label']}, September {ehcp.transfer_year}"
        if context["transfer_deadline"]:
            transfer += f": amended plan needed by {nice_date(context['transfer_deadline'])}"
    return [
        ("Name", name),
        ("Date of birth", nice_date(pupil.date_of_birth)),
        ("UPN", pupil.upn),
        ("Year group", f"Year {pupil.nc_year}" if pupil.nc_year else "Not following the NC"),
        ("School", ehcp.school.name),
        ("Local authority", ehcp.local_authority),
        ("EHCP issued", nice_date(ehcp.issued_on)),
        ("EHCP coordinator", _person(ehcp.coordinator)),
        ("Date of the review meeting", nice_date(review.meeting_on)),
        (
            "Period reviewed",
            f"{nice_date(context['period_from'])} to {nice_date(context['period_to'])}",
        ),
        ("Phase transfer", transfer),
    ]


def review_report(review: AnnualReview, *, built_by: User) -> dict[str, Any]:
    """Return everything the report shows (PDF and DOCX alike), drawn from the record alone."""
    context = {**review_report_context(review, built_by=built_by), **review_record(review)}
    context["facts"] = plan_facts(context)
    context["built_by_name"] = _person(built_by)
    context["adulthood"] = [(label, getattr(review, name)) for name, label in ADULTHOOD.items()]
    return context
