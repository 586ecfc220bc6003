"""Staff records in the app: my own record, a colleague's (for HR and leaders), training due."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from send_hub.http import SchoolHttpRequest
from staff import services
from staff.models import Membership, MembershipRole, TrainingRecord
from staff.models.people import MembershipQuerySet
from staff.permissions import can, get_object_for, requires
from staff.training import EXPIRING_SOON_DAYS, elsa_status, elsa_statuses, training_lines

RECENT = 12


def _records_queryset() -> MembershipQuerySet:
    return Membership.objects.select_related(
        "user", "school", "role_profile", "line_manager"
    ).prefetch_related(
        Prefetch("roles", queryset=MembershipRole.objects.order_by("role")),
        "specialisms",
    )


def _record_context(request: SchoolHttpRequest, membership: Membership) -> dict[str, object]:
    user = membership.user
    records = TrainingRecord.objects.filter(user=user).select_related("training_type")
    return {
        "membership": membership,
        "person": user,
        "training": training_lines(records),
        "elsa": elsa_status(user.pk),
        "supervision": list(user.supervision_sessions.all()[:RECENT]),
        "cpd": list(user.cpd_entries.all()[:RECENT]),
        "may_edit": can(request.user, "staff.edit_records") and request.user.is_staff,
        "expiring_days": EXPIRING_SOON_DAYS,
    }


@requires("staff.view_own")
@require_GET
def my_record(request: SchoolHttpRequest) -> HttpResponse:
    """Show the signed-in person their role profile, training and checks, supervision and CPD."""
    membership = _records_queryset().get(pk=request.membership.pk)
    context = {**_record_context(request, membership), "is_me": True}
    return render(request, "staff/person.html", context)


@requires("staff.view_records")
@require_GET
def person(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show HR and leaders one colleague's staff record in the current school."""
    membership = get_object_for(request, _records_queryset(), pk, "staff.view_records")
    context = {
        **_record_context(request, membership),
        "is_me": membership.user_id == request.user.pk,
    }
    return render(request, "staff/person.html", context)


@requires("staff.view_records")
@require_GET
def training(request: SchoolHttpRequest) -> HttpResponse:
    """List training and checks that have run out or will soon, and ELSAs short of supervision."""
    school = request.school
    due = services.training_expiring(school, within_days=EXPIRING_SOON_DAYS)
    members = {
        m.user_id: m
        for m in Membership.objects.active().filter(school=school).select_related("user")
    }
    elsas = [
        (members[uid], status) for uid, status in elsa_statuses(members).items() if uid in members
    ]
    elsas.sort(key=lambda pair: (not pair[1].lapsing, pair[0].user.full_name))
    context = {
        "due": [(record, members.get(record.user_id)) for record in due],
        "today": timezone.localdate(),
        "elsas": elsas,
        "days": EXPIRING_SOON_DAYS,
    }
    return render(request, "staff/training.html", context)
