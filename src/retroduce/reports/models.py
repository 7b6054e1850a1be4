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
