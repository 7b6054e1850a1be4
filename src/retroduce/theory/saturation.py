"""How much the theory changed per iteration: the evidence for when to stop searching."""

from __future__ import annotations

from retroduce.core.models import Project
from retroduce.theory.diff import compare, counts, snapshot


def iterations(project: Project, versions=None) -> list[tuple[str, dict[str, int]]]:  # noqa: ANN001
    """Per version, the counts of parts added, changed and removed since the one before."""
    out: list[tuple[str, dict[str, int]]] = []
    previous = None
    for version in (versions if versions is not None else project.theory_versions).order_by(
        "number"
    ):
        parts = snapshot(version)
        out.append(
            (
                f"v{version.number} {version.get_stage_display().lower()}",
                counts(compare(previous or [], parts)),
            )
        )
        previous = parts
    return out
