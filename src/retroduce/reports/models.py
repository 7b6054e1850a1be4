"""The team's self-assessment against the RAMESES quality standards for realist syntheses."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from retroduce.core.models import Project


class QualityRating(models.Model):
    class Level(models.TextChoices):
        INADEQUATE = "inadequate", "Inadequate"
        ADEQUATE = "adequate", "Adequate"
        GOOD = "good", "Good"
        EXCELLENT = "excellent", "Excellent"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="quality_ratings")
    domain = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=10, choices=Level.choices)
    note = models.TextField(blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "domain"], name="one_rating_per_domain")
        ]

    def __str__(self) -> str:
        return f"domain {self.domain}: {self.level}"


class ReportFile(models.Model):
    """A report written in the background, kept for download."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting"
        RUNNING = "running", "Writing"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="report_files")
    fmt = models.CharField(max_length=4)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    stored_file = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.fmt} report of {self.created_at:%d %b %Y %H:%M}"
