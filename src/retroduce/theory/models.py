"""Programme theory: versions (snapshots, frozen when a newer one starts), components, CMO
configurations with their evidence, the changes between versions and why, stakeholder
consultation and substantive theories.

A component or CMOC carried into a later version keeps its `lineage`, so any two versions can
be compared part by part.
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
    # Stakeholders see, and give feedback on, only the versions shared with them.
    shared_with_stakeholders = models.BooleanField(default=False)
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


class FrozenVersion(Exception):
    """A frozen theory version is a snapshot: nothing in it may change."""


class SnapshotGuard(models.Model):
    """Refuses to save or delete a row of a frozen version, whatever code path tries."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002,ANN003
        self._check_open()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN002,ANN003,ANN201
        self._check_open()
        return super().delete(*args, **kwargs)

    def _version(self) -> TheoryVersion:
        raise NotImplementedError

    def _check_open(self) -> None:
        if self.pk is not None and self._version().frozen:
            raise FrozenVersion(f"{self._version()} is frozen; start a new version to change it.")


class Component(SnapshotGuard):
    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    # The same component carried into a later version keeps its lineage, so versions can be compared.
    lineage = models.UUIDField(default=uuid4, db_index=True)
    version = models.ForeignKey(TheoryVersion, on_delete=models.CASCADE, related_name="components")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    statement = models.TextField(blank=True, help_text="If … then … because …")
    # The effective provenance: computed from what is linked, unless overridden with a reason.
    provenance = models.CharField(max_length=20, choices=Provenance.choices)
    provenance_override = models.CharField(
        max_length=20, choices=Provenance.choices, blank=True, default=""
    )
    override_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def _version(self) -> TheoryVersion:
        return self.version

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
    """A stakeholder's comment on a theory version, optionally on one component or CMOC.

    The team links each item to the change it caused, or records why it caused none.
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
    cmoc = models.ForeignKey(
        "CMOC", null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    caused = models.ForeignKey(
        "TheoryChange", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    no_change_reason = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def answered(self) -> bool:
        return self.caused_id is not None or bool(self.no_change_reason)


class CMOC(SnapshotGuard):
    """A context-mechanism-outcome configuration of one component."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    # Moved on by every save (core.concurrency), so a save from a stale form is refused.
    revision = models.PositiveIntegerField(default=0, editable=False)
    lineage = models.UUIDField(default=uuid4, db_index=True)
    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="cmocs")
    position = models.PositiveIntegerField(default=0)
    context = models.TextField()
    mechanism_resource = models.TextField(blank=True)
    mechanism_response = models.TextField(blank=True)
    outcome = models.TextField()
    intervention = models.TextField(blank=True)
    actor = models.CharField(max_length=300, blank=True)
    # The outcome of this configuration is the context of those it leads to.
    leads_to = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    TEXT_FIELDS = (
        "context",
        "mechanism_resource",
        "mechanism_response",
        "outcome",
        "intervention",
        "actor",
    )

    class Meta:
        ordering = ["component__position", "position", "id"]

    def __str__(self) -> str:
        return f"CMOC {self.position} of {self.component}"

    def _version(self) -> TheoryVersion:
        return self.component.version

    @property
    def mechanism(self) -> str:
        parts = [p for p in (self.mechanism_resource, self.mechanism_response) if p]
        return " → ".join(parts)


class EvidenceLink(SnapshotGuard):
    class Relation(models.TextChoices):
        SUPPORTS = "supports", "Supports"
        REFUTES = "refutes", "Refutes"
        REFINES = "refines", "Refines"

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    cmoc = models.ForeignKey(CMOC, on_delete=models.CASCADE, related_name="evidence")
    # PROTECT: a fragment that is evidence for the theory cannot vanish without a decision.
    fragment = models.ForeignKey(
        "coding.Fragment", on_delete=models.PROTECT, related_name="evidence_links"
    )
    relation = models.CharField(max_length=8, choices=Relation.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cmoc", "fragment"], name="one_link_per_fragment")
        ]

    def __str__(self) -> str:
        return f"{self.get_relation_display()}: {self.fragment}"

    def _version(self) -> TheoryVersion:
        return self.cmoc.component.version


class TheoryChange(models.Model):
    """One change made in a version, with why: RAMESES items 5, 11 and 16 ask for this trail."""

    class Kind(models.TextChoices):
        ADDED = "added", "Added"
        REMOVED = "removed", "Removed"
        REWORDED = "reworded", "Reworded"
        PROVENANCE = "provenance", "Provenance changed"

    class Target(models.TextChoices):
        COMPONENT = "component", "Component"
        CMOC = "cmoc", "CMOC"

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    version = models.ForeignKey(TheoryVersion, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    target = models.CharField(max_length=10, choices=Target.choices)
    lineage = models.UUIDField(db_index=True)
    label = models.CharField(max_length=300)
    rationale = models.TextField()
    fragments = models.ManyToManyField("coding.Fragment", blank=True, related_name="+")
    feedback = models.ManyToManyField(Feedback, blank=True, related_name="+")
    memos = models.ManyToManyField("coding.Memo", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_target_display().lower()} “{self.label}”"


class SubstantiveTheory(models.Model):
    """A middle-range theory used to explain or challenge CMOCs (RAMESES items 14 and 17)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="substantive_theories"
    )
    name = models.CharField(max_length=300)
    reference = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "substantive theories"

    def __str__(self) -> str:
        return self.name


class SubstantiveLink(models.Model):
    class Relation(models.TextChoices):
        EXPLAINS = "explains", "Explains"
        CHALLENGES = "challenges", "Challenges"

    theory = models.ForeignKey(SubstantiveTheory, on_delete=models.CASCADE, related_name="links")
    # Linked by lineage, so the link holds for the CMOC in every version that carries it.
    cmoc_lineage = models.UUIDField(db_index=True)
    relation = models.CharField(max_length=10, choices=Relation.choices)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["theory", "cmoc_lineage"], name="one_theory_link")
        ]

    def __str__(self) -> str:
        return f"{self.theory} {self.relation}"


class RereadMark(models.Model):
    """A reviewer went back to a document after a theory change, as realist practice asks."""

    change = models.ForeignKey(TheoryChange, on_delete=models.CASCADE, related_name="rereads")
    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["change", "document"], name="one_reread")]

    def __str__(self) -> str:
        return f"re-read {self.document_id} for {self.change}"
