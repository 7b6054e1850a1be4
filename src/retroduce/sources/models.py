"""Search episodes (the search log), import batches, records with their origins, and duplicates."""

from __future__ import annotations

from uuid import uuid4

from django.conf import settings
from django.db import models

from retroduce.core.models import Project


class SearchEpisode(models.Model):
    """One search as run (RAMESES items 7 and 8): realist searching is iterative, so there are many."""

    class Purpose(models.TextChoices):
        SCOPING = "scoping", "Scoping / background"
        THEORY = "theory", "Theory"
        EVIDENCE = "evidence", "Evidence"
        REFINEMENT = "refinement", "Refinement"
        SUPPLEMENTARY = "supplementary", "Supplementary"

    class Supplementary(models.TextChoices):
        NONE = "", "Not supplementary"
        FORWARD = "citation_forward", "Citation chasing (forward)"
        BACKWARD = "citation_backward", "Citation chasing (backward)"
        HAND = "hand_search", "Hand search"
        EXPERT = "expert", "Expert suggestion"
        GREY = "grey_literature", "Grey literature"

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="episodes")
    number = models.PositiveIntegerField()
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    supplementary_kind = models.CharField(
        max_length=20, choices=Supplementary.choices, blank=True, default=""
    )
    source = models.CharField(max_length=300, help_text="A database, a website or a person")
    strategy = models.TextField(blank=True, help_text="The full search strategy, as run")
    limits = models.TextField(blank=True, help_text="Language, date, publication-type limits")
    date_run = models.DateField(null=True, blank=True)
    coverage = models.CharField(
        max_length=200, blank=True, help_text="Dates covered, e.g. 2000–2021"
    )
    hits_reported = models.PositiveIntegerField(
        null=True, blank=True, help_text="Number of hits the source reported"
    )
    notes = models.TextField(blank=True)
    components = models.ManyToManyField(
        "theory.Component",
        blank=True,
        related_name="episodes",
        help_text="Programme-theory components this search was meant to test",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="one_episode_number")
        ]
        ordering = ["number"]

    def __str__(self) -> str:
        return f"#{self.number} {self.source} ({self.get_purpose_display().lower()})"


class ImportBatch(models.Model):
    """One imported export file. Either all its records land or none do."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Refused"

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="imports")
    episode = models.ForeignKey(
        SearchEpisode, null=True, blank=True, on_delete=models.PROTECT, related_name="imports"
    )
    file_name = models.CharField(max_length=300)
    file_size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    stored_file = models.CharField(max_length=500, blank=True)
    format = models.CharField(max_length=20, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    record_count = models.PositiveIntegerField(default=0)
    duplicates_merged = models.PositiveIntegerField(default=0)
    pairs_for_review = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    warnings = models.JSONField(default=list, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class Record(models.Model):
    """A bibliographic record as imported. A duplicate points at the record it was merged into."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="records")
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="records")
    title = models.TextField(blank=True)
    authors = models.JSONField(default=list, blank=True)
    year = models.CharField(max_length=20, blank=True)
    journal = models.TextField(blank=True)
    volume = models.CharField(max_length=100, blank=True)
    number = models.CharField(max_length=100, blank=True)
    pages = models.CharField(max_length=100, blank=True)
    doi = models.CharField(max_length=300, blank=True, db_index=True)
    abstract = models.TextField(blank=True)
    keywords = models.JSONField(default=list, blank=True)
    item_type = models.CharField(max_length=20, default="other")
    issn = models.CharField(max_length=100, blank=True)
    isbn = models.CharField(max_length=100, blank=True)
    publisher = models.TextField(blank=True)
    language = models.CharField(max_length=100, blank=True)
    url = models.TextField(blank=True)
    pmid = models.CharField(max_length=40, blank=True)
    database = models.CharField(max_length=200, blank=True)
    accession = models.CharField(max_length=200, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    raw = models.TextField(blank=True)
    source_line = models.PositiveIntegerField(default=0)
    # Lower-cased title, authors and DOI, so searching 100k records needs no function per row.
    search_text = models.TextField(blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        # `id` last: the screening queue's list of a project's unique record ids is read from this
        # index alone (an index-only scan), not from the wide rows of 100,000 records.
        indexes = [
            models.Index(fields=["project", "duplicate_of", "id"], name="record_project_dup_id"),
            # Pages of the records list by number and their counts, read from the index alone.
            models.Index(fields=["project", "id"], name="record_project_id"),
        ]

    def __str__(self) -> str:
        return (self.title or "(untitled)")[:120]

    @property
    def first_author(self) -> str:
        return self.authors[0] if self.authors else ""

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_of_id is not None


class Origin(models.Model):
    """Which search found a record. Merging keeps every origin: a cluster's origins are its members'."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="origins")
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="origins")
    episode = models.ForeignKey(
        SearchEpisode, null=True, blank=True, on_delete=models.PROTECT, related_name="origins"
    )

    def __str__(self) -> str:
        return f"{self.record_id} from {self.episode or self.batch}"


class DuplicatePair(models.Model):
    """Two records that may be the same work: merged automatically, by a person, or kept apart."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        MERGED = "merged", "Merged"
        KEPT = "kept", "Kept apart"

    class DecidedBy(models.TextChoices):
        AUTO = "auto", "Automatic"
        PERSON = "person", "Reviewer"

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="duplicate_pairs")
    # `a` is the record kept (canonical) when merged, `b` the one marked as its duplicate.
    a = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reasons = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_how = models.CharField(max_length=10, choices=DecidedBy.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["a", "b"], name="one_pair_per_records")]
        indexes = [models.Index(fields=["project", "status"], name="pair_project_status")]
        ordering = ["-score", "id"]

    def __str__(self) -> str:
        return f"{self.a_id} ~ {self.b_id} ({self.status})"
