"""The codebook, fragments (anchored passages), memos, appraisals and coding suggestions."""

from __future__ import annotations

from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q

from retroduce.core.models import Project
from retroduce.documents.models import Document


class CodeKind(models.TextChoices):
    CONTEXT = "context", "Context"
    MECHANISM_RESOURCE = "mechanism_resource", "Mechanism (resource)"
    MECHANISM_RESPONSE = "mechanism_response", "Mechanism (response)"
    OUTCOME = "outcome", "Outcome"
    INTERVENTION = "intervention", "Intervention"
    ACTOR = "actor", "Actor"
    THEORY = "theory", "Programme theory"
    USER = "user", "User code"


# The built-in top-level codes every project starts with, and their default colours.
BUILTIN_KINDS: list[tuple[str, str, str]] = [
    (CodeKind.CONTEXT, "Context", "#2f6fb0"),
    (CodeKind.MECHANISM_RESOURCE, "Mechanism (resource)", "#8a4fb3"),
    (CodeKind.MECHANISM_RESPONSE, "Mechanism (response)", "#b0467a"),
    (CodeKind.OUTCOME, "Outcome", "#2e8a57"),
    (CodeKind.INTERVENTION, "Intervention", "#b36b12"),
    (CodeKind.ACTOR, "Actor", "#5b6b7a"),
    (CodeKind.THEORY, "Programme theory", "#a33b3b"),
]


class Code(models.Model):
    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    # Moved on by every save (core.concurrency), so a save from a stale form is refused.
    revision = models.PositiveIntegerField(default=0, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="codes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    colour = models.CharField(max_length=7, default="#5b6b7a")
    # The kind is inherited from the top-level code, so "under Context" is a cheap filter.
    kind = models.CharField(max_length=20, choices=CodeKind.choices, default=CodeKind.USER)
    builtin = models.BooleanField(default=False)
    # A programme-theory component's code follows the component across theory versions.
    component_lineage = models.UUIDField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            # The same name is allowed under different parents, never twice under one.
            models.UniqueConstraint(
                fields=["project", "parent", "name"],
                condition=Q(merged_into__isnull=True),
                name="one_code_name_per_parent",
            ),
            models.UniqueConstraint(
                fields=["project", "name"],
                condition=Q(parent__isnull=True, merged_into__isnull=True),
                name="one_top_level_code_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Fragment(models.Model):
    """A coded passage, anchored by code-point offsets and by its quote with some context."""

    class Anchor(models.TextChoices):
        EXACT = "exact", "Anchored"
        MOVED = "moved", "Re-anchored after re-extraction"
        LOST = "lost", "Not found in the new text"

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    # Moved on by every save (core.concurrency), so a save from a stale form is refused.
    revision = models.PositiveIntegerField(default=0, editable=False)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="fragments")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    page = models.PositiveIntegerField(default=1)
    quote = models.TextField()
    prefix = models.CharField(max_length=100, blank=True)
    suffix = models.CharField(max_length=100, blank=True)
    anchor = models.CharField(max_length=6, choices=Anchor.choices, default=Anchor.EXACT)
    extraction = models.PositiveIntegerField(default=0)
    codes = models.ManyToManyField(Code, through="FragmentCode", related_name="fragments")
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document_id", "start", "end", "id"]
        indexes = [models.Index(fields=["document", "start"])]

    def __str__(self) -> str:
        return self.quote[:80]


class FragmentCode(models.Model):
    fragment = models.ForeignKey(Fragment, on_delete=models.CASCADE, related_name="codings")
    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="codings")
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fragment", "code"], name="one_coding_per_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} on {self.fragment}"


class Memo(models.Model):
    class Kind(models.TextChoices):
        ANALYTIC = "analytic", "Analytic"
        METHODOLOGICAL = "methodological", "Methodological"
        RETRODUCTIVE = "retroductive", "Retroductive inference"

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    # Moved on by every save (core.concurrency), so a save from a stale form is refused.
    revision = models.PositiveIntegerField(default=0, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memos")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ANALYTIC)
    title = models.CharField(max_length=300)
    text = models.TextField(blank=True)
    # At most one target; none means a memo on the project as a whole.
    fragment = models.ForeignKey(
        Fragment, null=True, blank=True, on_delete=models.CASCADE, related_name="memos"
    )
    code = models.ForeignKey(
        Code, null=True, blank=True, on_delete=models.CASCADE, related_name="memos"
    )
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.CASCADE, related_name="memos"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def target_label(self) -> str:
        if self.fragment_id:
            return f"Fragment in “{self.fragment.document}”"
        if self.code_id:
            return f"Code “{self.code}”"
        if self.document_id:
            return f"Document “{self.document}”"
        return "Project"


class Level(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Appraisal(models.Model):
    """Relevance, rigour and richness (RAMESES item 9), of a document or of one fragment."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="appraisals")
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.CASCADE, related_name="appraisals"
    )
    fragment = models.ForeignKey(
        Fragment, null=True, blank=True, on_delete=models.CASCADE, related_name="appraisals"
    )
    relevance = models.CharField(max_length=6, choices=Level.choices)
    rigour = models.CharField(max_length=6, choices=Level.choices)
    richness = models.CharField(max_length=6, choices=Level.choices)
    rationale = models.TextField(blank=True)
    appraiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document"], condition=Q(fragment__isnull=True), name="one_doc_appraisal"
            ),
            models.UniqueConstraint(fields=["fragment"], name="one_fragment_appraisal"),
        ]

    def __str__(self) -> str:
        return f"relevance {self.relevance}, rigour {self.rigour}, richness {self.richness}"

    @property
    def kept_for_richness(self) -> bool:
        """Low rigour but rich material: kept in the synthesis, and the report says so."""
        return self.rigour == Level.LOW and self.richness in (Level.HIGH, Level.MEDIUM)


class SuggestionVerdict(models.Model):
    """A reviewer's answer to a coding suggestion; rejections retrain the ranking."""

    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="verdicts")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    accepted = models.BooleanField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["code", "document", "start", "end"], name="one_verdict_per_passage"
            )
        ]

    def __str__(self) -> str:
        return f"{'accepted' if self.accepted else 'rejected'}: {self.text[:60]}"
