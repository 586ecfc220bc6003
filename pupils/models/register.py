"""The SEN register: pupils, their SEN status over time and their needs, with the census codes."""

from __future__ import annotations

import operator
from collections.abc import Collection
from datetime import date
from functools import reduce
from typing import TYPE_CHECKING, Any, Self, TypeAlias, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import DEFERRED, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.gb import upn as upn_scheme

from pupils.models.classes import ClassMember, taught_links
from send_hub.lib.dates import nice_date
from staff.models import Role, School, User
from staff.permissions import (
    ARCHIVE_DUTY_ROLES,
    CASELOAD_ROLES,
    WHOLE_SCHOOL_PUPIL_ROLES,
    roles_for,
)

if TYPE_CHECKING:
    # A development dependency (django-stubs); annotations only.
    from django_stubs_ext import WithAnnotations


def validate_upn(value: str) -> None:
    """Refuse a UPN whose check letter, LA number or shape is wrong."""
    try:
        upn_scheme.validate(value)
    except StdnumError:
        raise ValidationError(
            "%(value)s is not a valid UPN: it needs 13 characters and a correct check letter.",
            params={"value": value},
            code="invalid_upn",
        ) from None


class Provision(models.TextChoices):
    """Census SEN provision codes."""

    NONE = "N", "No SEN"
    SEN_SUPPORT = "K", "SEN support"
    EHCP = "E", "EHC plan"


class Area(models.TextChoices):
    """The four broad areas of need (SEND Code of Practice)."""

    COMMUNICATION = "CI", "Communication and interaction"
    COGNITION = "CL", "Cognition and learning"
    SEMH = "SEMH", "Social, emotional and mental health"
    SENSORY = "SP", "Sensory and/or physical"


class NeedType(models.TextChoices):
    """Census type-of-need codes."""

    SPLD = "SPLD", "Specific learning difficulty"
    MLD = "MLD", "Moderate learning difficulty"
    SLD = "SLD", "Severe learning difficulty"
    PMLD = "PMLD", "Profound and multiple learning difficulty"
    SLCN = "SLCN", "Speech, language and communication needs"
    ASD = "ASD", "Autistic spectrum disorder"
    SEMH = "SEMH", "Social, emotional and mental health"
    HI = "HI", "Hearing impairment"
    VI = "VI", "Vision impairment"
    MSI = "MSI", "Multi-sensory impairment"
    PD = "PD", "Physical disability"
    DS = "DS", "Down syndrome"
    OTH = "OTH", "Other difficulty or disability"
    NSA = "NSA", "SEN support but no specialist assessment"


AREA_OF_NEED: dict[str, str | None] = {
    NeedType.SPLD: Area.COGNITION,
    NeedType.MLD: Area.COGNITION,
    NeedType.SLD: Area.COGNITION,
    NeedType.PMLD: Area.COGNITION,
    NeedType.SLCN: Area.COMMUNICATION,
    NeedType.ASD: Area.COMMUNICATION,
    NeedType.SEMH: Area.SEMH,
    NeedType.HI: Area.SENSORY,
    NeedType.VI: Area.SENSORY,
    NeedType.MSI: Area.SENSORY,
    NeedType.PD: Area.SENSORY,
    # Down syndrome is usually recorded under cognition and learning in school reporting.
    NeedType.DS: Area.COGNITION,
    NeedType.OTH: None,
    NeedType.NSA: None,
}


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"


NC_YEAR_CHOICES = [(-2, "N1"), (-1, "N2"), (0, "Reception")] + [
    (n, f"Year {n}") for n in range(1, 15)
]
NC_YEAR_LABELS: dict[int | None, str] = dict(NC_YEAR_CHOICES)


class ArchivedRecordError(PermissionDenied):
    """A change to an archived leaver's records, refused (``records.archive`` raises it on every
    save and delete; a 403 page or an htmx fragment shows the message)."""

    def __init__(self, pupil: Pupil) -> None:
        self.pupil = pupil
        left = nice_date(pupil.leaving_date) if pupil.leaving_date else "an earlier date"
        super().__init__(
            f"{pupil.display_name} left on {left}; their records are archived and read-only."
        )


