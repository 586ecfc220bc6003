from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pupils.models import Pupil
from staff.permissions import get_object_for, requires


@requires("pupils.view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one pupil to someone whose scope includes them (404 for anyone else)."""
    pupil = get_object_for(
        request,
        Pupil.objects.with_current_status().prefetch_related("key_adults__staff"),
        pk,
        "pupils.view",
    )
    return render(request, "pupils/detail.html", {"pupil": pupil})


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    from django.http import Http404

    raise Http404


pupil_add = pupil_edit = sen_status_change = passport_edit = passport_print = _todo
key_adult_add = key_adult_end = _todo
