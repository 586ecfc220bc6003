"""Being written (stub so the URLconf imports)."""

from django.http import Http404, HttpRequest, HttpResponse


def register(request: HttpRequest) -> HttpResponse:
    raise Http404


register_export = register
