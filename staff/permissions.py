"""The one policy module: which role may do what, and the helpers every view uses.

Scope (which rows a person may see at all) lives with each model as ``visible_to(user)`` on its
queryset, so this module never imports the apps above it (staff <- pupils <- interventions,
safeguarding). Outside a person's school or scope the answer is 404; inside it, without the
capability, 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol, TypeVar

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from staff.models import Role, TrustRole
from staff.models.people import roles_for

ALL_ROLES = frozenset(Role.values)
LEADERS = frozenset({Role.SENDCO, Role.HEAD})
CLASSROOM = frozenset(
    {Role.LSA, Role.ELSA, Role.INCLUSION_LEADER, Role.BEHAVIOUR_SUPPORT, Role.TEACHER}
)

# Capability -> the roles that grant it. Read this table to know who may do what.
CAPABILITIES: dict[str, frozenset[str]] = {
    "core.today": ALL_ROLES,
    "staff.view_members": LEADERS | {Role.HR_ADMIN},
    "staff.invite": frozenset({Role.HEAD, Role.HR_ADMIN}),
    # Sign-ins and failed sign-in attempts on the school's staff accounts (the audit log).
    "staff.view_sign_ins": frozenset({Role.HEAD, Role.HR_ADMIN}),
    # Changing someone's roles in the app; which roles they may change is role_grant_refusal().
    "staff.change_roles": frozenset({Role.HEAD, Role.HR_ADMIN}),
    # Role profiles and staff records. Everyone reads their own profile and training record
    # (scope, not a capability); HR admins keep the records but see no pupil data.
    "staff.view_own": ALL_ROLES,
    "staff.view_org_chart": ALL_ROLES,
    "staff.view_profiles": LEADERS | {Role.HR_ADMIN},
    "staff.view_records": LEADERS | {Role.HR_ADMIN},
    "staff.edit_records": frozenset({Role.HR_ADMIN}),
    "staff.view_deployment": LEADERS,
    "admin.access": frozenset({Role.HR_ADMIN}),
    # Which pupils a person sees is decided by Pupil.objects.visible_to(); these decide what.
    # The profile, passport and strategies. The DPO's scope is archived leavers only.
    "pupils.view": CLASSROOM | LEADERS | {Role.DSL, Role.DPO},
    "pupils.view_sen_record": LEADERS
    | {Role.LSA, Role.ELSA, Role.INCLUSION_LEADER, Role.DSL, Role.BEHAVIOUR_SUPPORT},
    "pupils.view_contacts": LEADERS | {Role.LSA, Role.ELSA, Role.INCLUSION_LEADER, Role.DSL},
    "pupils.view_documents": LEADERS | {Role.DSL},
    # Exam access arrangements: whoever reads the SEN record, and the pupil's teachers.
    "pupils.view_access_arrangements": LEADERS
    | {Role.LSA, Role.ELSA, Role.INCLUSION_LEADER, Role.DSL, Role.BEHAVIOUR_SUPPORT, Role.TEACHER},
    "pupils.view_register": LEADERS,
    "pupils.view_exams": LEADERS,
    "pupils.view_looked_after": LEADERS | {Role.DSL},
    "pupils.edit": frozenset({Role.SENDCO}),
    "pupils.edit_passport": frozenset({Role.SENDCO, Role.LSA, Role.ELSA, Role.INCLUSION_LEADER}),
    "pupils.import": frozenset({Role.SENDCO}),
    # Classes from the timetable: the SENDCo imports and edits them; the head reads them.
    "pupils.view_classes": LEADERS,
    "pupils.manage_classes": frozenset({Role.SENDCO}),
    # Which interventions a person sees is Intervention.objects.visible_to(); logging a session
    # and seeing its notes also need the person to deliver it (or to be the SENDCo or head).
    "interventions.view": CLASSROOM | LEADERS | {Role.DSL},
    "interventions.view_notes": LEADERS | CLASSROOM - {Role.TEACHER},
    "interventions.log_session": CLASSROOM | {Role.SENDCO},
    "interventions.record_measures": CLASSROOM | {Role.SENDCO},
    "interventions.view_impact": LEADERS | CLASSROOM - {Role.TEACHER},
    "interventions.manage": frozenset({Role.SENDCO}),
    # Connect rooms: which rooms and placements a person sees is Room.objects.visible_to() (the
    # SENDCo and head: all; inclusion leaders and staff: the rooms they are named on).
    "interventions.connect_view": LEADERS | CLASSROOM - {Role.TEACHER},
    "interventions.connect_record": LEADERS | {Role.INCLUSION_LEADER, Role.LSA, Role.ELSA},
    "interventions.connect_review": LEADERS | {Role.INCLUSION_LEADER},
    "interventions.connect_manage": LEADERS,
    # Removals and behaviour events: the school's for behaviour support and leaders.
    "interventions.behaviour_view": LEADERS | CLASSROOM - {Role.TEACHER},
    "interventions.behaviour_record": LEADERS | {Role.BEHAVIOUR_SUPPORT},
    "interventions.behaviour_monitor": LEADERS | {Role.BEHAVIOUR_SUPPORT},
    # School attendance: the behaviour team and leaders read the school's figures and import
    # marks; early warnings on a pupil go to the people who support them (scope is
    # EarlyWarning.objects.visible_to: the pupils the person sees), who record the action.
    "interventions.attendance_monitor": LEADERS | {Role.BEHAVIOUR_SUPPORT},
    "interventions.attendance_import": LEADERS | {Role.BEHAVIOUR_SUPPORT},
    "interventions.attendance_view": LEADERS
    | {Role.BEHAVIOUR_SUPPORT, Role.LSA, Role.ELSA, Role.INCLUSION_LEADER},
    "interventions.attendance_settings": LEADERS,
    # Part-time timetables and pupils educated off site: kept by leaders, behaviour support and
    # the inclusion leader (for the pupils they see); the DSL reads today's off-site list.
    "interventions.attendance_parttime": LEADERS | {Role.BEHAVIOUR_SUPPORT, Role.INCLUSION_LEADER},
    "interventions.attendance_offsite": LEADERS | {Role.BEHAVIOUR_SUPPORT, Role.INCLUSION_LEADER},
    "interventions.attendance_offsite_today": LEADERS
    | {Role.BEHAVIOUR_SUPPORT, Role.INCLUSION_LEADER, Role.DSL},
    # Daily check-ins: the SENDCo or ELSA keeps the list; key adults record their pupils'.
    "interventions.checkin_record": LEADERS | CLASSROOM - {Role.TEACHER},
    "interventions.checkin_manage": frozenset({Role.SENDCO, Role.HEAD, Role.ELSA}),
    # Support plans and EHCPs: which plans is SupportPlan.objects.visible_to() (the pupils a
    # person sees); the SENDCo writes and reviews them and keeps the EHCP calendar.
    "interventions.plans_view": CLASSROOM | LEADERS | {Role.DSL},
    "interventions.plans_manage": frozenset({Role.SENDCO}),
    # Parent voice in a plan: not teachers, unless the school's settings grant it (below).
    "interventions.plans_parent_voice": LEADERS | {Role.DSL} | CLASSROOM - {Role.TEACHER},
    "interventions.ehcp_calendar": LEADERS,
    # Teachers: My classes (the classes they teach now), the class summary a cover teacher gets
    # (leaders may print any class's), their answers to review input requests, and their word on
    # whether a strategy helped; the SENDCo sees those words across teachers.
    "interventions.my_classes": frozenset({Role.TEACHER}),
    "interventions.class_summary": LEADERS | {Role.TEACHER},
    "interventions.review_input_answer": frozenset({Role.TEACHER}),
    "interventions.strategy_feedback": frozenset({Role.TEACHER}),
    "interventions.strategy_feedback_view": LEADERS,
    # The SENDCo's view: dashboard, provision map and costs, what works, termly reports.
    "interventions.view_provision": LEADERS,
    # The annual review report leaves the system as a file: leaders only, and audited.
    "interventions.ehcp_report": LEADERS,
    # Everyone gets reminders (HR admins too: training and DBS expiries).
    "interventions.notifications": ALL_ROLES,
    # Every member of staff can raise a concern; only the DSL team sees concerns.
    "safeguarding.raise": ALL_ROLES,
    "safeguarding.triage": frozenset({Role.DSL}),
    # Read (never change) every concern in the school: the DSL team, and the head only where the
    # school's SafeguardingSettings says so (Concern.objects.visible_to applies that switch).
    "safeguarding.view_all": frozenset({Role.DSL, Role.HEAD}),
    # The governors' report: counts only, no names, small numbers suppressed.
    "safeguarding.report_governors": frozenset({Role.DSL, Role.HEAD}),
    # The school's safeguarding settings (whether the head reads every concern).
    "safeguarding.settings": frozenset({Role.DSL, Role.HEAD}),
    # Records management: approving disposal, legal holds, subject access requests (records app).
    "records.manage": frozenset({Role.DPO, Role.HEAD}),
}

# Roles whose holders work from a caseload (current key-adult links to pupils).
CASELOAD_ROLES = frozenset({Role.LSA, Role.ELSA, Role.INCLUSION_LEADER})

# Roles whose holders see every pupil in their school (others see only their caseload, or, for
# teachers, the pupils in the classes they teach: pupils.models.classes.taught_links).
WHOLE_SCHOOL_PUPIL_ROLES = LEADERS | {Role.DSL, Role.BEHAVIOUR_SUPPORT}

# Roles that keep a duty to a leaver's records once archived (left before today), and so still
# see them, read-only: the SENDCo (the SEN record goes to the next school and is kept by the
# IRMS rule), the DSL team (the child protection file and its transfer), the head (the school's
# records as a whole) and the DPO (retention, disposal, subject access). Everyone else loses the
# pupil from every list, count and URL (Pupil.objects.visible_to; records.archive keeps them
# read-only for all).
ARCHIVE_DUTY_ROLES = frozenset({Role.SENDCO, Role.DSL, Role.HEAD, Role.DPO})


# Capabilities a school's own settings may grant beyond the roles above (teachers reading
# contacts, documents or parent voice: pupils.models.classes.TeacherAccess). The app that keeps
# the setting registers its check at start-up, so this module imports no app above it.
SettingGrant = Callable[[Any, int, frozenset[str]], bool]
SETTING_GRANTS: dict[str, SettingGrant] = {}


def register_setting_grant(capability: str, grant: SettingGrant) -> None:
    """Let a school setting grant ``capability`` (``grant(user, school_id, roles)``)."""
    if capability not in CAPABILITIES:
        raise KeyError(f"Unknown capability {capability!r}; add it to staff.permissions.")
    SETTING_GRANTS[capability] = grant


def can(user: Any, capability: str, obj: Model | None = None) -> bool:
    """Return whether ``user`` holds ``capability`` in ``obj``'s school (or their current one),
    by their roles or by a school setting that grants it."""
    if capability not in CAPABILITIES:
        raise KeyError(f"Unknown capability {capability!r}; add it to staff.permissions.")
    if capability == "admin.access" and getattr(user, "is_superuser", False):
        return True
    school_id = getattr(obj, "school_id", None) if obj is not None else None
    roles = roles_for(user, school_id)
    if roles & CAPABILITIES[capability]:
        return True
    grant = SETTING_GRANTS.get(capability)
    school_id = school_id or getattr(user, "current_school_id", None)
    return bool(roles and grant is not None and school_id and grant(user, school_id, roles))


def check(user: Any, capability: str, obj: Model | None = None) -> None:
    """Raise PermissionDenied (403) unless ``user`` holds ``capability``."""
    if not can(user, capability, obj):
        raise PermissionDenied


M = TypeVar("M", bound=Model)
M_co = TypeVar("M_co", bound=Model, covariant=True)


class Scoped(Protocol[M_co]):
    """A queryset (or its manager) that narrows itself to the rows a person may see."""

    def visible_to(self, user: Any) -> QuerySet[M_co, Any]: ...


def get_object_for(request: HttpRequest, queryset: Scoped[M], pk: Any, capability: str) -> M:
    """Return the object with ``pk`` that the signed-in person may act on.

    404 when it does not exist or lies outside their school or scope (so ids cannot be probed);
    403 when it is within scope but their roles lack ``capability``.
    """
    visible = queryset.visible_to(request.user)
    try:
        obj = visible.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
    check(request.user, capability, obj)
    return obj


V = TypeVar("V", bound=Callable[..., HttpResponseBase])


def requires(capability: str) -> Callable[[V], V]:
    """Decorate a view: sign-in required, a current school, and ``capability`` there."""

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            check(request.user, capability)
            return view(request, *args, **kwargs)

        wrapped.capability = capability  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


class RequiresMixin(AccessMixin):
    """Class-based twin of ``@requires``: set ``capability`` on the view."""

    capability: str = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        check(request.user, self.capability)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


# Set at sign-in: whether the person holds a trust role (for the menu only, never for access).
TRUST_ROLE_SESSION_KEY = "send_hub_trust_role"


def trust_ids_for(user: Any) -> frozenset[int]:
    """Return the trusts in which ``user`` holds an active trust-wide role (staff.TrustRole).

    A trust role shows each school's figures side by side; pupil-level pages still need a role
    in that school (roles_for), so it never opens another school's pupils.
    """
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached: frozenset[int] | None = getattr(user, "_trust_ids", None)
    if cached is None:
        cached = frozenset(
            TrustRole.objects.filter(user=user, active=True, user__is_active=True).values_list(
                "trust_id", flat=True
            )
        )
        user._trust_ids = cached
    return cached


# Roles that open the whole safeguarding file (DSL, deputies included), lead the school (head),
# or approve the disposal of records and release subject access bundles (DPO). Whoever grants or
# removes one is checked here, wherever it happens: invitations, the in-app roles page and the
# Django admin all ask role_grant_refusal() through staff.services.
PROTECTED_ROLES = frozenset({Role.HEAD, Role.DSL, Role.DPO})

# Who may hand each protected role out: only a head makes a head or a DPO; a head or a DSL makes
# a DSL.
PROTECTED_ROLE_GRANTERS: dict[str, frozenset[str]] = {
    Role.HEAD: frozenset({Role.HEAD}),
    Role.DSL: frozenset({Role.HEAD, Role.DSL}),
    Role.DPO: frozenset({Role.HEAD}),
}

PROTECTED_ROLE_NAMES: dict[str, str] = {Role.HEAD: "head", Role.DSL: "DSL", Role.DPO: "DPO"}


def role_grant_refusal(
    user: Any, role: str, *, school_id: int, target_user_id: int | None, adding: bool = True
) -> str | None:
    """Return why ``user`` may not grant (or remove) ``role`` in ``school_id``; None if they may.

    Superusers (the IT admin) may; nobody gives a protected role to themselves; otherwise the
    person needs one of PROTECTED_ROLE_GRANTERS in that school.
    """
    if role not in PROTECTED_ROLES:
        return None
    label = PROTECTED_ROLE_NAMES[role]
    who = "the headteacher or a DSL" if role == Role.DSL else "the headteacher"
    if getattr(user, "is_superuser", False):
        return None
    if adding and target_user_id is not None and target_user_id == getattr(user, "pk", None):
        return f"Nobody can give themselves the {label} role: ask {who} to grant it."
    if not roles_for(user, school_id) & PROTECTED_ROLE_GRANTERS[role]:
        verb = "grant" if adding else "remove"
        return (
            f"Only {who} can {verb} the {label} role. Ask them to do it in SEND Hub "
            "(Staff, then Change roles beside the person)."
        )
    return None
