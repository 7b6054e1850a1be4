"""The counts behind the document flow diagram (RAMESES item 12), as plain frozen values.

The caller (a view or a report builder) counts the recorded sources, screening decisions and
documents; the layout, both renderers and the PRISMA 2020 export only read these values.
problems() says, in words a reviewer can act on, where the counts fail to add up.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

PURPOSES = ("scoping", "theory", "evidence", "refinement", "supplementary")
SUPPLEMENTARY = "supplementary"


@dataclass(frozen=True)
class SourceCount:
    label: str  # e.g. "MEDLINE (evidence)", "Citation chasing (supplementary)"
    records: int
    purpose: str  # one of PURPOSES; anything else is drawn with the main searches

    @property
    def supplementary(self) -> bool:
        return self.purpose.strip().lower() == SUPPLEMENTARY


@dataclass(frozen=True)
class Reason:
    label: str
    count: int


@dataclass(frozen=True)
class FlowCounts:
    sources: tuple[SourceCount, ...]  # records identified, per source or search episode
    identified: int  # the sum of the sources (checked by problems())
    duplicates_removed: int
    screened_ta: int  # unique records screened on title and abstract
    excluded_ta: int
    excluded_ta_reasons: tuple[Reason, ...] = ()  # optional at title and abstract
    sought_ft: int = 0  # full texts sought (= included at title and abstract)
    not_retrieved: int = 0
    assessed_ft: int = 0
    excluded_ft: int = 0
    excluded_ft_reasons: tuple[Reason, ...] = ()
    included: int = 0
    included_by_purpose: tuple[tuple[str, int], ...] = ()  # e.g. (("evidence", 30),)
    pending_ta: int = 0  # still being screened on title and abstract
    pending_ft: int = 0  # still being assessed in full text

    @property
    def main_records(self) -> int:
        return sum(source.records for source in self.sources if not source.supplementary)

    @property
    def supplementary_records(self) -> int:
        return sum(source.records for source in self.sources if source.supplementary)

    def problems(self) -> list[str]:
        """The arithmetic checks that fail, one sentence each; empty when every stage adds up."""
        found = [
            f"{field.name} is negative ({getattr(self, field.name)})"
            for field in fields(self)
            if isinstance(getattr(self, field.name), int) and getattr(self, field.name) < 0
        ]
        found += [f"source {s.label!r} has a negative count" for s in self.sources if s.records < 0]
        total = sum(source.records for source in self.sources)
        if self.identified != total:
            found.append(
                f"identified ({self.identified}) is not the sum of the records from the "
                f"{len(self.sources)} sources ({total})"
            )
        unique = self.identified - self.duplicates_removed
        if unique != self.screened_ta:
            found.append(
                f"identified ({self.identified}) minus duplicates ({self.duplicates_removed}) "
                f"is {unique}, but {self.screened_ta} were screened on title and abstract"
            )
        balances = (
            ("title and abstract screening", "screened", self.screened_ta, {
                "excluded": self.excluded_ta,
                "full texts sought": self.sought_ft,
                "still being screened": self.pending_ta,
            }),
            ("full-text retrieval", "sought", self.sought_ft, {
                "not retrieved": self.not_retrieved,
                "assessed": self.assessed_ft,
            }),
            ("full-text assessment", "assessed", self.assessed_ft, {
                "excluded": self.excluded_ft,
                "included": self.included,
                "still being screened": self.pending_ft,
            }),
        )  # fmt: skip
        for stage, verb, total, parts in balances:
            if total != sum(parts.values()):
                terms = " + ".join(f"{name} ({value})" for name, value in parts.items())
                found.append(f"{stage}: {total} {verb}, but {terms} is {sum(parts.values())}")
        ta_reasons = sum(reason.count for reason in self.excluded_ta_reasons)
        if ta_reasons > self.excluded_ta:
            found.append(
                f"title and abstract exclusion reasons add up to {ta_reasons}, more than the "
                f"{self.excluded_ta} excluded"
            )
        ft_reasons = sum(reason.count for reason in self.excluded_ft_reasons)
        if ft_reasons != self.excluded_ft:
            found.append(
                f"full-text exclusion reasons add up to {ft_reasons}, but {self.excluded_ft} "
                "full texts were excluded"
            )
        by_purpose = sum(count for _, count in self.included_by_purpose)
        if self.included_by_purpose and by_purpose != self.included:
            found.append(
                f"included documents by purpose add up to {by_purpose}, but {self.included} "
                "were included"
            )
        return found
