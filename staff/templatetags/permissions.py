"""``{% can "capability" [obj] as name %}``: templates ask the policy module, never guess."""

from typing import Any

from django import template

from staff import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context: template.Context, capability: str, obj: Any = None) -> bool:
    return permissions.can(context["request"].user, capability, obj)
