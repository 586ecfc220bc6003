"""People and schools: users, trusts, schools, memberships and the roles held in them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone


class Role(models.TextChoices):
    """What a person does in a school. Capabilities per role live in staff.permissions."""

    LSA = "LSA", "Learning support assistant"
    ELSA = "ELSA", "ELSA / learning mentor"
    INCLUSION_LEADER = "INCLUSION_LEADER", "Inclusion leader (Connect)"
    BEHAVIOUR_SUPPORT = "BEHAVIOUR_SUPPORT", "Behaviour support"
    TEACHER = "TEACHER", "Teacher"
    SENDCO = "SENDCO", "SENDCo"
    DSL = "DSL", "Designated safeguarding lead (or deputy)"
    HEAD = "HEAD", "Headteacher / senior leader"
    HR_ADMIN = "HR_ADMIN", "HR / school admin"
    DPO = "DPO", "Data protection officer"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)

    def working_at(self, school: School | int | None) -> QuerySet[User]:
        """Return the people working at ``school`` now, by name: every staff choice
        (leads, key adults, owners of plans and actions) offers these."""
        members = Membership.objects.active().filter(school=school).values("user_id")
        return self.filter(pk__in=members).order_by("full_name")


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their e-mail address."""

    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=150, help_text="As colleagues know them, in full.")
    job_title = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="May use the Django admin (HR admins and superusers only)."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    # Not a column: staff.middleware.CurrentSchoolMiddleware sets the school the person works in
    # for this request (None: none). A user loaded outside a request lacks it, so code that may
    # run there reads it with getattr.
    current_school_id: int | None

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Trust(models.Model):
    """A multi-academy trust (or a local authority grouping) that schools belong to."""

    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    class Phase(models.TextChoices):
        PRIMARY = "PRIMARY", "Primary"
        SECONDARY = "SECONDARY", "Secondary"
        ALL_THROUGH = "ALL_THROUGH", "All-through"
        SPECIAL = "SPECIAL", "Special"
        AP = "AP", "Alternative provision"

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(max_length=200)
    urn = models.CharField(
        "URN", max_length=7, unique=True, help_text="Six-digit unique reference number."
    )
    la_code = models.CharField("LA code", max_length=3, blank=True)
    estab = models.CharField("DfE establishment number", max_length=4, blank=True)
    phase = models.CharField(max_length=12, choices=Phase.choices)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(urn__regex=r"^[0-9]{6,7}$"), name="school_urn_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        """Return memberships that currently let a person work in a school."""
        return self.filter(active=True, user__is_active=True)

    def with_role(self, role: str) -> MembershipQuerySet:
        """Return memberships that hold ``role``."""
        return self.filter(roles__role=role).distinct()

    def visible_to(self, user: Any) -> MembershipQuerySet:
        """Return the memberships of ``user``'s current school (none if they work elsewhere)."""
        school_id = getattr(user, "current_school_id", None)
        if not roles_for(user, school_id):
            return self.none()
        return self.filter(school_id=school_id)


class Membership(models.Model):
    """A person's place in one school, with the roles they hold there."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="memberships")
    job_title = models.CharField(max_length=150, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    role_profile = models.ForeignKey(
        "staff.RoleProfile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text="The job description this person works to here.",
    )
    line_manager = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="line_reports"
    )
    contracted_hours = models.DecimalField(
        "contracted hours a week", max_digits=4, decimal_places=1, null=True, blank=True
    )
    contracted_weeks = models.DecimalField(
        "contracted weeks a year",
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="For example 39 for term time only, 52.14 for all year.",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["school__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "school"], name="membership_one_per_school"),
            models.CheckConstraint(
                condition=models.Q(contracted_hours__isnull=True)
                | models.Q(contracted_hours__gt=0, contracted_hours__lte=60),
                name="membership_hours_sensible",
            ),
            models.CheckConstraint(
                condition=models.Q(contracted_weeks__isnull=True)
                | models.Q(contracted_weeks__gt=0, contracted_weeks__lte=52.2),
                name="membership_weeks_sensible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.school}"

    @property
    def role_codes(self) -> frozenset[str]:
        return frozenset(r.role for r in self.roles.all())

    def clean(self) -> None:
        profile = self.role_profile
        if profile is not None and self.school_id:
            belongs = profile.school_id == self.school_id or (
                profile.school_id is None and profile.trust_id == self.school.trust_id
            )
            if not belongs:
                raise ValidationError(
                    {"role_profile": "Choose a role profile of this school or its trust."}
                )
        if self.line_manager_id and self.line_manager_id == self.user_id:
            raise ValidationError({"line_manager": "Someone cannot be their own line manager."})


class MembershipRole(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "role"], name="membership_role_once"),
        ]

    def __str__(self) -> str:
        return self.get_role_display()


def roles_for(user: Any, school_id: int | None = None) -> frozenset[str]:
    """Return the role codes ``user`` holds in ``school_id`` (default: their current school)."""
    # Here beside MembershipRole, not in staff.permissions (which re-exports it): querysets'
    # visible_to() ask it too, and the models must not import the policy module built on them.
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if school_id is None:
        school_id = getattr(user, "current_school_id", None)
    if school_id is None:
        return frozenset()
    cache: dict[int, frozenset[str]] | None = getattr(user, "_roles_by_school", None)
    if cache is None:
        cache = {}
        rows = MembershipRole.objects.filter(
            membership__user=user, membership__active=True
        ).values_list("membership__school_id", "role")
        for sid, role in rows:
            cache[sid] = cache.get(sid, frozenset()) | {role}
        user._roles_by_school = cache
    return cache.get(school_id, frozenset())
