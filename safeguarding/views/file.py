"""The DSL team's view of the school and of each child: the queue, the chronology (on screen
and as a PDF), who has looked at a child's file, and the neutral flag."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Min
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from pupils.models import Pupil
from safeguarding import chronology, exports, services
from safeguarding.forms import ChronologyFilterForm, FlagForm, QueueFilterForm
from safeguarding.models import (
    Action,
    Alert,
    Concern,
    FileAccess,
    Status,
    Transfer,
    sees_every_concern,
)
from send_hub.http import SchoolHttpRequest
from staff.permissions import can, get_object_for, requires

PAGE_SIZE = 50


def require_sees_all(request: SchoolHttpRequest) -> None:
    """Refuse (403) a head whose school has not chosen to let the head read concerns."""
    if not sees_every_concern(request.user):
        raise PermissionDenied


@requires("safeguarding.view_all")
@require_GET
def queue(request: SchoolHttpRequest) -> HttpResponse:
    """List the school's concerns for the DSL team: open, urgent and newest first."""
    require_sees_all(request)
    form = QueueFilterForm(request.GET or None)
    show = (form.cleaned_data.get("show") if form.is_valid() else "") or "open"
    concerns = Concern.objects.visible_to(request.user).for_queue()
    if show == "open":
        # A closed concern with an action carried over stays in view until the action is done.
        concerns = concerns.exclude(current_status=Status.CLOSED, open_actions=0)
    elif show == "new":
        concerns = concerns.untriaged()
    elif show == "urgent":
        concerns = concerns.filter(urgent=True).exclude(current_status=Status.CLOSED)
    elif show == "closed":
        concerns = concerns.filter(current_status=Status.CLOSED)
    page = Paginator(concerns, PAGE_SIZE).get_page(request.GET.get("page"))
    mine = Concern.objects.visible_to(request.user)
    context = {
        "form": form,
        "show": show,
        "page": page,
        "alerts": Alert.objects.for_user(request.user).unread()[:20],
        "untriaged": mine.untriaged().count(),
        "overdue_actions": Action.objects.overdue().filter(concern__in=mine).count(),
        "triage": can(request.user, "safeguarding.triage"),
        "today": timezone.localdate(),
    }
    return render(request, "safeguarding/queue.html", context)


def _pupil(request: SchoolHttpRequest, pk: int, capability: str) -> Pupil:
    pupil = get_object_for(request, Pupil.objects.select_related("school"), pk, capability)
    require_sees_all(request)
    return pupil


CHRONOLOGY_SHOWN = 50  # entries a chronology opens at (the latest); ?all=1 shows every one


@requires("safeguarding.view_all")
@require_GET
def pupil_chronology(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show a child's chronology, filterable by category; the look is recorded first."""
    pupil = _pupil(request, pk, "safeguarding.view_all")
    form = ChronologyFilterForm(request.GET or None)
    category = (form.cleaned_data.get("category") if form.is_valid() else "") or ""
    show_all = request.GET.get("all") == "1"
    chron = chronology.build(
        pupil, category=category, latest=None if show_all else CHRONOLOGY_SHOWN
    )
    services.access_record(
        user=request.user, kind=FileAccess.Kind.CHRONOLOGY_VIEWED, pupils=[pupil], request=request
    )
    services.alerts_mark_read(user=request.user, pupil=pupil)
    # A long file opens at its latest entries; the whole of it is one click away (and in the PDF).
    entries = chron.entries if show_all else chron.entries[-CHRONOLOGY_SHOWN:]
    context = {
        "pupil": pupil,
        "chronology": chron,
        "entries": entries,
        "earlier": chron.total - len(entries),
        "form": form,
        "category": category,
        "flag": services.current_flag(pupil),
        "flag_form": FlagForm(),
        "transfers": Transfer.objects.filter(pupil=pupil).order_by("-leaving_date"),
        "triage": can(request.user, "safeguarding.triage", pupil),
        "today": timezone.localdate(),
    }
    return render(request, "safeguarding/chronology.html", context)


@reauthentication_required
def _chronology_pdf(request: SchoolHttpRequest, pupil: Pupil) -> HttpResponse:
    form = ChronologyFilterForm(request.GET or None)
    category = (form.cleaned_data.get("category") if form.is_valid() else "") or ""
    services.access_record(
        user=request.user, kind=FileAccess.Kind.CHRONOLOGY_PRINTED, pupils=[pupil], request=request
    )
    pdf = exports.chronology_pdf(pupil, by=request.user, category=category)
    response = HttpResponse(pdf, content_type="application/pdf")
    # No name in the file name: downloads folders are not private.
    response["Content-Disposition"] = f'inline; filename="chronology-{pupil.pk}.pdf"'
    return response


@requires("safeguarding.view_all")
@require_GET
def chronology_pdf(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Print the chronology as a PDF, after the person re-enters their password or a code."""
    pupil = _pupil(request, pk, "safeguarding.view_all")
    return _chronology_pdf(request, pupil)


@requires("safeguarding.triage")
@require_GET
def access_log(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show who has looked at this child's safeguarding file: counts, first and last dates."""
    pupil = _pupil(request, pk, "safeguarding.triage")
    accesses = FileAccess.objects.filter(pupil=pupil)
    people = (
        accesses.values("user__full_name", "user__email")
        .annotate(n=Count("pk"), first=Min("at"), last=Max("at"))
        .order_by("-last")
    )
    recent = accesses.select_related("user", "concern")[:100]
    return render(
        request,
        "safeguarding/access_log.html",
        {"pupil": pupil, "people": people, "recent": recent},
    )


@requires("safeguarding.triage")
@require_POST
def flag_set(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Set or lift the neutral "speak to the DSL before contacting home" flag."""
    pupil = _pupil(request, pk, "safeguarding.triage")
    form = FlagForm(request.POST)
    if form.is_valid():
        try:
            services.flag_set(pupil=pupil, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                "Flag set: staff see it on the pupil's page."
                if form.cleaned_data["on"]
                else "Flag lifted.",
            )
    else:
        messages.error(request, "Give a reason for the flag.")
    return redirect("safeguarding:chronology", pk=pupil.pk)
