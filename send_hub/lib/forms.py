"""Helpers for forms that shape their fields per request (choices for this school, and so on)."""

from __future__ import annotations

from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError

F = TypeVar("F", bound=forms.Field)


def form_field(form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """Return ``form``'s own copy of field ``name``, checked to be a ``kind``.

    ``form.fields`` holds plain ``Field``s as far as a type checker knows; a form that narrows a
    field's choices or queryset needs the field's real class, and a wrong guess fails here
    rather than silently setting an attribute the field ignores.
    """
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind}.")
    return field


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on ``form``: by field where the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
