"""What a programme-theory diagram shows, independent of how it is drawn.

The caller (a view or an export) turns the database rows into these frozen values; the layout and
both renderers only read them, so the same input always gives the same picture.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_STRENGTH = 4


@dataclass(frozen=True)
class CmocBox:
    id: str  # unique across the diagram, e.g. "cmoc-12"
    label: str  # short name, e.g. "CMOC 1"
    context: str
    mechanism: str  # resource and response already joined by the caller
    outcome: str
    strength: int  # 0..4: 0 = no evidence, 1 = one document ... 4 = strong (the caller decides)
    refuted: bool = False  # at least one refuting link: drawn with a warning mark
    href: str | None = None

    def __post_init__(self) -> None:
        # The strength picks a line weight from a fixed table; fail early rather than draw nonsense.
        if not 0 <= self.strength <= MAX_STRENGTH:
            raise ValueError(f"{self.id}: strength must be 0..{MAX_STRENGTH}, got {self.strength}")


@dataclass(frozen=True)
class ComponentBox:
    id: str
    name: str
    provenance: str  # "empirical" | "stakeholder" | "substantive" | "team_inference"
    cmocs: tuple[CmocBox, ...] = ()
    href: str | None = None

    @property
    def dashed(self) -> bool:
        # Anything not backed by empirical evidence is drawn dashed, whatever else supports it.
        return self.provenance != "empirical"


@dataclass(frozen=True)
class Chain:
    source: str  # CmocBox.id whose outcome ...
    target: str  # ... is the context of this CmocBox.id


@dataclass(frozen=True)
class TheoryDiagram:
    title: str
    components: tuple[ComponentBox, ...]
    chains: tuple[Chain, ...] = ()

    def __post_init__(self) -> None:
        # Ids become data-id attributes and arrow endpoints: a duplicate or a dangling chain would
        # silently draw an arrow to the wrong box, so it is the caller's bug and is reported as such.
        seen: set[str] = set()
        cmoc_ids: set[str] = set()
        for component in self.components:
            for box_id in (component.id, *(cmoc.id for cmoc in component.cmocs)):
                if box_id in seen:
                    raise ValueError(f"duplicate id in diagram: {box_id!r}")
                seen.add(box_id)
            cmoc_ids.update(cmoc.id for cmoc in component.cmocs)
        for chain in self.chains:
            if chain.source not in cmoc_ids or chain.target not in cmoc_ids:
                raise ValueError(
                    f"chain {chain.source!r} -> {chain.target!r} names an unknown CMOC"
                )
            if chain.source == chain.target:
                raise ValueError(f"chain from {chain.source!r} to itself")

    @property
    def cmocs(self) -> tuple[CmocBox, ...]:
        return tuple(cmoc for component in self.components for cmoc in component.cmocs)
