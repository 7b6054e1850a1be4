"""Flattening the XML elements a mapper did not use into `extra`, keyed by their path."""

from __future__ import annotations

from xml.etree.ElementTree import Element

# Inline markup inside text (PubMed allows <i>, <b>, <sup>…; EndNote wraps text in <style>).
INLINE = frozenset(("i", "b", "u", "sup", "sub", "style", "mml:math", "br"))
# Attributes that tell same-named siblings apart ("ArticleId" with IdType="doi" or "pmc").
_DISCRIMINATORS = ("IdType", "EIdType", "IssnType", "PubStatus", "DateType")


def flatten(element: Element, prefix: str = "") -> dict[str, list[str]]:
    """Path -> texts for every leaf under `element` (iteratively: depth is already bounded)."""
    out: dict[str, list[str]] = {}
    stack: list[tuple[Element, str]] = [(child, prefix) for child in reversed(element)]
    while stack:
        node, base = stack.pop()
        path = f"{base}/{node.tag}" if base else str(node.tag)
        children = [c for c in node if c.tag not in INLINE]
        if children:
            stack.extend((child, path) for child in reversed(node))
            continue
        text = " ".join("".join(node.itertext()).split())
        if not text:
            continue
        for attribute in _DISCRIMINATORS:
            value = node.get(attribute)
            if value:
                path = f"{path}[{value}]"
                break
        out.setdefault(path, []).append(text)
    return out


def without(flat: dict[str, list[str]], consumed: tuple[str, ...]) -> dict[str, list[str]]:
    """`flat` minus the paths under any consumed prefix."""
    return {
        path: values
        for path, values in flat.items()
        if not any(
            path == c or path.startswith(c + "/") or path.startswith(c + "[") for c in consumed
        )
    }
