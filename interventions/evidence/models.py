"""What the provision ledger and the whole-school provision map need beyond logged sessions:
the school's settings (ledger threshold, staff rates and on-costs, notional SEN budget),
in-class support, resources and external services with their costs, and EHCP top-up funding.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from pupils.models import NC_YEAR_CHOICES, Area, Pupil
from staff.models import School, User
from staff.permissions import roles_for


class SchoolScopedQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        """Return the rows of ``user``'s current school (the capability decides the rest)."""
        school_id = getattr(user, "current_school_id", None)
        if not roles_for(user, school_id):
            return self.none()
        return self.filter(school_id=school_id)


DEFAULT_THRESHOLD = 85
DEFAULT_ON_COSTS = Decimal("28.00")
DEFAULT_SUPPORT_RATE = Decimal("14.50")


class ProvisionSettings(models.Model):
    """One school's settings for the ledger and the provision map (defaults until saved)."""

    school = models.OneToOneField(
        School, on_delete=models.CASCADE, related_name="provision_settings"
    )
    ledger_threshold = models.PositiveSmallIntegerField(
        "Delivery threshold (%)",
        default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="The SENDCo is told once when a provision line falls below this over four "
        "school weeks.",
    )
    on_cost_percent = models.DecimalField(
        "Staff on-costs (%)",
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_ON_COSTS,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text="Employer's National Insurance and pension, added to staff hourly rates.",
    )
    support_hourly_rate = models.DecimalField(
        "Support staff hourly rate (£)",
        max_digits=7,
        decimal_places=2,
        default=DEFAULT_SUPPORT_RATE,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Before on-costs: in-class support and EHCP 1:1 hours unless a rate is given.",
    )
    notional_sen_budget = models.DecimalField(
        "Notional SEN budget for the year (£)",
        max_digits=10,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "provision settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(ledger_threshold__gte=1, ledger_threshold__lte=100),
                name="provision_threshold_1_to_100",
            ),
        ]

    def __str__(self) -> str:
        return f"Provision settings of {self.school}"

    def loaded_rate(self, rate: Decimal | None = None) -> Decimal:
        """Return ``rate`` (or the support rate) per hour with on-costs added."""
        base = self.support_hourly_rate if rate is None else rate
        return base * (1 + self.on_cost_percent / 100)


class InClassSupport(models.Model):
    """A member of staff's hours each week in a class or with one pupil (entered)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(
        Pupil, null=True, blank=True, on_delete=models.PROTECT, related_name="in_class_support"
    )
    class_name = models.CharField(
        max_length=60, blank=True, help_text='A class, e.g. "8B English"; or choose a pupil.'
    )
    nc_year = models.SmallIntegerField("Year group", choices=NC_YEAR_CHOICES, null=True, blank=True)
    hours_per_week = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal(40))],
    )
    hourly_rate = models.DecimalField(
        "Hourly rate (£)",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Before on-costs; empty: the school's support staff rate.",
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pupil__isnull=False) | ~Q(class_name=""),
                name="in_class_support_class_or_pupil",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="in_class_support_ends_after_start",
            ),
        ]
        indexes = [
            # the provision map: a school's support overlapping a term
            models.Index(fields=["school", "start_date"], name="in_class_school_start_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.hours_per_week} h a week: {self.class_name or self.pupil}"


class ProvisionCost(models.Model):
    """A resource bought or an external service paid for, for one pupil or the school."""

    class Kind(models.TextChoices):
        RESOURCE = "RESOURCE", "Resource"
        SERVICE = "SERVICE", "External service"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    description = models.CharField(max_length=200)
    supplier = models.CharField(max_length=120, blank=True)
    cost = models.DecimalField(
        "Cost (£)", max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    incurred_on = models.DateField("Date")
    pupil = models.ForeignKey(
        Pupil, null=True, blank=True, on_delete=models.PROTECT, related_name="provision_costs"
    )
    area = models.CharField("Area of need", max_length=4, choices=Area.choices, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        ordering = ["incurred_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(cost__gte=0), name="provision_cost_not_negative"),
        ]
        indexes = [
            # the provision map: a school's costs in a term
            models.Index(fields=["school", "incurred_on"], name="provision_cost_school_idx"),
        ]

    def __str__(self) -> str:
        return self.description


class TopUpFunding(models.Model):
    """High-needs top-up funding the local authority paid for one pupil with an EHCP."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="top_up_funding")
    amount = models.DecimalField(
        "Amount (£)", max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    received_on = models.DateField()
    reference = models.CharField(max_length=120, blank=True, help_text="The LA's remittance.")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        ordering = ["received_on", "pk"]
        verbose_name_plural = "top-up funding"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="top_up_not_negative"),
        ]
        indexes = [
            # the provision map: a school's top-up received in a term
            models.Index(fields=["school", "received_on"], name="top_up_school_idx"),
        ]

    def __str__(self) -> str:
        return f"Top-up £{self.amount}"
