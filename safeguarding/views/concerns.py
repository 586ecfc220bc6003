"""Raising a concern (everyone), reading one (its reporter and the DSL team), adding to it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pupils.models import Pupil
from safeguarding import services
from safeguarding.forms import (
    AccountShareForm,
    ActionForm,
    ActionUpdateForm,
    AddendumForm,
    AttachmentForm,
    ConcernForm,
    DecisionForm,
    PreselectForm,
    PupilSearchForm,
    ReferralForm,
    ReferralUpdateForm,
    linkable_pupils,
)
from safeguarding.models import (
    AccountShare,
    ActionChild,
    ActionUpdate,
    Addendum,
    AddendumChild,
    Attachment,
    Concern,
    ConcernPupil,
    DecisionChild,
    FileAccess,
    Involvement,
    ReferralUpdate,
    Status,
    sees_every_concern,
)
from safeguarding.models.concerns import ConcernQuerySet
from send_hub.http import SchoolHttpRequest
from send_hub.lib.forms import add_service_errors
from staff.models import Membership, Role
from staff.permissions import can, get_object_for, requires

SEARCH_RESULTS = 10


def _dsl_team(request: SchoolHttpRequest) -> QuerySet[Membership]:
    return (
        Membership.objects.active()
        .with_role(Role.DSL)
        .filter(school=request.school)
        .select_related("user")
        .order_by("user__full_name")
    )


def _raise_page(
    request: SchoolHttpRequest,
    form: ConcernForm,
    *,
    add: int | None = None,
    remove: int | None = None,
    results: list[Pupil] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "linked": form.linked_rows(add=add, remove=remove),
        "involvements": Involvement.choices,
        "search_form": PupilSearchForm(initial={"q": request.POST.get("q", "")}),
        "results": results,
        "dsl_team": _dsl_team(request),
    }
    return render(request, "safeguarding/raise.html", context, status=status)


def _int_or_none(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


@requires("safeguarding.raise")
@require_http_methods(["GET", "POST"])
def raise_concern(request: SchoolHttpRequest) -> HttpResponse:
    """Record a concern about one or more pupils; the DSL team is alerted at once.

    Without JavaScript the same form searches for and adds pupils: those buttons post the whole
    form back, so nothing typed is lost.
    """
    if request.method == "GET":
        preselect = PreselectForm(request.GET, school=request.school, user=request.user)
        form = ConcernForm(school=request.school, link_data=preselect.link_data())
        return _raise_page(request, form)
    post = request.POST
    if "add_pupil" in post or "remove_pupil" in post or post.get("action") == "search":
        form = ConcernForm.redisplay(post, school=request.school)
        results = None
        if post.get("action") == "search":
            search = PupilSearchForm(post)
            results = _search(request, search) if search.is_valid() else None
        return _raise_page(
            request,
            form,
            add=_int_or_none(post.get("add_pupil")),
            remove=_int_or_none(post.get("remove_pupil")),
            results=results,
        )
    form = ConcernForm(post, school=request.school)
    if form.is_valid():
        data = form.cleaned_data
        try:
            concern = services.concern_submit(
                school=request.school,
                reporter=request.user,
                idempotency_key=data["idempotency_key"],
                links=form.links,
                occurred_at=data["occurred_at"],
                location=data["location"],
                what_happened=data["what_happened"],
                childs_words=data["childs_words"],
                action_taken=data["action_taken"],
                who_told=data["who_told"],
                body_map=data["body_map"],
                body_map_note=data["body_map_note"],
                urgent=data["urgent"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                "Thank you. Your concern has been sent to the DSL team, who have been alerted.",
            )
            return redirect("safeguarding:concern", pk=concern.pk)
    return _raise_page(request, form)


def _search(request: SchoolHttpRequest, form: PupilSearchForm) -> list[Pupil]:
    pupils = linkable_pupils(request.school)
    for word in form.cleaned_data["q"].split()[:4]:
        pupils = pupils.filter(
            Q(legal_forename__icontains=word)
            | Q(legal_surname__icontains=word)
            | Q(preferred_forename__icontains=word)
            | Q(preferred_surname__icontains=word)
        )
    # Names and year only: this search is open to every member of staff.
    return list(
        pupils.order_by("legal_surname", "legal_forename").only(
            "pk",
            "legal_forename",
            "legal_surname",
            "preferred_forename",
            "preferred_surname",
            "nc_year",
        )[:SEARCH_RESULTS]
    )


@requires("safeguarding.raise")
@require_POST
def pupil_search(request: SchoolHttpRequest) -> HttpResponse:
    """Find pupils of the school to link to a concern (the name goes in the body, never the URL)."""
    form = PupilSearchForm(request.POST)
    # Fewer than two letters: show nothing rather than "no match".
    results = _search(request, form) if form.is_valid() else None
    return render(request, "safeguarding/raise.html#results", {"results": results})


@requires("safeguarding.raise")
@require_POST
def pupil_pick(request: SchoolHttpRequest) -> HttpResponse:
    """Return the linked-pupil fieldset for one pupil (involvement and their own categories)."""
    pk = _int_or_none(request.POST.get("add_pupil"))
    already = {_int_or_none(raw) for raw in request.POST.getlist("pupils")}
    if pk is None or pk in already:
        return HttpResponse("")
    # The pupils already on the form come along, so the first one added is "the child I am
    # worried about" and any later one starts unanswered.
    form = ConcernForm(school=request.school, link_data=request.POST)
    row = next((r for r in form.linked_rows(add=pk) if r["pupil"].pk == pk), None)
    context = {"row": row, "form": form, "involvements": Involvement.choices}
    return render(request, "safeguarding/raise.html#linked_pupil", context)


@requires("safeguarding.raise")
@require_GET
def mine(request: SchoolHttpRequest) -> HttpResponse:
    """List the concerns the signed-in person raised (and only those)."""
    concerns = (
        Concern.objects.visible_to(request.user)
        .filter(reporter=request.user)
        .with_links()
        .order_by("-recorded_at", "-pk")[:200]
    )
    return render(request, "safeguarding/mine.html", {"concerns": concerns})


def _concern_queryset() -> ConcernQuerySet:
    return Concern.objects.select_related("reporter").prefetch_related(
        Prefetch(
            "links",
            queryset=ConcernPupil.objects.select_related("pupil").prefetch_related("categories"),
        )
    )


SECTIONS = [
    (Addendum.Part.OCCURRED, "When and where", None),
    (Addendum.Part.WHAT_HAPPENED, "What happened", "what_happened"),
    (Addendum.Part.CHILDS_WORDS, "The child's words", "childs_words"),
    (Addendum.Part.ACTION_TAKEN, "What they did", "action_taken"),
    (Addendum.Part.WHO_TOLD, "Who they told", "who_told"),
    (Addendum.Part.BODY_MAP, "Body map", None),
]


def concern_context(request: SchoolHttpRequest, concern: Concern, **forms: Any) -> dict[str, Any]:
    """Return what the concern page shows this person: all of it for the DSL team, and only
    what they submitted (with their own additions) for the person who raised it."""
    user = request.user
    sees_all = sees_every_concern(user)
    triage = can(user, "safeguarding.triage", concern)
    addenda = concern.addenda.select_related("author").prefetch_related(
        Prefetch("child_rows", queryset=AddendumChild.objects.select_related("link__pupil"))
    )
    if not sees_all:
        addenda = addenda.filter(author=user)
    by_part: dict[str, list[Addendum]] = {}
    for addendum in addenda:
        by_part.setdefault(addendum.part, []).append(addendum)
    sections = [
        {
            "part": part,
            "title": title,
            "text": getattr(concern, name) if name else None,
            "addenda": by_part.get(part, []),
        }
        for part, title, name in SECTIONS
    ]
    context: dict[str, Any] = {
        "concern": concern,
        "links": list(concern.links.all()),
        "sections": sections,
        "general_addenda": by_part.get(Addendum.Part.GENERAL, []),
        "sees_all": sees_all,
        "triage": triage,
        "may_add": triage or concern.reporter_id == user.pk,
        "today": timezone.localdate(),
        "addendum_form": forms.get("addendum_form") or AddendumForm(triage=triage, concern=concern),
        # Files: all of them for the DSL team, their own for the reporter.
        "attachments": list(
            Attachment.objects.visible_to(user)
            .filter(concern=concern)
            .select_related("uploaded_by", "addendum")
        ),
        "attachment_form": forms.get("attachment_form")
        or AttachmentForm(concern=concern, user=user),
    }
    if not sees_all:
        return context
    decisions = list(
        concern.decisions.select_related("decided_by").prefetch_related(
            Prefetch("child_rows", queryset=DecisionChild.objects.select_related("link__pupil"))
        )
    )
    latest = decisions[-1] if decisions else None
    actions = list(
        concern.actions.select_related("owner", "created_by").prefetch_related(
            Prefetch("updates", queryset=ActionUpdate.objects.select_related("by")),
            Prefetch("child_rows", queryset=ActionChild.objects.select_related("link__pupil")),
        )
    )
    # Whose file holds the full account: the subjects, and anyone the DSL has put it on.
    shares: dict[int, AccountShare] = {}
    for share in AccountShare.objects.filter(link__concern=concern).select_related("by"):
        shares[share.link_id] = share  # in order, so the latest wins
    for link in context["links"]:
        link.latest_share = shares.get(link.pk)
        link.shows_account = link.is_subject or bool(link.latest_share and link.latest_share.on)
        link.share_form = (
            forms["account_share_form"]
            if forms.get("account_share_for") == link.pk
            else AccountShareForm(
                initial={"on": "0" if link.shows_account else "1"},
                auto_id=f"id_share{link.pk}_%s",
            )
        )
    referrals = list(
        concern.referrals.select_related("pupil", "by").prefetch_related(
            Prefetch("updates", queryset=ReferralUpdate.objects.select_related("by"))
        )
    )
    for action in actions:
        action.form = (
            forms["action_update_form"]
            if forms.get("action_update_for") == action.pk
            else ActionUpdateForm(auto_id=f"id_action{action.pk}_%s")
        )
    for referral in referrals:
        referral.form = (
            forms["referral_update_form"]
            if forms.get("referral_update_for") == referral.pk
            else ReferralUpdateForm(auto_id=f"id_referral{referral.pk}_%s")
        )
    context.update(
        {
            "decisions": decisions,
            "latest": latest,
            "status": latest.status if latest else Status.NEW,
            "status_label": latest.get_status_display() if latest else Status.NEW.label,
            "is_closed": bool(latest and latest.status == Status.CLOSED),
            "actions": actions,
            "referrals": referrals,
            "decision_form": forms.get("decision_form")
            or DecisionForm(
                concern=concern,
                initial={
                    "status": latest.status if latest else Status.IN_PROGRESS,
                    "risk": latest.risk if latest else "",
                    "seen_decision": latest.pk if latest else None,
                },
            ),
            "action_form": forms.get("action_form") or ActionForm(concern=concern),
            "referral_form": forms.get("referral_form") or ReferralForm(concern=concern),
        }
    )
    return context


def render_concern(
    request: SchoolHttpRequest, concern: Concern, *, status: int = 200, **forms: Any
) -> HttpResponse:
    """Show the concern page, having recorded this look at it first."""
    services.access_record(
        user=request.user,
        kind=FileAccess.Kind.CONCERN_VIEWED,
        pupils=[link.pupil for link in concern.links.all()],
        concern=concern,
        request=request,
    )
    services.alerts_mark_read(user=request.user, concern=concern)
    return render(
        request,
        "safeguarding/concern.html",
        concern_context(request, concern, **forms),
        status=status,
    )


@requires("safeguarding.raise")
@require_GET
def concern_detail(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show one concern to its reporter or the DSL team; anyone else gets 404."""
    concern = get_object_for(request, _concern_queryset(), pk, "safeguarding.raise")
    return render_concern(request, concern)


@requires("safeguarding.raise")
@require_POST
def addendum_add(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Add to a concern: the reporter adds or corrects, the DSL team also writes case notes."""
    concern = get_object_for(request, _concern_queryset(), pk, "safeguarding.raise")
    triage = can(request.user, "safeguarding.triage", concern)
    if not triage and concern.reporter_id != request.user.pk:
        raise PermissionDenied  # a head who may read concerns does not write in them
    form = AddendumForm(request.POST, triage=triage, concern=concern)
    if form.is_valid():
        try:
            services.addendum_add(concern=concern, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Added. It is dated and shown beside the original.")
            return redirect(reverse("safeguarding:concern", args=[concern.pk]) + "#addenda")
    return render_concern(request, concern, addendum_form=form)
