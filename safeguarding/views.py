from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from staff.models import Membership, Role
from staff.permissions import requires


@requires("safeguarding.raise")
def raise_concern(request: HttpRequest) -> HttpResponse:
    """Tell any member of staff how to raise a concern now, and who the DSL team are."""
    dsl_team = (
        Membership.objects.active()
        .with_role(Role.DSL)
        .filter(school=request.school)
        .select_related("user")
        .order_by("user__full_name")
    )
    return render(request, "safeguarding/raise.html", {"dsl_team": dsl_team})
