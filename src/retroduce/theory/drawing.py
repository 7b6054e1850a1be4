"""The programme-theory diagram's content, from the database: what the renderers draw."""

from __future__ import annotations

from django.urls import reverse

from retroduce.theory.cmocs import strength
from retroduce.theory.models import TheoryVersion


def diagram_model(version: TheoryVersion, links: bool = True):  # noqa: ANN201
    from retroduce.theory.diagram.model import Chain, CmocBox, ComponentBox, TheoryDiagram

    slug = version.project.slug
    components = []
    chains = []
    for component in version.components.prefetch_related("cmocs__leads_to"):
        boxes = []
        for n, cmoc in enumerate(component.cmocs.all(), start=1):
            weight = strength(cmoc)
            boxes.append(
                CmocBox(
                    id=f"cmoc-{cmoc.pk}",
                    label=f"CMOC {n}",
                    context=cmoc.context,
                    mechanism=cmoc.mechanism,
                    outcome=cmoc.outcome,
                    strength=weight.level,
                    refuted=weight.refutes > 0,
                    href=reverse("cmoc", args=[slug, cmoc.pk]) if links else None,
                )
            )
            chains.extend(Chain(f"cmoc-{cmoc.pk}", f"cmoc-{t.pk}") for t in cmoc.leads_to.all())
        components.append(
            ComponentBox(
                id=f"component-{component.pk}",
                name=component.name,
                provenance=component.provenance,
                cmocs=tuple(boxes),
                href=reverse("component", args=[slug, component.pk]) if links else None,
            )
        )
    return TheoryDiagram(
        title=f"{version.project.title}: programme theory {version}",
        components=tuple(components),
        chains=tuple(chains),
    )
