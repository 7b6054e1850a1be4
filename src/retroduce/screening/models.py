"""Screening: per-stage settings, votes, conflict resolutions, reasons, keywords and the ranking."""

from __future__ import annotations

from uuid import uuid4

from django.conf import settings
from django.db import models

from retroduce.core.models import Project
from retroduce.sources.models import Record


class Stage(models.TextChoices):
    TITLE_ABSTRACT = "ta", "Title and abstract"
    FULL_TEXT = "ft", "Full text"


class Vote(models.TextChoices):
    INCLUDE = "include", "Include"
    EXCLUDE = "exclude", "Exclude"
    MAYBE = "maybe", "Maybe"


class StageSettings(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="screening_stages")
    stage = models.CharField(max_length=2, choices=Stage.choices)
    votes_required = models.PositiveSmallIntegerField(
        default=1, choices=[(1, "One reviewer"), (2, "Two independent reviewers")]
    )
    blind = models.BooleanField(
        default=True, help_text="Hide other reviewers' votes until a record has all its votes"
    )
    adjudicator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Besides owners, who may resolve conflicts",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "stage"], name="one_settings_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} settings"


class ExclusionReason(models.Model):
    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="exclusion_reasons")
    label = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label


class Keyword(models.Model):
    class Kind(models.TextChoices):
        INCLUDE = "include", "Include keyword"
        EXCLUDE = "exclude", "Exclude keyword"

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="screening_keywords"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    term = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "kind", "term"], name="one_keyword")
        ]
        ordering = ["kind", "term"]

    def __str__(self) -> str:
        return self.term


class Decision(models.Model):
    """One reviewer's vote on one record at one stage. Changing it is logged with before/after."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="decisions")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="decisions")
    stage = models.CharField(max_length=2, choices=Stage.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="screening_decisions"
    )
    vote = models.CharField(max_length=10, choices=Vote.choices)
    reason = models.ForeignKey(
        ExclusionReason, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    note = models.TextField(blank=True)
    # Undo withdraws a vote rather than deleting it, so its id (and blind mode's hiding of it
    # in History) stays stable; voting again on the record reuses the row.
    withdrawn = models.BooleanField(default=False)
    # "Relevant to which part of the theory": realist screening tags records by component.
    components = models.ManyToManyField("theory.Component", blank=True, related_name="decisions")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record", "stage", "reviewer"], name="one_vote_per_reviewer"
            )
        ]
        indexes = [
            models.Index(fields=["project", "stage"], name="decision_project_stage"),
            # A reviewer's own votes (the progress line, My decisions) without the team's.
            models.Index(fields=["project", "stage", "reviewer"], name="decision_reviewer"),
        ]
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.reviewer} {self.vote} {self.record_id} ({self.stage})"


class Resolution(models.Model):
    """How a conflict was settled, by whom and why."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="resolutions")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="resolutions")
    stage = models.CharField(max_length=2, choices=Stage.choices)
    outcome = models.CharField(
        max_length=10, choices=[(Vote.INCLUDE, "Include"), (Vote.EXCLUDE, "Exclude")]
    )
    reason = models.ForeignKey(
        ExclusionReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "stage"], name="one_resolution_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.record_id} {self.outcome} ({self.stage})"


class Ranking(models.Model):
    """The latest order in which to offer records at a stage, written by the retrain task."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="rankings")
    stage = models.CharField(max_length=2, choices=Stage.choices)
    labelled = models.PositiveIntegerField(default=0)
    model = models.CharField(max_length=40, blank=True)
    trained_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0)
    # Set when a decision arrives; the task clears it. One retrain in flight per stage at most.
    stale = models.BooleanField(default=True)
    task_queued = models.BooleanField(default=False)
    # The team's progress counts as of `trained_at` (progress.team_counts), so pages of a large
    # project read one row instead of aggregating every vote of the stage.
    tally = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "stage"], name="one_ranking_per_stage")
        ]

    def __str__(self) -> str:
        return f"ranking {self.project_id} {self.stage}"

    @property
    def order(self) -> list[int]:
        """Every eligible record id, most likely relevant first; empty before the model learns."""
        found = RankedOrder.objects.filter(project_id=self.project_id, stage=self.stage).first()
        return found.ids if found else []


class RankedOrder(models.Model):
    """The latest full offer order of a stage, written by the retrain alone.

    Apart from Ranking, whose small row every vote updates (stale, task queued): writing these
    100,000 ids took the ranking row's lock for as long, and every vote waited on it.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=2, choices=Stage.choices)
    ids = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "stage"], name="one_order_per_stage")
        ]

    def __str__(self) -> str:
        return f"order of {len(self.ids)} records ({self.stage})"


class Hold(models.Model):
    """A record offered to a reviewer and not yet voted on, kept from others for a while.

    Without it every reviewer is offered the same top record (the order is shared), and with one
    vote required most of a team's work lands on a handful of records. Holds expire on their own,
    so a reviewer who walks away frees the record; they are transient and not archived.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=2, choices=Stage.choices)
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    until = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reviewer", "project", "stage"], name="one_hold_each")
        ]
        indexes = [models.Index(fields=["project", "stage", "until"], name="hold_active")]

    def __str__(self) -> str:
        return f"{self.record_id} held for {self.reviewer_id} until {self.until:%H:%M}"


class Shortlisted(models.Model):
    """One of the first few thousand records still needing votes, in the latest ranking's order.

    The next record is then one indexed query (`ORDER BY position LIMIT 1` over these rows, skipping
    what the reviewer voted on or others hold) instead of walking the whole ranking in Python, which
    cost about 0.5 s a page at 100,000 records. The retrain writes them; only when they run out does
    the queue fall back to the full order (`RankedOrder`).
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=2, choices=Stage.choices)
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["project", "stage", "position"], name="shortlist_order")]

    def __str__(self) -> str:
        return f"{self.record_id} at {self.position} ({self.stage})"
