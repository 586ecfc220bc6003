"""The DSL team's view of the school and of each child: the queue, the chronology (on screen
and as a PDF), who has looked at a child's file, and the neutral flag."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page
from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_POST

from pupils.models import Pupil
from safeguarding import chronology, exports, services
from safeguarding.forms import ChronologyFilterForm, FlagForm, QueueFilterForm
from safeguarding.models import (
    Action,
    Alert,
    Concern,
    ConcernPupil,
    FileAccess,
    PupilFlag,
    Risk,
    Status,
    Transfer,
    sees_every_concern,
)
from safeguarding.services.kept import kept
from send_hub.http import SchoolHttpRequest
from send_hub.lib.paging import CountedPaginator, page_number, page_with_totals
from staff.permissions import can, get_object_for, requires

if TYPE_CHECKING:
    from safeguarding.models.concerns import QueuedConcern

PAGE_SIZE = 25


def require_sees_all(request: SchoolHttpRequest) -> None:
    """Refuse (403) a head whose school has not chosen to let the head read concerns."""
    if not sees_every_concern(request.user):
        raise PermissionDenied


class QueueRow(TypedDict):
    """One line of the queue, worked out in the view so the template only prints it."""

    pk: int
    url: str
    row_class: str
    pupils: str
    urgent: bool
    status: str
    status_class: str
    risk: str
    overdue: int
    carried_over: str
    reference: str
    recorded: str
    reporter: str
    categories: str


STATUS_BADGE: dict[str, str] = {Status.NEW: "text-bg-warning", Status.CLOSED: "text-bg-secondary"}


def _queue_rows(concerns: Iterable[QueuedConcern]) -> list[QueueRow]:
    """Return the page's rows: its concerns with their pupils' names and each pupil's
    categories, in one query of the few columns shown (names, not whole pupil records)."""
    concerns = list(concerns)
    names: dict[int, list[str]] = defaultdict(list)
    categories: dict[int, str] = defaultdict(str)
    seen: set[int] = set()
    # One row per link and category (one with no category for a link without any), links in
    # the order recorded and each link's categories in Category.Meta.ordering's order.
    links = (
        ConcernPupil.objects.filter(concern__in=concerns)
        .order_by("pk", "categories__position", "categories__name", "categories__pk")
        .values_list(
            "pk",
            "concern_id",
            "pupil__preferred_forename",
            "pupil__legal_forename",
            "pupil__preferred_surname",
            "pupil__legal_surname",
            "categories__name",
        )
    )
    for pk, concern_id, preferred_fore, legal_fore, preferred_sur, legal_sur, category in links:
        if pk not in seen:
            seen.add(pk)
            names[concern_id].append(
                Pupil.name_from(preferred_fore, legal_fore, preferred_sur, legal_sur)
            )
        if category is not None:
            categories[concern_id] += f" · {category}"
    # Each concern's open actions, and how many are overdue: for this page's concerns only.
    today = timezone.localdate()
    actions = {
        concern_id: (still_open, late)
        for concern_id, still_open, late in Action.objects.filter(concern__in=concerns)
        .open()
        .order_by()
        .values("concern_id")
        .annotate(still_open=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today)))
        .values_list("concern_id", "still_open", "late")
    }
    url = reverse("safeguarding:concern", args=[0]).removesuffix("0/")
    risks = dict(Risk.choices)
    statuses = dict(Status.choices)
    days: dict[dt.date, str] = {}  # "j M Y" once a day shown: most of a page is a few days
    rows: list[QueueRow] = []
    for c in concerns:
        status, risk = c.current_status, c.current_risk
        carried, overdue = actions.get(c.pk, (0, 0))
        recorded = timezone.localtime(c.recorded_at)
        day = days.get(recorded.date())
        if day is None:
            day = days[recorded.date()] = date_format(recorded, "j M Y")
        rows.append(
            {
                "pk": c.pk,
                "url": f"{url}{c.pk}/",
                "row_class": " queue-row--urgent" if c.urgent and not c.is_closed else "",
                "pupils": ", ".join(names[c.pk]),
                "urgent": c.urgent,
                "status": statuses.get(status, status),
                "status_class": STATUS_BADGE.get(status, "text-bg-primary"),
                "risk": risks.get(risk, risk).lower(),
                "overdue": overdue,
                "carried_over": (
                    f"{carried} action{'' if carried == 1 else 's'}"
                    if c.is_closed and carried
                    else ""
                ),
                "reference": c.reference,
                "recorded": f"{day}, {recorded:%H:%M}",  # as the date filter's "j M Y, H:i"
                "reporter": c.reporter.full_name,
                "categories": categories[c.pk],
            }
        )
    return rows


# No decision yet: nobody in the DSL team has triaged it (ConcernQuerySet.untriaged()).
UNTRIAGED = Q(latest_decision__isnull=True)
# What each choice of the queue's "Show" lists (over ConcernQuerySet.for_queue()'s annotations).
QUEUE_SHOWS: dict[str, Q] = {
    # A closed concern with an action carried over stays in view until the action is done.
    "open": ~Q(current_status=Status.CLOSED)
    | Q(Exists(Action.objects.filter(concern=OuterRef("pk")).open())),
    "new": UNTRIAGED,
    "urgent": Q(urgent=True) & ~Q(current_status=Status.CLOSED),
    "closed": Q(current_status=Status.CLOSED),
    "all": Q(),
}
# The lists every untriaged concern is in (it has no decision, so it is open and not closed).
UNTRIAGED_AMONG_SHOWN = frozenset({"open", "new", "all"})


@dataclass(frozen=True)
class Queued:
    """A page of the queue as shown, and the school's figures above it."""

    count: int
    number: int
    rows: list[QueueRow]
    untriaged: int
    overdue_actions: int

    def page(self) -> Page[int]:
        """The page for the template's count and links to other pages."""
        return CountedPaginator(range(self.count), PAGE_SIZE, count=self.count).page(self.number)


