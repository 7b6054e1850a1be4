"""Progress reporting shared by background tasks (stored, polled by htmx) and the CLI (rich)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from retroduce.core.events import account
from retroduce.core.models import Project, TaskProgress


class Reporter(Protocol):
    def __call__(self, done: int, total: int, message: str = "") -> None: ...


def silent(done: int, total: int, message: str = "") -> None:
    """A reporter for callers that do not show progress."""


class StoredReporter:
    """Writes progress to the TaskProgress row, at most every `interval` seconds but always at the end."""

    def __init__(self, task_id: str, interval: float = 0.25) -> None:
        self.task_id = task_id
        self.interval = interval
        self._last = 0.0

    def __call__(self, done: int, total: int, message: str = "") -> None:
        now = time.monotonic()
        if done < total and now - self._last < self.interval:
            return
        self._last = now
        TaskProgress.objects.filter(task_id=self.task_id).update(
            status=TaskProgress.Status.RUNNING, done=done, total=total, message=message[:500]
        )

    def finish(self, status: str, message: str) -> None:
        TaskProgress.objects.filter(task_id=self.task_id).update(
            status=status, message=message[:500]
        )


def enqueue_with_progress(
    task: Any, label: str, *, project: Project | None, user: AbstractBaseUser | None, **kwargs: Any
) -> TaskProgress:
    """Queue a task and its progress row together, so a worker never sees one without the other."""
    with transaction.atomic():
        result = task.enqueue(**kwargs)
        return TaskProgress.objects.create(
            task_id=str(result.id),
            project=project,
            label=label,
            started_by=account(user),
        )


def run_reported(task_id: str, work: Callable[[Reporter], str]) -> str:
    """Run `work` inside a task, marking the progress row done or failed with a message."""
    reporter = StoredReporter(task_id)
    TaskProgress.objects.filter(task_id=task_id).update(status=TaskProgress.Status.RUNNING)
    try:
        summary = work(reporter)
    except Exception as exc:
        reporter.finish(TaskProgress.Status.FAILED, f"Failed: {exc}")
        raise
    reporter.finish(TaskProgress.Status.DONE, summary)
    return summary
