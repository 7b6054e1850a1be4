"""Helper processes for tests/site/test_killed_midway.py, run as `python -m tests.site.midway …`.

Each subcommand starts Django the way the CLI's `_start()` does (settings, then migrations):

- `cli ARGS…`: the `retroduce` command itself, with the probe below installed;
- `freeze SLUG`: start a new theory version of a project (theory.services.start_version, which
  freezes the current one), with the probe installed; prints the new version's number;
- `snapshot`: the whole state as JSON: every table's row count and content hash, the files under
  MEDIA_ROOT with their hashes, every stored_file path the database refers to, and each project's
  theory versions as [number, frozen, components];
- `queue-import SLUG FILE`: queue a background import of FILE, as the Sources page's upload does;
- `vote SLUG N`: the owner votes on N records at title/abstract, which queues a retrain;
- `tasks SLUG`: imports, progress rows and retrain flags as JSON, as the pages would show them;
- `enlarge SLUG N`: give the project's current theory version N more components, each with
  three CMOCs (the first ten with evidence), through the domain services, which log events.

The probe (set PROBE_SQL, PROBE_AFTER and PROBE_FD) watches the SQL the process sends. After the
PROBE_AFTER-th statement matching the regular expression PROBE_SQL has run, it writes one line,
`PROBE midway {json}`, to the file descriptor PROBE_FD, saying whether a transaction is open and
how many writes the process has made inside transactions, and then waits there (on stdin) to be
killed. So the test kills the process at
a known point inside the operation, with its transaction provably open and written to: no timing
guesses. The operation itself is not changed; the probe only observes and then stops the clock.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import select
import sys
from pathlib import Path

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def install_probe() -> None:
    pattern = os.environ.get("PROBE_SQL")
    if not pattern:
        return
    wanted = re.compile(pattern)
    after = int(os.environ.get("PROBE_AFTER", "1"))
    fd = int(os.environ["PROBE_FD"])
    seen = {"matches": 0, "writes": 0}

    def probe(execute, sql, params, many, context):  # noqa: ANN001,ANN202 (Django's signature)
        result = execute(sql, params, many, context)
        connection = context["connection"]
        if connection.in_atomic_block and WRITES.match(sql):
            seen["writes"] += 1
        if wanted.search(sql):
            seen["matches"] += 1
            if seen["matches"] == after:
                state = {
                    **seen,
                    "in_atomic_block": connection.in_atomic_block,
                    "autocommit": connection.get_autocommit(),
                    "sql": sql[:120],
                }
                os.write(fd, f"PROBE midway {json.dumps(state)}\n".encode())
                # Wait to be killed; should the test itself die, stdin closes and so do we,
                # without committing anything.
                select.select([sys.stdin], [], [], 600)
                os._exit(86)
        return result

    from django.db.backends.signals import connection_created

    def attach(sender, connection, **kwargs) -> None:  # noqa: ANN001
        if probe not in connection.execute_wrappers:
            connection.execute_wrappers.append(probe)

    connection_created.connect(attach, weak=False)


def start() -> None:
    from retroduce.site import runtime

    runtime.setup()
    runtime.migrate()


def snapshot() -> dict:
    from django.apps import apps
    from django.conf import settings

    tables, refs = {}, set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        rows = list(model._base_manager.order_by("pk").values_list())
        text = json.dumps(rows, default=str, sort_keys=True)
        tables[model._meta.label] = [len(rows), hashlib.sha256(text.encode()).hexdigest()]
        if any(f.name == "stored_file" for f in model._meta.concrete_fields):
            refs |= set(model._base_manager.values_list("stored_file", flat=True))
    media = Path(settings.MEDIA_ROOT)
    files = {
        str(p.relative_to(media)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(media.rglob("*"))
        if p.is_file()
    }
    from retroduce.core.models import Project

    return {
        "tables": tables,
        "files": files,
        "refs": sorted(r for r in refs if r),
        "versions": {p.slug: versions(p.slug) for p in Project.objects.all()},
    }


def owner_of(project):  # noqa: ANN001,ANN201
    from retroduce.core.models import Role

    return project.memberships.filter(role=Role.OWNER).order_by("pk").first().user


def freeze(slug: str) -> int:
    from retroduce.core.models import Project
    from retroduce.theory.models import TheoryVersion
    from retroduce.theory.services import start_version

    project = Project.objects.get(slug=slug)
    version = start_version(
        project, owner_of(project), TheoryVersion.Stage.REFINED, "Started by the kill test"
    )
    return version.number


def versions(slug: str) -> list[list]:
    from retroduce.theory.models import TheoryVersion

    return [
        [v.number, v.frozen, v.components.count()]
        for v in TheoryVersion.objects.filter(project__slug=slug).order_by("number")
    ]


def enlarge(slug: str, n: int) -> None:
    from retroduce.coding.models import Fragment
    from retroduce.core.models import Project
    from retroduce.theory import cmocs
    from retroduce.theory.changes import Why
    from retroduce.theory.services import add_component

    project = Project.objects.get(slug=slug)
    owner = owner_of(project)
    version = project.theory_versions.order_by("-number").first()
    fragments = list(
        Fragment.objects.filter(document__project=project).values_list("pk", flat=True)
    )
    why = Why(rationale="Added to make the theory large enough to kill a freeze midway.")
    for i in range(n):
        component = add_component(
            version, owner, name=f"Extra component {i}", description=f"Added for size {i}", why=why
        )
        for j in range(3):
            cmoc = cmocs.create_cmoc(
                component,
                owner,
                why,
                context=f"Context {i}.{j}",
                mechanism_resource=f"Resource {i}.{j}",
                mechanism_response=f"Response {i}.{j}",
                outcome=f"Outcome {i}.{j}",
            )
            if fragments and j == 0 and i < 10:  # each link refreshes provenance: slow
                cmocs.link_evidence(cmoc, owner, fragments[i % len(fragments) :][:2])


def queue_import(slug: str, path: str) -> int:
    from retroduce.core.models import Project
    from retroduce.sources.tasks import queue_import

    project = Project.objects.get(slug=slug)
    data = Path(path).read_bytes()
    return queue_import(project, owner_of(project), Path(path).name, data).pk


def vote(slug: str, n: int) -> None:
    """The owner votes on the first n unvoted records, include and exclude in turn."""
    from retroduce.core.models import Project
    from retroduce.screening import services
    from retroduce.sources.models import Record

    project = Project.objects.get(slug=slug)
    owner = owner_of(project)
    unvoted = Record.objects.filter(project=project, duplicate_of__isnull=True).exclude(
        decisions__reviewer=owner
    )
    for i, record in enumerate(unvoted.order_by("pk")[:n]):
        services.cast_vote(project, owner, record, "ta", ("include", "exclude")[i % 2])


def tasks(slug: str) -> dict:
    """What the pages would show about background work: imports, progress bars, retrain flags."""
    from retroduce.core.models import TaskProgress
    from retroduce.screening.models import Ranking
    from retroduce.sources.models import ImportBatch, Record

    return {
        "imports": [
            [b.file_name, b.status, b.error]
            for b in ImportBatch.objects.filter(project__slug=slug).order_by("pk")
        ],
        "progress": [[t.label, t.status, t.message] for t in TaskProgress.objects.order_by("pk")],
        "rankings": [
            [r.stage, r.task_queued, r.labelled]
            for r in Ranking.objects.filter(project__slug=slug).order_by("stage")
        ],
        "records": Record.objects.filter(project__slug=slug).count(),
    }


def main(argv: list[str]) -> None:
    command, args = argv[0], argv[1:]
    install_probe()
    if command == "cli":
        from retroduce.site.cli import main as retroduce

        sys.argv = ["retroduce", *args]
        retroduce()
        return
    start()
    if command == "snapshot":
        print(json.dumps(snapshot()))
    elif command == "freeze":
        print(freeze(args[0]))
    elif command == "enlarge":
        enlarge(args[0], int(args[1]))
    elif command == "queue-import":
        print(queue_import(args[0], args[1]))
    elif command == "vote":
        vote(args[0], int(args[1]))
    elif command == "tasks":
        print(json.dumps(tasks(args[0])))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
