"""Being written (stub so the URLconf imports)."""

from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


measures = _todo
impact = _todo
impact_pdf = _todo
impact_build = _todo
