"""Starting Django from the CLI: settings, migrations with a backup first, and the task worker."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from pathlib import Path

import django


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retroduce.site.settings")
    django.setup()


def pending_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def backup_sqlite(reason: str = "pre-migration") -> Path | None:
    """Copy the SQLite database to a timestamped file using SQLite's online backup (WAL-safe)."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "sqlite":
        return None
    source = Path(settings.DATABASES["default"]["NAME"])
    # A database with no tables yet (first start) holds nothing worth keeping.
    if not source.exists() or "django_migrations" not in connection.introspection.table_names():
        return None
    folder = settings.HOME / "backups"
    folder.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{source.stem}-{stamp}-{reason}.sqlite3"
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def migrate(verbosity: int = 0) -> tuple[list[str], Path | None]:
    """Apply pending migrations, backing up an existing SQLite database first."""
    from django.core.management import call_command

    pending = pending_migrations()
    backup = backup_sqlite() if pending else None
    if pending:
        call_command("migrate", interactive=False, verbosity=verbosity)
    return pending, backup


def _worker(name: str):  # noqa: ANN202 - django_tasks_db's Worker, imported late (needs apps)
    from django_tasks_db.management.commands.db_worker import Worker

    from retroduce.core.interrupted import new_worker_id, recover_interrupted

    recover_interrupted()  # tasks a killed earlier run of this server left "running"
    return Worker(
        queue_names=["*"],
        interval=0.5,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=new_worker_id(name),
        excluded_queue_names=[],
    )


def start_worker_thread() -> threading.Thread:
    """Run the database task worker inside this process: the single-user install needs no service."""
    thread = threading.Thread(target=_worker("inprocess").run, name="retroduce-worker", daemon=True)
    thread.start()
    return thread


WORKER_NICENESS = 10


def run_background_worker() -> None:
    """Run the task worker as this whole process, at a lower CPU priority than the web processes.

    `serve --processes N` runs it beside its N web processes: a retrain inside a web process held
    that process's interpreter for up to a second, so every request it received waited; in its own
    process, niced, the kernel gives the web processes the cores first and the retrain the rest.
    """
    os.nice(WORKER_NICENESS)
    _worker("background").run()
