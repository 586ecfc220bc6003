"""What a browser posts back from a Django admin change form, for tests that save one as shown."""

from __future__ import annotations

from typing import Any

from django.forms import BaseForm


def _fields(form: BaseForm) -> dict[str, Any]:
    """Return what the browser would post back for ``form`` as shown."""
    data: dict[str, Any] = {}
    for field in form:
        value = field.value()
        if value is None or value is False:
            continue
        data[field.html_name] = "on" if value is True else value
    return data


def change_form_data(response: Any) -> dict[str, Any]:
    """Return the whole change page's post: the object's form and every inline as shown."""
    data = _fields(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(_fields(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(_fields(form))
    return data
