"""Role profiles in the app: the list, a profile and its PDF, the organisation chart, deployment."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from send_hub.http import SchoolHttpRequest
from send_hub.lib.widgets import DateInput
from staff.deployment import deployment_for_school, providers_registered, week_start_of
from staff.models import Membership, RoleProfile, School
from staff.permissions import can, requires
from staff.profiles.document import document_context
from staff.profiles.printing import pdf_response, render_pdf


def _readable_profile(request: SchoolHttpRequest, pk: int) -> RoleProfile:
    """Return a profile of the current school (404 otherwise) that the person may read (403).

    Leaders and HR admins read every profile; everyone else reads their own, in any version.
    """
    try:
        profile = RoleProfile.objects.visible_to(request.user).with_contents().get(pk=pk)
    except (RoleProfile.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if can(request.user, "staff.view_profiles"):
        return profile
    own = request.membership.role_profile if request.membership else None
    if own is not None and own.lineage == profile.lineage:
        return profile
    raise PermissionDenied


@requires("staff.view_profiles")
@require_GET
def profiles(request: SchoolHttpRequest) -> HttpResponse:
    """List the school's current role profiles and its trust's standards, with who holds each."""
    school = request.school
    rows = (
        RoleProfile.objects.current()
        .for_schools([school.pk])
        .select_related("reports_to", "school")
        .annotate(
            holders=Count(
                "memberships",
                filter=Q(memberships__school=school, memberships__active=True),
            )
        )
        .order_by("school", "title")
    )
    return render(request, "staff/profiles.html", {"profiles": rows})


@requires("staff.view_own")
@require_GET
def profile(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show one role profile as a page, like the document, with its versions."""
    role_profile = _readable_profile(request, pk)
    versions = RoleProfile.objects.filter(lineage=role_profile.lineage).order_by("-version")
    holders: list[Membership] = []
    if can(request.user, "staff.view_profiles"):
        holders = list(
            Membership.objects.active()
            .filter(school=request.school, role_profile=role_profile)
            .select_related("user")
            .order_by("user__full_name")
        )
    context = {
        **document_context(role_profile),
        "versions": versions,
        "holders": holders,
        "may_edit": can(request.user, "staff.edit_records") and request.user.is_staff,
    }
    return render(request, "staff/profile.html", context)


@requires("staff.view_own")
@require_GET
def profile_pdf(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Download one role profile as an A4 PDF laid out like the paper document."""
    role_profile = _readable_profile(request, pk)
    pdf = render_pdf(
        "staff/role_profile_document.html", document_context(role_profile), request=request
    )
    return pdf_response(pdf, role_profile.title, role_profile.version)


@dataclass
class ChartNode:
    profile: RoleProfile
    people: list[Membership]
    children: list[ChartNode] = field(default_factory=list)


def _chart(school: School) -> tuple[list[ChartNode], list[Membership]]:
    """Return the school's roles as trees drawn from "reports to", and who has no profile."""
    current = RoleProfile.objects.current().for_schools([school.pk]).order_by("title")
    members = (
        Membership.objects.active()
        .filter(school=school)
        .select_related("user")
        .order_by("user__full_name")
    )
    holders: dict[int, list[Membership]] = defaultdict(list)
    unplaced: list[Membership] = []
    for m in members:
        if m.role_profile_id:
            holders[m.role_profile_id].append(m)
        else:
            unplaced.append(m)
    # Keyed as reports_to_id looks it up: None (reports to nobody) finds no parent.
    nodes: dict[int | None, ChartNode] = {
        p.pk: ChartNode(p, holders.get(p.pk, [])) for p in current
    }
    roots: list[ChartNode] = []
    for node in nodes.values():
        parent = nodes.get(node.profile.reports_to_id)
        (parent.children if parent else roots).append(node)

    def in_this_school(node: ChartNode) -> bool:
        # A trust-wide standard nobody here holds is not part of this school's chart.
        node.children = [c for c in node.children if in_this_school(c)]
        return bool(node.people or node.children or node.profile.school_id)

    # The longest chain first, so the head is at the top and stray roles come after.
    def depth(node: ChartNode) -> int:
        return 1 + max((depth(c) for c in node.children), default=0)

    roots = sorted((r for r in roots if in_this_school(r)), key=lambda n: -depth(n))
    return roots, unplaced


def _walk(nodes: list[ChartNode], level: int = 1) -> Iterator[tuple[str, ChartNode | None, int]]:
    """Flatten the trees into open/close steps, so one template draws nested lists."""
    for node in nodes:
        yield "item", node, level
        if node.children:
            yield "open", None, level + 1
            yield from _walk(node.children, level + 1)
            yield "close", None, level + 1
        yield "end", None, level


@requires("staff.view_org_chart")
@require_GET
def org_chart(request: SchoolHttpRequest) -> HttpResponse:
    """Draw who reports to whom in the current school, from the role profiles."""
    roots, unplaced = _chart(request.school)
    context = {
        "steps": list(_walk(roots)),
        "unplaced": unplaced,
        "may_read_profiles": can(request.user, "staff.view_profiles"),
        "own_profile_id": request.membership.role_profile_id if request.membership else None,
    }
    return render(request, "staff/org_chart.html", context)


class WeekForm(forms.Form):
    week = forms.DateField(required=False, widget=DateInput())


@requires("staff.view_deployment")
@require_GET
def deployment(request: SchoolHttpRequest) -> HttpResponse:
    """Compare each person's logged minutes in a week with their role profile's time shares."""
    form = WeekForm(request.GET or None)
    day = timezone.localdate()
    if form.is_valid() and form.cleaned_data.get("week"):
        day = form.cleaned_data["week"]
    week_start = week_start_of(day)
    context = {
        "people": deployment_for_school(request.school, week_start),
        "week_start": week_start,
        "week_end": week_start + timedelta(days=4),
        "previous_week": week_start - timedelta(days=7),
        "next_week": week_start + timedelta(days=7),
        "providers": providers_registered(),
        "form": form,
    }
    return render(request, "staff/deployment.html", context)
