"""Small template filters shared by the apps."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def get_item(mapping: object, key: object) -> object:
    """`mapping|get_item:key`, for dictionaries keyed by ids that templates cannot index."""
    try:
        return mapping.get(key)  # type: ignore[union-attr]
    except AttributeError:
        return None
