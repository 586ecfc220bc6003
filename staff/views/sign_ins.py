"""Sign-in history for HR admins and the head: sign-ins and failed attempts on their staff."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from send_hub.http import SchoolHttpRequest
from staff import sign_ins
from staff.forms.sign_in import SignInFilterForm
from staff.permissions import requires

PER_PAGE = 50


@requires("staff.view_sign_ins")
@require_GET
def sign_in_history(request: SchoolHttpRequest) -> HttpResponse:
    """List sign-ins, wrong passwords or codes and refused attempts on this school's staff."""
    members = list(sign_ins.members_for_history(request.school))
    by_user = {str(m.user_id): m for m in members}
    form = SignInFilterForm(request.GET, members=members)
    chosen = None
    failed_only = False
    if form.is_valid():
        chosen = next((m for m in members if m.pk == form.cleaned_data["person"]), None)
        failed_only = form.cleaned_data["failed"]
    scope = sign_ins.members_for_history(request.school)
    if chosen is not None:
        scope = scope.filter(pk=chosen.pk)
    events = sign_ins.sign_in_events(scope, failed_only=failed_only)
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "event": event,
            "member": by_user.get(event.object_id),
            "label": sign_ins.LABELS[event.action],
            "failed": event.action in sign_ins.FAILED_ACTIONS,
            "refused": (
                sign_ins.STAGE_LABELS.get(event.data.get("stage", ""))
                if event.action == sign_ins.REFUSED
                else None
            ),
        }
        for event in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "chosen": chosen,
        "failed_only": failed_only,
        "rows": rows,
        "page": page,
        "query": query.urlencode(),
    }
    return render(request, "staff/sign_ins.html", context)
