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


@register.filter
def attr_of(obj: object, name: str) -> object:
    """`obj|attr_of:name`, for tables of fields named in the view."""
    return getattr(obj, str(name), "")
