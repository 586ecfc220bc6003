"""Who works here: choosing a school, the staff list, invitations and changing roles."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from send_hub.http import AuthenticatedHttpRequest, SchoolHttpRequest
from staff import services
from staff.forms.people import (
    AcceptInvitationForm,
    ChooseSchoolForm,
    InvitationForm,
    MemberRolesForm,
)
from staff.middleware import SCHOOL_SESSION_KEY
from staff.models import Invitation, Membership, MembershipRole
from staff.permissions import get_object_for, requires


@login_required
@require_http_methods(["GET", "POST"])
def choose_school(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Let someone who works in several schools pick the one they are working in now."""
    nxt = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = ""
    if request.method == "POST":
        form = ChooseSchoolForm(request.POST)
        chosen = form.cleaned_data["school"] if form.is_valid() else None
        if any(m.school_id == chosen for m in request.memberships):
            request.session[SCHOOL_SESSION_KEY] = chosen
            return redirect(nxt or "core:today")
        messages.error(request, "Choose one of your schools.")
    return render(request, "staff/choose_school.html", {"next": nxt})


@requires("staff.view_members")
@require_GET
def members(request: SchoolHttpRequest) -> HttpResponse:
    """List the people working in the current school, with their roles and open invitations."""
    people = (
        Membership.objects.active()
        .filter(school=request.school)
        .select_related("user")
        .prefetch_related(Prefetch("roles", queryset=MembershipRole.objects.order_by("role")))
        .order_by("user__full_name")
    )
    invitations = Invitation.objects.filter(
        school=request.school, accepted_at__isnull=True
    ).select_related("invited_by")
    return render(request, "staff/members.html", {"people": people, "invitations": invitations})


@requires("staff.invite")
@require_http_methods(["GET", "POST"])
def invite(request: SchoolHttpRequest) -> HttpResponse:
    """Invite a member of staff: the only way an account comes into being."""
    form = InvitationForm(request.POST or None, user=request.user, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                school=request.school, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Invitation for {invitation.email} is on its way.")
            return redirect("staff:members")
    return render(
        request, "staff/invite.html", {"form": form, "days": settings.SEND_HUB_INVITATION_DAYS}
    )


@requires("staff.change_roles")
@require_http_methods(["GET", "POST"])
def member_roles(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Change one colleague's roles; the head and DSL roles follow the grant rule."""
    membership = get_object_for(
        request, Membership.objects.active().select_related("user"), pk, "staff.change_roles"
    )
    form = MemberRolesForm(request.POST or None, membership=membership, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_roles_change(
                membership=membership,
                roles=form.cleaned_data["roles"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            form.add_error("roles", exc)
        else:
            messages.success(request, f"Roles saved for {membership.user.full_name}.")
            return redirect("staff:members")
    return render(request, "staff/member_roles.html", {"form": form, "membership": membership})


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Open an invitation link: choose a password (new people) or join (existing accounts)."""
    invitation = Invitation.from_token(token)
    if invitation is None:
        raise Http404
    account = request.user if request.user.is_authenticated else None
    context = {
        "invitation": invitation,
        "usable": invitation.is_usable,
        "existing": account is not None,
    }
    if not invitation.is_usable:
        return render(request, "staff/accept_invitation.html", context, status=410)
    form = None
    if account is None:
        form = AcceptInvitationForm(
            request.POST or None,
            email=invitation.email,
            initial={"full_name": invitation.full_name},
        )
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            user = services.invitation_accept(
                invitation_id=invitation.pk,
                password=form.cleaned_data["password1"] if form else None,
                # Names only a new account: someone signed in keeps their own.
                full_name=form.cleaned_data["full_name"] if form else "",
                user=account,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("account_login")
        if account is None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session[SCHOOL_SESSION_KEY] = invitation.school_id
        messages.success(request, f"Welcome to SEND Hub at {invitation.school}.")
        return redirect("core:today")
    context["form"] = form
    return render(request, "staff/accept_invitation.html", context)
