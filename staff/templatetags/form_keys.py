"""``{% form_key %}``: the hidden one-time key of a POST form (see send_hub.lib.form_keys)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from send_hub.lib.form_keys import FIELD, new_key

register = template.Library()


@register.simple_tag
def form_key() -> SafeString:
    """Render a fresh one-time key, so sending this form twice saves it once."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())