class RegisterFields(TypedDict):
    """What ``PupilQuerySet.with_register_fields()`` adds to each pupil."""

    provision: str
    provision_since: date | None
    primary_need: str | None
    secondary_need: str | None


def archived_q(prefix: str = "", on: date | None = None) -> Q:
    """The one rule for an archived leaver: their leaving date is before ``on`` (default: today,
    the school's local date). A pupil leaving today or later still attends and is not archived.
    ``prefix`` reaches a pupil from another model, e.g. ``archived_q("pupil__")``."""
    return Q(**{f"{prefix}leaving_date__lt": on or timezone.localdate()})


def not_archived_q(prefix: str = "", on: date | None = None) -> Q:
    """The pupils ``archived_q`` leaves out: no leaving date, or one on or after ``on``."""
    return Q(**{f"{prefix}leaving_date__isnull": True}) | Q(
        **{f"{prefix}leaving_date__gte": on or timezone.localdate()}
    )


def hides_archived(user: object) -> bool:
    """Whether ``user`` must not see archived leavers in their current school (everyone but the
    roles in ``ARCHIVE_DUTY_ROLES``): lists reached without ``Pupil.objects.visible_to`` (a
    room's placements, the school's removals) filter with ``not_archived_q`` when this is true."""
    return not roles_for(user, getattr(user, "current_school_id", None)) & ARCHIVE_DUTY_ROLES


class PupilQuerySet(models.QuerySet["Pupil"]):
    def on_roll(self) -> Self:
        """Return pupils who have not left."""
        return self.filter(leaving_date__isnull=True)

    def archived(self, on: date | None = None) -> Self:
        """Return leavers whose records are archived: read-only, out of every list and count."""
        return self.filter(archived_q(on=on))

    def not_archived(self, on: date | None = None) -> Self:
        """Return pupils still attending on ``on`` (default today), leavers-to-be included."""
        return self.filter(not_archived_q(on=on))

    def visible_to(self, user: User | AnonymousUser) -> Self:
        """Return the pupils ``user`` may see in their current school.

        Leaders, the DSL team and behaviour support see every pupil in the school; LSAs, ELSAs
        and inclusion leaders see their own caseload (current key-adult links); teachers see the
        pupils they teach now or within the school's grace days (``taught_links``); someone
        holding both sees both; anyone else, and anyone outside the school, sees none.
        Archived leavers are seen only by the roles that keep a duty to their records
        (``ARCHIVE_DUTY_ROLES``); the DPO sees those leavers and no current pupil.
        """
        school_id = getattr(user, "current_school_id", None)
        roles = roles_for(user, school_id)
        if not roles or not user.is_authenticated:
            return self.none()
        mine = self.filter(school_id=school_id)
        keeps_archive = bool(roles & ARCHIVE_DUTY_ROLES)
        if roles & WHOLE_SCHOOL_PUPIL_ROLES:
            return mine if keeps_archive else mine.not_archived()
        if not keeps_archive:
            mine = mine.not_archived()
        ways = []
        if keeps_archive:  # the DPO (the other duty roles see the whole school): every leaver
            ways.append(archived_q())
        if roles & CASELOAD_ROLES:
            caseload = KeyAdult.objects.filter(staff=user, end_date__isnull=True)
            ways.append(Q(pk__in=caseload.values("pupil_id")))
        if Role.TEACHER in roles:
            taught = ClassMember.objects.filter(taught_links(user, school_id))
            ways.append(Q(pk__in=taught.values("pupil_id")))
        if not ways:
            return self.none()
        return mine.filter(reduce(operator.or_, ways))

    def with_register_fields(self) -> PupilQuerySet[RegisterRow]:
        """Annotate the open provision (N when none) and the primary and secondary needs.

        Joins rather than a subquery per pupil: a pupil has at most one open status
        (``sen_status_one_open``) and a status one need of each rank (``sen_need_rank_once``),
        so the joins keep one row per pupil, and filtering, sorting and counting stay in the
        database at a cost that does not grow with a subquery for each pupil on roll.
        """
        return self.annotate(
            open_status=models.FilteredRelation(
                "sen_statuses", condition=Q(sen_statuses__end_date__isnull=True)
            ),
            open_first_need=models.FilteredRelation(
                "open_status__needs", condition=Q(open_status__needs__rank=1)
            ),
            open_second_need=models.FilteredRelation(
                "open_status__needs", condition=Q(open_status__needs__rank=2)
            ),
        ).annotate(
            provision=Coalesce(models.F("open_status__provision"), models.Value("N")),
            provision_since=models.F("open_status__start_date"),
            primary_need=models.F("open_first_need__need"),
            secondary_need=models.F("open_second_need__need"),
        )

    def with_current_key_adults(self) -> Self:
        """Prefetch current key-adult links with their staff (two queries for any number)."""
        return self.prefetch_related(
            models.Prefetch(
                "key_adults",
                queryset=KeyAdult.objects.filter(end_date__isnull=True).select_related("staff"),
                to_attr="current_key_adults",
            )
        )

    def with_current_status(self) -> Self:
        """Prefetch the open SEN status and its needs (two queries for any number of pupils)."""
        return self.prefetch_related(
            models.Prefetch(
                "sen_statuses",
                queryset=SENStatus.objects.filter(end_date__isnull=True).prefetch_related("needs"),
                to_attr="open_statuses",
            )
        )


