"""Being written (stub so the URLconf imports)."""

from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


ctf_export = _todo
import_start = _todo
import_preview = _todo
import_apply = _todo
