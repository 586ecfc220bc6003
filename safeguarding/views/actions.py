"""My safeguarding actions: the person an action was given to sees it and records the outcome.

Every member of staff may own an action, so these pages are open to everyone who can raise a
concern; each shows only the signed-in person's own actions (404 for anyone else's), and never
the concern's content: that stays with the DSL team, who read the outcome on the concern.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.forms import ActionUpdateForm
from safeguarding.models import Action, sees_every_concern
from safeguarding.services import actions as action_services
from send_hub.http import SchoolHttpRequest
from send_hub.lib.forms import add_service_errors
from staff.permissions import requires


@requires("safeguarding.raise")
@require_GET
def my_actions(request: SchoolHttpRequest) -> HttpResponse:
    """List the signed-in person's own safeguarding actions: what, by when, and where they are."""
    actions = action_services.actions_for_owner_list(request.user)
    action_services.actions_list_record(user=request.user, actions=actions, request=request)
    return render(
        request,
        "safeguarding/my_actions.html",
        {
            "open_actions": [a for a in actions if not a.is_done],
            "done_actions": [a for a in actions if a.is_done],
        },
    )


def _action_page(
    request: SchoolHttpRequest, action: Action, form: ActionUpdateForm, *, status: int = 200
) -> HttpResponse:
    action_services.action_view_record(user=request.user, action=action, request=request)
    updates = list(action.updates.all())
    done = next((u for u in updates if u.completed), None)
    context = {
        "action": action,
        "done": done,
        # Only what they wrote themselves: a DSL's note on the action may carry the concern.
        "my_updates": [u for u in updates if u.by_id == request.user.pk],
        "overdue": done is None and action.due_on < timezone.localdate(),
        "form": form,
        "sees_concern": sees_every_concern(request.user),
    }
    return render(request, "safeguarding/my_action.html", context, status=status)


@requires("safeguarding.raise")
@require_http_methods(["GET", "POST"])
def my_action(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show one of the signed-in person's actions and take their progress or outcome."""
    action = action_services.action_for_owner(request.user, pk)
    if action is None:
        raise Http404
    if request.method == "GET":
        return _action_page(request, action, ActionUpdateForm(prefix="outcome"))
    form = ActionUpdateForm(request.POST, prefix="outcome")
    if form.is_valid():
        try:
            update = action_services.action_outcome_record(
                action=action, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                "Thank you. The outcome is recorded and the DSL team can see it."
                if update.completed
                else "Thank you. Your update is recorded and the DSL team can see it.",
            )
            return redirect("safeguarding:my_action", pk=action.pk)
        # Someone may have completed it meanwhile: show the page as it is now.
        action = action_services.action_for_owner(request.user, pk) or action
    return _action_page(request, action, form)
