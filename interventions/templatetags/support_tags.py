"""A pupil's support sections on the pupils app's support page (pupils must not import us)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from interventions.pupil_support import support_sections
from pupils.models import Pupil

register = template.Library()


@register.simple_tag(takes_context=True)
def pupil_support(context: template.Context, pupil: Pupil) -> SafeString:
    """Render the pupil's interventions, plans and Connect sections, kept while unchanged."""
    return support_sections(context["request"], pupil)
