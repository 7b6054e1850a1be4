"""The quality self-assessment: the team rates each domain, beside the evidence the project holds.

Domains follow the RAMESES quality standards for realist syntheses (Wong et al., RAMESES
training materials, 2014); each is shown with the checklist items whose evidence bears on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from retroduce.core.events import account, record
from retroduce.core.models import Project
from retroduce.core.services import DomainError
from retroduce.reports.checklist import ItemResult
from retroduce.reports.models import QualityRating

DOMAINS: tuple[tuple[int, str, tuple[int, ...]], ...] = (
    (1, "The research problem", (3, 4)),
    (2, "Understanding and applying the underpinning principles of realist reviews", (6, 11)),
    (3, "Focusing the review", (4, 7)),
    (4, "Constructing and refining a realist programme theory", (11, 14)),
    (5, "Developing a search strategy", (7, 8)),
    (6, "Selection and appraisal of documents", (9,)),
    (7, "Data extraction", (10,)),
    (8, "Reporting", (12, 13, 14, 16)),
)


@dataclass
class DomainView:
    number: int
    name: str
    evidence: list[ItemResult]
    rating: QualityRating | None


def domains(project: Project, items: list[ItemResult]) -> list[DomainView]:
    ratings = {r.domain: r for r in QualityRating.objects.filter(project=project)}
    by_number = {i.spec.number: i for i in items}
    return [
        DomainView(number, name, [by_number[n] for n in numbers], ratings.get(number))
        for number, name, numbers in DOMAINS
    ]


@transaction.atomic
def rate(
    project: Project, actor: AbstractBaseUser | None, domain: int, level: str, note: str = ""
) -> QualityRating:
    if domain not in {d[0] for d in DOMAINS}:
        raise DomainError("There is no such quality domain.")
    if level not in QualityRating.Level.values:
        raise DomainError("Rate the domain as inadequate, adequate, good or excellent.")
    rating = QualityRating.objects.filter(project=project, domain=domain).first()
    before = {"level": rating.level, "note": rating.note} if rating else None
    rating = rating or QualityRating(project=project, domain=domain)
    rating.level, rating.note = level, note.strip()
    rating.rated_by = account(actor)
    rating.save()
    record(
        project,
        actor,
        "rated quality",
        rating,
        before=before,
        after={"level": level, "note": rating.note},
    )
    return rating
