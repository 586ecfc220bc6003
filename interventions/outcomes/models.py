"""Outcome measures per enrolment and the stored impact report of an intervention."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from interventions.delivery.models import Enrolment, Intervention
from staff.models import User

ZERO_TO_TEN = [MinValueValidator(0), MaxValueValidator(10)]


class MeasureRecord(models.Model):
    """One measurement of one pupil at one point (baseline, mid-point or exit).

    GBO: up to three goal ratings (0-10) for the enrolment's targets 1-3.
    NUMERIC: one value on the programme's scale (e.g. reading age in months).
    SDQ: the five subscale scores staff copy from the paper or licensed form (never the items).
    """

    class Kind(models.TextChoices):
        GBO = "GBO", "Goal Based Outcomes"
        NUMERIC = "NUMERIC", "Numeric scale"
        SDQ = "SDQ", "SDQ"

    class Point(models.TextChoices):
        BASELINE = "BASELINE", "Baseline"
        MID = "MID", "Mid-point"
        EXIT = "EXIT", "Exit"

    class Informant(models.TextChoices):
        TEACHER = "TEACHER", "Teacher"
        PARENT = "PARENT", "Parent"
        SELF = "SELF", "Self (11-17)"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    point = models.CharField(max_length=8, choices=Point.choices)
    taken_on = models.DateField()
    gbo_1 = models.PositiveSmallIntegerField(null=True, blank=True, validators=ZERO_TO_TEN)
    gbo_2 = models.PositiveSmallIntegerField(null=True, blank=True, validators=ZERO_TO_TEN)
    gbo_3 = models.PositiveSmallIntegerField(null=True, blank=True, validators=ZERO_TO_TEN)
    value = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    sdq_informant = models.CharField(max_length=8, choices=Informant.choices, blank=True)
    sdq_emotional = models.PositiveSmallIntegerField(null=True, blank=True, validators=ZERO_TO_TEN)
    sdq_conduct = models.PositiveSmallIntegerField(null=True, blank=True, validators=ZERO_TO_TEN)
    sdq_hyperactivity = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=ZERO_TO_TEN
    )
    sdq_peer = models.PositiveSmallIntegerField(null=True, blank=True, validators=ZERO_TO_TEN)
    sdq_prosocial = models.PositiveSmallIntegerField(null=True, blank=True, validators=ZERO_TO_TEN)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["enrolment", "kind", "taken_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "kind", "point"], name="measure_once_per_point"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__lte": 10}),
                    name=f"measure_{name}_0_to_10",
                )
                for name in (
                    "gbo_1",
                    "gbo_2",
                    "gbo_3",
                    "sdq_emotional",
                    "sdq_conduct",
                    "sdq_hyperactivity",
                    "sdq_peer",
                    "sdq_prosocial",
                )
            ],
        ]

    def __str__(self) -> str:
        point = self.get_point_display().lower()
        return f"{self.get_kind_display()} {point} for {self.enrolment.pupil}"


def impact_report_path(instance: ImpactReport, filename: str) -> str:
    return f"impact/{instance.intervention.school_id}/intervention-{instance.intervention_id}.pdf"


class ImpactReport(models.Model):
    """The latest impact report of an intervention: its figures and the PDF built from them."""

    intervention = models.OneToOneField(
        Intervention, on_delete=models.CASCADE, related_name="impact_report"
    )
    figures = models.JSONField(default=dict)
    figures_hash = models.CharField(max_length=64, blank=True)
    pdf = models.FileField(upload_to=impact_report_path, blank=True, max_length=200)
    built_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Impact report: {self.intervention}"
