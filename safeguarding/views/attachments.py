"""Files on a concern: the reporter and the DSL team add them; only the DSL team takes them
away again, as a download, after re-entering a password or code, and every download is on the
child's file."""

from __future__ import annotations

import os

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from safeguarding import services
from safeguarding.forms import AttachmentForm
from safeguarding.models import Attachment, Concern
from safeguarding.views.concerns import _concern_queryset, render_concern
from send_hub.http import SchoolHttpRequest
from send_hub.lib.forms import add_service_errors
from send_hub.lib.uploads import download_response, open_stored
from staff.permissions import can, get_object_for, requires

EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}


def download_name(attachment: Attachment) -> str:
    """Return the name a download is saved under: the concern's reference, never a child's
    name (downloads folders are not private)."""
    extension = (
        EXTENSIONS.get(attachment.content_type)
        or os.path.splitext(attachment.original_name)[1].lower()
    )
    return f"{attachment.concern.reference}-file-{attachment.pk}{extension}"


@requires("safeguarding.raise")
@require_POST
def attachment_add(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Add a file to a concern: its reporter (say, a photo of their handwritten note) and the
    DSL team (letters, minutes, reports)."""
    concern = get_object_for(request, _concern_queryset(), pk, "safeguarding.raise")
    triage = can(request.user, "safeguarding.triage", concern)
    if not triage and concern.reporter_id != request.user.pk:
        raise PermissionDenied  # a head who may read concerns does not add to them
    form = AttachmentForm(request.POST, request.FILES, concern=concern, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            attachment = services.attachment_add(
                concern=concern,
                by=request.user,
                upload=data["file"],
                kind=data["kind"],
                description=data["description"],
                addendum=data.get("addendum"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"“{attachment.original_name}” is on the concern. Only the DSL team can open it.",
            )
            return redirect(reverse("safeguarding:concern", args=[concern.pk]) + "#files")
    return render_concern(request, concern, attachment_form=form)


@reauthentication_required
def _download(request: SchoolHttpRequest, attachment: Attachment) -> HttpResponseBase:
    try:
        handle = open_stored(attachment.file)
    except OSError:
        messages.error(
            request,
            f"The file “{attachment.original_name}” is missing from SEND Hub's storage. Ask "
            "whoever looks after SEND Hub to restore it from a backup.",
        )
        return redirect(reverse("safeguarding:concern", args=[attachment.concern_id]) + "#files")
    try:
        services.attachment_download_record(
            user=request.user, attachment=attachment, request=request
        )
    except BaseException:
        handle.close()
        raise
    return download_response(
        handle, filename=download_name(attachment), content_type=attachment.content_type
    )


@requires("safeguarding.triage")
@require_GET
def attachment_download(request: SchoolHttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """Download a file on a concern (the DSL team only), recorded on each child's file first."""
    concern = get_object_for(request, Concern.objects.all(), pk, "safeguarding.triage")
    attachment = get_object_or_404(
        Attachment.objects.select_related("concern", "addendum"),
        concern=concern,
        pk=attachment_pk,
    )
    return _download(request, attachment)
