"""Being written (stub so the URLconf imports)."""

from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


intervention_list = _todo
intervention_add = _todo
programme_list = _todo
programme_add = _todo
programme_edit = _todo
detail = _todo
intervention_edit = _todo
status_change = _todo
enrol = _todo
enrolment_end = _todo
targets = _todo
session_log = _todo
session_detail = _todo
