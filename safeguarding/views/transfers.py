"""Moving a leaver's child protection file to their new school's DSL within five school days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pupils.models import Pupil
from safeguarding import services
from safeguarding.forms import TransferStartForm, TransferStepForm
from safeguarding.models import Transfer, TransferStep
from safeguarding.models.transfers import TransferQuerySet
from send_hub.http import SchoolHttpRequest
from send_hub.lib.dates import nice_date
from send_hub.lib.forms import add_service_errors
from staff.permissions import get_object_for, requires


def _transfers(request: SchoolHttpRequest) -> TransferQuerySet:
    return Transfer.objects.select_related("pupil", "school", "started_by").prefetch_related(
        Prefetch("steps", queryset=TransferStep.objects.select_related("by"))
    )


@dataclass
class Leaver:
    """A leaver whose file has not moved yet, as the transfers page lists them."""

    pupil: Pupil
    transfer_due: dt.date
    start_form: TransferStartForm


def _list_page(
    request: SchoolHttpRequest,
    *,
    form_for: int | None = None,
    form: TransferStartForm | None = None,
) -> HttpResponse:
    leavers: list[Leaver] = []
    # The five school days run from the leaving date, started or not: show each leaver's.
    due: dict[dt.date, dt.date] = {}
    for pupil in services.leavers_without_transfer(request.school):
        leaving = pupil.leaving_date
        if leaving is None:
            continue  # none: the query keeps only pupils with a leaving date
        if leaving not in due:
            due[leaving] = services.transfer_deadline(
                school_id=pupil.school_id, leaving_date=leaving
            )
        start_form = form if form is not None and pupil.pk == form_for else None
        leavers.append(
            Leaver(
                pupil=pupil,
                transfer_due=due[leaving],
                start_form=start_form or TransferStartForm(auto_id=f"id_t{pupil.pk}_%s"),
            )
        )
    transfers = list(_transfers(request).visible_to(request.user).order_by("-deadline"))
    context = {
        "leavers": leavers,
        "open": [t for t in transfers if t.received is None],
        "done": [t for t in transfers if t.received is not None][:50],
        "today": timezone.localdate(),
    }
    return render(request, "safeguarding/transfers.html", context)


@requires("safeguarding.triage")
@require_GET
def transfers(request: SchoolHttpRequest) -> HttpResponse:
    """List leavers whose file must move, and the transfers under way."""
    return _list_page(request)


@requires("safeguarding.triage")
@require_POST
def transfer_start(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Start the transfer of one leaver's file, with the new school and its DSL."""
    pupil = get_object_for(request, Pupil.objects, pk, "safeguarding.triage")
    form = TransferStartForm(request.POST, auto_id=f"id_t{pupil.pk}_%s")
    if form.is_valid():
        try:
            transfer = services.transfer_start(pupil=pupil, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            for error in form.non_field_errors():
                messages.error(request, str(error))
        else:
            messages.success(request, f"Transfer started: due by {nice_date(transfer.deadline)}.")
            return redirect("safeguarding:transfer", pk=transfer.pk)
    return _list_page(request, form_for=pupil.pk, form=form)


def _detail(request: SchoolHttpRequest, transfer: Transfer, **forms: Any) -> HttpResponse:
    services.alerts_mark_read(user=request.user, transfer=transfer)
    context = {
        "transfer": transfer,
        "sent_form": forms.get("sent_form") or TransferStepForm(kind=TransferStep.Kind.SENT),
        "received_form": forms.get("received_form")
        or TransferStepForm(kind=TransferStep.Kind.RECEIVED),
        "today": timezone.localdate(),
    }
    return render(request, "safeguarding/transfer.html", context)


@requires("safeguarding.triage")
@require_GET
def transfer_detail(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show a transfer's steps and what is left to do."""
    transfer = get_object_for(request, _transfers(request), pk, "safeguarding.triage")
    return _detail(request, transfer)


@requires("safeguarding.triage")
@require_http_methods(["POST"])
def transfer_step(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Record how the file was sent and to whom, or the new school's confirmation of receipt."""
    transfer = get_object_for(request, _transfers(request), pk, "safeguarding.triage")
    kind = _posted_kind(request.POST)
    if kind is None:
        messages.error(request, "Nothing was recorded: use one of the forms on this page.")
        return _detail(request, transfer)
    form = TransferStepForm(request.POST, kind=kind)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.transfer_step_add(
                transfer=transfer,
                by=request.user,
                kind=kind,
                on=data["on"],
                method=data.get("method", ""),
                person=data["person"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            for error in form.non_field_errors():
                messages.error(request, str(error))
        else:
            messages.success(request, RECORDED[kind])
            return redirect("safeguarding:transfer", pk=transfer.pk)
    return _detail(request, transfer, **{f"{kind.lower()}_form": form})


RECORDED: dict[str, str] = {
    TransferStep.Kind.SENT: "Recorded how the file was sent.",
    TransferStep.Kind.RECEIVED: "Receipt confirmed: this transfer is complete.",
}


def _posted_kind(post: QueryDict) -> str | None:
    """Return the step a form posted, from its hidden ``kind`` field (named with its prefix)."""
    for kind in (TransferStep.Kind.SENT, TransferStep.Kind.RECEIVED):
        if post.get(f"{kind.lower()}-kind") == kind:
            return kind
    return None


@reauthentication_required
def _export(request: SchoolHttpRequest, transfer: Transfer) -> HttpResponse:
    name, content = services.transfer_export(transfer=transfer, by=request.user, request=request)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires("safeguarding.triage")
@require_GET
def transfer_export(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Download the child protection file (PDF and manifest, zipped) after re-authenticating."""
    transfer = get_object_for(request, _transfers(request), pk, "safeguarding.triage")
    return _export(request, transfer)