def _queued(request: SchoolHttpRequest, show: str, raw_page: str | None) -> Queued:
    """The page of the queue asked for, counted with the untriaged concerns in one query."""
    queued = Concern.objects.visible_to(request.user).for_queue()
    shown = QUEUE_SHOWS[show]
    counted = None
    if show in UNTRIAGED_AMONG_SHOWN:
        # Every untriaged concern is in this list: the page counts both as it is read.
        totals = {"shown": Count("pk"), "untriaged": Count("pk", filter=UNTRIAGED)}
        counted = page_with_totals(queued.filter(shown), raw_page, PAGE_SIZE, totals)
    if counted is None:
        # The concerns shown and the untriaged ones, counted in one query, then the page.
        counts = queued.aggregate(
            shown=Count("pk", filter=shown), untriaged=Count("pk", filter=UNTRIAGED)
        )
        paginator = CountedPaginator(queued.filter(shown), PAGE_SIZE, count=counts["shown"])
        counted = paginator.get_page(raw_page), counts
    page, counts = counted
    mine = Concern.objects.visible_to(request.user)
    return Queued(
        count=page.paginator.count,
        number=page.number,
        rows=_queue_rows(page.object_list),
        untriaged=counts["untriaged"],
        overdue_actions=Action.objects.overdue().filter(concern__in=mine).count(),
    )


@requires("safeguarding.view_all")
@require_GET
def queue(request: SchoolHttpRequest) -> HttpResponse:
    """List the school's concerns for the DSL team: open, urgent and newest first."""
    require_sees_all(request)
    form = QueueFilterForm(request.GET or None)
    show = (form.cleaned_data.get("show") if form.is_valid() else "") or "open"
    raw_page = request.GET.get("page")
    number = page_number(raw_page)
    if number is None:
        queued = _queued(request, show, raw_page)
    else:
        # Everyone here reads every concern in the school (require_sees_all): the page is kept
        # until the school's files change, and for the day (what is overdue).
        today = timezone.localdate().isoformat()
        queued = kept(
            request.school.pk,
            ("queue", show, number, today),
            lambda: _queued(request, show, raw_page),
        )
    context = {
        "form": form,
        "show": show,
        "page": queued.page(),
        "rows": queued.rows,
        "alerts": Alert.objects.for_user(request.user).unread()[:20],
        "untriaged": queued.untriaged,
        "overdue_actions": queued.overdue_actions,
        "triage": can(request.user, "safeguarding.triage"),
        "today": timezone.localdate(),
    }
    return render(request, "safeguarding/queue.html", context)


def _pupil(request: SchoolHttpRequest, pk: int, capability: str) -> Pupil:
    pupil = get_object_for(request, Pupil.objects.select_related("school"), pk, capability)
    require_sees_all(request)
    return pupil


CHRONOLOGY_SHOWN = 25  # entries a chronology opens at (the latest); ?all=1 shows every one


@dataclass(frozen=True)
class KeptFile:
    """A child's file as the chronology page shows it, below the flag's form: its open actions
    and its entries as HTML, the flag and the transfers."""

    actions: str
    entries: str
    flag: PupilFlag | None
    transfers: list[Transfer]


def _kept_file(pupil: Pupil, *, category: str, show_all: bool, triage: bool) -> KeptFile:
    chron = chronology.build(
        pupil, category=category, latest=None if show_all else CHRONOLOGY_SHOWN
    )
    # A long file opens at its latest entries; the whole of it is one click away (and in the PDF).
    entries = chron.entries if show_all else chron.entries[-CHRONOLOGY_SHOWN:]
    context = {
        "pupil": pupil,
        "chronology": chron,
        "entries": entries,
        "earlier": chron.total - len(entries),
        "category": category,
        "triage": triage,
        "today": timezone.localdate(),
    }
    page = "safeguarding/chronology.html"
    return KeptFile(
        actions=render_to_string(f"{page}#actions", context),
        entries=render_to_string(f"{page}#entries", context),
        # The chronology has read the flags unless it lists one category's concerns only.
        flag=services.current_flag(pupil) if category else chron.flag,
        transfers=list(Transfer.objects.filter(pupil=pupil).order_by("-leaving_date")),
    )


@requires("safeguarding.view_all")
@require_GET
def pupil_chronology(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show a child's chronology, filterable by category; the look is recorded first."""
    pupil = _pupil(request, pk, "safeguarding.view_all")
    form = ChronologyFilterForm(request.GET or None)
    category = (form.cleaned_data.get("category") if form.is_valid() else "") or ""
    show_all = request.GET.get("all") == "1"
    services.access_record(
        user=request.user, kind=FileAccess.Kind.CHRONOLOGY_VIEWED, pupils=[pupil], request=request
    )
    services.alerts_mark_read(user=request.user, pupil=pupil)
    triage = can(request.user, "safeguarding.triage", pupil)
    # Kept until the school's files change, and for the day (what is overdue); everyone here
    # reads the whole file (require_sees_all), and whether they triage decides its links.
    today = timezone.localdate().isoformat()
    file = kept(
        request.school.pk,
        ("chronology", pupil.pk, category, show_all, triage, today),
        lambda: _kept_file(pupil, category=category, show_all=show_all, triage=triage),
    )
    context = {
        "pupil": pupil,
        "file": file,
        "form": form,
        "category": category,
        "flag": file.flag,
        "flag_form": FlagForm(),
        "transfers": file.transfers,
        "triage": triage,
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
