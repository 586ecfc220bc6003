"""Records management pages: the DPO's or head's list of disposals to approve, legal holds and
subject access requests. Every page needs ``records.manage`` (DPO or head) in the school."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.apps import apps
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from pupils.models import Pupil
from records import retention, sar
from records.forms import ApproveForm, HoldForm, RequestForm
from records.models import (
    DisposalBatch,
    DisposalItem,
    DisposalLog,
    LegalHold,
    RecordKind,
    SubjectAccessRequest,
)
from send_hub.http import SchoolHttpRequest
from send_hub.lib.forms import add_service_errors
from send_hub.lib.tasks import enqueue_on_commit
from staff.audit import log_action
from staff.permissions import get_object_for, requires

CAP = "records.manage"


@requires(CAP)
@require_GET
def home(request: SchoolHttpRequest) -> HttpResponse:
    """What waits for the DPO or head: disposal lists, open requests, legal holds, the log."""
    return _home(request, HoldForm(user=request.user))


def _home(request: SchoolHttpRequest, hold_form: HoldForm) -> HttpResponse:
    school = request.school
    batches = (
        DisposalBatch.objects.visible_to(request.user)
        .filter(state=DisposalBatch.State.PENDING)
        .annotate(n_items=Count("items"))
    )
    requests = SubjectAccessRequest.objects.visible_to(request.user).open()
    holds = LegalHold.objects.visible_to(request.user).active().select_related("placed_by")
    pupil_ids = [h.pupil_id for h in holds if h.pupil_id] + [
        r.pupil_id for r in requests if r.pupil_id
    ]
    pupils = {p.pk: p for p in Pupil.objects.filter(school=school, pk__in=pupil_ids)}
    log = [
        (row, _model_name(row.model))
        for row in DisposalLog.objects.filter(school=school).select_related("approved_by")[:20]
    ]
    return render(
        request,
        "records/home.html",
        {
            "batches": batches,
            "requests": requests.select_related("user"),
            "holds": holds,
            "pupils": pupils,
            "log": log,
            "hold_form": hold_form,
        },
    )


@requires(CAP)
def batch(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """A disposal list: what each item holds by kind, and the approval (POST)."""
    found = get_object_for(request, DisposalBatch.objects, pk, CAP)
    form = ApproveForm(request.POST or None, batch=found)
    if request.method == "POST" and found.state == DisposalBatch.State.PENDING and form.is_valid():
        try:
            retention.disposal_approve(
                batch=found, by=request.user, keep=[i.pk for i in form.cleaned_data["keep"]]
            )
        except retention.DisposalError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Approved: the records on this list have been disposed of.")
            return redirect("records:batch", pk=found.pk)
    items = list(found.items.select_related("pupil", "user").order_by("pk"))
    kinds = dict(RecordKind.choices)
    rows = [
        (
            item,
            [
                (kinds.get(kind, kind), [(_model_name(label), n) for label, n in by.items()])
                for kind, by in item.counts.items()
            ],
        )
        for item in items
    ]
    return render(
        request,
        "records/batch.html",
        {
            "batch": found,
            "rows": rows,
            "form": form,
            "pending": found.state == DisposalBatch.State.PENDING,
            "disposed": sum(item.state == DisposalItem.State.DISPOSED for item in items),
        },
    )


def _model_name(label: str) -> str:
    """Name a model label in words ("pupils.SENStatus" -> "SEN statuses")."""
    try:
        return str(apps.get_model(label)._meta.verbose_name_plural)
    except LookupError:
        return label


@requires(CAP)
@require_POST
def hold_add(request: SchoolHttpRequest) -> HttpResponse:
    """Put a legal hold on a pupil: nothing of theirs is disposed of until it is lifted."""
    form = HoldForm(request.POST, user=request.user)
    if form.is_valid():
        retention.legal_hold_place(
            pupil=form.cleaned_data["pupil"], by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, "Legal hold placed: nothing of this pupil's will be disposed of.")
        return redirect("records:home")
    return _home(request, form)


@requires(CAP)
@require_POST
def hold_lift(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Lift a legal hold; the pupil's records are listed again when their rules have passed."""
    hold = get_object_for(request, LegalHold.objects, pk, CAP)
    try:
        retention.legal_hold_lift(hold=hold, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "Legal hold lifted.")
    return redirect("records:home")


@requires(CAP)
def request_add(request: SchoolHttpRequest) -> HttpResponse:
    """Record a subject access request; its bundle is built in the background."""
    form = RequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = sar.sar_create(
                school=request.school,
                by=request.user,
                pupil=data["pupil"],
                user=data["user"],
                requester_name=data["requester_name"],
                requester=data["requester"],
                received_on=data["received_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Recorded. The reply is due by {made.due_on:%-d %B %Y}.")
            return redirect("records:request", pk=made.pk)
    return render(request, "records/request_form.html", {"form": form})


@requires(CAP)
@require_GET
def request_detail(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """A subject access request: who, about whom, when due, and its bundle."""
    found = get_object_for(
        request, SubjectAccessRequest.objects.select_related("pupil", "user"), pk, CAP
    )
    return render(request, "records/request.html", {"sar": found})


@requires(CAP)
@require_POST
def request_build(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Build the bundle again (after records changed, or after a failed build)."""
    found = get_object_for(request, SubjectAccessRequest.objects, pk, CAP)
    if found.status == SubjectAccessRequest.Status.RELEASED:
        messages.error(request, "This request has been answered: its bundle is kept as sent.")
    else:
        enqueue_on_commit("records.tasks.sar_bundle_build_task", found.pk)
        messages.success(request, "The bundle is being built. Refresh this page in a minute.")
    return redirect("records:request", pk=found.pk)


@requires(CAP)
@require_POST
def request_release(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Record that the reviewed bundle was sent."""
    found = get_object_for(request, SubjectAccessRequest.objects, pk, CAP)
    try:
        sar.sar_release(request=found, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "Recorded as released today.")
    return redirect("records:request", pk=found.pk)


@reauthentication_required
def _bundle(request: SchoolHttpRequest, found: SubjectAccessRequest) -> HttpResponseBase:
    if not found.bundle:
        messages.error(request, "The bundle has not been built yet.")
        return redirect("records:request", pk=found.pk)
    log_action(found, "records.sar.downloaded", actor=request.user, request=request)
    return FileResponse(
        found.bundle.open("rb"),
        as_attachment=True,
        filename=f"subject-access-request-{found.pk}.zip",
        content_type="application/zip",
    )


@requires(CAP)
@require_GET
def request_bundle(request: SchoolHttpRequest, pk: int) -> HttpResponseBase:
    """Download the bundle for review (after signing in again), audited."""
    found = get_object_for(request, SubjectAccessRequest.objects, pk, CAP)
    return _bundle(request, found)
