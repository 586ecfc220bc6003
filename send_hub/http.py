"""The request as this project's middleware leaves it, for views' type annotations.

Django types ``request.user`` as any user or an anonymous one, and knows nothing of what the
middleware in ``send_hub/settings.py`` adds: django-htmx's ``request.htmx`` and the current school
from ``staff.middleware.CurrentSchoolMiddleware``. A view annotates its request with the class
that its decorators guarantee. These classes are never instantiated: they only name what is there.
(Not in ``send_hub/lib/``, whose helpers know no app: these name the staff app's models.)
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from staff.models import Membership, School, User


class AuthenticatedHttpRequest(HttpRequest):
    """A request from a signed-in person (behind ``@login_required``)."""

    user: User
    htmx: HtmxDetails
    # The school the person is working in now; None when they belong to no school.
    school: School | None
    membership: Membership | None
    memberships: list[Membership]


class SchoolHttpRequest(AuthenticatedHttpRequest):
    """A request behind ``@requires(capability)``, which holds only in a current school.

    ``can()`` finds no roles without a current school, so a view that ``@requires`` passed has one.
    """

    school: School
    membership: Membership
