"""Benchmark: a whole project import at scale, and the records list on the result.

    .venv/bin/python bench/project_scale.py [--records 100000] [--database-url URL]

Generates a synthetic RIS export (bench/import_ris.py's generator, fixed seed), then, in a fresh
RETRODUCE_HOME, runs the same import the web upload and `retroduce import` run: parse, save every
record with its origin, deduplicate the project. Each phase is timed from the progress reports.
Then it times the records list (page 1, a deep page, a text search, a duplicate-status filter and an
origin filter) through Django's test client, best of 3, as a signed-in reviewer would load them.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _generator():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("import_ris", HERE / "import_ris.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="PostgreSQL URL; default SQLite")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="retroduce-scale-"))
    export = work / "export.ris"
    _generator()(export, args.records)
    os.environ["RETRODUCE_HOME"] = str(work / "home")
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "retroduce.site.settings"
    sys.path.insert(0, str(HERE.parent / "src"))

    from retroduce.site import runtime

    runtime.setup()
    runtime.migrate()
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS.append("testserver")
    from retroduce.core import services
    from retroduce.sources import episodes
    from retroduce.sources.importing import run_import, store_upload

    user = services.create_user("bench", "bench-password-123")
    project = services.create_project(user, "Scale test")
    episode = episodes.create_episode(project, user, purpose="evidence", source="Synthetic")

    marks: dict[str, float] = {}

    def report(done: int, total: int, message: str = "") -> None:
        phase = "parse" if done < 60 else "save" if done < 75 else "dedup"
        marks.setdefault(phase, time.perf_counter())

    start = time.perf_counter()
    batch = store_upload(project, user, export.name, export.read_bytes(), episode)
    outcome = run_import(batch, user, report)
    end = time.perf_counter()
    save_start = marks.get("save", end)
    dedup_start = marks.get("dedup", end)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    engine = "PostgreSQL" if args.database_url else "SQLite"
    rows = [
        ("parse", save_start - start),
        ("save records and origins", dedup_start - save_start),
        ("deduplicate the project", end - dedup_start),
        ("whole import", end - start),
    ]
    print(f"\n{outcome.summary}\n")
    print(f"| import of {args.records:,} RIS records ({engine}) | seconds |")
    print("|---|---|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.1f} |")
    print(f"| peak memory of the process | {peak_mib:,.0f} MiB |")

    client = Client()
    client.force_login(user)
    base = f"/p/{project.slug}/sources/records/"
    queries = {
        "page 1": "",
        "page 1,000": "?page=1000",
        "search 'integrated care'": "?q=integrated+care",
        "unique records only": "?status=unique",
        "found by the episode, page 500": f"?episode={episode.pk}&page=500",
    }
    print(f"\n| records list over {args.records:,} records ({engine}) | best of 3, ms |")
    print("|---|---|")
    for label, query in queries.items():
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            response = client.get(base + query)
            best = min(best, time.perf_counter() - t0)
            assert response.status_code == 200, response.status_code
        print(f"| {label} | {best * 1000:.0f} |")


if __name__ == "__main__":
    main()
