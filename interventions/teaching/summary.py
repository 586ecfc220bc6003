"""What a teacher needs about each class, at a glance: for each pupil on the SEN register, with
exam access arrangements or the neutral "speak to the DSL" flag, their need, the strategies that
help most, current plan targets and access arrangements. A fixed number of queries for any number
of classes and pupils."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.utils import timezone

from interventions.plans.models import PlanTarget, SupportPlan
from interventions.teaching.models import StrategyFeedback
from pupils.models import (
    AccessArrangement,
    ClassMember,
    NeedType,
    Passport,
    Provision,
    Pupil,
    TeachingClass,
)
from pupils.models.classes import flagged_pupils

# How many strategies and targets a row shows: enough to act on in a lesson, few enough to read.
STRATEGIES_SHOWN = 3
TARGETS_SHOWN = 3


def strategy_lines(text: str) -> list[str]:
    """Split a passport's strategies into one strategy a line (bullets and blanks dropped)."""
    lines = (line.strip().lstrip("-•*").strip() for line in text.splitlines())
    return [line[:300] for line in lines if line]


@dataclass
class Strategy:
    text: str
    helped: int = 0
    not_helped: int = 0
    mine: bool | None = None  # this teacher's own word: helped, did not, or not said


@dataclass
class PupilRow:
    pupil: Any  # a Pupil annotated with provision, primary_need and strategies_text
    strategies: list[Strategy] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    arrangements: list[AccessArrangement] = field(default_factory=list)
    flagged: bool = False  # the neutral "speak to the DSL" flag, nothing more

    @property
    def need(self) -> str:
        code = self.pupil.primary_need
        return NeedType(code).label if code else ""

    @property
    def provision(self) -> str:
        return Provision(self.pupil.provision).label


@dataclass
class ClassSummary:
    teaching_class: TeachingClass
    rows: list[PupilRow]
    size: int

    @property
    def others(self) -> int:
        return self.size - len(self.rows)


def class_summaries(
    classes: models.QuerySet[TeachingClass], *, teacher: Any = None, on: dt.date | None = None
) -> list[ClassSummary]:
    """Return each class with its SEN and access-arrangement pupils, ranked strategies first."""
    today = on or timezone.localdate()
    classes = classes.prefetch_related(
        models.Prefetch(
            "memberships",
            queryset=ClassMember.objects.current().only("pk", "pupil_id", "teaching_class_id"),
            to_attr="current_members",
        )
    )
    class_list = list(classes)
    ids = {m.pupil_id for c in class_list for m in c.current_members}
    if not ids:
        return [ClassSummary(c, [], 0) for c in class_list]
    latest = Passport.objects.filter(pupil=OuterRef("pk")).order_by("-version")
    arrangements: dict[int, list[AccessArrangement]] = defaultdict(list)
    for a in AccessArrangement.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today), pupil_id__in=ids, valid_from__lte=today
    ):
        arrangements[a.pupil_id].append(a)
    flagged = flagged_pupils(ids)
    pupils = {
        p.pk: p
        for p in Pupil.objects.filter(pk__in=ids)
        .on_roll()
        .with_register_fields()
        .annotate(strategies_text=Subquery(latest.values("strategies")[:1]))
        .order_by("legal_surname", "legal_forename")
        if p.provision != Provision.NONE or arrangements.get(p.pk) or p.pk in flagged
    }
    targets: dict[int, list[str]] = defaultdict(list)
    for pupil_id, wording in (
        PlanTarget.objects.filter(
            plan__pupil_id__in=pupils,
            plan__status=SupportPlan.Status.ACTIVE,
            cycle=models.F("plan__cycle"),
            outcome="",
        )
        .order_by("plan_id", "pk")
        .values_list("plan__pupil_id", "wording")
    ):
        targets[pupil_id].append(wording)
    votes: dict[tuple[int, str], Strategy] = {}
    for fb in StrategyFeedback.objects.filter(pupil_id__in=pupils).only(
        "pupil_id", "teacher_id", "strategy", "helped"
    ):
        s = votes.setdefault((fb.pupil_id, fb.strategy), Strategy(fb.strategy))
        if fb.helped:
            s.helped += 1
        else:
            s.not_helped += 1
        if teacher is not None and fb.teacher_id == teacher.pk:
            s.mine = fb.helped
    rows: dict[int, PupilRow] = {}
    for pk, pupil in pupils.items():
        strategies = [
            votes.get((pk, line), Strategy(line))
            for line in strategy_lines(pupil.strategies_text or "")
        ]
        # Those colleagues found help most come first; untried ones keep the passport's order.
        strategies.sort(key=lambda s: -(s.helped - s.not_helped))
        rows[pk] = PupilRow(
            pupil=pupil,
            strategies=strategies[:STRATEGIES_SHOWN],
            targets=targets[pk][:TARGETS_SHOWN],
            arrangements=arrangements.get(pk, []),
            flagged=pk in flagged,
        )
    order = {pk: i for i, pk in enumerate(pupils)}
    return [
        ClassSummary(
            c,
            sorted(
                (rows[m.pupil_id] for m in c.current_members if m.pupil_id in rows),
                key=lambda r: order[r.pupil.pk],
            ),
            len(c.current_members),
        )
        for c in class_list
    ]


def render_class_summary_pdf(summary: ClassSummary, *, built_by: Any) -> bytes:
    """Return the one-page A4 summary of a class for a cover teacher."""
    from weasyprint import HTML  # imported here: WeasyPrint is slow to import

    html = render_to_string(
        "interventions/teaching/class_summary_pdf.html",
        {"summary": summary, "built_at": timezone.localtime(), "built_by": built_by},
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
