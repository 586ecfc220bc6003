"""A pupil's evidence pack: the chain from need to outcome that an annual review, a tribunal or
an inspector following one pupil asks for, every line dated and linked to its source record.

need -> plan targets and EHCP outcomes -> provision planned and delivered -> outcome measures
and review scores -> the child's and family's voice -> what changed next.

Built from the records in a fixed number of queries (about twenty, whatever the years of
records), so a pack for a sample of pupils costs that many per pupil.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch
from django.urls import reverse

from interventions.delivery.models import Enrolment, SessionAttendance, delivered
from interventions.ehcp.models import EHCP, AnnualReview
from interventions.evidence import ledger
from interventions.outcomes.models import MeasureRecord
from interventions.plans.models import PlanReview, SupportPlan
from pupils.models import Provision, Pupil, SENStatus
from send_hub.lib.dates import nice_date
from send_hub.lib.db import count_of

SECTIONS = [
    ("need", "Need"),
    ("targets", "Plan targets and EHCP outcomes"),
    ("provision", "Provision planned and delivered"),
    ("outcomes", "Outcome measures and review scores"),
    ("voice", "The child's and family's voice"),
    ("next", "What changed next"),
]


@dataclass
class Entry:
    on: dt.date
    text: str
    source: str
    url: str
    detail: str = ""


@dataclass
class Section:
    code: str
    title: str
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Pack:
    pupil: Pupil
    built_on: dt.date
    sections: list[Section]
    ledger_lines: list[ledger.Line]
    threshold: int

    @property
    def entries(self) -> int:
        return sum(len(s.entries) for s in self.sections)


def _num(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value).rstrip("0").rstrip(".")


def _measure_text(m: MeasureRecord) -> str:
    point = m.get_point_display()
    if m.kind == MeasureRecord.Kind.GBO:
        goals = [str(g) for g in (m.gbo_1, m.gbo_2, m.gbo_3) if g is not None]
        return f"Goal Based Outcomes ({point.lower()}): goals scored {', '.join(goals)} of 10"
    if m.kind == MeasureRecord.Kind.SDQ:
        scores = [m.sdq_emotional, m.sdq_conduct, m.sdq_hyperactivity, m.sdq_peer]
        total = sum(s for s in scores if s is not None)
        who = m.get_sdq_informant_display().lower() if m.sdq_informant else "informant"
        return f"SDQ ({point.lower()}, {who}): total difficulties {total}"
    label = m.enrolment.intervention.programme.numeric_measure_label or "Score"
    return f"{label} ({point.lower()}): {_num(m.value)}"


def _day(value: dt.datetime | dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def evidence_pack(pupil: Pupil, today: dt.date) -> Pack:
    """Build ``pupil``'s evidence pack from every record on file (the ledger: this year)."""
    sections = {code: Section(code, title) for code, title in SECTIONS}
    add = {code: s.entries.append for code, s in sections.items()}
    pupil_url = reverse("pupils:detail", args=[pupil.pk])

    # Need: the SEN register's history, each plan's summary of needs, the EHCP.
    for status in SENStatus.objects.filter(pupil=pupil).prefetch_related("needs"):
        needs = "; ".join(
            f"{n.get_rank_display().lower()} need {n.get_need_display()}"
            for n in sorted(status.needs.all(), key=lambda n: n.rank)
        )
        ended = f", until {nice_date(status.end_date)}" if status.end_date else ""
        add["need"](
            Entry(
                status.start_date,
                f"{status.get_provision_display()} ({status.provision}){ended}"
                + (f": {needs}" if needs else ""),
                "SEN register",
                pupil_url,
            )
        )

    reviews = Prefetch("reviews", queryset=PlanReview.objects.order_by("held_on"))
    plans = list(
        SupportPlan.objects.filter(pupil=pupil)
        .select_related("kind")
        .prefetch_related(reviews, "versions", "targets__interventions")
        .order_by("created_at")
    )
    for plan in plans:
        url = reverse("interventions:plan", args=[plan.pk])
        versions = list(plan.versions.all())
        agreed = versions[0].agreed_on if versions else _day(plan.created_at)
        source = plan.kind.name
        if plan.needs_summary:
            add["need"](Entry(agreed, plan.needs_summary, source, url))
        held = {r.cycle: r.held_on for r in plan.reviews.all()}
        for target in plan.targets.all():
            via = ", ".join(i.name for i in target.interventions.all())
            add["targets"](
                Entry(
                    target.due_on or agreed,
                    target.wording,
                    f"{source}, cycle {target.cycle}",
                    url,
                    f"Delivered by {via}" if via else "",
                )
            )
            if target.outcome:
                add["outcomes"](
                    Entry(
                        held.get(target.cycle, target.due_on or agreed),
                        f"{target.get_outcome_display()}: {target.wording}",
                        f"{source} review, cycle {target.cycle}",
                        url,
                        target.evidence,
                    )
                )
        if plan.pupil_voice:
            add["voice"](
                Entry(
                    plan.pupil_voice_on or agreed,
                    plan.pupil_voice,
                    f"Pupil's voice, {source}",
                    url,
                    plan.pupil_voice_how,
                )
            )
        if plan.parent_voice:
            add["voice"](
                Entry(
                    plan.parent_voice_on or agreed,
                    plan.parent_voice,
                    f"Parents' voice, {source}",
                    url,
                    plan.parent_voice_how,
                )
            )
        for review in plan.reviews.all():
            where = f"{source} review, cycle {review.cycle}"
            if review.pupil_view:
                add["voice"](Entry(review.held_on, review.pupil_view, f"Pupil, {where}", url))
            if review.parent_view:
                add["voice"](Entry(review.held_on, review.parent_view, f"Parents, {where}", url))
            if review.decisions:
                add["next"](Entry(review.held_on, review.decisions, where, url))

    ehcps = (
        EHCP.objects.filter(pupil=pupil)
        .prefetch_related(
            "outcomes",
            Prefetch(
                "annual_reviews",
                queryset=AnnualReview.objects.order_by("meeting_on").prefetch_related("progress"),
            ),
        )
        .order_by("issued_on")
    )
    for ehcp in ehcps:
        url = reverse("interventions:ehcp", args=[ehcp.pk])
        ceased = f"; ceased {nice_date(ehcp.ceased_on)}" if ehcp.ceased_on else ""
        add["need"](
            Entry(ehcp.issued_on, f"EHCP issued by {ehcp.local_authority}{ceased}", "EHCP", url)
        )
        for outcome in ehcp.outcomes.all():
            add["targets"](Entry(ehcp.issued_on, outcome.text, "EHCP section E outcome", url))
        for annual in ehcp.annual_reviews.all():
            review_url = reverse("interventions:ehcp_review", args=[annual.pk])
            where = f"EHCP annual review of {nice_date(annual.meeting_on)}"
            for p in annual.progress.all():
                add["outcomes"](
                    Entry(
                        annual.meeting_on,
                        f"{p.get_progress_display()}: {p.outcome_text}",
                        where,
                        review_url,
                        p.commentary,
                    )
                )
            if annual.child_views:
                add["voice"](
                    Entry(annual.meeting_on, annual.child_views, f"Child, {where}", review_url)
                )
            if annual.parent_views:
                add["voice"](
                    Entry(annual.meeting_on, annual.parent_views, f"Parents, {where}", review_url)
                )
            if annual.recommendation:
                add["next"](
                    Entry(
                        annual.meeting_on,
                        f"The review recommended: {annual.get_recommendation_display().lower()}",
                        where,
                        review_url,
                        annual.recommendation_reasons,
                    )
                )
            if annual.la_decision:
                add["next"](
                    Entry(
                        annual.completed_on or annual.meeting_on,
                        f"The local authority decided: {annual.get_la_decision_display().lower()}",
                        where,
                        review_url,
                    )
                )

    # Provision: the ledger's lines this year, then every place in an intervention.
    lines = ledger.lines_for_pupils(pupil.school_id, [pupil.pk], today)
    threshold = ledger.threshold_of(pupil.school_id)
    ledger_url = reverse("interventions:ledger_pupil", args=[pupil.pk])
    for line in lines:
        if not line.weeks:
            continue
        shortfall = "; ".join(f"{label.lower()} {_num(v)}" for label, v in line.reasons)
        percent = f" ({line.percent}%)" if line.percent is not None else ""
        add["provision"](
            Entry(
                line.weeks[0].monday,
                f"{line.description.rstrip('.')}: {_num(line.delivered)} of {_num(line.planned)} "
                f"{line.unit} delivered{percent} to {nice_date(line.weeks[-1].sunday)}",
                f"Provision ledger ({line.source})",
                ledger_url,
                f"Shortfall: {shortfall}" if shortfall else "",
            )
        )
    sessions = delivered("session__")
    attended = SessionAttendance.objects.filter(
        sessions,
        pupil=OuterRef("pupil"),
        session__intervention=OuterRef("intervention"),
        attendance__in=SessionAttendance.ATTENDED,
    )
    enrolments = list(
        Enrolment.objects.filter(pupil=pupil)
        .select_related("intervention__programme")
        .annotate(attended=count_of(attended))
        .order_by("joined_on", "pk")
    )
    for e in enrolments:
        url = reverse("interventions:detail", args=[e.intervention_id])
        left = (
            f"; left {nice_date(e.left_on)}" + (f" ({e.leave_reason})" if e.leave_reason else "")
            if e.left_on
            else ""
        )
        add["provision"](
            Entry(
                e.joined_on,
                f"Joined {e.intervention.name} ({e.intervention.programme.name}): "
                f"{e.attended} session{'s' if e.attended != 1 else ''} attended{left}",
                "Intervention",
                url,
            )
        )
    measures = MeasureRecord.objects.filter(enrolment__in=[e.pk for e in enrolments])
    for m in measures.select_related("enrolment__intervention__programme"):
        add["outcomes"](
            Entry(
                m.taken_on,
                _measure_text(m),
                f"Outcome measure, {m.enrolment.intervention.name}",
                reverse("interventions:detail", args=[m.enrolment.intervention_id]),
            )
        )
    for section in sections.values():
        section.entries.sort(key=lambda entry: entry.on)
    return Pack(pupil, today, list(sections.values()), lines, threshold)


def sample_choices(school_id: int) -> list[Pupil]:
    """Return the pupils a sample is drawn from: those on the SEN register (K or E) now."""
    on_register = SENStatus.objects.filter(
        end_date__isnull=True, provision__in=[Provision.SEN_SUPPORT, Provision.EHCP]
    )
    return list(
        Pupil.objects.filter(
            school_id=school_id,
            leaving_date__isnull=True,
            pk__in=on_register.values("pupil_id"),
        ).order_by("legal_surname", "legal_forename", "pk")
    )


__all__ = ["SECTIONS", "Entry", "Pack", "Section", "evidence_pack", "sample_choices"]
