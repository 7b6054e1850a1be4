"""Team load benchmark, step 1: a throwaway PostgreSQL database with a 100,000-record project.

    .venv/bin/python bench/load/setup.py [--records 100000] [--pages 300] [--reviewers 20]
    .venv/bin/python bench/load/setup.py --drop /tmp/retroduce-load-XXXX/state.json

Run with the project's interpreter (it imports Retroduce). It creates, on the PostgreSQL server at
--server (default postgresql://postgres@127.0.0.1:5432, trust auth as on the dev machines):

- a database `retroduce_load_<random>` and a fresh RETRODUCE_HOME under /tmp;
- the demo review (`retroduce demo --no-serve`: migrations, theory versions with components and
  CMOCs, documents and coding), which is the project every page of the run reads;
- `--records` synthetic RIS records (bench/import_ris.py's generator) imported into it with
  `retroduce import` (parse, save, deduplicate: the real CLI path);
- a `--pages`-page PDF (tests/documents/pdfs.py's builder) attached with `retroduce attach`, then
  60 passages on it coded with the project's codes (coding.services.code_passage);
- `--reviewers` reviewer accounts (reviewer01...) and one owner (load-owner), made members;
- a few seed votes by the owner (so the model has an include and an exclude) and one retrain,
  which builds and caches the TF-IDF features of every record, as a project in use has them;
- VACUUM ANALYZE of the database: PostgreSQL on these machines runs with autovacuum off, and a
  server with it on would have done this within a minute of the import.

It writes state.json into the home (the environment to use, the slug, the document id, the
accounts) and prints its path; bench/load/run.py reads it. `--drop STATE` drops the database and
deletes the home.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
RETRODUCE = Path(sys.executable).with_name("retroduce")
PASSWORD = "load-test-password-2026"  # throwaway accounts in a throwaway database
SLUG = "integrated-care-leadership"


def _admin(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _vacuum(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def _cli(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([str(RETRODUCE), *args], env=env, check=True, cwd=ROOT)
    return time.perf_counter() - started


def _ris_generator():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("import_ris", HERE.parent / "import_ris.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.generate


def drop(state_path: Path) -> None:
    state = json.loads(state_path.read_text())
    _admin(state["server"], f'DROP DATABASE IF EXISTS "{state["database"]}" WITH (FORCE)')
    shutil.rmtree(state["home"], ignore_errors=True)
    print(f"Dropped {state['database']} and removed {state['home']}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--drop", type=Path, metavar="STATE", help="drop a setup's database")
    args = parser.parse_args()
    if args.drop:
        drop(args.drop)
        return

    database = f"retroduce_load_{secrets.token_hex(4)}"
    home = Path(tempfile.mkdtemp(prefix="retroduce-load-"))
    _admin(args.server, f'CREATE DATABASE "{database}"')
    env = {
        **os.environ,
        "DATABASE_URL": f"{args.server}/{database}",
        "RETRODUCE_HOME": str(home / "home"),
    }
    timings: dict[str, float] = {}
    print(f"Database {database}, home {home}")

    timings["migrate and load the demo"] = _cli(env, "demo", "--no-serve")

    export = home / "export.ris"
    started = time.perf_counter()
    _ris_generator()(export, args.records)
    timings[f"generate {args.records:,} RIS records"] = time.perf_counter() - started
    timings[f"retroduce import ({args.records:,} records)"] = _cli(env, "import", SLUG, str(export))
    export.unlink()

    sys.path.insert(0, str(ROOT))
    from tests.documents.pdfs import make_long_pdf

    pdf = home / "long-realist-evaluation.pdf"
    started = time.perf_counter()
    pdf.write_bytes(make_long_pdf(args.pages, paragraphs_per_page=9))
    timings[f"build a {args.pages}-page PDF"] = time.perf_counter() - started
    timings[f"retroduce attach ({args.pages} pages)"] = _cli(env, "attach", SLUG, str(pdf))

    # The rest runs in this process, against the same database.
    os.environ.update(DATABASE_URL=env["DATABASE_URL"], RETRODUCE_HOME=env["RETRODUCE_HOME"])
    os.environ["DJANGO_SETTINGS_MODULE"] = "retroduce.site.settings"
    from retroduce.site import runtime

    runtime.setup()
    from retroduce.coding.codebook import ensure_codebook, live_codes
    from retroduce.coding.services import code_passage
    from retroduce.core import services
    from retroduce.core.models import Project, Role
    from retroduce.documents.models import Document
    from retroduce.screening.models import Stage, Vote
    from retroduce.screening.ranking_service import retrain
    from retroduce.screening.services import cast_vote
    from retroduce.sources.models import Record

    project = Project.objects.get(slug=SLUG)
    owner_demo = project.memberships.get(role=Role.OWNER).user
    reviewers = [f"reviewer{n:02d}" for n in range(1, args.reviewers + 1)]
    for name in ["load-owner", *reviewers]:
        services.create_user(name, PASSWORD)
        services.add_member(
            project, owner_demo, name, Role.OWNER if name == "load-owner" else Role.REVIEWER
        )
    from django.contrib.auth import get_user_model

    owner = get_user_model().objects.get(username="load-owner")

    document = Document.objects.filter(project=project, file_name=pdf.name).order_by("-id").first()
    assert document is not None and len(document.pages) == args.pages, "the PDF was not extracted"
    ensure_codebook(project)
    codes = list(live_codes(project).filter(parent__isnull=False).order_by("pk")[:12]) or list(
        live_codes(project).order_by("pk")[:12]
    )
    started = time.perf_counter()
    for n in range(60):
        page = 1 + (n * 5) % args.pages
        start, text = document.page_text(page)
        offset = start + (n * 97) % max(1, len(text) - 400)
        code_passage(document, owner, offset, offset + 300, [codes[n % len(codes)].pk])
    timings["code 60 passages"] = time.perf_counter() - started

    # Seed votes so the model can train, then one retrain builds the feature cache (what the first
    # retrain of a real project does once; later retrains reuse it).
    seed = list(
        Record.objects.filter(project=project, duplicate_of__isnull=True).order_by("pk")[:10]
    )
    for i, record in enumerate(seed):
        cast_vote(
            project, owner, record, Stage.TITLE_ABSTRACT, Vote.INCLUDE if i < 3 else Vote.EXCLUDE
        )
    started = time.perf_counter()
    ranking = retrain(project, Stage.TITLE_ABSTRACT)
    timings["first retrain (builds the feature cache)"] = time.perf_counter() - started

    # PostgreSQL on the dev machines runs with autovacuum off; a server with it on would have
    # vacuumed and analysed the freshly imported tables within a minute, so do that once here.
    started = time.perf_counter()
    _vacuum(env["DATABASE_URL"])
    timings["VACUUM ANALYZE (autovacuum is off here)"] = time.perf_counter() - started

    unique = Record.objects.filter(project=project, duplicate_of__isnull=True).count()
    state = {
        "server": args.server,
        "database": database,
        "home": str(home),
        "env": {"DATABASE_URL": env["DATABASE_URL"], "RETRODUCE_HOME": env["RETRODUCE_HOME"]},
        "slug": SLUG,
        "document": document.pk,
        "document_pages": len(document.pages),
        "records": Record.objects.filter(project=project).count(),
        "unique_records": unique,
        "reviewers": reviewers,
        "owner": "load-owner",
        "password": PASSWORD,
        "ranked": len(ranking.order),
        "timings": timings,
    }
    state_path = home / "state.json"
    state_path.write_text(json.dumps(state, indent=2))
    print()
    for label, seconds in timings.items():
        print(f"{label:45} {seconds:8.1f} s")
    print(
        f"\nProject {SLUG}: {state['records']:,} records ({unique:,} unique), document "
        f"{document.pk} with {len(document.pages)} pages, {len(reviewers)} reviewers."
    )
    print("Environment:")
    for key, value in state["env"].items():
        print(f"  export {key}={value}")
    print(f"State: {state_path}")


if __name__ == "__main__":
    main()
