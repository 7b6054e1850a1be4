"""Background tasks whose process died are marked failed when a worker starts.

A worker killed mid-task (kill -9, a crash, the machine restarting) leaves django-tasks-db's row
"running" for ever: the progress bar would spin, the import would say "Importing", and a stage's
"retrain queued" flag would stay set, so no retrain would ever be queued again. Each worker's id
names its host, process id and the process's start time; a starting worker fails the running
tasks of workers on this host that no longer exist, and each app puts its own objects right
(`on_interrupted`). Workers on other hosts cannot be checked from here and are left alone.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from retroduce.core.models import TaskProgress

INTERRUPTED = (
    "Interrupted: the process running this stopped before it finished, so nothing from it was "
    "kept. Start it again."
)

Handler = Callable[[str, str, dict], None]  # (task id, task path, the task's keyword arguments)
_HANDLERS: list[Handler] = []


def on_interrupted(handler: Handler) -> Handler:
    _HANDLERS.append(handler)
    return handler


def _started(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux), so a reused pid is told apart."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return "0"


def _host() -> str:
    return socket.gethostname()[:24].replace(":", "-")


def new_worker_id(kind: str) -> str:
    pid = os.getpid()
    return f"{kind}:{_host()}:{pid}:{_started(pid)}:{get_random_string(6)}"[:64]


def worker_alive(worker_id: str) -> bool:
    """Whether the process a `new_worker_id` names still runs (True when it cannot tell)."""
    parts = worker_id.split(":")
    if len(parts) != 5 or parts[1] != _host():
        return True  # another host's worker, or one we did not name: cannot tell, so leave it
    try:
        pid = int(parts[2])
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (ValueError, PermissionError):
        return True
    return parts[3] == "0" or _started(pid) == parts[3]


def recover_interrupted() -> list[str]:
    """Fail the tasks of dead workers on this host; returns their ids."""
    from django.utils.module_loading import autodiscover_modules
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    autodiscover_modules("tasks")  # each app's tasks module registers its handler

    recovered = []
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        if result.worker_ids and worker_alive(result.worker_ids[-1]):
            continue
        task_id = str(result.pk)
        with transaction.atomic():
            claimed = DBTaskResult.objects.filter(
                pk=result.pk, status=TaskResultStatus.RUNNING
            ).update(
                status=TaskResultStatus.FAILED,
                finished_at=timezone.now(),
                exception_class_path="retroduce.core.interrupted.Interrupted",
                traceback=INTERRUPTED,
            )
            if not claimed:
                continue  # another starting worker got there first
            TaskProgress.objects.filter(task_id=task_id).exclude(
                status=TaskProgress.Status.DONE
            ).update(status=TaskProgress.Status.FAILED, message=INTERRUPTED)
            kwargs = (result.args_kwargs or {}).get("kwargs", {})
            for handler in _HANDLERS:
                handler(task_id, result.task_path, kwargs)
        recovered.append(task_id)
    return recovered
