"""Projects, membership, the versioned protocol, the change log, the event log and task progress."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from django.apps import apps
from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    REVIEWER = "reviewer", "Reviewer"
    STAKEHOLDER = "stakeholder", "Stakeholder"
    VIEWER = "viewer", "Viewer"


class Project(models.Model):
    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def protocol(self) -> ProtocolVersion | None:
        return self.protocol_versions.order_by("-number").first()


class Membership(models.Model):
    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="one_membership_per_user")
        ]
        ordering = ["user__username"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


# Fields of the protocol that RAMESES asks for, with the item each serves.
PROTOCOL_FIELDS: dict[str, str] = {
    "title": "Title (RAMESES 1)",
    "question": "Review question (RAMESES 4)",
    "objectives_focus": "Objectives and focus (RAMESES 4)",
    "rationale": "Rationale for the review (RAMESES 3)",
    "why_realist": "Why a realist approach (RAMESES 6)",
    "funding_coi": "Funding and conflicts of interest (RAMESES 19)",
    "team": "Review team",
}


class ProtocolVersion(models.Model):
    """One saved state of the protocol. Versions are never edited: a change makes a new one."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="protocol_versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    question = models.TextField(blank=True)
    objectives_focus = models.TextField(blank=True)
    rationale = models.TextField(blank=True)
    why_realist = models.TextField(blank=True)
    funding_coi = models.TextField(blank=True)
    team = models.TextField(blank=True)
    summary = models.CharField(max_length=500, blank=True, help_text="What changed and why")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="one_protocol_number")
        ]
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"Protocol v{self.number}"

    def as_dict(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in PROTOCOL_FIELDS}


class ChangeLogEntry(models.Model):
    """A change to the planned review process (RAMESES item 5)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="change_log")
    what = models.TextField(help_text="What changed in the planned process")
    why = models.TextField(help_text="Why it changed")
    decided_by = models.CharField(max_length=300, help_text="Who decided")
    decided_on = models.DateField(help_text="When it was decided")
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-decided_on", "-recorded_at"]

    def __str__(self) -> str:
        return self.what[:80]


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The event log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The event log is append-only")


def object_kind(model_name: str) -> str:
    for model in apps.get_models():
        if model._meta.model_name == model_name:
            return str(model._meta.verbose_name)
    return model_name


class Event(models.Model):
    """Append-only record of every change to project data (RAMESES items 5 and 11)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    # PROTECT, not CASCADE: a project with history cannot be deleted out from under its audit trail.
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too, so the log still names a person after their account is removed.
    actor_name = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    verb = models.CharField(max_length=40, db_index=True)
    object_type = models.CharField(max_length=60, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.verb} {self.object_type} {self.object_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The event log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The event log is append-only")

    @property
    def object_kind(self) -> str:
        """The object's type in words ("protocol version"), for people reading the history."""
        return object_kind(self.object_type)


class TaskProgress(models.Model):
    """Progress of one background task, polled by the web page and the CLI."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    task_id = models.CharField(max_length=64, unique=True)
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    label = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.label}: {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


class LoginFailure(models.Model):
    """Failed sign-ins, counted per username and address for the rate limit."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} from {self.address} at {self.at:%Y-%m-%d %H:%M}"