class Pupil(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="pupils")
    upn = models.CharField("UPN", max_length=13, validators=[validate_upn])
    mis_id = models.CharField("MIS id", max_length=50, blank=True)
    legal_forename = models.CharField(max_length=100)
    legal_surname = models.CharField(max_length=100)
    preferred_forename = models.CharField(max_length=100, blank=True)
    preferred_surname = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    nc_year = models.SmallIntegerField(
        "NC year",
        choices=NC_YEAR_CHOICES,
        null=True,
        blank=True,
        help_text="Blank when the pupil does not follow the National Curriculum (census X).",
    )
    registration_group = models.CharField(max_length=20, blank=True)
    admission_date = models.DateField(null=True, blank=True)
    leaving_date = models.DateField(null=True, blank=True)
    pupil_premium = models.BooleanField(default=False)
    free_school_meals = models.BooleanField(default=False)
    eal = models.BooleanField("EAL", default=False)
    looked_after = models.BooleanField(default=False)
    # As the MIS records it (a DfE code such as WBRI, or its description); blank: not recorded.
    ethnicity = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PupilQuerySet.as_manager()

    # The leaving date as last read from or written to the database (DEFERRED when not known):
    # the archive guard (records.archive) tells an edit of an archived leaver, refused, from the
    # edit that changes their leaving date (un-archiving them or correcting it), without a query.
    _stored_leaving_date: Any = DEFERRED

    class Meta:
        ordering = ["legal_surname", "legal_forename"]
        constraints = [
            models.UniqueConstraint(fields=["school", "upn"], name="pupil_upn_once_per_school"),
            models.CheckConstraint(
                condition=Q(leaving_date__isnull=True)
                | Q(admission_date__isnull=True)
                | Q(leaving_date__gte=models.F("admission_date")),
                name="pupil_leaves_after_admission",
            ),
        ]
        indexes = [
            # register filters by year within a school
            models.Index(fields=["school", "nc_year"], name="pupil_school_year_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def forename(self) -> str:
        return self.preferred_forename or self.legal_forename

    @property
    def surname(self) -> str:
        return self.preferred_surname or self.legal_surname

    # The columns display_name reads: for lists that load a pupil's name and nothing else.
    NAME_FIELDS = ("legal_forename", "legal_surname", "preferred_forename", "preferred_surname")

    @property
    def display_name(self) -> str:
        return self.name_from(
            self.preferred_forename, self.legal_forename, self.preferred_surname, self.legal_surname
        )

    def get_nc_year_display(self) -> str | None:  # type: ignore[no-redef]  # Django's, faster
        """The year group's name ("Year 4"), as Django's generated method gives it (a year not
        in the choices as its number; None when not recorded).

        A dictionary lookup in place of Django's, which flattens and hashes the choices on
        every call: lists (the register, Today, the access register) show it on every row.
        """
        if self.nc_year is None:
            return None
        return NC_YEAR_LABELS.get(self.nc_year, str(self.nc_year))

    @staticmethod
    def name_from(
        preferred_forename: str, legal_forename: str, preferred_surname: str, legal_surname: str
    ) -> str:
        """The name staff know a pupil by (``display_name``), from the four name columns, for
        lists that read those columns rather than whole pupil records."""
        return f"{preferred_forename or legal_forename} {preferred_surname or legal_surname}"

    @property
    def current_status(self) -> SENStatus | None:
        statuses = getattr(self, "open_statuses", None)
        if statuses is None:
            statuses = list(self.sen_statuses.filter(end_date__isnull=True))
        return statuses[0] if statuses else None

    @classmethod
    def from_db(
        cls, db: str | None, field_names: Collection[str], values: Collection[Any], **kw: Any
    ) -> Self:
        pupil = super().from_db(db, field_names, values, **kw)
        pupil._stored_leaving_date = pupil.__dict__.get("leaving_date", DEFERRED)
        return pupil

    @property
    def is_archived(self) -> bool:
        """Whether this pupil's records are archived (``archived_q``: left before today)."""
        return self.leaving_date is not None and self.leaving_date < timezone.localdate()


if TYPE_CHECKING:
    # A register row: a pupil with its open provision and needs (``with_register_fields()``).
    RegisterRow: TypeAlias = WithAnnotations[Pupil, RegisterFields]


class SENStatus(models.Model):
    """One period of a census SEN provision code. At most one is open (no end date) per pupil."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="sen_statuses")
    provision = models.CharField(max_length=1, choices=Provision.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    parents_informed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = "SEN status"
        verbose_name_plural = "SEN statuses"
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(end_date__isnull=True), name="sen_status_one_open"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="sen_status_ends_after_start",
            ),
        ]
        indexes = [
            # register counts: open statuses by provision
            models.Index(fields=["provision", "end_date"], name="sen_status_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_provision_display()} from {nice_date(self.start_date)}"

    @property
    def primary_need(self) -> SENNeed | None:
        return next((n for n in self.needs.all() if n.rank == 1), None)


class SENNeed(models.Model):
    """A ranked type of need within one SEN status period (rank 1 primary, rank 2 secondary)."""

    status = models.ForeignKey(SENStatus, on_delete=models.CASCADE, related_name="needs")
    rank = models.PositiveSmallIntegerField(choices=[(1, "Primary"), (2, "Secondary")])
    need = models.CharField(max_length=4, choices=NeedType.choices)

    class Meta:
        ordering = ["rank"]
        verbose_name = "SEN need"
        constraints = [
            models.UniqueConstraint(fields=["status", "rank"], name="sen_need_rank_once"),
            models.UniqueConstraint(fields=["status", "need"], name="sen_need_code_once"),
            models.CheckConstraint(condition=Q(rank__in=[1, 2]), name="sen_need_rank_1_or_2"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rank_display()}: {self.get_need_display()}"

    @property
    def area(self) -> str | None:
        return AREA_OF_NEED.get(self.need)


def needs_in_area(area: str) -> list[str]:
    """Return the census need codes that belong to a broad area of need."""
    return [code for code, a in AREA_OF_NEED.items() if a == area]


class KeyAdult(models.Model):
    """A member of staff assigned to a pupil; current links make up that person's caseload."""

    class Kind(models.TextChoices):
        KEY_WORKER = "KEY_WORKER", "Key worker"
        ONE_TO_ONE = "ONE_TO_ONE", "1:1 LSA"
        ELSA = "ELSA", "ELSA"
        MENTOR = "MENTOR", "Mentor"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="key_adults")
    staff = models.ForeignKey(User, on_delete=models.PROTECT, related_name="caseload_links")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "staff", "kind"],
                condition=Q(end_date__isnull=True),
                name="key_adult_once_while_current",
            ),
        ]
        indexes = [
            # caseload scope: current links of one member of staff
            models.Index(fields=["staff", "end_date"], name="key_adult_caseload_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.staff}"
