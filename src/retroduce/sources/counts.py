"""Counts for the Sources page and for the PRISMA / RAMESES flow diagram (item 12)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from retroduce.core.models import Project
from retroduce.sources.models import DuplicatePair, Origin, Record, SearchEpisode


@dataclass
class EpisodeCounts:
    episode: SearchEpisode
    identified: int  # records imported from this episode's files
    unique_now: int  # of those, how many are the record a reader sees (not merged away)


@dataclass
class SourceCounts:
    identified: int = 0
    duplicates_removed: int = 0
    unique: int = 0
    pending_review: int = 0
    unassigned: int = 0  # imported without an episode
    episodes: list[EpisodeCounts] = field(default_factory=list)
    by_purpose: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)  # PRISMA: records per database


def source_counts(project: Project) -> SourceCounts:
    records = Record.objects.filter(project=project)
    totals = records.aggregate(
        identified=Count("id"), duplicates=Count("id", filter=Q(duplicate_of__isnull=False))
    )
    counts = SourceCounts(
        identified=totals["identified"],
        duplicates_removed=totals["duplicates"],
        unique=totals["identified"] - totals["duplicates"],
        pending_review=DuplicatePair.objects.filter(
            project=project,
            status=DuplicatePair.Status.PENDING,
            a__duplicate_of__isnull=True,
            b__duplicate_of__isnull=True,
        ).count(),
        unassigned=Origin.objects.filter(batch__project=project, episode__isnull=True).count(),
    )
    per_episode = {
        row["episode"]: row
        for row in Origin.objects.filter(episode__project=project)
        .values("episode")
        .annotate(
            identified=Count("id"),
            unique_now=Count("id", filter=Q(record__duplicate_of__isnull=True)),
        )
    }
    for episode in project.episodes.all():
        row = per_episode.get(episode.pk, {})
        counts.episodes.append(
            EpisodeCounts(episode, row.get("identified", 0), row.get("unique_now", 0))
        )
        label = episode.get_purpose_display()
        counts.by_purpose[label] = counts.by_purpose.get(label, 0) + row.get("identified", 0)
        counts.by_source[episode.source] = counts.by_source.get(episode.source, 0) + row.get(
            "identified", 0
        )
    return counts
