"""Full texts: the file as uploaded, its extracted text and the page boundaries inside that text."""

from __future__ import annotations

from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models.functions import Substr

from retroduce.core.models import Project


class Document(models.Model):
    """A full text to code. Usually a record's paper, but realist reviews code other material too."""

    class Kind(models.TextChoices):
        PAPER = "paper", "Paper"
        WORKSHOP_NOTES = "workshop_notes", "Stakeholder workshop notes"
        POLICY = "policy", "Policy document"
        TRANSCRIPT = "transcript", "Interview transcript"
        REPORT = "report", "Report or grey literature"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for extraction"
        EXTRACTING = "extracting", "Extracting text"
        READY = "ready", "Ready to code"
        FAILED = "failed", "Could not be read"

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    record = models.ForeignKey(
        "sources.Record",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PAPER)
    title = models.CharField(max_length=500)
    file_name = models.CharField(max_length=300)
    file_format = models.CharField(max_length=10, blank=True)  # pdf, html, docx, txt
    stored_file = models.CharField(max_length=500)
    size = models.PositiveBigIntegerField(default=0)
    # The same file attached twice is noticed by its checksum, not its name.
    sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    text = models.TextField(blank=True)
    # [[start, end], …] in code points into `text`, one pair per page, page 1 first.
    pages = models.JSONField(default=list)
    needs_ocr = models.BooleanField(default=False)
    pages_without_text = models.JSONField(default=list)
    encoding = models.CharField(max_length=40, blank=True)
    warnings = models.JSONField(default=list)
    # Bumped on every successful extraction, so fragments know which text they were anchored in.
    extraction = models.PositiveIntegerField(default=0)
    extracted_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # Characteristics of included documents (RAMESES item 13), filled in by the reviewers.
    study_design = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=200, blank=True)
    setting = models.CharField(max_length=300, blank=True)
    shared_with_stakeholders = models.BooleanField(
        default=False, help_text="Stakeholders can read this document and its coding"
    )
    # A second reviewer codes this document without seeing the first coder's fragments.
    check_coder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def page_of(self, offset: int) -> int:
        """The 1-based page that holds `offset` (the separator between pages counts as the next)."""
        for number, (_start, end) in enumerate(self.pages, start=1):
            if offset < end:
                return number
        return max(1, len(self.pages))

    def page_text(self, number: int) -> tuple[int, str]:
        start, end = self.pages[number - 1]
        if "text" in self.get_deferred_fields():
            # Loaded without its text (the viewer does: a 300-page PDF's text is about 1 MB, read
            # from the database on every page turn), so ask the database for this page's slice.
            part = (
                Document.objects.filter(pk=self.pk)
                .annotate(part=Substr("text", start + 1, end - start))
                .values_list("part", flat=True)
                .order_by()
                .first()
            )
            return start, part or ""
        return start, self.text[start:end]
