"""Programme theory versions, their components and stakeholder consultation (minimal model).

The theory issue extends this with CMO configurations, evidence links and version diffs.
"""

from __future__ import annotations

from uuid import uuid4

from django.conf import settings
from django.db import models

from retroduce.core.models import Project


class Provenance(models.TextChoices):
    EMPIRICAL = "empirical", "Empirical evidence"
    STAKEHOLDER = "stakeholder", "Stakeholder input only"
    SUBSTANTIVE = "substantive", "Substantive theory"
    TEAM_INFERENCE = "team_inference", "Team inference"


class TheoryVersion(models.Model):
    class Stage(models.TextChoices):
        INITIAL = "initial", "Initial"
        REFINED = "refined", "Refined"
        FINAL = "final", "Final"

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="theory_versions")
    number = models.PositiveIntegerField()
    stage = models.CharField(max_length=10, choices=Stage.choices)
    notes = models.TextField(blank=True, help_text="Why this version was started")
    # A version is frozen as soon as a newer one is started.
    frozen = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="one_theory_number")
        ]
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number} ({self.get_stage_display().lower()})"


class Component(models.Model):
    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    # The same component carried into a later version keeps its lineage, so versions can be compared.
    lineage = models.UUIDField(default=uuid4, db_index=True)
    version = models.ForeignKey(TheoryVersion, on_delete=models.CASCADE, related_name="components")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    statement = models.TextField(blank=True, help_text="If … then … because …")
    provenance = models.CharField(max_length=20, choices=Provenance.choices)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_empirical_evidence(self) -> bool:
        return self.provenance == Provenance.EMPIRICAL


class StakeholderEvent(models.Model):
    class Kind(models.TextChoices):
        WORKSHOP = "workshop", "Workshop"
        MEETING = "meeting", "Meeting"
        SURVEY = "survey", "Survey"

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="stakeholder_events"
    )
    held_on = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=300)
    # Counts by participant type, e.g. {"practitioner": 4, "patient_public": 2}.
    participants = models.JSONField(default=dict)
    theory_version = models.ForeignKey(
        TheoryVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["held_on"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d %b %Y})"


PARTICIPANT_TYPES = {
    "practitioner": "Practitioners",
    "manager": "Managers",
    "commissioner": "Commissioners",
    "patient_public": "Patients and public",
    "academic": "Academics",
}


class Feedback(models.Model):
    """A stakeholder's comment on a theory version, optionally on one component.

    The theory issue links each item to the change it caused, or to the reason it caused none.
    """

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    theory_version = models.ForeignKey(
        TheoryVersion, on_delete=models.CASCADE, related_name="feedback"
    )
    component = models.ForeignKey(
        Component, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:80]
