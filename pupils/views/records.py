"""Being written (stub so the URLconf imports)."""

from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


access_add = _todo
contact_add = _todo
agency_add = _todo
document_upload = _todo
document_download = _todo
access_register = _todo
